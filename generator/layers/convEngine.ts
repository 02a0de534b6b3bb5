/**
 * The engine behind conv2d and dense (templates/lib/potgen_conv_layer.v): a PE × SIMD array of
 * shift units (PoT) or multipliers (uniform) over potgen_window, with pipelined adder trees,
 * accumulation over the folds and requantisation. A dense layer is a convolution whose kernel
 * covers the whole (square) input map, so both kinds share everything here: quantisation, the
 * integer reference, widths, folding, ROM layout and template parameters.
 */
import { convAccumulators, convRequantised, requantiseMap } from '../arith/conv.ts';
import {
  calibrateShift,
  fixedPointScales,
  potMaxCode,
  quantiseBias,
  quantiseBiasScaled,
  quantisePot,
  quantiseUniform,
  quantiseUniformScaled,
  roundingOffset,
  signedBits,
  type UniformScale,
} from '../arith/rules.ts';
import { PotgenError } from '../core/errors.ts';
import { formatShape, windowOutputShape, type FeatureMap } from '../core/shapes.ts';
import { addressBits, twosComplement } from '../core/verilog.ts';
import type { WeightQuantOptions } from '../dsl/types.ts';
import { constantDot, type ConstantDot } from './constantDot.ts';
import type { AttributeTable, ChainContext, HardwareFields, LayerFile, LayerIRBase, LayerSpecBase, Parameter, Quantised, QuantiseInput } from './kind.ts';
import { divisors, LIMITS } from './limits.ts';
import { outputFifoDepth, simdChoices, simdLayout, slidesWindow, windowBufferRows, windowCyclesPerFrame, type SimdLayout, type WindowGeometry } from './window.ts';

// ------------------------------------------------------------------ spec

/** What every weighted layer (conv2d, dense) declares after its shape: arithmetic and array size. */
export const WEIGHTED_ATTRIBUTES: AttributeTable = {
  bias: { type: 'bool', default: true },
  weights: { type: 'quant', default: { kind: 'pot', bits: 4 } },
  activationBits: { type: 'int', ...LIMITS.activationBits, default: 8 },
  pe: { type: 'int', min: 1, max: 4096, default: 1 },
  simd: { type: 'int', min: 1, max: 4096, default: 1 },
  shift: { type: 'int', min: 0, max: 62, optional: true },
  activation: { type: 'enum', values: ['relu', 'none'], default: 'relu' },
  weightStorage: { type: 'enum', values: ['rom', 'logic'], default: 'rom' },
};

/** What validated conv2d and dense layers share. */
export interface WeightedSpec extends LayerSpecBase {
  readonly kind: 'conv2d' | 'dense';
  readonly bias: boolean;
  readonly weights: WeightQuantOptions;
  readonly activationBits: number;
  readonly pe: number;
  readonly simd: number;
  readonly shift: number | undefined;
  readonly activation: 'relu' | 'none';
  /**
   * Where the weights live: 'rom', codes read from a ROM each step (any folding); or 'logic',
   * fixed into the datapath as constant shifts (PoT) or shift-adds (uniform), which needs the layer
   * unrolled to one step per pixel (pe = outputs, simd = the whole window).
   */
  readonly weightStorage: WeightStorage;
}

/** Where a layer's weights live: see WeightedSpec.weightStorage. */
export type WeightStorage = 'rom' | 'logic';

