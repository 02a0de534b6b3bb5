/**
 * Integer convolution exactly as the hardware computes it: zero padding, products of unsigned
 * activations and integer weights, accumulation in exact integers, then `requantise`.
 *
 * The kernels are fast but bit-exact: every function returns exactly what the straightforward
 * nested loops return (kept below as `naiveConvAccumulators`, the fallback), down to the sign of
 * a zero. How the convolution stays exact while it reorders the sum:
 * - Weights and biases are integers and the inputs are Int32, so every product and partial sum is
 *   an integer bounded by B = max_o(Σ|w_o|)·max|x| + max|bias|, computed per call from the actual
 *   input. Below 2^52 every partial sum is exact in float64 in any order, so the result is the
 *   exact integer, as the loops' is. Above that (or for non-integer weights) the loops run.
 * - Below 2^25, two output channels share one float64 lane, w_a + w_b·2^26: one multiply-add does
 *   two MACs and both sums stay exact (|a| < 2^25, |b·2^26| < 2^51); they are split afterwards.
 * - The walk scatters each non-zero input into the outputs it touches (zeros contribute nothing;
 *   MNIST images are ~80% zeros, ReLU maps ~40%). For a stride of 1 the outputs one input row
 *   touches and their weights are contiguous, so the inner loop is one run of kernel·lanes values.
 * - Only the sign of a zero could differ from the loops': their float sum ends at −0 only when the
 *   bias is −0 (quantiseBias gives −0 for small negative biases) and every product is −0. Such
 *   outputs are checked one by one.
 * Int32 accumulation was measured as no faster than float64 here, and packing halves the work, so
 * the fast paths accumulate in float64 lanes.
 */
import type { FeatureMap } from '../core/shapes.ts';
import { windowOutputSide } from '../core/shapes.ts';
import { requantiseAll, requantiseAllMultiplied } from './rules.ts';
import { firstOffset } from './windowWalk.ts';

/** The integer conv layer parameters the arithmetic needs. Weights are [o][ky][kx][c]. */
export interface ConvArithmetic {
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly output: { readonly channels: number };
  readonly weightValues: ArrayLike<number>;
  /** Bias in accumulator units, per output channel. */
  readonly bias: ArrayLike<number>;
}

/** Biased accumulators of a whole map, [oy][ox][o] like a FeatureMap, exact integers in float64. */
export interface ConvAccumulators {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float64Array;
}

const LANE = 2 ** 26;
const HALF_LANE = 2 ** 25;
/** Largest bound B for which two channels share a lane. */
const PACKED_BOUND = 2 ** 25;
/** Largest bound B for which float64 sums in any order are exact (kept well inside 2^53). */
const EXACT_BOUND = 2 ** 52;

/**
 * A conv layer prepared for the fast kernels: its weights rearranged once. Build it with
 * `prepareConv` for a layer that runs on many maps. The layer's weight and bias arrays must not
 * change afterwards (prepare again instead).
 */
export interface PreparedConv {
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Integer weights and biases of a consistent shape: the fast kernels apply. */
  readonly exact: boolean;
  /** max over o of Σ|w|, and max |bias|: the accumulator bound is rowAbs·max|x| + biasAbs. */
  readonly maxRowAbs: number;
  readonly maxAbsBias: number;
  /** Output channels whose bias is −0 (their zero outputs are checked for −0, see above). */
  readonly negativeZeroBias: Int32Array;
  /** Weights [c][ky][k−1−kx][lane] and biases per lane, one channel per lane (for B < 2^52). */
  readonly plain: LaneWeights;
  /** The same with channels 2l and 2l+1 packed in lane l as w_2l + w_2l+1·2^26 (for B < 2^25). */
  readonly packed: LaneWeights;
  /** The layer itself, for the exact loops when the fast kernels do not apply. */
  readonly layer: ConvArithmetic;
}

