/**
 * The contract of a layer kind. As FINN keeps an op's attributes, shape rule and reference
 * execution beside its hardware variants, each kind (conv2d, dense, maxPool2d, ...) is one module
 * that implements this interface, and every stage iterates over the registry (./registry.ts)
 * instead of switching on kinds.
 *
 * A kind is a leaf of the dependency graph: it imports only core/, arith/ and DSL types. What a
 * stage offers a kind (a place to report errors, access to an ONNX node) is passed in through the
 * small interfaces declared here, so no kind imports a stage.
 */
import type { FeatureMap, FloatMap, Shape } from '../core/shapes.ts';
import type { NdArray } from '../core/tensors.ts';

// ------------------------------------------------------------------ attributes (validation)

/** One declared attribute: type, default and allowed range. Attributes without a default are required. */
export type AttributeRule =
  | { readonly type: 'int'; readonly min: number; readonly max: number; readonly default?: number; readonly optional?: true }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default: string }
  | { readonly type: 'bool'; readonly default: boolean }
  | { readonly type: 'identifier' }
  | { readonly type: 'quant'; readonly default: { readonly kind: 'pot' | 'uniform'; readonly bits: number } };

/** A kind's attributes in the order they are checked and reported. */
export type AttributeTable = Readonly<Record<string, AttributeRule>>;

/** What every validated layer has. */
export interface LayerSpecBase {
  readonly kind: string;
  readonly name: string;
}

/** What the validator tells a kind about the layer's place in the network. */
export interface ChainContext {
  /** The layer's input shape; undefined when an earlier layer was invalid (rules that need it are skipped). */
  readonly input: Shape | undefined;
  /** Whether the input values are signed (the previous layer had no ReLU). */
  readonly inputSigned: boolean;
  readonly previous: LayerSpecBase | undefined;
  /** The kind tag of the next layer as written (it may itself be invalid). */
  readonly nextKind: string | undefined;
  readonly isFirst: boolean;
  readonly isLast: boolean;
  /** Whether this is the last layer that carries weights. */
  readonly isLastWeighted: boolean;
  /** How messages name the layer, e.g. `conv2d 'conv1'`. */
  readonly label: string;
  /** Reports a broken rule at property `prop` of the layer (or at the call), with a fix when obvious. */
  error(prop: string | undefined, message: string, fix?: string): void;
}

// ------------------------------------------------------------------ weights

/** A float tensor a layer needs: `<layer>.<role>` in PyTorch's layout. */
export interface TensorNeed {
  readonly role: 'weight' | 'bias';
  readonly shape: readonly number[];
  /** The dimensions spelled out for messages, e.g. `(out channels, in channels, kernel, kernel)`. */
  readonly meaning: string;
}

/** The float tensors of one layer, by role. */
export interface LayerTensors {
  readonly weight?: NdArray;
  readonly bias?: NdArray;
}

/** What the ONNX importer offers a kind for the graph node matched with its layer. */
export interface OnnxNodeAccess {
  /** The node's op type (`Conv`, `Gemm`, `MatMul`, ...). */
  readonly opType: string;
  /** How messages name the node, e.g. `node 'conv1' (Conv)`. */
  readonly label: string;
  /** Stops the import with a message about the node (the file name is prepended). */
  fail(message: string): never;
  int(name: string, fallback: number): number;
  float(name: string, fallback: number): number;
  ints(name: string, fallback: readonly number[]): readonly number[];
  has(name: string): boolean;
  /** Fails unless auto_pad is absent or NOTSET. */
  noAutoPad(): void;
  /** Fails unless the two-element attribute (strides, dilations) is [v, v]; defaults are 1s. */
  check2d(name: string, value: number, message: (shown: string) => string): void;
  checkKernel(kernel: readonly number[], k: number, layer: string): void;
  /** Fails unless the padding, its own `pads` plus those of a zero Pad node folded into it, is `pad` on every side. */
  checkPads(pad: number, layer: string): void;
  /** Whether the node pads by its own `pads` attribute (not only through a folded Pad node). */
  ownPadding(): boolean;
  /** The constant tensor read by input `index` (through Identity aliases), or a failure naming `role`. */
  constantInput(index: number, role: string): { readonly name: string; readonly value: NdArray };
  /**
   * The node's bias (input 2 of Conv and Gemm, the other input of MatMul's Add) as [out], checked
   * against the layer: a bias the layer does not declare, or a missing one it does, fails.
   */
  bias(out: number, declared: boolean, meaning: string): NdArray | undefined;
  /** A constant tensor by name, if the graph holds one (e.g. Reshape's target shape). */
  constant(name: string): NdArray | undefined;
  readonly inputs: readonly string[];
}

/** How a kind maps from ONNX: the ops that import as it, and the attribute and tensor checks. */
export interface OnnxMapping<S extends LayerSpecBase> {
  readonly ops: readonly string[];
  /** Whether a zero Pad node right before the layer's node is part of the layer (as PyTorch exports AvgPool2d's padding). */
  readonly foldsPad?: boolean;
  /** Checks the node against the layer; returns the layer's tensors in potgen's (PyTorch's) layout. */
  import(node: OnnxNodeAccess, layer: S, input: Shape): LayerTensors;
}

// ------------------------------------------------------------------ integer IR and hardware IR

