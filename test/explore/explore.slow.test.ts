/**
 * `potgen explore` end to end on a single conv layer (test/explore/fixtures/convAuto.ts): a local
 * run of three points measured for real, the same plan run as Slurm array tasks under bash and
 * collected into byte-identical reports, and a collect that refuses while a point is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/designs.ts';

const MODEL = 'test/explore/fixtures/convAuto.ts';
// 20 is below the fastest folding (36 cycles: PE 4 x SIMD 18); 150 folds as 144 does (PE 1 x SIMD 18).
const TARGETS = '20,144,150,600,2592';
const LABELS = ['pot-4_t144', 'pot-4_t600', 'pot-4_t2592'];

const dir = tempDir('potgen-explore-');
const local = path.join(dir, 'local');
const spread = path.join(dir, 'spread');

interface Point { label: string; target: number; merged: number[]; folding: { layer: string; pe: number; simd: number }[]; lanes: number; utilisation: number; analyticCycles: number; cycles: number; luts: number; dsp: number; energyNanojoules: number; fronts: string[] }
interface Report { points: Point[]; fronts: Record<'luts' | 'dsp' | 'energy', string[]>; merged: { quant: string; target: number; into: string }[]; impossible: { target: number; reason: string }[]; missing: string[] }

const read = (...p: string[]): string => readFileSync(path.join(...p), 'utf8');

/** Runs the Slurm script as one array task, under plain bash. */
function arrayTask(script: string, index: number): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: String(index) }, cwd: dir, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let localRun: Awaited<ReturnType<typeof runMain>>;
let emitRun: Awaited<ReturnType<typeof runMain>>;
let tasks: Awaited<ReturnType<typeof arrayTask>>[] = [];
let collectRun: Awaited<ReturnType<typeof runMain>>;

beforeAll(async () => {
  localRun = await runMain('explore', MODEL, '--targets', TARGETS, '--jobs', '2', '-o', local);
  emitRun = await runMain('explore', MODEL, '--targets', TARGETS, '--emit-jobs', '-o', spread);
  if (emitRun.status !== 0) return;
  const script = path.join(spread, 'explore.slurm');
  tasks = [];
  for (let i = 0; i < LABELS.length; i++) tasks.push(await arrayTask(script, i));
  collectRun = await runMain('explore', '--collect', spread);
}, 900_000);

describe('potgen explore, run here', () => {
  it('measures the three distinct foldings and writes the reports', () => {
    expect(localRun.stderr).not.toMatch(/internal error/);
    expect(localRun.status).toBe(0);
    for (const f of ['explore.md', 'explore.json', 'explore.html']) expect(existsSync(path.join(local, f))).toBe(true);
    for (const label of LABELS) {
      expect(existsSync(path.join(local, 'points', label, 'result.json'))).toBe(true);
      expect(existsSync(path.join(local, 'points', label, 'design', 'potgen.json'))).toBe(true);
    }
    expect(localRun.stdout).toMatch(/^\| point \| weights \| target \| folding \(PE×SIMD\) \|/m);
    expect(localRun.stderr).toMatch(/\[1\/3\] pot-4_t144: building/);
  });

  it('reports the foldings, cycles and lane use worked out by hand', () => {
    const r = JSON.parse(read(local, 'explore.json')) as Report;
    expect(r.points.map((p) => [p.label, p.folding.map((f) => `${f.pe}x${f.simd}`).join(), p.lanes, p.analyticCycles, p.cycles])).toEqual([
      ['pot-4_t144', '1x18', 18, 144, 144],
      ['pot-4_t600', '1x6', 6, 432, 432],
      ['pot-4_t2592', '1x1', 1, 2592, 2592],
    ]);
    // 2,592 multiply-accumulates a frame; one layer, so its lanes never idle: 2592 / (lanes x cycles) = 1.
    for (const p of r.points) expect(p.utilisation).toBeCloseTo(1, 12);
    expect(r.points[0]!.merged).toEqual([150]);
    expect(r.merged).toEqual([{ quant: 'pot-4', target: 150, into: 'pot-4_t144' }]);
    expect(r.impossible.map((t) => t.target)).toEqual([20]);
    expect(r.impossible[0]!.reason).toMatch(/at least 36/);
    expect(r.missing).toEqual([]);
    // PoT weights need no multiplier; more lanes take more LUTs.
    for (const p of r.points) expect(p.dsp).toBe(0);
    expect(r.points[0]!.luts).toBeGreaterThan(r.points[1]!.luts);
    expect(r.points[1]!.luts).toBeGreaterThan(r.points[2]!.luts);
    for (const label of LABELS) {
      const own = JSON.parse(read(local, 'points', label, 'result.json')) as { point: Point };
      const p = r.points.find((q) => q.label === label)!;
      expect(own.point.luts).toBe(p.luts);
      expect(own.point.energyNanojoules).toBe(p.energyNanojoules);
    }
  });

  it('marks fronts that agree with the figures', () => {
    const r = JSON.parse(read(local, 'explore.json')) as Report;
    const cost = { luts: (p: Point) => p.luts, dsp: (p: Point) => p.dsp, energy: (p: Point) => p.energyNanojoules };
    for (const metric of ['luts', 'dsp', 'energy'] as const) {
      const m = cost[metric];
      // Brute force: beaten when another point is no worse in both and better in one.
      const expected = r.points.filter((p) => !r.points.some((q) => q.cycles <= p.cycles && m(q) <= m(p) && (q.cycles < p.cycles || m(q) < m(p)))).map((p) => p.label);
      expect(r.fronts[metric]).toEqual(expected);
      for (const p of r.points) expect(p.fronts.includes(metric)).toBe(expected.includes(p.label));
    }
    // LUTs fall as cycles rise, so every point is on the LUT front; with no DSP anywhere, only the fastest is on the DSP front.
    expect(r.fronts.luts).toEqual(LABELS);
    expect(r.fronts.dsp).toEqual(['pot-4_t144']);
    const md = read(local, 'explore.md');
    for (const p of r.points) {
      const row = md.split('\n').find((l) => l.startsWith(`| ${p.label} |`))!;
      expect(row.slice(2, -2).split(' | ').slice(-3)).toEqual(['luts', 'dsp', 'energy'].map((k) => (p.fronts.includes(k) ? '●' : '')));
    }
    const html = read(local, 'explore.html');
    expect(html).not.toMatch(/<script/i);
    // LUT and energy plots; no DSP plot without a DSP.
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('<td>pot-4_t600</td>');
  });
});

