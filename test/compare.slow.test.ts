/**
 * `potgen compare` end to end on the single conv layer: two variants measured in one run, the
 * table agreeing with the JSON and with an independent recomputation of every ratio and energy
 * figure from the measured activity, and a second run served from the cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateEnergy, loadCoefficients } from '../generator/energy/model.ts';
import { readManifest } from '../generator/run/manifest.ts';
import { runMain, tempDir } from './support/designs.ts';

const dir = tempDir('potgen-compare-');
process.env.POTGEN_CACHE = path.join(dir, 'cache');
const out = path.join(dir, 'cmp');

interface JsonRow { variant: string; sparsity: number; luts: number; dsp: number; cyclesPerInference: number; togglesPerInference: number; energyNanojoules: number; ratios: { luts: number; energy: number }; energyRatioRange: { low: number; high: number } }
interface JsonReport { baseline: string; rows: JsonRow[]; variants: { label: string; design: string; activity: { cellActivity: Parameters<typeof estimateEnergy>[0]; synthesis: Parameters<typeof estimateEnergy>[1]; toggles: number } }[] }

let first: { status: number; stdout: string; stderr: string };
let second: { status: number; stdout: string; stderr: string };
let secondSeconds = 0;
let firstMarkdown = '';

beforeAll(async () => {
  first = await runMain('compare', 'examples/conv3x3.ts', '--variants', 'pot:4,uniform:8', '-o', out);
  firstMarkdown = readFileSync(path.join(out, 'compare.md'), 'utf8');
  const t = performance.now();
  second = await runMain('compare', 'examples/conv3x3.ts', '--variants', 'pot:4,uniform:8', '-o', out);
  secondSeconds = (performance.now() - t) / 1000;
}, 900_000);

describe('potgen compare on conv3x3', () => {
  it('measures both variants and writes the three reports', () => {
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.status).toBe(0);
    for (const f of ['compare.md', 'compare.json', 'compare.html']) expect(existsSync(path.join(out, f))).toBe(true);
    expect(first.stdout).toMatch(/^pot-4 /m);
    expect(first.stdout).toMatch(/^uniform-8 \(baseline\)/m);
  });

  it('reports measured figures that agree with the designs and with each other', () => {
    const report = JSON.parse(readFileSync(path.join(out, 'compare.json'), 'utf8')) as JsonReport;
    expect(report.baseline).toBe('uniform-8');
    const [pot, uni] = report.rows as [JsonRow, JsonRow];
    // The PoT datapath has no multiplier; the uniform one maps its multipliers to DSP48E2.
    expect(pot.dsp).toBe(0);
    expect(uni.dsp).toBeGreaterThan(0);
    for (const [row, v] of report.rows.map((r, i) => [r, report.variants[i]!] as const)) {
      // Cycles counted in the gate-level run equal the analytic figure of the built design.
      expect(row.cyclesPerInference).toBe(readManifest(path.join(out, v.design)).cyclesPerFrame);
      expect(row.togglesPerInference).toBe(v.activity.toggles);
      expect(row.togglesPerInference).toBeGreaterThan(0);
      // The energy figure is the model applied to the measured activity with the shipped coefficients.
      const e = estimateEnergy(v.activity.cellActivity, v.activity.synthesis, loadCoefficients());
      expect(row.energyNanojoules).toBeCloseTo(e.totalPicojoules / 1000, 9);
    }
    expect(pot.ratios.luts).toBeCloseTo(pot.luts / uni.luts, 12);
    expect(pot.ratios.energy).toBeCloseTo(pot.energyNanojoules / uni.energyNanojoules, 12);
    expect(pot.energyRatioRange.low).toBeLessThanOrEqual(pot.ratios.energy);
    expect(pot.energyRatioRange.high).toBeGreaterThanOrEqual(pot.ratios.energy);
    const md = readFileSync(path.join(out, 'compare.md'), 'utf8');
    expect(pot.sparsity).toBeGreaterThanOrEqual(0);
    expect(pot.sparsity).toBeLessThan(0.5); // unpruned: only weights below the zero threshold
    expect(md).toContain(`| pot-4 | ${(100 * pot.sparsity).toFixed(1)} | 1,152 | ${pot.luts.toLocaleString('en-US')} |`);
  });

  it('serves an unchanged second run from the cache', () => {
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/pot-4: .* nJ per inference \(cached\)/);
    expect(secondSeconds).toBeLessThan(30);
    // Deterministic: the same inputs give the same report, byte for byte.
    expect(readFileSync(path.join(out, 'compare.md'), 'utf8')).toBe(firstMarkdown);
  });

  it('refuses a baseline that is not among the variants', async () => {
    const r = await runMain('compare', 'examples/conv3x3.ts', '--variants', 'pot:4', '--baseline', 'uniform-8', '-o', path.join(dir, 'bad'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/The baseline uniform-8 is not among the variants \(pot-4\)/);
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});