/** What every integer layer states: its name, the maps it takes and gives, and their number formats. */
export interface LayerIRBase {
  readonly kind: string;
  readonly name: string;
  readonly input: Shape;
  readonly output: Shape;
  readonly inputBits: number;
  readonly outputBits: number;
  /** Whether the output values are signed (two's complement); inputs follow the previous layer. */
  readonly outputSigned: boolean;
  /** Scale exponents: a stream value X stands for X · 2^exponent. */
  readonly inputExponent: number;
  readonly outputExponent: number;
}

/** What the passes add to every layer: its module name and its steady-state throughput. */
export interface HardwareFields {
  /** `<design>_<layer>`: the generated module and the prefix of its helpers. */
  readonly moduleName: string;
  /** Cycles per frame in steady state, which the testbench measures. */
  readonly cyclesPerFrame: number;
}

/** Any hardware layer, as the stages after the passes see it. */
export interface LayerHWBase extends LayerIRBase, HardwareFields {}

/**
 * What a kind's quantisation gives: the integer layer, and its outputs on the calibration samples
 * when it computed them anyway (a calibrated shift needs the accumulators), so that they are not
 * computed a second time for the next layer.
 */
export interface Quantised<I extends LayerIRBase> {
  readonly ir: I;
  readonly outputs?: readonly FeatureMap[];
}

/** What quantisation hands a kind: the input's format and the calibration activations entering the layer. */
export interface QuantiseInput {
  readonly input: Shape;
  readonly inputBits: number;
  readonly inputExponent: number;
  readonly inputSigned: boolean;
  readonly tensors: LayerTensors;
  /** Calibration images as they reach this layer through the integer layers before it. */
  readonly samples: readonly FeatureMap[];
}

// ------------------------------------------------------------------ emission

/** A generated file of a layer, as template parameters: the emit stage renders it. */
export type LayerFile =
  | { readonly kind: 'template'; readonly module: string; readonly template: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'rom'; readonly module: string; readonly rom: RomContents };

/** A registered read-only memory, emitted as a case statement. */
export interface RomContents {
  readonly words: readonly bigint[];
  readonly width: number;
  /** What the ROM holds, and the layout of one word: stated in the generated file's header. */
  readonly description: string;
  readonly layout: string;
}

/** One parameter of a library instance, in the order the wrapper lists it. */
export interface Parameter {
  readonly name: string;
  readonly value: number;
}

// ------------------------------------------------------------------ the kind

/**
 * One layer kind. `S` is the validated spec, `I` the integer IR and `H` the hardware IR.
 * Kinds without hardware (flatten) return undefined from `quantise` and never see the later hooks.
 */
export interface LayerKind<S extends LayerSpecBase = LayerSpecBase, I extends LayerIRBase = LayerIRBase, H extends LayerHWBase = LayerHWBase> {
  /** The DSL's kind tag and builder name, e.g. `conv2d`. */
  readonly kind: S['kind'];
  /** What the layer is, for messages (`a 2-D convolution`). */
  readonly summary: string;
  /** Every attribute the builder takes, checked by one validation step. */
  readonly attributes: AttributeTable;
  /** When the name may be left out: default names are `<kind><position>`. */
  readonly autoName?: boolean;
  /** Whether the layer carries trained weights (and counts for "the last weighted layer"). */
  readonly weighted: boolean;
  /** The hand-written library modules (templates/lib) the layer's RTL instantiates. */
  readonly library: readonly string[];

  /** Derived defaults, once every attribute passed (e.g. a pool's stride defaults to its kernel). */
  complete?(values: Record<string, unknown>): S;
  /** The rules that relate the layer to its input and neighbours. */
  checkChain(spec: S, ctx: ChainContext): void;
  outputShape(spec: S, input: Shape): Shape;
  /** Whether the layer gives signed values (no ReLU). */
  outputSigned(spec: S): boolean;
  /** Module name suffixes the layer generates beside `<design>_<name>` (e.g. `_weights`), for collision checks. */
  helperModules?(spec: S): readonly string[];

  /** The float tensors it needs. */
  tensors?(spec: S, input: Shape): readonly TensorNeed[];
  /** ONNX import; absent when the layer has no ONNX node (arg-max follows the exported graph). */
  readonly onnx?: OnnxMapping<S>;
  /** The float model, with PyTorch's semantics, on channel-major maps scaled like training. */
  runFloat(spec: S, x: FloatMap, tensors: LayerTensors): FloatMap;

  /** The integer layer, or undefined when the layer only reinterprets the stream (flatten). */
  quantise(spec: S, q: QuantiseInput): Quantised<I> | undefined;
  /** The bit-exact integer reference: exactly what the RTL computes. */
  run(ir: I, x: FeatureMap): FeatureMap;
  /** Passes: widths, folding, buffers and timing. */
  lower(ir: I, moduleName: string): H;
  /** The layer's generated files; the first one is the layer's own module `<design>_<name>`. */
  emit(hw: H): readonly LayerFile[];
  /** One line for the build summary. */
  describe(hw: H): string;
  /** How the top level's header describes this layer's output stream when it is the last layer; default: pixels. */
  streamLabel?(hw: H): string;
  /** Per-layer facts for potgen.json. */
  manifest(hw: H): Readonly<Record<string, unknown>>;
}
