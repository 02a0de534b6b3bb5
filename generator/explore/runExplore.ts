/**
 * `potgen explore`: the design space of one network, cycles per inference against resources and
 * energy. Each point is a quantisation variant folded by autoFold for a target of cycles; every
 * point is built, synthesised and simulated at gate level exactly as `potgen compare` measures a
 * variant, and the reports mark the Pareto fronts of cycles against LUT, DSP and energy.
 *
 * A run measures every point here (`--jobs` at once), one point (`--point i`, an array task), or
 * none (`--emit-jobs`, which writes job files for Slurm and GitHub Actions); `collectExplore`
 * merges the points' result.json files into the reports a local run writes, byte for byte.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import type { QuantVariant } from '../dsl/types.ts';
import { measureActivity } from '../energy/gateLevel.ts';
import { estimateEnergy, loadCoefficients, type EnergyCoefficients } from '../energy/model.ts';
import { loadModel } from '../load/loadModel.ts';
import { laneUse } from '../passes/laneUse.ts';
import { buildPrepared, prepareNetwork } from '../pipeline/buildDesign.ts';
import { writePlan } from '../write/writePlan.ts';
import { pool } from '../core/pool.ts';
import { writeWhole } from '../write/writeWhole.ts';
import { jobFiles } from './jobs.ts';
import { planExplore, type ExplorePlan, type PlannedPoint, type PlanWork } from './plan.ts';
import { EXPLORE_METHOD, exploreReport, toHtml, toJson, toMarkdown, type ExploreReport, type PointFigures, type PointResult } from './report.ts';

export interface ExploreOptions {
  /** Folder for the reports and points/<label>/; default rtl-out/<design>-explore. */
  readonly out?: string;
  /** Quantisation variants (default: the model file's own). */
  readonly variants?: readonly QuantVariant[];
  /** Explicit targets of cycles per inference, instead of a series. */
  readonly targets?: readonly number[];
  /** Targets per variant in the geometric series (default 10). */
  readonly points?: number;
  /** Points measured at once (default 2: synthesis and simulation each keep a core busy). */
  readonly jobs?: number;
  /** Measure only this point (an array task). */
  readonly point?: number;
  /** Write job files instead of measuring: into this folder, or (true) into `out`. Without `out`, the tasks write into it too. */
  readonly emitJobs?: string | true;
  readonly progress?: (message: string) => void;
}

/** What a run did: the reports it wrote, one point's result, or the job files. */
export type ExploreOutcome =
  | { readonly kind: 'reports'; readonly report: ExploreReport; readonly markdown: string; readonly files: readonly string[] }
  | { readonly kind: 'point'; readonly point: PointFigures; readonly files: readonly string[] }
  | { readonly kind: 'jobs'; readonly plan: ExplorePlan; readonly out: string; readonly files: readonly string[] };

/** The report files, in the order they are written. */
export const REPORT_FILES = ['explore.md', 'explore.json', 'explore.html'] as const;

/** A point's folder, relative to the exploration's. */
function pointDir(label: string): string {
  return `points/${label}`;
}

/** Builds, measures and records one point; its result.json is written whole. */
async function measurePoint(work: PlanWork, point: PlannedPoint, out: string, coefficients: EnergyCoefficients, progress: (m: string) => void): Promise<PointResult> {
  const quant = work.quantOf.get(point.quant);
  progress('building');
  const built = buildPrepared(work.prepared, { ...(quant ? { quant } : {}), targetCycles: point.target, images: work.images });
  const chosen = built.folding!.choices.map((c) => `${c.layer}:${c.pe}x${c.simd}`).join(',');
  if (chosen !== point.folding.map((c) => `${c.layer}:${c.pe}x${c.simd}`).join(',')) {
    throw new Error(`${point.label}: the build folded as ${chosen}, not as planned`);
  }
  const design = path.join(out, pointDir(point.label), 'design');
  writePlan(built.plan, design);
  const activity = await measureActivity(design, { progress });
  const energy = estimateEnergy(activity.cellActivity, activity.synthesis, coefficients);
  const lanes = laneUse(built.hw);
  const busy = new Map(lanes.layers.map((l) => [l.layer, l.utilisation]));
  const s = activity.synthesis;
  const figures: PointFigures = {
    index: point.index,
    label: point.label,
    quant: point.quant,
    target: point.target,
    merged: point.merged,
    design: `${pointDir(point.label)}/design`,
    folding: point.folding.map((f) => ({ ...f, utilisation: busy.get(f.layer) ?? 0 })),
    lanes: lanes.lanes,
    utilisation: lanes.utilisation,
    analyticCycles: built.hw.cyclesPerFrame,
    cycles: activity.cycles,
    estimatedLuts: point.estimatedLuts,
    luts: s.luts,
    lutram: s.lutram,
    flipFlops: s.flipFlops,
    carry: s.carry,
    dsp: s.dsp,
    bram: s.bram,
    toggles: activity.toggles,
    energyNanojoules: energy.totalPicojoules / 1000,
  };
  const text = `${JSON.stringify({ plan: work.plan, point: figures } satisfies PointResult, null, 2)}\n`;
  writeWhole(path.join(out, pointDir(point.label), 'result.json'), text);
  progress(`${s.luts.toLocaleString('en-US')} LUT, ${s.dsp} DSP, ${activity.cycles} cycles, ${(energy.totalPicojoules / 1000).toFixed(2)} nJ per inference${activity.cached ? ' (cached)' : ''}`);
  // What the reports read is what the file holds, so a collected run reports the same bytes.
  return JSON.parse(text) as PointResult;
}