/** The rules every weighted layer keeps: folding factors divide, signed outputs only at the end. */
export function checkWeightedChain(spec: WeightedSpec, outputs: number, outName: string, kernel: number | undefined, ctx: ChainContext): void {
  if (outputs % spec.pe !== 0) {
    ctx.error('pe', `${ctx.label}: pe = ${spec.pe} does not divide ${outName} = ${outputs}.`, `Choose pe from ${divisors(outputs).join(', ')}.`);
  }
  const c = ctx.input?.channels;
  const layout = c !== undefined && kernel !== undefined ? simdLayout(spec.simd, c, kernel) : undefined;
  if (c !== undefined && kernel !== undefined && !layout) {
    ctx.error(
      'simd',
      `${ctx.label}: simd = ${spec.simd} does not fit the ${kernel}x${kernel}x${c} window: it must divide the ${c} input channels, ` +
        `or span whole kernel taps: ${c} × t for t < ${kernel} taps of one kernel row, or ${c * kernel} × m for m ≤ ${kernel} whole kernel rows.`,
      `Choose simd from ${simdChoices(c, kernel).join(', ')}.`,
    );
  } else if (layout && c !== undefined && kernel !== undefined && spec.weightStorage === 'logic') {
    const window = kernel * kernel * c;
    if (spec.pe !== outputs || spec.simd !== window) {
      ctx.error(
        'weightStorage',
        `${ctx.label}: weights in logic need the layer unrolled to one step per pixel, but pe = ${spec.pe} and simd = ${spec.simd} take ${(outputs / spec.pe) * layout.steps} steps.`,
        `Use pe: ${outputs} and simd: ${window} (the whole ${kernel}x${kernel}x${c} window), or weightStorage: 'rom'.`,
      );
    }
  }
  if (spec.activation === 'none' && !ctx.isLastWeighted) {
    ctx.error('activation', `${ctx.label}: activation 'none' gives signed outputs, which only the last weighted layer may have.`, "Use activation 'relu', or make this the last layer.");
  }
}

// ------------------------------------------------------------------ integer IR

/** A conv or dense layer in integers: weights [o][ky][kx][c], bias in accumulator units, requant shift. */
export interface ConvIR extends LayerIRBase, WindowGeometry {
  readonly kind: 'conv2d' | 'dense';
  readonly quant: 'pot' | 'uniform';
  readonly weightBits: number;
  /** Hardware codes: PoT sign|m, or uniform two's complement, `weightBits` wide. */
  readonly weightCodes: readonly number[];
  /** The integers the codes stand for. */
  readonly weightValues: readonly number[];
  /**
   * Weights ≈ v · 2^weightExponent ('pow2' and PoT layers), or v · multipliers[o] · 2^weightExponent
   * (real scales, the multipliers standing for them).
   */
  readonly weightExponent: number;
  /** The weight scale: a power of two ('pow2', every PoT layer), or real per layer or per output channel. */
  readonly scale: UniformScale;
  /**
   * Fixed-point requantisation multipliers M[o] (unsigned), one per output channel, for 'layer' and
   * 'channel' scales: y = sat(relu((acc · M[o] + 2^(shift−1)) >> shift)). Empty for 'pow2'.
   */
  readonly multipliers: readonly number[];
  /** Bias in accumulator units: 2^(inputExponent + weightExponent), or 2^inputExponent · s_o with a real scale. */
  readonly bias: readonly number[];
  readonly shift: number;
  /** ReLU and unsigned outputs; false: signed outputs (the last weighted layer only). */
  readonly relu: boolean;
  readonly pe: number;
  readonly simd: number;
  readonly weightStorage: WeightStorage;
}

/** Weights per output channel: the K·K·C window. */
export function windowFanIn(layer: Pick<ConvIR, 'kernel' | 'input'>): number {
  return layer.kernel * layer.kernel * layer.input.channels;
}

/** Reorders a PyTorch [o][c][ky][kx] weight tensor to potgen's [o][ky][kx][c] (channels innermost). */
export function toChannelsLast(w: ArrayLike<number>, oc: number, c: number, k: number): Float64Array {
  const out = new Float64Array(oc * c * k * k);
  for (let o = 0; o < oc; o++)
    for (let ci = 0; ci < c; ci++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) out[((o * k + ky) * k + kx) * c + ci] = w[((o * c + ci) * k + ky) * k + kx]!;
  return out;
}

/**
 * Quantises a weighted layer: codes and values of its weights, its bias in accumulator units, and
 * (unless the model gives one) the smallest requantisation shift that fits the calibration peak.
 * `weights` is the float tensor in PyTorch's [o][c][k][k] order (a dense weight [out, C·H·W] is
 * that of a whole-map convolution).
 */
