/**
 * The intermediate representations: plain readonly data, tagged by `kind`, never holding
 * rendered text. The integer IR is what quantisation produces; the hardware IR adds what the
 * passes decide (widths, folding, buffer sizes, names, cycle counts).
 */
import type { Shape } from '../core/shapes.ts';

/** What every layer states: its name and the feature maps it takes and gives. */
interface LayerBase {
  readonly name: string;
  readonly input: Shape;
  readonly output: Shape;
  readonly inputBits: number;
  readonly outputBits: number;
}

/** A layer that walks a square window over its input (potgen_window). */
interface WindowLayerBase extends LayerBase {
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
}

/**
 * A conv layer in integers: weights [o][ky][kx][c], bias in accumulator units, requant shift.
 * Dense layers are convolutions whose kernel covers the whole (square) input map.
 */
export interface ConvLayerIR extends WindowLayerBase {
  readonly kind: 'conv2d';
  /** The DSL layer it came from. */
  readonly origin: 'conv2d' | 'dense';
  readonly quant: 'pot' | 'uniform';
  readonly weightBits: number;
  /** Hardware codes: PoT sign|m, or uniform two's complement, `weightBits` wide. */
  readonly weightCodes: readonly number[];
  /** The integers the codes stand for. */
  readonly weightValues: readonly number[];
  /** Scale exponents: weights ≈ v·2^weightExponent; input X stands for X·2^inputExponent. */
  readonly weightExponent: number;
  readonly inputExponent: number;
  readonly bias: readonly number[];
  readonly shift: number;
  /** ReLU and unsigned outputs; false: signed outputs (the last weighted layer only). */
  readonly relu: boolean;
  readonly pe: number;
  readonly simd: number;
}

/** Max pooling of unsigned activations (zero padding never wins over a real value). */
export interface PoolLayerIR extends WindowLayerBase {
  readonly kind: 'maxPool2d';
}

/** Index of the largest of the input values (the first one on ties). */
export interface ArgmaxIR extends LayerBase {
  readonly kind: 'argmax';
  /** Whether the compared values are signed (the last weighted layer had no ReLU). */
  readonly signedInput: boolean;
  /** Width of the index on the output stream (a whole number of bytes). */
  readonly outputBits: number;
}

/** Any integer layer. */
export type LayerIR = ConvLayerIR | PoolLayerIR | ArgmaxIR;

/** A quantised network. */
export interface NetworkIR {
  readonly kind: 'network';
  readonly name: string;
  /** The model file it came from, named in generated headers. */
  readonly source: string;
  readonly input: Shape & { readonly bits: number };
  readonly layers: readonly LayerIR[];
  /** Seed of the sample images (calibration and test vectors). */
  readonly sampleSeed: number;
}

/** Bit widths of a conv layer's datapath, all from exact worst-case bounds. */
export interface ConvWidths {
  /** Signed width of one product (activation × weight). */
  readonly product: number;
  /** Signed width of the accumulator: holds Σ|x·w| over the fan-in for the worst channel. */
  readonly accumulator: number;
  /** Signed width after adding bias and the rounding offset. */
  readonly requant: number;
}

/** How a conv layer's work is folded onto its PE × SIMD array. */
export interface ConvFolding {
  /** Output-channel groups: outChannels / pe. */
  readonly peFolds: number;
  /** Input-channel groups: inChannels / simd. */
  readonly simdFolds: number;
  /** Cycles per output-channel group: kernel² · simdFolds. */
  readonly accumulateCycles: number;
  /** Cycles per output pixel: peFolds · accumulateCycles (also the weight ROM depth). */
  readonly cyclesPerPixel: number;
}

/** A conv layer ready for emission. */
export interface ConvLayerHW extends ConvLayerIR {
  /** `<design>_<layer>`: the generated module and the prefix of its helpers. */
  readonly moduleName: string;
  readonly widths: ConvWidths;
  readonly folding: ConvFolding;
  /** Rows held by the line buffer (ring of whole input rows). */
  readonly bufferRows: number;
  /** Depth of the output FIFO that absorbs the pipeline on back-pressure. */
  readonly fifoDepth: number;
  /** Largest shift in use (PoT) — the barrel shifters' range. */
  readonly maxShift: number;
  /** Cycles per frame in steady state: max(input pixels, output pixels · cyclesPerPixel). */
  readonly cyclesPerFrame: number;
}

/** A pooling layer ready for emission. */
export interface PoolLayerHW extends PoolLayerIR {
  readonly moduleName: string;
  readonly bufferRows: number;
  readonly fifoDepth: number;
  /** Cycles per frame in steady state: max(input pixels, output pixels · kernel²). */
  readonly cyclesPerFrame: number;
}

/** An arg-max ready for emission. */
export interface ArgmaxHW extends ArgmaxIR {
  readonly moduleName: string;
  /** One input beat per frame, one cycle each. */
  readonly cyclesPerFrame: number;
}

/** Any hardware layer. */
export type LayerHW = ConvLayerHW | PoolLayerHW | ArgmaxHW;

/** A network ready for emission. */
export interface NetworkHW extends Omit<NetworkIR, 'layers'> {
  readonly layers: readonly LayerHW[];
  /** Steady-state cycles per inference: the slowest layer's cycles per frame. */
  readonly cyclesPerFrame: number;
}