/** Writes the three reports of `plan` and its measured points; returns the report and the Markdown. */
async function writeReports(out: string, plan: ExplorePlan, measured: readonly PointFigures[], coefficients: EnergyCoefficients): Promise<Extract<ExploreOutcome, { kind: 'reports' }>> {
  const report = exploreReport(plan, measured);
  const markdown = toMarkdown(report, EXPLORE_METHOD);
  // Render everything before writing anything, so that a failure leaves no report half-updated.
  const texts = [markdown, toJson(report, EXPLORE_METHOD, coefficients), await toHtml(report, EXPLORE_METHOD)];
  const files = REPORT_FILES.map((f) => path.join(out, f));
  files.forEach((f, i) => writeWhole(f, texts[i]!));
  return { kind: 'reports', report, markdown, files };
}

/** Plans, then measures every point, one point, or writes job files, as `options` says. */
export async function runExplore(modelPath: string, options: ExploreOptions = {}): Promise<ExploreOutcome> {
  const progress = options.progress ?? ((): void => {});
  const loaded = loadModel(modelPath);
  const out = options.out ?? (typeof options.emitJobs === 'string' ? options.emitJobs : path.join('rtl-out', `${loaded.network.name}-explore`));
  const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file, { progress });
  const work = planExplore(prepared, {
    ...(options.variants ? { variants: options.variants } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
    ...(options.points !== undefined ? { points: options.points } : {}),
    progress,
  });
  const { plan } = work;
  for (const t of plan.impossible) progress(`${t.quant} at ${t.target} cycles: not reachable. ${t.reason}`);
  for (const m of plan.merged) progress(`${m.quant} at ${m.target} cycles: the same folding as ${m.into}, measured once`);
  const n = plan.points.length;
  progress(`${n} point${n === 1 ? '' : 's'}: ${plan.points.map((p) => `${p.index} ${p.label}`).join(', ')}`);

  if (options.emitJobs !== undefined) {
    const jobsDir = options.emitJobs === true ? out : options.emitJobs;
    const texts = jobFiles(plan, {
      model: modelPath,
      out,
      jobsDir,
      workdir: process.cwd(),
      args: {
        ...(options.variants ? { variants: options.variants } : {}),
        ...(options.targets ? { targets: options.targets } : {}),
        ...(options.points !== undefined ? { points: options.points } : {}),
      },
    });
    const files = [...texts.keys()].map((f) => path.join(jobsDir, f));
    [...texts.values()].forEach((text, i) => writeWhole(files[i]!, text));
    return { kind: 'jobs', plan, out, files };
  }

  const coefficients = loadCoefficients();
  if (options.point !== undefined) {
    const point = plan.points[options.point];
    if (!point) throw new PotgenError(`There is no point ${options.point}: the plan has ${n} point${n === 1 ? '' : 's'}, 0 to ${n - 1}.`);
    checkJobsAgree(out, plan);
    const result = await measurePoint(work, point, out, coefficients, (m) => progress(`${point.label}: ${m}`));
    return { kind: 'point', point: result.point, files: [path.join(out, pointDir(point.label), 'result.json')] };
  }

  const { results, failures } = await pool(plan.points, options.jobs ?? 2, (point, i) =>
    measurePoint(work, point, out, coefficients, (m) => progress(`[${i + 1}/${n}] ${point.label}: ${m}`)),
  );
  if (failures.length) {
    const why = failures.map((f) => `  ${plan.points[f.index]!.label}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('\n');
    // A bug is not the user's to fix: rethrow it as it is.
    const bug = failures.find((f) => !(f.error instanceof PotgenError));
    if (bug) throw bug.error;
    throw new PotgenError(
      `${failures.length} of ${n} points could not be measured, so no report was written:\n${why}\nThe others' results are in ${displayPath(path.join(out, 'points'))}; potgen explore --collect ${displayPath(out)} --allow-missing reports them.`,
    );
  }
  // The plan as the result files hold it, as --collect will read it.
  return writeReports(out, results[0]!.plan, results.map((r) => r!.point), coefficients);
}