export function quantiseConv(spec: WeightedSpec, q: QuantiseInput, geometry: WindowGeometry & { readonly outChannels: number }): Quantised<ConvIR> {
  const { outChannels, kernel } = geometry;
  const weight = q.tensors.weight;
  if (!weight) throw new PotgenError(`Layer ${spec.name} has no weights.`);
  const floats = toChannelsLast(weight.data, outChannels, q.input.channels, kernel);
  const floatBias = spec.bias ? q.tensors.bias?.data : undefined;
  // The --quant override bypasses validation, so the default scale is applied here too.
  const scale: UniformScale = spec.weights.kind === 'pot' ? 'pow2' : (spec.weights.scale ?? 'layer');
  let w: { values: ArrayLike<number>; codes: ArrayLike<number>; exponent: number };
  let bias: number[];
  let multipliers: number[] = [];
  if (scale === 'pow2') {
    w = spec.weights.kind === 'pot' ? quantisePot(floats, spec.weights.bits, { sparsity: spec.weights.prune ?? 0, levels: spec.weights.pruneLevels ?? 0 }) : quantiseUniform(floats, spec.weights.bits);
    bias = Array.from({ length: outChannels }, (_, o) => (floatBias ? quantiseBias(floatBias[o]!, q.inputExponent + w.exponent) : 0));
  } else {
    const scaled = quantiseUniformScaled(floats, spec.weights.bits, outChannels, scale === 'channel');
    const fixed = fixedPointScales(scaled.scales);
    w = { values: scaled.values, codes: scaled.codes, exponent: fixed.exponent };
    multipliers = fixed.multipliers;
    bias = Array.from({ length: outChannels }, (_, o) => (floatBias ? quantiseBiasScaled(floatBias[o]!, q.inputExponent, scaled.scales[o]!) : 0));
  }
  const relu = spec.activation === 'relu';
  const layer: ConvIR = {
    kind: spec.kind,
    name: spec.name,
    input: q.input,
    output: windowOutputShape(q.input, kernel, geometry.stride, geometry.pad, outChannels),
    inputBits: q.inputBits,
    outputBits: spec.activationBits,
    outputSigned: !relu,
    inputExponent: q.inputExponent,
    outputExponent: 0,
    kernel,
    stride: geometry.stride,
    pad: geometry.pad,
    quant: spec.weights.kind,
    weightBits: spec.weights.bits,
    weightCodes: Array.from(w.codes),
    weightValues: Array.from(w.values),
    weightExponent: w.exponent,
    scale,
    multipliers,
    bias,
    shift: 0,
    relu,
    pe: spec.pe,
    simd: spec.simd,
    weightStorage: spec.weightStorage,
  };
  const done = (shift: number): ConvIR => ({ ...layer, shift, outputExponent: q.inputExponent + w.exponent + shift });
  if (spec.shift !== undefined) return { ir: done(spec.shift) };
  // Unsigned outputs fit the peak into `bits`; signed ones fit the largest magnitude into bits − 1.
  // With multipliers the peak is that of acc · M[o], the value the shift applies to.
  const accumulators = q.samples.map((x) => convAccumulators(x, layer));
  let peak = 0;
  for (const acc of accumulators) {
    for (let i = 0; i < acc.data.length; i++) {
      const v = multipliers.length ? acc.data[i]! * multipliers[i % outChannels]! : acc.data[i]!;
      peak = Math.max(peak, relu ? v : Math.abs(v));
    }
  }
  if (multipliers.length && !Number.isSafeInteger(peak)) {
    throw new PotgenError(`Layer ${spec.name}: a calibration accumulator times its multiplier reaches ${peak}, beyond the 2^53 the reference computes exactly.`);
  }
  const shift = calibrateShift(peak, relu ? spec.activationBits : spec.activationBits - 1);
  const mult = multipliers.length ? multipliers : undefined;
  return { ir: done(shift), outputs: accumulators.map((acc) => requantiseMap(acc, shift, spec.activationBits, relu, mult)) };
}

/** The integer reference: exactly what potgen_conv_layer computes. */
export function runConv(ir: ConvIR, x: FeatureMap): FeatureMap {
  return convRequantised(x, ir, ir.shift, ir.outputBits, ir.relu, ir.multipliers.length ? ir.multipliers : undefined);
}

// ------------------------------------------------------------------ hardware IR

/** Bit widths of the datapath, all from exact worst-case bounds. */
export interface ConvWidths {
  /** Signed width of one product (activation × weight). */
  readonly product: number;
  /** Signed width of the accumulator: holds Σ|x·w| over the fan-in for the worst channel. */
  readonly accumulator: number;
  /** Signed width after adding bias (and, without multipliers, the rounding offset). */
  readonly requant: number;
  /** Unsigned width of the requantisation multipliers; 0 when requantisation is a shift alone. */
  readonly multiplier: number;
  /** Signed width of biased sum · M + 2^(shift−1): requant + multiplier + 1, or 0 without multipliers. */
  readonly scaled: number;
}

