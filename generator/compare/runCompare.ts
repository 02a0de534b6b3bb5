/**
 * `potgen compare`: the same network and array sizes built as several quantisation variants, each
 * measured the same way, side by side.
 *
 * For every variant: the bit-exact integer model's accuracy on the data set's test images (when
 * the model has one), a full build, synthesis with Yosys, a gate-level simulation of one
 * steady-state frame of the same real input images, its toggles by driving cell type, and an
 * energy estimate from them. Nothing in the table is typed in: every figure is measured in the
 * run (or read back from the content-hash cache of an identical earlier run).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FeatureMap } from '../core/shapes.ts';
import { PotgenError } from '../core/errors.ts';
import type { QuantVariant, WeightQuantOptions } from '../dsl/types.ts';
import { loadModel } from '../load/loadModel.ts';
import { buildPrepared, prepareNetwork, type PreparedNetwork } from '../pipeline/buildDesign.ts';
import { floatAccuracy, integerAccuracy, variantLabel, weightSparsity } from '../report/accuracy.ts';
import { writePlan } from '../write/writePlan.ts';
import { writeWhole } from '../write/writeWhole.ts';
import { pool } from '../core/pool.ts';
import { folderName } from '../core/paths.ts';
import { comparisonTable, toMarkdown, type ComparisonTable, type PruningCurve, type VariantFigures } from './table.ts';
import { htmlReport } from './htmlReport.ts';
import { compileNetwork } from '../pipeline/buildDesign.ts';
import { measureActivity, type ActivityMeasurement } from '../energy/gateLevel.ts';
import { energyRange, estimateEnergy, loadCoefficients, type EnergyCoefficients, type EnergyEstimate } from '../energy/model.ts';
import { testSet } from '../data/datasets.ts';

/** The variants `compare` builds when none are named: PoT 3/4/5 and uniform 4/8 with a real-valued scale per layer. */
export const DEFAULT_COMPARE_VARIANTS: readonly QuantVariant[] = [
  { kind: 'pot', bits: 3 },
  { kind: 'pot', bits: 4 },
  { kind: 'pot', bits: 5 },
  { kind: 'uniform', bits: 4 },
  { kind: 'uniform', bits: 8 },
];

export interface CompareOptions {
  readonly variants?: readonly QuantVariant[];
  /** The label of the variant every ratio divides by; default the uniform 8-bit variant. */
  readonly baseline?: string;
  /** Folder for the reports and the variants' designs. */
  readonly out: string;
  /** Test images for the accuracy column (default: all). */
  readonly images?: number;
  /** An energy coefficient file instead of generator/energy/coefficients.json. */
  readonly coefficients?: string;
  /** Also write each variant's SAIF file (from an RTL simulation of the same frame). */
  readonly saif?: boolean;
  /** Variants measured at once (default 2: synthesis and simulation each keep a core busy). */
  readonly jobs?: number;
  readonly progress?: (message: string) => void;
}

/** What one variant's hardware measurement gave, kept for the JSON report. */
export interface VariantMeasurement {
  readonly label: string;
  readonly directory: string;
  /** Fraction of zero weights. */
  readonly sparsity: number;
  readonly activity: ActivityMeasurement;
  readonly energy: EnergyEstimate;
}

export interface CompareResult {
  readonly table: ComparisonTable;
  readonly measurements: readonly VariantMeasurement[];
  /** The report files written: compare.md, compare.json, compare.html, compare-timing.json. */
  readonly files: readonly string[];
  readonly seconds: { readonly accuracy: number; readonly hardware: number; readonly total: number };
}


/** The pruning targets of a curve: 0 to 90% in steps of 10. */
export const PRUNING_TARGETS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * Accuracy of the float model and of every variant on the test set, and, for each PoT width that
 * a pruned variant uses, the curve of accuracy against sparsity over PRUNING_TARGETS (integer
 * models only: cheap beside building hardware). Undefined without a data set.
 */