describe('potgen explore, spread over array tasks', () => {
  it('emits the jobs without measuring', () => {
    expect(emitRun.status).toBe(0);
    expect(read(spread, 'explore.slurm')).toMatch(/^#SBATCH --array=0-2$/m);
    expect(read(spread, 'explore-matrix.yml')).toMatch(/^ {8}point: \[0, 1, 2\]$/m);
    const jobs = JSON.parse(read(spread, 'explore-jobs.json')) as { model: string; points: { index: number; label: string; target: number }[] };
    expect(jobs.model).toBe(MODEL);
    expect(jobs.points.map((p) => [p.index, p.label])).toEqual(LABELS.map((l, i) => [i, l]));
  });

  it('runs each task under bash and collects the same reports, byte for byte', () => {
    expect(tasks.map((t) => t.status)).toEqual([0, 0, 0]);
    tasks.forEach((t, i) => expect(t.stdout).toContain(`${LABELS[i]}: `));
    for (const label of LABELS) expect(existsSync(path.join(spread, 'points', label, 'result.json'))).toBe(true);
    expect(collectRun.stderr).not.toMatch(/internal error/);
    expect(collectRun.status).toBe(0);
    expect(read(spread, 'explore.json')).toBe(read(local, 'explore.json'));
    expect(read(spread, 'explore.md')).toBe(read(local, 'explore.md'));
    expect(read(spread, 'explore.html')).toBe(read(local, 'explore.html'));
  });

  it('refuses a task whose options differ from the emitted plan', async () => {
    const r = await runMain('explore', MODEL, '--targets', '144,600', '-o', spread, '--point', '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/explore-jobs\.json was emitted for another plan/);
  });

  it('fails to collect while a point is missing, naming it, unless told to report without it', async () => {
    const before = read(spread, 'explore.json');
    const result = path.join(spread, 'points', 'pot-4_t600', 'result.json');
    renameSync(result, `${result}.away`);
    try {
      const r = await runMain('explore', '--collect', spread);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/1 of 3 points have no result\.json/);
      expect(r.stderr).toMatch(/^ {2}point 1: pot-4_t600$/m);
      expect(r.stderr).not.toMatch(/pot-4_t144|pot-4_t2592/);
      expect(read(spread, 'explore.json')).toBe(before);

      const partial = await runMain('explore', '--collect', spread, '--allow-missing');
      expect(partial.status).toBe(0);
      const report = JSON.parse(read(spread, 'explore.json')) as Report;
      expect(report.missing).toEqual(['pot-4_t600']);
      expect(report.points.map((p) => p.label)).toEqual(['pot-4_t144', 'pot-4_t2592']);
      expect(read(spread, 'explore.md')).toContain('Missing (no result.json yet): pot-4_t600.');
    } finally {
      renameSync(`${result}.away`, result);
    }
  });
});