/** How the layer's work is folded onto its PE × SIMD array. */
export interface ConvFolding {
  /** Output-channel groups: outChannels / pe. */
  readonly peFolds: number;
  /** How the SIMD lanes cover the window (channels of one tap, or whole taps), and the steps per output-channel group. */
  readonly layout: SimdLayout;
  /** Cycles per output pixel: peFolds · layout.steps (also the weight ROM depth). */
  readonly cyclesPerPixel: number;
}

/** A conv or dense layer ready for emission. */
export interface ConvHW extends ConvIR, HardwareFields {
  readonly widths: ConvWidths;
  readonly folding: ConvFolding;
  /** Rows held by the line buffer (ring of whole input rows). */
  readonly bufferRows: number;
  /** The taps kept in a sliding register window (see slidesWindow). */
  readonly slidingWindow: boolean;
  /** Depth of the output FIFO that absorbs the pipeline on back-pressure. */
  readonly fifoDepth: number;
  /** Largest shift in use (PoT): the barrel shifters' range. */
  readonly maxShift: number;
  /** Cycles from a step's activations to its dot products (potgen_dot_array, or the logic trees). */
  readonly dotLatency: number;
  /** With weights in logic: the generated trees. */
  readonly logic?: ConstantDot;
}

/** The exact reference model computes in doubles; wider accumulators would lose bits. */
export const MAX_ACCUMULATOR_BITS = 52;

/**
 * Widths of products, accumulator and requantisation sum. Each is at least what the RTL's
 * structure needs (a product holds a whole activation and its sign), so that a layer whose weights
 * are all zero (a pruned layer) still builds: it outputs its requantised bias.
 */
export function convWidths(layer: ConvIR): ConvWidths {
  const amax = 2 ** layer.inputBits - 1;
  const fanIn = windowFanIn(layer);
  const multiplied = layer.multipliers.length > 0;
  // With multipliers the rounding offset is added after the multiply, not to the bias.
  const offset = multiplied ? 0 : roundingOffset(layer.shift);
  let maxWeight = 0;
  let accBound = 0;
  let requantBound = 0;
  let scaledBound = 0;
  let maxMultiplier = 0;
  for (let o = 0; o < layer.output.channels; o++) {
    let sum = 0;
    for (let i = 0; i < fanIn; i++) {
      const v = Math.abs(layer.weightValues[o * fanIn + i]!);
      maxWeight = Math.max(maxWeight, v);
      sum += v * amax;
    }
    accBound = Math.max(accBound, sum);
    requantBound = Math.max(requantBound, sum + Math.abs(layer.bias[o]!) + offset);
    if (multiplied) {
      const m = layer.multipliers[o]!;
      maxMultiplier = Math.max(maxMultiplier, m);
      scaledBound = Math.max(scaledBound, (sum + Math.abs(layer.bias[o]!)) * m + roundingOffset(layer.shift));
    }
  }
  // The multiply's result must stay exact in the reference's doubles too (and below 2^52 here).
  if (scaledBound > 2 ** (MAX_ACCUMULATOR_BITS - 1) - 1) {
    const needed = Number.isSafeInteger(scaledBound) ? signedBits(scaledBound) : Math.floor(Math.log2(scaledBound)) + 2;
    throw new PotgenError(
      `Layer ${layer.name} needs a ${needed}-bit requantisation product (accumulator times multiplier); ` +
        `potgen supports at most ${MAX_ACCUMULATOR_BITS} bits. Use fewer weight or activation bits, or scale: 'pow2'.`,
    );
  }
  // Refuse before sizing: the bounds are sums of doubles, exact only below 2^53 (one 7- or 8-bit
  // PoT weight alone can be 2^62 or 2^126), and every width below is at most the requant width.
  if (requantBound > 2 ** (MAX_ACCUMULATOR_BITS - 1) - 1) {
    const needed = Number.isSafeInteger(requantBound) ? signedBits(requantBound) : Math.floor(Math.log2(requantBound)) + 2;
    throw new PotgenError(
      `Layer ${layer.name} needs a ${needed}-bit accumulator (its weights span too many power-of-two levels); ` +
        `potgen supports at most ${MAX_ACCUMULATOR_BITS} bits. Use fewer weight bits or prune the smallest weights.`,
    );
  }
  const product = Math.max(signedBits(amax * maxWeight), layer.inputBits + 1);
  const accumulator = Math.max(signedBits(accBound), product);
  const requant = Math.max(signedBits(requantBound), accumulator);
  // The RTL multiplies at full width, requant × (multiplier + 1) signed bits.
  const multiplier = multiplied ? Math.max(1, Math.ceil(Math.log2(maxMultiplier + 1))) : 0;
  return { product, accumulator, requant, multiplier, scaled: multiplied ? requant + multiplier + 1 : 0 };
}

