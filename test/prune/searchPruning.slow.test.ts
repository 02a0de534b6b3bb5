/**
 * The per-layer pruning search on LeNet-5: its answer holds when rebuilt the way a user applies it
 * (a model with pot({ bits, pruneLevels }) per layer), it stays inside its budget on its own
 * images, it prunes more than nothing, and each accepted step drops exactly one more level.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationSet } from '../../generator/data/datasets.ts';
import { loadModel } from '../../generator/load/loadModel.ts';
import { CALIBRATION_IMAGES, compileNetwork, prepareNetwork } from '../../generator/pipeline/buildDesign.ts';
import { searchPruning } from '../../generator/prune/searchPruning.ts';
import { integerAccuracy, weightSparsity } from '../../generator/report/accuracy.ts';

const LENET = path.resolve(import.meta.dirname, '../../examples/lenet5/lenet5.ts');
const IMAGES = 300;

describe('searchPruning', () => {
  it('finds per-layer level counts for a budget that rebuild to the accuracy and sparsity it reports', async () => {
    const loaded = loadModel(LENET);
    const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file);
    const r = await searchPruning(prepared, { bits: 4, budget: 1, images: IMAGES, testImages: 0 });
    expect(r.test).toBeUndefined();
    expect(r.searchImages).toBe(IMAGES);
    expect(r.accuracy).toBeGreaterThanOrEqual(r.start.accuracy - 1);
    expect(r.sparsity).toBeGreaterThan(r.start.sparsity + 0.1);
    expect(Object.keys(r.levels)).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
    // Steps: one level more in one layer each, sparsity rising.
    let before: Record<string, number> = {};
    let sparsity = r.start.sparsity;
    for (const step of r.steps) {
      const changed = Object.keys(step.levels).filter((k) => (step.levels[k] ?? 0) !== (before[k] ?? 0));
      expect(changed).toEqual([step.layer]);
      expect(step.levels[step.layer]).toBe((before[step.layer] ?? 0) + 1);
      expect(step.sparsity).toBeGreaterThan(sparsity);
      before = { ...step.levels };
      sparsity = step.sparsity;
    }
    expect(Object.values(r.levels).reduce((a, b) => a + b, 0)).toBe(r.steps.length);

    // Rebuild as a user would: each layer's weights set to pot({ bits: 4, pruneLevels }).
    const spec = { ...prepared.spec, layers: prepared.spec.layers.map((l) => (l.name in r.levels ? { ...l, weights: { kind: 'pot' as const, bits: 4, pruneLevels: r.levels[l.name]! } } : l)) };
    const { ir } = compileNetwork({ ...prepared, spec });
    const train = calibrationSet(prepared.spec);
    const first = CALIBRATION_IMAGES.dataset;
    const images = train.images(first, first + IMAGES);
    const labels = Array.from({ length: IMAGES }, (_, i) => train.labels[first + i]!);
    const again = integerAccuracy(ir, images, labels, 'rebuilt');
    expect((100 * again.correct) / again.total).toBe(r.accuracy);
    expect(weightSparsity(ir)).toBe(r.sparsity);
  });
});
