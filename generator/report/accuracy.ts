/**
 * Accuracy on a labelled test set: the float model beside the bit-exact integer models of any
 * number of quantisation variants (PoT and uniform at several widths).
 */
import type { FeatureMap } from '../core/shapes.ts';
import { argmaxIndex } from '../arith/conv.ts';
import type { QuantVariant, WeightQuantOptions } from '../dsl/types.ts';
import type { NetworkIR, NetworkSpec } from '../ir/types.ts';
import type { WeightedSpec } from '../layers/convEngine.ts';
import { kindOf } from '../layers/registry.ts';
import { compileNetwork, type PreparedNetwork } from '../pipeline/buildDesign.ts';
import { runFloat } from '../reference/floatModel.ts';
import { runNetwork } from '../reference/referenceModel.ts';

/** One row of an accuracy report. */
export interface AccuracyRow {
  readonly label: string;
  readonly correct: number;
  readonly total: number;
  /** Fraction of zero weights (integer models only). */
  readonly sparsity?: number;
}

/** The predicted class: the arg-max layer's output, or the arg-max of the last layer's values. */
function predicted(values: ArrayLike<number>, hasArgmax: boolean): number {
  return hasArgmax ? values[0]! : argmaxIndex(values);
}

/** Counts correct predictions of the float model. */
export function floatAccuracy(prepared: PreparedNetwork, images: readonly FeatureMap[], labels: ArrayLike<number>): AccuracyRow {
  const hasArgmax = prepared.spec.layers.at(-1)?.kind === 'argmax';
  let correct = 0;
  images.forEach((image, i) => {
    if (predicted(runFloat(prepared.spec, prepared.tensors, image), hasArgmax) === labels[i]) correct++;
  });
  return { label: 'float (as trained)', correct, total: images.length };
}

/** Counts correct predictions of an integer IR (the reference model the RTL matches bit for bit). */
export function integerAccuracy(ir: NetworkIR, images: readonly FeatureMap[], labels: ArrayLike<number>, label: string): AccuracyRow {
  const hasArgmax = ir.layers.at(-1)?.kind === 'argmax';
  let correct = 0;
  images.forEach((image, i) => {
    const out = runNetwork(ir, image).at(-1)!;
    if (predicted(out.data, hasArgmax) === labels[i]) correct++;
  });
  return { label, correct, total: images.length };
}

/** Fraction of zero weights over every weighted layer (pruned, or below the quantiser's zero threshold). */
export function weightSparsity(ir: NetworkIR): number {
  let zeros = 0;
  let total = 0;
  for (const layer of ir.layers) {
    if (!('weightValues' in layer)) continue;
    for (const v of layer.weightValues) if (v === 0) zeros++;
    total += layer.weightValues.length;
  }
  return total ? zeros / total : 0;
}

/**
 * Names a quantisation variant, short and unambiguous: `pot-4`; `uniform-4` (real scale per layer,
 * the default), `uniform-4/ch` (per channel), `uniform-4/pow2` (power-of-two scale); `-logic` or
 * `-rom` when the variant sets where the weights live.
 */
export function variantLabel(q: QuantVariant): string {
  const storage = q.storage ? `-${q.storage}` : '';
  if (q.kind === 'pot') {
    return `pot-${q.bits}${q.prune ? `-prune${Math.round(q.prune * 100)}` : ''}${q.pruneLevels ? `-drop${q.pruneLevels}` : ''}${storage}`;
  }
  const scale = q.scale ?? 'layer';
  return `uniform-${q.bits}${scale === 'channel' ? '/ch' : scale === 'pow2' ? '/pow2' : ''}${storage}`;
}

/**
 * The model's own quantisation plus the comparisons every report shows: PoT 3, 4 and 5 bits,
 * uniform 4 and 8 bits with the fair real scale per layer, and with a power-of-two scale.
 */
export function defaultVariants(spec: NetworkSpec): WeightQuantOptions[] {
  const own = spec.layers.find((l) => kindOf(l).weighted) as WeightedSpec | undefined;
  const all: WeightQuantOptions[] = [
    ...(own ? [own.weights] : []),
    { kind: 'pot', bits: 3 },
    { kind: 'pot', bits: 4 },
    { kind: 'pot', bits: 5 },
    { kind: 'uniform', bits: 4, scale: 'layer' },
    { kind: 'uniform', bits: 8, scale: 'layer' },
    { kind: 'uniform', bits: 4, scale: 'pow2' },
    { kind: 'uniform', bits: 8, scale: 'pow2' },
  ];
  return all.filter((q, i) => all.findIndex((o) => variantLabel(o) === variantLabel(q)) === i);
}

/** Float accuracy, then each variant's integer accuracy; `progress` hears of each step. */
export function accuracyReport(
  prepared: PreparedNetwork,
  variants: readonly QuantVariant[],
  images: readonly FeatureMap[],
  labels: ArrayLike<number>,
  progress: (message: string) => void = () => {},
): AccuracyRow[] {
  progress(`float model over ${images.length} images`);
  const rows = [floatAccuracy(prepared, images, labels)];
  for (const q of variants) {
    progress(`${variantLabel(q)}: calibrating shifts and running the integer model`);
    const { ir } = compileNetwork(prepared, { quant: q });
    rows.push({ ...integerAccuracy(ir, images, labels, `${variantLabel(q)} (integer, bit-exact)`), sparsity: weightSparsity(ir) });
  }
  return rows;
}