/** How the work maps onto the array: loops are pe-group ⊃ kernel row ⊃ kernel column ⊃ simd-group. */
export function convFolding(layer: ConvIR): ConvFolding {
  const peFolds = layer.output.channels / layer.pe;
  const layout = simdLayout(layer.simd, layer.input.channels, layer.kernel);
  if (!layout) throw new PotgenError(`Layer ${layer.name}: simd = ${layer.simd} does not fit its ${layer.kernel}x${layer.kernel}x${layer.input.channels} window.`);
  return { peFolds, layout, cyclesPerPixel: peFolds * layout.steps };
}

/**
 * The weight index within one output channel's K·K·C window ([ky][kx][c]) that lane i of
 * accumulation step s multiplies, in potgen_window's step order (kernel row ⊃ kernel column ⊃
 * channel group) and lane order (whole taps, channels innermost); undefined for a lane past the
 * kernel (the last step of a row or of the kernel, when the taps a step spans do not divide it),
 * whose input is always zero.
 */
export function laneWindowIndex(layer: Pick<ConvIR, 'kernel' | 'simd' | 'input'>, layout: SimdLayout, s: number, i: number): number | undefined {
  const { kernel: k, simd } = layer;
  const c = layer.input.channels;
  const g = s % layout.channelGroups;
  const tapStep = Math.floor(s / layout.channelGroups);
  const ky0 = Math.floor(tapStep / layout.stepsX) * layout.tapsY;
  const kx0 = (tapStep % layout.stepsX) * layout.tapsX;
  const t = layout.taps > 1 ? Math.floor(i / c) : 0;
  const ch = layout.taps > 1 ? i % c : g * simd + i;
  const ky = ky0 + Math.floor(t / layout.tapsX);
  const kx = kx0 + (t % layout.tapsX);
  return ky < k && kx < k ? (ky * k + kx) * c + ch : undefined;
}

/** potgen_dot_array's latency: the operand registers, then one adder-tree level per stage. */
export function romDotLatency(simd: number): number {
  return 1 + Math.ceil(Math.log2(simd));
}

/** Pipeline stages from issuing a fold step to writing the output FIFO (see potgen_conv_layer.v). */
export function convPipelineLatency(dotLatency: number, multiplied = false): number {
  return 1 /* buffer + ROM read */ + dotLatency + 1 /* accumulate */ + 2 /* requantise */ + (multiplied ? 1 : 0) /* multiply */;
}

/** The weights of an unrolled layer as the logic trees take them: PE p (output channel p), lane i of the single step. */
function logicDot(layer: ConvIR, folding: ConvFolding, widths: ConvWidths): ConstantDot {
  const fanIn = windowFanIn(layer);
  const weights = Array.from({ length: layer.pe }, (_, p) =>
    Array.from({ length: layer.simd }, (_, i) => layer.weightValues[p * fanIn + laneWindowIndex(layer, folding.layout, 0, i)!]!),
  );
  return constantDot({ pe: layer.pe, simd: layer.simd, activationBits: layer.inputBits, sumWidth: widths.accumulator, weights });
}

/** The largest left shift a PoT weight of this layer applies (0 for uniform layers). */
function maxShift(layer: ConvIR): number {
  if (layer.quant !== 'pot') return 0;
  const mask = potMaxCode(layer.weightBits);
  return layer.weightCodes.reduce((max, code) => Math.max(max, (code & mask) - 1), 0);
}

