/**
 * Log-domain pruning through the whole build: the pruned matrix cases really are pruned (so their
 * simulations in convMatrix.slow.test.ts test what they claim), and the re-base narrows the layer.
 */
import { describe, expect, it } from 'vitest';
import type { ConvHW } from '../../generator/layers/convEngine.ts';
import { CASES } from '../support/convCases.ts';
import { buildInto, convNetwork, tempDir } from '../support/designs.ts';

describe('pruned PoT layers', () => {
  const dir = tempDir();
  const build = (name: string, prune?: number): ConvHW => {
    const c = CASES.find((k) => k.name === name)!;
    const weights = prune === undefined ? { kind: 'pot' as const, bits: c.layer.weights!.bits } : c.layer.weights!;
    return buildInto(dir, convNetwork(`${name}${prune === undefined ? '_dense' : ''}`, c.input, { ...c.layer, weights })).hw.layers[0] as ConvHW;
  };
  const zeros = (l: ConvHW): number => l.weightValues.filter((v) => v === 0).length / l.weightValues.length;

  it.each([
    ['pot4_pruned50', 0.5],
    ['pot5_pruned90', 0.9],
  ] as const)('%s reaches its sparsity and has narrower products than unpruned', (name, target) => {
    const pruned = build(name, target);
    const dense = build(name);
    expect(zeros(pruned)).toBeGreaterThanOrEqual(target);
    expect(zeros(dense)).toBeLessThan(target);
    expect(pruned.maxShift).toBeLessThan(dense.maxShift);
    expect(pruned.widths.product).toBeLessThan(dense.widths.product);
    // Every weight left is a weight of the unpruned layer at the same place, scaled by the re-base.
    const ratio = 2 ** (dense.weightExponent - pruned.weightExponent);
    pruned.weightValues.forEach((v, i) => {
      if (v !== 0) expect(v).toBe(dense.weightValues[i]! * ratio);
    });
  });
});
