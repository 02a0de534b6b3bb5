/**
 * What a build will cost, known right after validation: the reference model's multiply-
 * accumulates (calibration and test vectors run every image through it) and the weights the
 * design stores on chip. A network too large for either stops here with the figures, instead of
 * running silently for hours or writing gigabytes of ROM.
 */
import { PotgenError } from '../core/errors.ts';
import type { NetworkSpec } from '../ir/types.ts';
import type { WeightedSpec } from '../layers/convEngine.ts';
import { kindOf, layerInputShapes } from '../layers/registry.ts';

/**
 * Multiply-accumulates per second of the reference model on one core, a conservative figure from
 * LeNet-5 on this project's 2-core machines (the kernels reach 1 to 3 G/s on real layers).
 */
export const REFERENCE_MACS_PER_SECOND = 5e8;

/**
 * Weight storage the design may have: the ZCU104's XCZU7EV holds 11 Mbit of block RAM and 27
 * Mbit of UltraRAM; weights stay on chip in potgen's designs.
 */
export const MAX_WEIGHT_BITS = 38e6;

/** Above this many seconds of reference-model work, the build says what it is doing. */
const ANNOUNCE_SECONDS = 5;

/** The work of one inference and the weights stored. */
export interface WorkEstimate {
  readonly macsPerImage: number;
  readonly weights: number;
  readonly weightBits: number;
}

/** Counts the multiply-accumulates per image and the stored weights of a validated network. */
export function estimateWork(spec: NetworkSpec): WorkEstimate {
  const inputs = layerInputShapes(spec.input, spec.layers);
  let macsPerImage = 0;
  let weights = 0;
  let weightBits = 0;
  spec.layers.forEach((layer, i) => {
    const kind = kindOf(layer);
    const input = inputs[i]!;
    const output = kind.outputShape(layer, input);
    for (const need of kind.tensors?.(layer, input) ?? []) {
      if (need.role !== 'weight') continue;
      const count = need.shape.reduce((a, b) => a * b, 1);
      weights += count;
      weightBits += count * (layer as WeightedSpec).weights.bits;
      macsPerImage += count * output.height * output.width;
    }
  });
  return { macsPerImage, weights, weightBits };
}

/** "1.2 G", "340 M", "12 k" (append the unit: "1.2 Gbit"). */
function si(n: number): string {
  for (const [unit, value] of [['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (n >= value) return `${(n / value).toPrecision(3).replace(/\.?0+$/, '')} ${unit}`;
  }
  return String(n);
}

/** A duration in words: "40 s", "12 minutes", "3.5 hours". */
export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  return `${(seconds / 3600).toPrecision(2)} hours`;
}

/**
 * Stops a build whose weights do not fit on chip or whose reference-model work (over `images`
 * images) exceeds the time limit; announces long but allowed work through `progress`.
 */
export function checkWork(spec: NetworkSpec, options: { images: number; timeLimitMinutes: number; progress?: (message: string) => void }): WorkEstimate {
  const work = estimateWork(spec);
  if (work.weightBits > MAX_WEIGHT_BITS) {
    throw new PotgenError(
      `The network ${spec.name} has ${si(work.weights)} weights (${si(work.weightBits)}bit); potgen keeps every weight on chip, and the ZCU104 holds ${si(MAX_WEIGHT_BITS)}bit of block and ultra RAM. Reduce the layers' channels or weight bits.`,
    );
  }
  const seconds = (work.macsPerImage * options.images) / REFERENCE_MACS_PER_SECOND;
  if (seconds > options.timeLimitMinutes * 60) {
    throw new PotgenError(
      `The network ${spec.name} needs ${si(work.macsPerImage)} multiply-accumulates per image; calibrating it and making its test vectors runs ${options.images} images through the reference model, about ${duration(seconds)} here, more than the ${options.timeLimitMinutes}-minute limit. Reduce the network, or raise the limit with --time-limit <minutes>.`,
    );
  }
  if (seconds > ANNOUNCE_SECONDS) {
    options.progress?.(`${si(work.macsPerImage)} multiply-accumulates per image over ${options.images} images: about ${duration(seconds)} of reference-model work`);
  }
  return work;
}