/** Widths, folding, buffers and timing. */
export function lowerConv(layer: ConvIR, moduleName: string): ConvHW {
  const folding = convFolding(layer);
  const widths = convWidths(layer);
  if (layer.weightStorage === 'logic' && folding.cyclesPerPixel !== 1) {
    const window = windowFanIn(layer);
    throw new PotgenError(
      `Layer ${layer.name}: weights in logic need the layer unrolled to one step per pixel, but pe = ${layer.pe} and simd = ${layer.simd} take ${folding.cyclesPerPixel} steps. ` +
        `Set pe: ${layer.output.channels} and simd: ${window} (the whole ${layer.kernel}x${layer.kernel}x${layer.input.channels} window) in the model, or keep its weights in a ROM.`,
    );
  }
  const logic = layer.weightStorage === 'logic' ? logicDot(layer, folding, widths) : undefined;
  const dotLatency = logic ? logic.latency : romDotLatency(layer.simd);
  return {
    ...layer,
    moduleName,
    widths,
    folding,
    bufferRows: windowBufferRows(layer),
    slidingWindow: slidesWindow(layer, layer.input, layer.output, folding.layout, folding.cyclesPerPixel),
    fifoDepth: outputFifoDepth(convPipelineLatency(dotLatency, layer.multipliers.length > 0), folding.cyclesPerPixel),
    maxShift: maxShift(layer),
    dotLatency,
    ...(logic ? { logic } : {}),
    cyclesPerFrame: windowCyclesPerFrame(layer.input, layer.output, folding.cyclesPerPixel),
  };
}

// ------------------------------------------------------------------ emission

/** Weight ROM words in fold order: pe-group ⊃ accumulation step (kernel row ⊃ kernel column ⊃ simd-group). */
export function weightRomWords(layer: ConvHW): bigint[] {
  const { pe, simd, weightBits: wb } = layer;
  const { layout } = layer.folding;
  const fanIn = windowFanIn(layer);
  const words: bigint[] = [];
  for (let p = 0; p < layer.folding.peFolds; p++)
    for (let s = 0; s < layout.steps; s++) {
      let word = 0n;
      for (let l = pe - 1; l >= 0; l--)
        for (let i = simd - 1; i >= 0; i--) {
          // A lane past the kernel multiplies zeros: its weight is code 0 (zero, for PoT and uniform).
          const index = laneWindowIndex(layer, layout, s, i);
          const code = index === undefined ? 0 : layer.weightCodes[(p * pe + l) * fanIn + index]!;
          word = (word << BigInt(wb)) | BigInt(code);
        }
      words.push(word);
    }
  return words;
}

/**
 * Bias ROM words, one per PE group: per lane bias + rounding offset, or with multipliers
 * {M[o], bias} (the rounding offset is then added after the multiply).
 */
export function biasRomWords(layer: ConvHW): bigint[] {
  const width = layer.widths.requant;
  const mb = layer.widths.multiplier;
  const words: bigint[] = [];
  for (let p = 0; p < layer.folding.peFolds; p++) {
    let word = 0n;
    for (let l = layer.pe - 1; l >= 0; l--) {
      const o = p * layer.pe + l;
      if (mb > 0) {
        word = (word << BigInt(mb)) | BigInt(layer.multipliers[o]!);
        word = (word << BigInt(width)) | twosComplement(layer.bias[o]!, width);
      } else word = (word << BigInt(width)) | twosComplement(layer.bias[o]! + roundingOffset(layer.shift), width);
    }
    words.push(word);
  }
  return words;
}

/** Says how the layer's weights are scaled, e.g. "scale per channel". */
export function scaleLabel(scale: UniformScale): string {
  return scale === 'channel' ? 'scale per channel' : scale === 'layer' ? 'scale per layer' : 'power-of-two scale';
}

/** Module suffixes of the helpers beside the layer's wrapper: the weight ROM or the logic trees, and the bias ROM. */
export const CONV_HELPER_MODULES = ['_weights', '_dot', '_bias'] as const;