interface LaneWeights {
  readonly lanes: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** Rearranges a layer's weights for the fast kernels (see `convAccumulatorsPrepared`). */
export function prepareConv(layer: ConvArithmetic): PreparedConv {
  const { kernel: k, stride, pad } = layer;
  const oc = layer.output.channels;
  const w = layer.weightValues;
  const c = w.length / (oc * k * k);
  let exact = Number.isInteger(k) && k >= 1 && Number.isInteger(stride) && stride >= 1 && Number.isInteger(pad) && pad >= 0;
  exact &&= Number.isInteger(oc) && oc >= 1 && Number.isInteger(c) && c >= 1;
  let maxRowAbs = 0;
  let maxAbsBias = 0;
  const negZero: number[] = [];
  if (exact) {
    const fanIn = k * k * c;
    for (let o = 0; o < oc && exact; o++) {
      let row = 0;
      for (let i = 0; i < fanIn; i++) {
        const v = w[o * fanIn + i];
        if (typeof v !== 'number' || !Number.isInteger(v)) exact = false;
        else row += Math.abs(v);
      }
      maxRowAbs = Math.max(maxRowAbs, row);
      const b = layer.bias[o] ?? 0;
      if (typeof b !== 'number' || !Number.isInteger(b)) exact = false;
      else maxAbsBias = Math.max(maxAbsBias, Math.abs(b));
      if (Object.is(b, -0)) negZero.push(o);
    }
  }
  const lanesOf = (packed: boolean): LaneWeights => {
    if (!exact) return { lanes: 0, weights: new Float64Array(0), bias: new Float64Array(0) };
    const lanes = packed ? Math.ceil(oc / 2) : oc;
    const weights = new Float64Array(c * k * k * lanes);
    const bias = new Float64Array(lanes);
    for (let o = 0; o < oc; o++) {
      const lane = packed ? o >> 1 : o;
      const scale = packed && o & 1 ? LANE : 1;
      bias[lane]! += (layer.bias[o] ?? 0) * scale;
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++)
          for (let ci = 0; ci < c; ci++) weights[((ci * k + ky) * k + (k - 1 - kx)) * lanes + lane]! += w[((o * k + ky) * k + kx) * c + ci]! * scale;
    }
    return { lanes, weights, bias };
  };
  return {
    kernel: k,
    stride,
    pad,
    inChannels: exact ? c : 0,
    outChannels: oc,
    exact,
    maxRowAbs,
    maxAbsBias,
    negativeZeroBias: Int32Array.from(negZero),
    plain: lanesOf(false),
    packed: lanesOf(true),
    layer,
  };
}

/** One prepared form per weight array, as long as the rest of the layer matches. */
const preparedCache = new WeakMap<object, PreparedConv>();

function cachedPrepare(layer: ConvArithmetic): PreparedConv {
  const key = layer.weightValues as unknown as object;
  const hit = preparedCache.get(key);
  if (
    hit &&
    hit.layer.bias === layer.bias &&
    hit.kernel === layer.kernel &&
    hit.stride === layer.stride &&
    hit.pad === layer.pad &&
    hit.outChannels === layer.output.channels
  )
    return hit;
  const prepared = prepareConv(layer);
  preparedCache.set(key, prepared);
  return prepared;
}

/**
 * Biased accumulators Σ x·w + B of every output, [oy][ox][o]. Exact while below 2^53. The layer is
 * prepared once per weight array and cached, so its weight and bias arrays must not be changed in
 * place afterwards (the IR's are readonly).
 */
export function convAccumulators(x: FeatureMap, layer: ConvArithmetic): ConvAccumulators {
  return convAccumulatorsPrepared(x, cachedPrepare(layer));
}

/** The kernel a map goes through: two channels per float64 lane, one, or the exact loops. */
export type ConvPath = 'packed' | 'plain' | 'loops';

/** Which kernel `convAccumulatorsPrepared` takes for this map (for tests and benchmarks). */
export function convPath(x: FeatureMap, p: PreparedConv): ConvPath {
  return analyse(x, p).path;
}