function accuracies(
  prepared: PreparedNetwork,
  variants: readonly QuantVariant[],
  count: number | undefined,
  progress: (m: string) => void,
): { float: number; images: number; byVariant: number[]; curves: PruningCurve[] } | undefined {
  if (!prepared.spec.dataset) return undefined;
  const test = testSet(prepared.spec);
  const n = Math.min(count ?? test.count, test.count);
  const images: FeatureMap[] = test.images(0, n);
  progress(`accuracy: float model on ${n} test images`);
  const pct = (r: { correct: number; total: number }): number => (100 * r.correct) / r.total;
  const float = pct(floatAccuracy(prepared, images, test.labels));
  const byVariant = variants.map((q) => {
    progress(`accuracy: ${variantLabel(q)} (bit-exact integer model)`);
    return pct(integerAccuracy(compileNetwork(prepared, { quant: q }).ir, images, test.labels, variantLabel(q)));
  });
  const prunedBits = [...new Set(variants.filter((q) => q.kind === 'pot' && q.prune).map((q) => q.bits))].sort((a, b) => a - b);
  const curves = prunedBits.map((bits) => ({
    bits,
    points: PRUNING_TARGETS.map((target) => {
      const q: WeightQuantOptions = target ? { kind: 'pot', bits, prune: target } : { kind: 'pot', bits };
      const known = variants.findIndex((v) => variantLabel(v) === variantLabel(q));
      progress(`pruning curve: ${variantLabel(q)}`);
      const { ir } = compileNetwork(prepared, { quant: q });
      const accuracy = known >= 0 ? byVariant[known]! : pct(integerAccuracy(ir, images, test.labels, variantLabel(q)));
      return { target, sparsity: weightSparsity(ir), accuracy };
    }),
  }));
  return { float, images: n, byVariant, curves };
}

