/**
 * Per-layer log-domain pruning for an accuracy budget: how many of its smallest power-of-two
 * levels each weighted layer can drop while the network, scored by the bit-exact integer model on
 * held-out training images, stays within `budget` accuracy points of the unpruned PoT network.
 *
 * Greedy, one level at a time: each round tries dropping one more level in every layer that has
 * more than one left, scores each candidate, and keeps the one that costs the least accuracy per
 * weight it zeroes (a candidate that gains accuracy is cheapest of all) among those inside the
 * budget. It stops when no candidate is inside. The search images are the data set's training
 * images after the ones calibration uses, so neither the test set nor the calibration images
 * choose the thresholds; the test accuracy is reported beside, never used.
 *
 * Each score is seconds of synchronous work (a calibration and the integer model over the images),
 * and a search makes dozens: it yields to the event loop between them, so that a caller (the
 * test runner's worker, a progress display) is never blocked for the whole search.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PotgenError } from '../core/errors.ts';
import type { FeatureMap } from '../core/shapes.ts';
import { calibrationSet, testSet } from '../data/datasets.ts';
import type { WeightQuantOptions } from '../dsl/types.ts';
import type { NetworkIR, NetworkSpec } from '../ir/types.ts';
import { kindOf } from '../layers/registry.ts';
import { CALIBRATION_IMAGES, compileNetwork, type PreparedNetwork } from '../pipeline/buildDesign.ts';
import { integerAccuracy, weightSparsity } from '../report/accuracy.ts';

export interface PruneSearchOptions {
  /** PoT weight bits, sign included. */
  readonly bits: number;
  /** Accuracy points the pruned network may lose against the unpruned one on the search images. */
  readonly budget: number;
  /** Held-out training images to score on (default 2000). */
  readonly images?: number;
  /** Test images for the accuracy reported beside the result (default all; 0 for none). */
  readonly testImages?: number;
  readonly progress?: (message: string) => void;
}

/** One accepted step of the search. */
export interface PruneStep {
  readonly layer: string;
  readonly levels: Readonly<Record<string, number>>;
  readonly sparsity: number;
  readonly accuracy: number;
}

export interface PruneSearchResult {
  readonly bits: number;
  readonly budget: number;
  readonly searchImages: number;
  /** The unpruned PoT network on the search images. */
  readonly start: { readonly sparsity: number; readonly accuracy: number };
  /** Levels dropped per weighted layer, as `pot({ bits, pruneLevels })` takes them. */
  readonly levels: Readonly<Record<string, number>>;
  readonly sparsity: number;
  readonly accuracy: number;
  readonly steps: readonly PruneStep[];
  /** Test-set accuracy of the unpruned and the pruned network, when test images were scored. */
  readonly test?: { readonly images: number; readonly start: number; readonly pruned: number };
}

/** The network with each weighted layer's PoT weights pruned by `levels[name]` levels. */
function withLevels(prepared: PreparedNetwork, bits: number, levels: Readonly<Record<string, number>>): PreparedNetwork {
  const spec: NetworkSpec = {
    ...prepared.spec,
    layers: prepared.spec.layers.map((l) => {
      if (!kindOf(l).weighted) return l;
      const weights: WeightQuantOptions = { kind: 'pot', bits, ...(levels[l.name] ? { pruneLevels: levels[l.name] } : {}) };
      return { ...l, weights };
    }),
  };
  return { ...prepared, spec };
}

/** Levels in use per weighted layer of a compiled network (codes 1..M with at least one weight). */
function levelsInUse(ir: NetworkIR): Record<string, number> {
  const out: Record<string, number> = {};
  for (const layer of ir.layers) {
    if (!('weightCodes' in layer) || !('weightBits' in layer)) continue;
    const mask = 2 ** (layer.weightBits - 1) - 1;
    out[layer.name] = new Set(layer.weightCodes.map((c) => c & mask).filter((m) => m !== 0)).size;
  }
  return out;
}