/** The path, and the bound on |every partial sum| (Infinity on the loops). */
function analyse(x: FeatureMap, p: PreparedConv): { path: ConvPath; bound: number } {
  const loops = { path: 'loops' as const, bound: Infinity };
  if (!p.exact || x.channels !== p.inChannels || x.data.length !== x.height * x.width * x.channels) return loops;
  if (windowOutputSide(x.height, p.kernel, p.stride, p.pad) <= 0 || windowOutputSide(x.width, p.kernel, p.stride, p.pad) <= 0) return loops;
  const xd = x.data;
  let maxAbsX = 0;
  for (let i = 0; i < xd.length; i++) {
    const v = xd[i]!;
    if (v > maxAbsX) maxAbsX = v;
    else if (-v > maxAbsX) maxAbsX = -v;
  }
  // The bound on every partial sum, in any order: exact below 2^53 since all terms are integers.
  const bound = p.maxRowAbs * maxAbsX + p.maxAbsBias;
  if (!(bound < EXACT_BOUND)) return loops;
  return { path: bound < PACKED_BOUND && p.outChannels > 1 ? 'packed' : 'plain', bound };
}

/** Scratch for packed lanes and unpacked values, reused between calls (the kernels never re-enter). */
let laneScratch: Float64Array = new Float64Array(0);
let valueScratch: Float64Array = new Float64Array(0);

function grow(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, 2 * a.length));
}

/**
 * Accumulates a map along a fast path into `out` ([oy][ox][o], all oh·ow·oc values written),
 * without the −0 correction.
 */
function accumulateInto(x: FeatureMap, p: PreparedConv, path: ConvPath, oh: number, ow: number, out: Float64Array): void {
  const { kernel: k, stride: s, pad } = p;
  if (path === 'packed') {
    const { lanes, weights, bias } = p.packed;
    laneScratch = grow(laneScratch, oh * ow * lanes);
    const acc = laneScratch;
    fillLanes(acc, bias, oh * ow, lanes);
    scatter(x.data, x.height, x.width, x.channels, k, s, pad, oh, ow, weights, lanes, acc);
    unpackPairs(acc, oh * ow, lanes, p.outChannels, out);
  } else {
    const { lanes, weights, bias } = p.plain;
    fillLanes(out, bias, oh * ow, lanes);
    scatter(x.data, x.height, x.width, x.channels, k, s, pad, oh, ow, weights, lanes, out);
  }
}

/** `convAccumulators` for a layer prepared with `prepareConv`. */
export function convAccumulatorsPrepared(x: FeatureMap, p: PreparedConv): ConvAccumulators {
  const path = convPath(x, p);
  if (path === 'loops') return naiveConvAccumulators(x, p.layer);
  const oc = p.outChannels;
  const oh = windowOutputSide(x.height, p.kernel, p.stride, p.pad);
  const ow = windowOutputSide(x.width, p.kernel, p.stride, p.pad);
  const out = new Float64Array(oh * ow * oc);
  accumulateInto(x, p, path, oh, ow, out);
  const nz = p.negativeZeroBias;
  for (let i = 0; i < nz.length; i++) {
    const o = nz[i]!;
    for (let q = 0; q < oh * ow; q++)
      if (out[q * oc + o] === 0) out[q * oc + o] = sumIsNegativeZero(x, p.layer, Math.floor(q / ow), q % ow, o) ? -0 : 0;
  }
  return { height: oh, width: ow, channels: oc, data: out };
}

/**
 * A conv layer's output map: exactly `requantiseMap(convAccumulators(x, layer), shift, bits, relu,
 * multipliers)`, without materialising the accumulators (what the reference model needs per layer).
 */
export function convRequantised(x: FeatureMap, layer: ConvArithmetic, shift: number, bits: number, relu = true, multipliers?: ArrayLike<number>): FeatureMap {
  return convRequantisedPrepared(x, cachedPrepare(layer), shift, bits, relu, multipliers);
}

/** `convRequantised` for a layer prepared with `prepareConv`. */
export function convRequantisedPrepared(x: FeatureMap, p: PreparedConv, shift: number, bits: number, relu = true, multipliers?: ArrayLike<number>): FeatureMap {
  const { path, bound } = analyse(x, p);
  if (path === 'loops') return requantiseMap(naiveConvAccumulators(x, p.layer), shift, bits, relu, multipliers);
  const oh = windowOutputSide(x.height, p.kernel, p.stride, p.pad);
  const ow = windowOutputSide(x.width, p.kernel, p.stride, p.pad);
  const n = oh * ow * p.outChannels;
  // The sign of a zero accumulator never changes its requantised value, so no −0 correction.
  valueScratch = grow(valueScratch, n);
  accumulateInto(x, p, path, oh, ow, valueScratch);
  const data = new Int32Array(n);
  requantiseInto(valueScratch, n, shift, bits, relu, data, bound, p.outChannels, multipliers);
  return { height: oh, width: ow, channels: p.outChannels, data };
}