/** Builds, measures and compares the variants of the network in `modelPath`. */
export async function runCompare(modelPath: string, options: CompareOptions): Promise<CompareResult> {
  const progress = options.progress ?? ((): void => {});
  const started = performance.now();
  const variants = options.variants ?? DEFAULT_COMPARE_VARIANTS;
  const labels = variants.map(variantLabel);
  const duplicate = labels.find((l, i) => labels.indexOf(l) !== i);
  if (duplicate) throw new PotgenError(`The variant ${duplicate} is named twice.`);
  const baseline = options.baseline ?? labels.find((l) => l === variantLabel({ kind: 'uniform', bits: 8 })) ?? labels.at(-1)!;
  if (!labels.includes(baseline)) throw new PotgenError(`The baseline ${baseline} is not among the variants (${labels.join(', ')}).`);
  const coefficients: EnergyCoefficients = loadCoefficients(options.coefficients);

  const loaded = loadModel(modelPath);
  const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file, { progress });
  const accuracy = accuracies(prepared, variants, options.images, progress);
  const accuracySeconds = (performance.now() - started) / 1000;

  // Every variant sees the same input images: the first build chooses them, the others reuse them.
  const designs = path.join(options.out, 'designs');
  let images: readonly FeatureMap[] | undefined;
  const builds = variants.map((q, i) => {
    progress(`${labels[i]}: building`);
    const result = buildPrepared(prepared, { quant: q, ...(images ? { images } : {}) });
    images ??= result.images;
    const directory = path.join(designs, folderName(labels[i]!));
    writePlan(result.plan, directory);
    return { label: labels[i]!, directory, sparsity: weightSparsity(result.ir) };
  });

  const hardwareStarted = performance.now();
  const measured = await pool(builds, options.jobs ?? 2, async ({ label, directory, sparsity }) => {
    const activity = await measureActivity(directory, {
      ...(options.saif ? { saif: true } : {}),
      progress: (m: string) => progress(`${label}: ${m}`),
    });
    const energy = estimateEnergy(activity.cellActivity, activity.synthesis, coefficients);
    progress(`${label}: ${(energy.totalPicojoules / 1000).toFixed(2)} nJ per inference${activity.cached ? ' (cached)' : ''}`);
    return { label, directory, sparsity, activity, energy };
  });
  // Every variant has finished; the first to fail (in the variants' order) says why.
  if (measured.failures.length) throw measured.failures[0]!.error;
  const measurements = measured.results as VariantMeasurement[];
  const hardwareSeconds = (performance.now() - hardwareStarted) / 1000;

  const base = measurements.find((m) => m.label === baseline)!;
  const rows: VariantFigures[] = measurements.map((m, i) => {
    const s = m.activity.synthesis;
    const range = energyRange(m.activity, base.activity, coefficients);
    return {
      variant: m.label,
      ...(accuracy ? { accuracy: accuracy.byVariant[i]! } : {}),
      sparsity: m.sparsity,
      cyclesPerInference: m.activity.cycles,
      luts: s.luts,
      flipFlops: s.flipFlops,
      carry: s.carry,
      dsp: s.dsp,
      bram: s.bram,
      togglesPerInference: m.activity.toggles,
      energyNanojoules: m.energy.totalPicojoules / 1000,
      energyRatioRange: range,
    };
  });
  const table = comparisonTable(prepared.spec.name, rows, baseline, accuracy ? { float: accuracy.float, images: accuracy.images } : undefined, accuracy?.curves);

  mkdirSync(options.out, { recursive: true });
  const seconds = { accuracy: accuracySeconds, hardware: hardwareSeconds, total: (performance.now() - started) / 1000 };
  const files = ['compare.md', 'compare.json', 'compare.html', 'compare-timing.json'].map((f) => path.join(options.out, f));
  writeWhole(files[0]!, `# ${prepared.spec.name}: power-of-two beside uniform\n\n${toMarkdown(table)}\n${METHOD}\n`);
  // compare.json holds only what the inputs determine, so an unchanged run rewrites it byte for
  // byte; how long each step took (and whether it came from the cache) goes to compare-timing.json.
  writeWhole(
    files[1]!,
    `${JSON.stringify(
      {
        ...table,
        method: METHOD,
        // The values used, not the file's path (which depends on where potgen is installed).
        coefficients: Object.fromEntries(Object.entries(coefficients.coefficients).map(([name, c]) => [name, { value: c.value, range: c.range, unit: c.unit }])),
        variants: measurements.map((m) => {
          const { seconds: _s, cached: _c, vcdFile: _v, saifFile, synthesis, ...rest } = m.activity;
          // Without the synthesis's duration, which a fresh run changes.
          const { seconds: _t, ...resources } = synthesis;
          const activity = { ...rest, synthesis: resources };
          return { label: m.label, design: path.relative(options.out, m.directory), ...(saifFile ? { saif: path.relative(options.out, saifFile) } : {}), energy: { ...m.energy, coefficients: undefined }, activity };
        }),
      },
      null,
      2,
    )}\n`,
  );
  writeWhole(files[2]!, await htmlReport(table, METHOD));
  writeWhole(
    files[3]!,
    `${JSON.stringify({ seconds, variants: measurements.map((m) => ({ label: m.label, cached: m.activity.cached, seconds: m.activity.seconds })) }, null, 2)}\n`,
  );
  return {
    table,
    measurements,
    files,
    seconds,
  };
}

/** How the figures were obtained, printed under every table. */
export const METHOD =
  'Accuracy: the bit-exact integer model (which the RTL matches output for output) on the data set\'s test images. ' +
  'Resources: Yosys synth_xilinx -family xcup (UltraScale+ primitives), not Vivado. ' +
  'Cycles, toggles and energy: the whole Yosys netlist simulated cycle by cycle (potgen\'s netlist simulator, with the semantics of Yosys\'s Xilinx cell models and potgen\'s block RAM and DSP48E2 models) over one steady-state frame of real test images, every output checked; ' +
  'every 0↔1 transition of a primitive output is counted and weighted by a per-cell-type coefficient, plus routing (by fanout) and clock energy per flip-flop per cycle ' +
  '(generator/energy/coefficients.json). Glitches and placed-and-routed wire lengths are not seen; the ratio range shows how the comparison moves over the plausible DSP and routing coefficients.';
