/**
 * What a model file describes, as the user wrote it (`Raw*`) and after validation filled in the
 * defaults (`*Spec`). Both are plain readonly data; the loader keeps their source locations aside.
 */

/** How a layer's weights are quantised: power-of-two codes (shifts) or uniform integers (multiplies). */
export interface WeightQuantOptions {
  readonly kind: 'pot' | 'uniform';
  /** Total code width including the sign bit, 2..8. */
  readonly bits: number;
  /**
   * Uniform weights only: a real scale per layer ('layer', the default: the fair baseline) or per
   * output channel ('channel'), requantised by a fixed-point multiplier; or a power-of-two scale
   * ('pow2'), requantised by a shift alone. PoT weights always have a power-of-two scale.
   */
  readonly scale?: 'layer' | 'channel' | 'pow2';
  /**
   * PoT weights only: pruning in the log domain. Each layer drops its smallest power-of-two levels,
   * whole levels at a time, until at least this fraction (0 to below 1) of its weights is zero;
   * its largest level always stays. Default 0 (no pruning beyond the quantiser's zero threshold).
   */
  readonly prune?: number;
  /**
   * PoT weights only: drop exactly this many of the layer's smallest power-of-two levels in use
   * (its largest level always stays). What `potgen prune` suggests per layer for an accuracy
   * budget. With `prune` as well, whichever drops more levels wins.
   */
  readonly pruneLevels?: number;
}

/**
 * A weight quantisation as the command line's --quant and --variants give it: the layer's
 * quantisation, plus where its weights live, for every weighted layer at once ('logic' needs every
 * weighted layer unrolled to one step per pixel). Without `storage`, each layer keeps its own
 * `weightStorage`. In a model file, storage is a layer attribute, not part of pot() or uniform().
 */
export interface QuantVariant extends WeightQuantOptions {
  readonly storage?: 'rom' | 'logic';
}

/**
 * The images and labels of one split, as the user names them; paths are relative to the model file.
 * Each file is IDX (MNIST's format, optionally gzipped as `.gz`), `.npy`, or `.npz` (then the
 * array is chosen by key).
 */
export interface DatasetSplitOptions {
  /** uint8 pixels, N×H×W (one channel) or N×H×W×C (channels last), matching the network's input. */
  readonly images: string;
  /** Integer class numbers (uint8, int32, int64, ...), 0 or more, one per image. */
  readonly labels: string;
  /** The images' array in an `.npz` file; default `x_train` or `x_test`. */
  readonly imagesKey?: string;
  /** The labels' array in an `.npz` file; default `y_train` or `y_test`. */
  readonly labelsKey?: string;
}

/**
 * A labelled image set of the user's own. Calibration uses the first 1000 training images, test
 * vectors and accuracy the test images. Without `train`, calibration uses the test images.
 */
export interface DatasetOptions {
  readonly train?: DatasetSplitOptions;
  readonly test?: DatasetSplitOptions;
  /** One `.npz` holding both splits as `x_train`, `y_train`, `x_test`, `y_test` (Keras's layout), instead of `train` and `test`. */
  readonly npz?: string;
  /** Added to the error when a file is missing, e.g. how to install the data. */
  readonly hint?: string;
  /** How reports name the set, e.g. 'Fashion-MNIST'; default: the test images' file name. */
  readonly name?: string;
}

/** A `dataset({ ... })` as the DSL returns it, before validation. */
export interface RawDataset extends DatasetOptions {
  readonly kind: 'dataset';
}

/** A data set as a model names it: `mnist()` or `dataset({ ... })`. */
export type RawDatasetSource = { readonly kind: 'mnist' } | RawDataset;

/** One array of a validated data set. */
export interface DatasetArray {
  /** Absolute path. */
  readonly path: string;
  /** The array's key when the file is an `.npz`. */
  readonly key?: string;
  /** The `dataset` option that named the file (e.g. `test.images`), where errors about it point. */
  readonly option: string;
}

/** The images and labels of one validated split. */
export interface DatasetSplit {
  readonly images: DatasetArray;
  readonly labels: DatasetArray;
}

/** A validated data set of files. */
export interface DatasetFiles {
  readonly kind: 'files';
  /** How reports name the set: 'MNIST', or the test images' file name. */
  readonly name: string;
  /** Calibration images; when missing, calibration uses the test images. */
  readonly train?: DatasetSplit;
  readonly test: DatasetSplit;
  /** Added to the error when a file is missing. */
  readonly hint?: string;
}

/** A validated data set: MNIST as potgen ships it, or the user's files. */
export type DatasetSource = { readonly kind: 'mnist' } | DatasetFiles;

/** Where the float weights come from. */
export type WeightSource =
  | { readonly kind: 'random'; readonly seed: number }
  | { readonly kind: 'file'; readonly path: string };