/** Runs the search; rejects with PotgenError when the network has no data set to score on. */
export async function searchPruning(prepared: PreparedNetwork, options: PruneSearchOptions): Promise<PruneSearchResult> {
  const { bits, budget } = options;
  const progress = options.progress ?? ((): void => {});
  if (!prepared.spec.dataset) throw new PotgenError('Pruning for an accuracy budget needs labelled images: add dataset: ... to the network.');
  const train = calibrationSet(prepared.spec);
  const wanted = options.images ?? 2000;
  const first = Math.min(CALIBRATION_IMAGES.dataset, train.count);
  const count = Math.min(wanted, train.count - first);
  if (count < 1) throw new PotgenError(`The data set has no training images beyond the ${first} calibration uses; the search needs held-out images.`);
  const images: FeatureMap[] = train.images(first, first + count);
  const labels = Array.from({ length: count }, (_, i) => train.labels[first + i]!);
  const score = async (levels: Readonly<Record<string, number>>): Promise<{ ir: NetworkIR; accuracy: number; sparsity: number }> => {
    await yieldToEventLoop();
    const { ir } = compileNetwork(withLevels(prepared, bits, levels));
    const r = integerAccuracy(ir, images, labels, 'search');
    return { ir, accuracy: (100 * r.correct) / r.total, sparsity: weightSparsity(ir) };
  };

  progress(`pruning search: unpruned PoT-${bits} on ${count} held-out training images`);
  const start = await score({});
  const inUse = levelsInUse(start.ir);
  const floor = start.accuracy - budget;
  let current = { levels: {} as Record<string, number>, ...start };
  const steps: PruneStep[] = [];
  for (;;) {
    let best: { layer: string; levels: Record<string, number>; accuracy: number; sparsity: number; cost: number } | undefined;
    for (const [layer, used] of Object.entries(inUse)) {
      const dropped = current.levels[layer] ?? 0;
      if (dropped + 1 >= used) continue; // the largest level stays
      const levels = { ...current.levels, [layer]: dropped + 1 };
      const s = await score(levels);
      const gained = s.sparsity - current.sparsity;
      if (s.accuracy < floor || gained <= 0) continue;
      const cost = (current.accuracy - s.accuracy) / gained;
      if (!best || cost < best.cost) best = { layer, levels, accuracy: s.accuracy, sparsity: s.sparsity, cost };
    }
    if (!best) break;
    current = { ...current, levels: best.levels, accuracy: best.accuracy, sparsity: best.sparsity };
    steps.push({ layer: best.layer, levels: best.levels, sparsity: best.sparsity, accuracy: best.accuracy });
    progress(`pruning search: ${best.layer} drops level ${best.levels[best.layer]}: ${(100 * best.sparsity).toFixed(1)}% zero weights, ${best.accuracy.toFixed(2)}%`);
  }

  const levels = Object.fromEntries(Object.keys(inUse).map((name) => [name, current.levels[name] ?? 0]));
  let test: PruneSearchResult['test'];
  const testCount = options.testImages ?? Infinity;
  if (testCount > 0) {
    const set = testSet(prepared.spec);
    const n = Math.min(testCount, set.count);
    progress(`pruning search: the unpruned and the pruned network on ${n} test images`);
    const testImages = set.images(0, n);
    const pct = async (ir: NetworkIR): Promise<number> => {
      await yieldToEventLoop();
      const r = integerAccuracy(ir, testImages, set.labels, 'test');
      return (100 * r.correct) / r.total;
    };
    const unpruned = await pct(start.ir);
    test = { images: n, start: unpruned, pruned: await pct(compileNetwork(withLevels(prepared, bits, levels)).ir) };
  }
  return {
    bits,
    budget,
    searchImages: count,
    start: { sparsity: start.sparsity, accuracy: start.accuracy },
    levels,
    sparsity: current.sparsity,
    accuracy: current.accuracy,
    steps,
    ...(test ? { test } : {}),
  };
}