/** The wrapper that sets potgen_conv_layer's parameters, and its weight and bias ROMs. */
export function emitConv(layer: ConvHW, kindLabel: string): LayerFile[] {
  const { folding, widths } = layer;
  const weightsModule = `${layer.moduleName}_weights`;
  const dotModule = `${layer.moduleName}_dot`;
  const biasModule = `${layer.moduleName}_bias`;
  const weightWord = layer.pe * layer.simd * layer.weightBits;
  const biasWord = layer.pe * (widths.requant + widths.multiplier);
  const parameters: Parameter[] = (
    [
      ['H', layer.input.height],
      ['W', layer.input.width],
      ['C', layer.input.channels],
      ['OC', layer.output.channels],
      ['K', layer.kernel],
      ['S', layer.stride],
      ['PAD', layer.pad],
      ['PE', layer.pe],
      ['SIMD', layer.simd],
      ['AB_IN', layer.inputBits],
      ['AB_OUT', layer.outputBits],
      ['DL', layer.dotLatency],
      ['SW', widths.accumulator],
      ['RQW', widths.requant],
      ['MB', widths.multiplier],
      ['SHIFT', layer.shift],
      ['RELU', layer.relu ? 1 : 0],
      ['R', layer.bufferRows],
      ['FIFO_DEPTH', layer.fifoDepth],
      ['SLIDE', layer.slidingWindow ? 1 : 0],
    ] as const
  ).map(([name, value]) => ({ name, value }));
  const dotParameters: Parameter[] = (
    [
      ['PE', layer.pe],
      ['SIMD', layer.simd],
      ['AB', layer.inputBits],
      ['WB', layer.weightBits],
      ['MODE_POT', layer.quant === 'pot' ? 1 : 0],
      ['PW', widths.product],
      ['SW', widths.accumulator],
    ] as const
  ).map(([name, value]) => ({ name, value }));
  const { layout } = folding;
  const c = layer.input.channels;
  const wrapper: LayerFile = {
    kind: 'template',
    module: layer.moduleName,
    template: 'conv_layer.v.hbs',
    values: {
      layer: layer.name,
      kernel: layer.kernel,
      stride: layer.stride,
      pad: layer.pad,
      inShape: formatShape(layer.input),
      outShape: formatShape(layer.output),
      quantLabel: `${layer.weightBits}-bit ${layer.quant === 'pot' ? 'power-of-two' : 'uniform'}`,
      scaleLabel:
        layer.multipliers.length > 0
          ? `real ${scaleLabel(layer.scale)}, M[o] * 2^${layer.weightExponent}, ${widths.multiplier}-bit multipliers`
          : `2^${layer.weightExponent} scale`,
      requantLabel: layer.multipliers.length > 0 ? `multiply by M[o], shift ${layer.shift}` : `shift ${layer.shift}`,
      kindLabel,
      activationLabel: layer.relu ? `ReLU, ${layer.outputBits}-bit unsigned outputs` : `no ReLU, ${layer.outputBits}-bit signed outputs`,
      weightExponent: layer.weightExponent,
      shift: layer.shift,
      pe: layer.pe,
      simd: layer.simd,
      simdLabel:
        layout.taps === 1
          ? `${layer.simd} of ${c} input channels`
          : `${layout.taps} kernel taps of ${c} channel${c > 1 ? 's' : ''}, ${layout.tapsY > 1 ? `${layout.tapsY} rows` : `${layout.tapsX} of a row`}${layer.slidingWindow ? ', a sliding register window' : ''}`,
      storageLabel: layer.logic ? 'fixed into logic' : 'read from a ROM',
      logic: layer.logic !== undefined,
      logicSummary: layer.logic ? `${layer.logic.terms} shifted terms, ${layer.logic.adders} adders, latency ${layer.logic.latency}` : '',
      dotModule,
      actMsb: layer.simd * layer.inputBits - 1,
      sumsMsb: layer.pe * widths.accumulator - 1,
      carriesMsb: layer.pe - 1,
      dotParameters,
      cyclesPerPixel: folding.cyclesPerPixel,
      cyclesPerFrame: layer.cyclesPerFrame,
      productWidth: widths.product,
      accWidth: widths.accumulator,
      requantWidth: widths.requant,
      scaledWidth: widths.scaled,
      inWidthMsb: layer.input.channels * layer.inputBits - 1,
      outWidthMsb: layer.output.channels * layer.outputBits - 1,
      weightAddrMsb: addressBits(folding.cyclesPerPixel) - 1,
      weightWordMsb: weightWord - 1,
      biasAddrMsb: addressBits(folding.peFolds) - 1,
      biasWordMsb: biasWord - 1,
      parameters,
      weightsModule,
      biasModule,
    },
  };
  const weightFile: LayerFile = layer.logic
    ? {
        kind: 'template',
        module: dotModule,
        template: 'constant_dot.v.hbs',
        values: {
          layer: layer.name,
          quantLabel: `${layer.weightBits}-bit ${layer.quant === 'pot' ? 'power-of-two' : 'uniform'}`,
          termLabel: layer.quant === 'pot' ? 'one term per nonzero weight' : 'one term per nonzero signed digit of each weight',
          terms: layer.logic.terms,
          adders: layer.logic.adders,
          latency: layer.logic.latency,
          pe: layer.pe,
          simd: layer.simd,
          actMsb: layer.simd * layer.inputBits - 1,
          sumsMsb: layer.pe * widths.accumulator - 1,
          carriesMsb: layer.pe - 1,
          body: layer.logic.body.join('\n'),
        },
      }
    : {
        kind: 'rom',
        module: weightsModule,
        rom: {
          words: weightRomWords(layer),
          width: weightWord,
          description: `Weight ROM of ${layer.name}: word f holds the ${layer.pe}x${layer.simd} ${layer.quant === 'pot' ? 'PoT codes {sign, m}' : "two's-complement weights"} of fold step f (pe-group > ky > kx > simd-group).`,
          layout: `code of output lane l, input lane i at [(l*${layer.simd} + i)*${layer.weightBits} +: ${layer.weightBits}].`,
        },
      };
  return [
    wrapper,
    weightFile,
    {
      kind: 'rom',
      module: biasModule,
      rom: {
        words: biasRomWords(layer),
        width: biasWord,
        description:
          widths.multiplier > 0
            ? `Bias ROM of ${layer.name}: per PE group, bias in accumulator units and the requantisation multiplier M.`
            : `Bias ROM of ${layer.name}: per PE group, bias + 2^(shift-1) rounding offset, in accumulator units.`,
        layout:
          widths.multiplier > 0
            ? `lane l at [l*${widths.requant + widths.multiplier} +: ${widths.requant + widths.multiplier}]: {M (${widths.multiplier} bits, unsigned), bias (${widths.requant} bits, two's complement)}.`
            : `lane l at [l*${widths.requant} +: ${widths.requant}], two's complement.`,
      },
    },
  ];
}