function fillLanes(acc: Float64Array, bias: Float64Array, pixels: number, lanes: number): void {
  for (let q = 0, i = 0; q < pixels; q++) for (let l = 0; l < lanes; l++, i++) acc[i] = bias[l]!;
}

/** Splits lane l = a + b·2^26 (|a|, |b| < 2^25) into channels 2l (a) and 2l+1 (b). */
function unpackPairs(acc: Float64Array, pixels: number, lanes: number, oc: number, out: Float64Array): void {
  const inv = 1 / LANE;
  const odd = oc & 1;
  const full = lanes - odd;
  for (let q = 0; q < pixels; q++) {
    const a = q * lanes;
    const o = q * oc;
    for (let l = 0; l < full; l++) {
      const v = acc[a + l]!;
      const hi = Math.floor((v + HALF_LANE) * inv);
      out[o + 2 * l] = v - hi * LANE;
      out[o + 2 * l + 1] = hi;
    }
    if (odd) out[o + oc - 1] = acc[a + lanes - 1]!;
  }
}

/**
 * Adds every non-zero input times its weights into the lanes of the outputs it touches. Weights
 * are [c][ky][k−1−kx][lane]: with the kernel columns reversed, the outputs an input reaches along a
 * row and their weights both ascend.
 */
function scatter(xd: Int32Array, h: number, w: number, c: number, k: number, s: number, pad: number, oh: number, ow: number, wt: Float64Array, lanes: number, acc: Float64Array): void {
  if (s === 1) scatterStride1(xd, h, w, c, k, pad, oh, ow, wt, lanes, acc);
  else scatterStrided(xd, h, w, c, k, s, pad, oh, ow, wt, lanes, acc);
}

function scatterStride1(xd: Int32Array, h: number, w: number, c: number, k: number, pad: number, oh: number, ow: number, wt: Float64Array, lanes: number, acc: Float64Array): void {
  const rowLanes = ow * lanes;
  for (let iy = 0; iy < h; iy++) {
    // Kernel rows ky that put this input row inside an output row oy = iy + pad − ky.
    const kyLo = Math.max(0, iy + pad - (oh - 1));
    const kyHi = Math.min(k - 1, iy + pad);
    if (kyLo > kyHi) continue;
    for (let ix = 0; ix < w; ix++) {
      const kxLo = Math.max(0, ix + pad - (ow - 1));
      const kxHi = Math.min(k - 1, ix + pad);
      if (kxLo > kxHi) continue;
      const run = (kxHi - kxLo + 1) * lanes;
      const outCol = (ix + pad - kxHi) * lanes;
      const wCol = (k - 1 - kxHi) * lanes;
      const xb = (iy * w + ix) * c;
      for (let ci = 0; ci < c; ci++) {
        const xv = xd[xb + ci]!;
        if (xv === 0) continue;
        for (let ky = kyLo; ky <= kyHi; ky++) {
          const ob = (iy + pad - ky) * rowLanes + outCol;
          const wb = (ci * k + ky) * k * lanes + wCol;
          // Unrolled by four: about 25% faster here.
          let j = 0;
          for (; j + 3 < run; j += 4) {
            acc[ob + j]! += xv * wt[wb + j]!;
            acc[ob + j + 1]! += xv * wt[wb + j + 1]!;
            acc[ob + j + 2]! += xv * wt[wb + j + 2]!;
            acc[ob + j + 3]! += xv * wt[wb + j + 3]!;
          }
          for (; j < run; j++) acc[ob + j]! += xv * wt[wb + j]!;
        }
      }
    }
  }
}