/** A task's plan must be the one its job files were emitted with, else its result would not fit. */
function checkJobsAgree(out: string, plan: ExplorePlan): void {
  const file = path.join(out, 'explore-jobs.json');
  if (!existsSync(file)) return;
  const emitted = readJson<{ plan?: ExplorePlan }>(file).plan;
  if (emitted && JSON.stringify(emitted) !== JSON.stringify(plan)) {
    throw new PotgenError(
      `${displayPath(file)} was emitted for another plan (other options, another model or another potgen): its points are ${emitted.points.map((p) => p.label).join(', ')}, these are ${plan.points.map((p) => p.label).join(', ')}. Run the tasks with the options of its command, or emit the jobs again.`,
    );
  }
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new PotgenError(`${displayPath(file)} cannot be read as JSON: ${(e as Error).message}.`);
  }
}

export interface CollectOptions {
  /** Write the reports even when some planned points have no result. */
  readonly allowMissing?: boolean;
  readonly progress?: (message: string) => void;
}

/**
 * The reports of an exploration whose points were measured elsewhere: every
 * `<dir>/points/<label>/result.json`, checked to belong to one plan (explore-jobs.json's when it
 * is there). Without allowMissing, a planned point with no result is an error naming each one.
 */
export async function collectExplore(dir: string, options: CollectOptions = {}): Promise<Extract<ExploreOutcome, { kind: 'reports' }>> {
  const points = path.join(dir, 'points');
  const found = existsSync(points) && statSync(points).isDirectory()
    ? readdirSync(points)
        .sort()
        .filter((d) => existsSync(path.join(points, d, 'result.json')))
    : [];
  const jobsFile = path.join(dir, 'explore-jobs.json');
  const emitted = existsSync(jobsFile) ? readJson<{ plan?: ExplorePlan }>(jobsFile).plan : undefined;
  if (found.length === 0 && !emitted) {
    throw new PotgenError(`${displayPath(dir)} holds no points/<label>/result.json and no explore-jobs.json: there is nothing to collect. Measure points with potgen explore <model> --out ${displayPath(dir)} --point <i>.`);
  }
  const results = found.map((d) => {
    const file = path.join(points, d, 'result.json');
    const r = readJson<Partial<PointResult>>(file);
    if (!r.plan || !r.point || r.point.label !== d) throw new PotgenError(`${displayPath(file)} is not the result of point ${d} of potgen explore.`);
    return { file, result: r as PointResult };
  });
  const plan = emitted ?? results[0]!.result.plan;
  const key = JSON.stringify(plan);
  const strangers = results.filter((r) => JSON.stringify(r.result.plan) !== key);
  if (strangers.length) {
    throw new PotgenError(
      `These results belong to another exploration (other options, another model or another potgen) than ${emitted ? displayPath(jobsFile) : displayPath(results[0]!.file)}: ${strangers.map((r) => displayPath(r.file)).join(', ')}. Remove them, or measure them again with the same options.`,
    );
  }
  const measured = results.map((r) => r.result.point);
  const have = new Set(measured.map((p) => p.label));
  const missing = plan.points.filter((p) => !have.has(p.label));
  if (missing.length && !options.allowMissing) {
    throw new PotgenError(
      `${missing.length} of ${plan.points.length} points have no result.json in ${displayPath(points)}:\n${missing.map((p) => `  point ${p.index}: ${p.label}`).join('\n')}\nRun them (potgen explore <model> --out ${displayPath(dir)} --point <i>), or pass --allow-missing to report the others.`,
    );
  }
  if (measured.length === 0) throw new PotgenError(`No point of ${displayPath(dir)} has a result yet: there is nothing to report.`);
  for (const p of missing) options.progress?.(`point ${p.index} (${p.label}) has no result; reporting without it`);
  return writeReports(dir, plan, measured, loadCoefficients());
}