/** The layer's line in the build summary. */
export function describeConv(l: ConvHW): string {
  const zeros = l.weightValues.filter((v) => v === 0).length;
  return (
    `${l.name} (${l.kind}): ${formatShape(l.input)} -> ${formatShape(l.output)}, ${l.weightBits}-bit ${l.quant} weights ` +
    `(${l.quant === 'uniform' ? `${scaleLabel(l.scale)}, ` : ''}${zeros}/${l.weightValues.length} zero), ` +
    `PE ${l.pe} x SIMD ${l.simd}, ${l.logic ? `weights in logic (${l.logic.terms} terms, ${l.logic.adders} adders), ` : ''}${l.folding.cyclesPerPixel} cycles/pixel, accumulator ${l.widths.accumulator} bits, shift ${l.shift}, ` +
    `${l.cyclesPerFrame} cycles/frame`
  );
}

/** The layer's facts in potgen.json. */
export function manifestConv(layer: ConvHW): Readonly<Record<string, unknown>> {
  return {
    quant: layer.quant,
    weightBits: layer.weightBits,
    scale: layer.scale,
    ...(layer.multipliers.length > 0 ? { multipliers: layer.multipliers } : {}),
    pe: layer.pe,
    simd: layer.simd,
    weightStorage: layer.weightStorage,
    ...(layer.logic ? { logicTerms: layer.logic.terms, logicAdders: layer.logic.adders } : {}),
    cyclesPerPixel: layer.folding.cyclesPerPixel,
    widths: layer.widths,
    zeroWeights: layer.weightValues.filter((v) => v === 0).length,
    weights: layer.weightValues.length,
    shift: layer.shift,
  };
}

/** A float convolution's bias, when the layer has one. */
export function floatBias(spec: WeightedSpec, bias: { readonly data: Float64Array } | undefined): Float64Array | undefined {
  return spec.bias ? bias?.data : undefined;
}
