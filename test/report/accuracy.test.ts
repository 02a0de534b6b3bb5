/**
 * potgen eval on the built-in LeNet-5, over the first 500 test images: the printed figures come
 * from the float model and the bit-exact integer models, and behave as quantisation should.
 */
import { describe, expect, it } from 'vitest';
import { runPotgen } from '../support/designs.ts';

describe('potgen eval', () => {
  it('prints float, PoT and uniform accuracy side by side', async () => {
    const r = await runPotgen('eval', 'examples/lenet5/lenet5.ts', '--images', '500');
    const pruned = await runPotgen('eval', 'examples/lenet5/lenet5.ts', '--images', '500', '--quant', 'pot:4', '--quant', 'pot:4:prune30');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('lenet5: accuracy on 500 MNIST test images');
    const pct = (label: string): number => {
      const line = lines.find((l) => l.trimStart().startsWith(label));
      expect(line, label).toBeDefined();
      return Number(/(\d+\.\d+)%/.exec(line!)![1]);
    };
    const float = pct('float (as trained)');
    const pot4 = pct('pot-4 (integer, bit-exact)');
    const uniform4 = pct('uniform-4 (integer, bit-exact)');
    const uniform8 = pct('uniform-8 (integer, bit-exact)');
    const uniform4pow2 = pct('uniform-4/pow2 (integer, bit-exact)');
    for (const label of ['pot-3', 'pot-5', 'uniform-8/pow2']) pct(`${label} (integer, bit-exact)`);
    expect(float).toBeGreaterThan(97);
    // Quantisation costs little: within 2 points here (the 10,000-image figure is in the README).
    for (const q of [pot4, uniform4, uniform8, uniform4pow2]) expect(Math.abs(float - q)).toBeLessThanOrEqual(2);
    // The real per-layer scale uses all 15 levels where the power-of-two scale wastes some.
    expect(uniform4).toBeGreaterThanOrEqual(uniform4pow2);
    expect(r.stderr).toContain('pot-4: calibrating shifts and running the integer model');
    // Each integer model says how many of its weights are zero; pruning raises it past its target.
    const zeros = (label: string): number => Number(new RegExp(`^  ${label}.*, (\\d+\\.\\d)% zero weights\\)$`, 'm').exec(pruned.stdout)![1]);
    expect(zeros('pot-4 \\(integer')).toBeLessThan(10);
    expect(zeros('pot-4-prune30 \\(integer')).toBeGreaterThanOrEqual(30);
  });

  it('refuses a model without a data set', async () => {
    const r = await runPotgen('eval', 'examples/conv3x3.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('examples/conv3x3.ts names no dataset, so there are no labelled images to score; add dataset: mnist() to the network.');
  });
});
