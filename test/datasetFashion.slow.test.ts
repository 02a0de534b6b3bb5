/**
 * The Fashion-MNIST example, read from the IDX files of Debian's dataset-fashion-mnist (which
 * .ci/run installs): real test images through the PoT build under Verilator, every output and
 * the cycles per inference checked, and `potgen eval` scoring it as trained.
 */
import { describe, expect, it } from 'vitest';
import { testSet } from '../generator/data/datasets.ts';
import { buildDesign } from '../generator/pipeline/buildDesign.ts';
import { runNetwork } from '../generator/reference/referenceModel.ts';
import { simulate } from '../generator/run/simulate.ts';
import { writePlan } from '../generator/write/writePlan.ts';
import { runPotgen, tempDir } from './support/designs.ts';

const MODEL = 'examples/fashion/fashion.ts';

describe('the Fashion-MNIST example', () => {
  const dir = tempDir();

  it('simulates 12 real test images bit for bit, at the analytic cycles per inference', async () => {
    const built = buildDesign(MODEL, { steadyFrames: 2, stressFrames: 10 });
    // The frames are Fashion-MNIST test images, not random ones, and not all of one class.
    const test = testSet(built.spec).images(0, 2000);
    for (const image of built.images) expect(test.some((t) => t.data.every((v, i) => v === image.data[i]))).toBe(true);
    expect(new Set(built.images.map((x) => runNetwork(built.ir, x).at(-1)!.data[0])).size).toBeGreaterThan(5);
    writePlan(built.plan, dir);
    const sim = await simulate(dir, { simulator: 'verilator' });
    expect(sim.log).toContain('13 passed, 0 failed'); // 12 outputs and one cycles-per-frame check
    expect(sim.ok).toBe(true);
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame]);
  }, 300_000);

  it('scores as trained: the float model near 90%, PoT 4-bit within 3 points of it (first 1000 test images)', async () => {
    const r = await runPotgen('eval', MODEL, '--images', '1000', '--quant', 'pot:4');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('fashion: accuracy on 1000 Fashion-MNIST test images');
    const pct = (pattern: RegExp): number => {
      const line = lines.find((l) => pattern.test(l.trimStart()));
      expect(line, String(pattern)).toBeDefined();
      return Number(/(\d+\.\d+)%/.exec(line!)![1]);
    };
    const float = pct(/^float/);
    const pot4 = pct(/^(pot-4|PoT 4-bit) /);
    expect(float).toBeGreaterThan(87);
    expect(Math.abs(float - pot4)).toBeLessThanOrEqual(3);
  }, 300_000);
});