function scatterStrided(xd: Int32Array, h: number, w: number, c: number, k: number, s: number, pad: number, oh: number, ow: number, wt: Float64Array, lanes: number, acc: Float64Array): void {
  const rowLanes = ow * lanes;
  const wStep = s * lanes;
  for (let iy = 0; iy < h; iy++) {
    const at = iy + pad;
    const kyHi = firstOffset(at, Math.max(0, at - (oh - 1) * s), Math.min(k - 1, at), s);
    if (kyHi < 0) continue;
    const kyLo = Math.max(0, at - (oh - 1) * s);
    for (let ix = 0; ix < w; ix++) {
      const atx = ix + pad;
      const kxLo = Math.max(0, atx - (ow - 1) * s);
      const kxHi = firstOffset(atx, kxLo, Math.min(k - 1, atx), s);
      if (kxHi < 0) continue;
      const count = Math.floor((kxHi - kxLo) / s) + 1;
      const outCol = ((atx - kxHi) / s) * lanes;
      const wCol = (k - 1 - kxHi) * lanes;
      const xb = (iy * w + ix) * c;
      for (let ci = 0; ci < c; ci++) {
        const xv = xd[xb + ci]!;
        if (xv === 0) continue;
        for (let ky = kyHi; ky >= kyLo; ky -= s) {
          const ob0 = ((at - ky) / s) * rowLanes + outCol;
          const wb0 = (ci * k + ky) * k * lanes + wCol;
          for (let t = 0; t < count; t++) {
            const ob = ob0 + t * lanes;
            const wb = wb0 + t * wStep;
            for (let l = 0; l < lanes; l++) acc[ob + l]! += xv * wt[wb + l]!;
          }
        }
      }
    }
  }
}

/** Whether the loops' float sum for output (oy, ox, o) is −0: bias −0 and every product −0. */
function sumIsNegativeZero(x: FeatureMap, layer: ConvArithmetic, oy: number, ox: number, o: number): boolean {
  const { kernel: k, stride: s, pad } = layer;
  const c = x.channels;
  const w = layer.weightValues;
  let acc = layer.bias[o] ?? 0;
  for (let ky = 0; ky < k; ky++) {
    const iy = oy * s - pad + ky;
    if (iy < 0 || iy >= x.height) continue;
    for (let kx = 0; kx < k; kx++) {
      const ix = ox * s - pad + kx;
      if (ix < 0 || ix >= x.width) continue;
      const xBase = (iy * x.width + ix) * c;
      const wBase = ((o * k + ky) * k + kx) * c;
      for (let ci = 0; ci < c; ci++) {
        acc += x.data[xBase + ci]! * w[wBase + ci]!;
        // Once a sum of integers leaves −0 it never returns to it.
        if (!Object.is(acc, -0)) return false;
      }
    }
  }
  return Object.is(acc, -0);
}

/** The straightforward loops: the definition the fast kernels reproduce, and their fallback. */
function naiveConvAccumulators(x: FeatureMap, layer: ConvArithmetic): ConvAccumulators {
  const { kernel: k, stride: s, pad } = layer;
  const oc = layer.output.channels;
  const oh = windowOutputSide(x.height, k, s, pad);
  const ow = windowOutputSide(x.width, k, s, pad);
  const c = x.channels;
  const w = layer.weightValues;
  const out = new Float64Array(oh * ow * oc);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let o = 0; o < oc; o++) {
        let acc = layer.bias[o] ?? 0;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - pad + ky;
          if (iy < 0 || iy >= x.height) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - pad + kx;
            if (ix < 0 || ix >= x.width) continue;
            const xBase = (iy * x.width + ix) * c;
            const wBase = ((o * k + ky) * k + kx) * c;
            for (let ci = 0; ci < c; ci++) acc += x.data[xBase + ci]! * w[wBase + ci]!;
          }
        }
        out[(oy * ow + ox) * oc + o] = acc;
      }
    }
  }
  return { height: oh, width: ow, channels: oc, data: out };
}

/**
 * Requantises biased accumulators into a feature map of `bits` bits: unsigned after ReLU, else
 * signed (rules.ts), through a fixed-point multiplier per channel when `multipliers` are given.
 */
export function requantiseMap(acc: ConvAccumulators, shift: number, bits: number, relu = true, multipliers?: ArrayLike<number>): FeatureMap {
  const data = new Int32Array(acc.data.length);
  requantiseInto(acc.data, acc.data.length, shift, bits, relu, data, Infinity, acc.channels, multipliers);
  return { height: acc.height, width: acc.width, channels: acc.channels, data };
}