/** The image that enters the network: unsigned 8-bit pixels, channels innermost. */
export interface InputOptions {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** What conv2d and dense share: arithmetic and array size. */
export interface WeightedOptions {
  /** Unique layer name; also names the generated module and the weight tensors (`<name>.weight`). */
  readonly name: string;
  /** Whether the layer adds a bias; default true. */
  readonly bias?: boolean;
  /** Default `pot({ bits: 4 })`. */
  readonly weights?: WeightQuantOptions;
  /** Width of the output activations, 2..16; default 8. */
  readonly activationBits?: number;
  /** Outputs computed in parallel; must divide the layer's outputs. Default 1. */
  readonly pe?: number;
  /**
   * Multiplies per cycle by each PE. Either a divisor of the input channels (channels of one kernel
   * tap per step), or the channels times a divisor of the kernel size (taps of one kernel row), or
   * the channels times the kernel size times a divisor of it (whole kernel rows): a layer with few
   * channels can take its whole window in one step. Default 1.
   */
  readonly simd?: number;
  /** Requantisation right shift; default: calibrated on sample inputs. */
  readonly shift?: number;
  /** `relu` (default): unsigned outputs. `none`: signed outputs, only for the last weighted layer. */
  readonly activation?: 'relu' | 'none';
  /**
   * Where the weights live. 'rom' (default): codes in a ROM, read every step, shifted (PoT) or
   * multiplied (uniform) at run time; any folding. 'logic': fixed into the datapath, a PoT weight
   * becomes wiring plus an add or subtract, a uniform weight a shift-add per signed digit, a zero
   * weight nothing; needs the layer unrolled to one step per pixel (pe = outputs, simd = the whole
   * kernel window), and pays when the layer is small or must run at one pixel per cycle.
   */
  readonly weightStorage?: 'rom' | 'logic';
}

/** Options of a 2-D convolution followed by requantisation and ReLU, as the user writes them. */
export interface Conv2dOptions extends WeightedOptions {
  readonly outChannels: number;
  /** Square kernel size, 1..7. */
  readonly kernel: number;
  /** Default 1. */
  readonly stride?: number;
  /** `valid` (no padding, default) or `same` (zero padding of (kernel-1)/2 on every side). */
  readonly padding?: 'valid' | 'same';
}

/** Options of a fully connected layer: every input value (after `flatten()`) to every output. */
export interface DenseOptions extends WeightedOptions {
  readonly outFeatures: number;
}

/** Options of max pooling over unsigned activations. */
export interface MaxPool2dOptions {
  readonly name: string;
  /** Square window, 1..7. */
  readonly kernel: number;
  /** Default: the kernel size (non-overlapping windows). */
  readonly stride?: number;
  /** Zero padding per side (the activations are ≥ 0, so zero never wins over a real value); default 0. */
  readonly padding?: number;
}

/**
 * Options of average pooling over unsigned activations: the mean of each window, rounded half up.
 * Zeros in the padding count (the divisor is always kernel², as PyTorch's AvgPool2d by default).
 */
export interface AvgPool2dOptions {
  readonly name: string;
  /** Square window, 1..7; leave out with `global: true`. */
  readonly kernel?: number;
  /** Default: the kernel size (non-overlapping windows). */
  readonly stride?: number;
  /** Zero padding per side; default 0. */
  readonly padding?: number;
  /** Global average pooling: the window is the whole (square) map and the output one pixel. Default false. */
  readonly global?: boolean;
}

/** A conv2d layer as the DSL returns it, before validation. */
export interface RawConv2d extends Conv2dOptions {
  readonly kind: 'conv2d';
}

/** A dense layer as the DSL returns it, before validation. */
export interface RawDense extends DenseOptions {
  readonly kind: 'dense';
}

/** A max-pooling layer as the DSL returns it, before validation. */
export interface RawMaxPool2d extends MaxPool2dOptions {
  readonly kind: 'maxPool2d';
}

/** An average-pooling layer as the DSL returns it, before validation. */
export interface RawAvgPool2d extends AvgPool2dOptions {
  readonly kind: 'avgPool2d';
}

/** Flattening: the next dense layer sees the whole feature map as one vector (PyTorch's C·H·W order). */
export interface RawFlatten {
  readonly kind: 'flatten';
  readonly name?: string;
}

/** Arg-max over the last layer's outputs: the design emits the index of the largest (first on ties). */
export interface RawArgmax {
  readonly kind: 'argmax';
  readonly name?: string;
}

/** Any layer before validation. */
export type RawLayer = RawConv2d | RawDense | RawMaxPool2d | RawAvgPool2d | RawFlatten | RawArgmax;

/** Options of a whole network, as the user writes them. */
export interface NetworkOptions {
  /** Design name: a Verilog identifier; prefixes every generated module. */
  readonly name: string;
  readonly input: InputOptions;
  /** A path (relative to the model file) to .onnx, .json, .npz or a folder of .npy files, or `randomWeights(seed)`. */
  readonly weights: string | WeightSource;
  /** Real images for calibration, test vectors and accuracy: `mnist()` or `dataset({ ... })`; default: seeded random images. */
  readonly dataset?: RawDatasetSource;
  readonly layers: readonly RawLayer[];
  /** Seed of the sample images used to calibrate shifts and to make test vectors; default 1. */
  readonly sampleSeed?: number;
}

/** A network as the DSL returns it, before validation. */
export interface RawNetwork extends NetworkOptions {
  readonly kind: 'network';
}