/** The shift rule, or the multiplier rule when the layer has multipliers (one per channel). */
function requantiseInto(acc: ArrayLike<number>, n: number, shift: number, bits: number, relu: boolean, out: Int32Array, bound: number, channels: number, multipliers: ArrayLike<number> | undefined): void {
  if (!multipliers || multipliers.length === 0) return requantiseAll(acc, n, shift, bits, relu, out, bound);
  if (multipliers.length !== channels) throw new RangeError(`requantise: ${multipliers.length} multipliers for ${channels} channels`);
  requantiseAllMultiplied(acc, n, multipliers, shift, bits, relu, out, bound);
}

/** Max pooling with zero padding (the inputs are unsigned, so zero never beats a real value). */
export function maxPool(x: FeatureMap, kernel: number, stride: number, pad: number): FeatureMap {
  const oh = windowOutputSide(x.height, kernel, stride, pad);
  const ow = windowOutputSide(x.width, kernel, stride, pad);
  const { width: w, channels: c } = x;
  const xd = x.data;
  const data = new Int32Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++) {
    const iy0 = oy * stride - pad;
    const kyLo = Math.max(0, -iy0);
    const kyHi = Math.min(kernel, x.height - iy0);
    for (let ox = 0; ox < ow; ox++) {
      const ix0 = ox * stride - pad;
      const kxLo = Math.max(0, -ix0);
      const kxHi = Math.min(kernel, w - ix0);
      const ob = (oy * ow + ox) * c;
      if (kernel === 2 && kyLo === 0 && kyHi === 2 && kxLo === 0 && kxHi === 2) {
        // The common 2x2 window wholly inside the map.
        const r0 = (iy0 * w + ix0) * c;
        const r1 = r0 + w * c;
        for (let ci = 0; ci < c; ci++)
          data[ob + ci] = Math.max(0, Math.max(Math.max(xd[r0 + ci]!, xd[r0 + c + ci]!), Math.max(xd[r1 + ci]!, xd[r1 + c + ci]!)));
        continue;
      }
      for (let ci = 0; ci < c; ci++) {
        let best = 0; // the padding's value
        for (let ky = kyLo; ky < kyHi; ky++) {
          const rb = ((iy0 + ky) * w + ix0) * c + ci;
          for (let kx = kxLo; kx < kxHi; kx++) best = Math.max(best, xd[rb + kx * c]!);
        }
        data[ob + ci] = best;
      }
    }
  }
  return { height: oh, width: ow, channels: c, data };
}

/**
 * Window sums for average pooling: for every output pixel and channel, the sum of the
 * kernel·kernel window values, the padding counting as zeros. The division is `rules.ts`'s.
 * Throws a RangeError if a sum does not fit an Int32.
 */
export function poolSums(x: FeatureMap, kernel: number, stride: number, pad: number): FeatureMap {
  const oh = windowOutputSide(x.height, kernel, stride, pad);
  const ow = windowOutputSide(x.width, kernel, stride, pad);
  const c = x.channels;
  const xd = x.data;
  const n = oh * ow * c;
  const sums = new Float64Array(n);
  for (let oy = 0; oy < oh; oy++) {
    const iy0 = oy * stride - pad;
    const kyLo = Math.max(0, -iy0);
    const kyHi = Math.min(kernel, x.height - iy0);
    for (let ox = 0; ox < ow; ox++) {
      const ix0 = ox * stride - pad;
      const kxLo = Math.max(0, -ix0);
      const kxHi = Math.min(kernel, x.width - ix0);
      const ob = (oy * ow + ox) * c;
      for (let ky = kyLo; ky < kyHi; ky++) {
        const rowBase = ((iy0 + ky) * x.width + ix0) * c;
        for (let kx = kxLo; kx < kxHi; kx++) {
          const xb = rowBase + kx * c;
          for (let ci = 0; ci < c; ci++) sums[ob + ci]! += xd[xb + ci]!;
        }
      }
    }
  }
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = sums[i]!;
    if (v > 2147483647 || v < -2147483648) throw new RangeError(`poolSums: a ${kernel}x${kernel} window sums to ${v}, beyond Int32`);
    data[i] = v;
  }
  return { height: oh, width: ow, channels: c, data };
}

/** Index of the largest value, the first one on ties. */
export function argmaxIndex(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
