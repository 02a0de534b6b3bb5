/**
 * The numeric contracts, in one place. The quantisers, the reference model, the vector
 * generator, the width pass and the reports all call these functions; nothing else rounds.
 *
 * Activation scales are powers of two everywhere, and so are the weight scales of PoT and 'pow2'
 * uniform layers, whose requantisation is then a shift:
 * - the input image pixel X (0..255) stands for X · 2^-8;
 * - a layer's weights are integers v with a per-layer exponent e (w ≈ v · 2^e);
 * - a layer's accumulator is Σ x·v + B and stands for acc · 2^(k_in + e);
 * - its output is Y = sat(relu(round(acc / 2^shift))), standing for Y · 2^(k_in + e + shift).
 * A fair uniform layer has a real scale s_o per layer or output channel (w ≈ v · s_o), its bias in
 * units 2^k_in · s_o, and s_o ≈ M[o] · 2^e with an integer multiplier M[o]; its output is
 * Y = sat(relu(round(acc · M[o] / 2^shift))), standing for Y · 2^(k_in + e + shift) again.
 */

/** Largest magnitude code of a PoT weight: bits-1 code bits, code 0 meaning zero. */
export function potMaxCode(bits: number): number {
  return 2 ** (bits - 1) - 1;
}

/** Largest magnitude of a symmetric uniform weight of `bits` bits (two's complement, −2^(b−1) unused). */
export function uniformMaxValue(bits: number): number {
  return 2 ** (bits - 1) - 1;
}

/** Packs a PoT weight code: sign bit above a (bits−1)-bit magnitude code m. */
export function potCode(sign: 0 | 1, m: number, bits: number): number {
  return m === 0 ? 0 : (sign << (bits - 1)) | m;
}

/** The integer a PoT code stands for (before the layer's 2^e): 0, or ±2^(m−1). */
export function potValue(code: number, bits: number): number {
  const m = code & potMaxCode(bits);
  if (m === 0) return 0;
  const magnitude = 2 ** (m - 1);
  return code >> (bits - 1) ? -magnitude : magnitude;
}

/** A uniform weight as a `bits`-bit two's-complement code. */
export function uniformCode(value: number, bits: number): number {
  return value < 0 ? value + 2 ** bits : value;
}

/** Rounds half away from zero (used for uniform weights and biases). */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/** The exponent k of the power of two nearest to `magnitude` (> 0) in the linear domain. */
export function nearestPowerOfTwo(magnitude: number): number {
  const k = Math.floor(Math.log2(magnitude));
  return magnitude >= 1.5 * 2 ** k ? k + 1 : k;
}

/**
 * A layer's weights quantised: integer values, their hardware codes and the layer exponent e.
 * Values are doubles, exact to 2^53: a 7- or 8-bit PoT weight can be 2^62 or 2^126, which an
 * Int32Array would wrap, and the width pass must see the true magnitude to refuse such a layer.
 */
export interface QuantisedWeights {
  readonly values: Float64Array;
  readonly codes: Int32Array;
  readonly exponent: number;
}

/**
 * Power-of-two quantisation with one exponent per layer.
 * - Levels: ±2^(m−1)·2^e for m = 1..M (M = 2^(bits−1)−1), and 0.
 * - Rounding is to the nearest level in the linear domain: between 2^k and 2^(k+1) the threshold
 *   is 1.5·2^k (log-domain rounding would put it at 1.41·2^k). This minimises each weight's
 *   error, and on the LeNet-5 example it loses 0.4 points of accuracy where log rounding lost 1.4.
 * - The largest magnitude, so rounded, takes the top code M.
 * - Magnitudes below half the smallest level (|w| < 2^(e−1)) become zero (the zero threshold).
 * - Pruning, in the log domain: whole levels are dropped, the smallest first, until at least
 *   the fraction `prune.sparsity` of the layer's weights is zero, or `prune.levels` levels in use
 *   are gone (what a per-layer search sets); the largest level is never dropped. A level is a shift, so dropping one is what shrinks the hardware: every product of
 *   that level becomes a zero (no switching in ROM mode, no logic in logic mode), and the re-base
 *   below narrows every shifter, product and adder of the layer by one bit. Levels are coarse,
 *   so the sparsity reached is at least the target, often more (see `droppedLevels`).
 * - Finally e is re-based so that the smallest code in use is 1: an exact change of
 *   representation that keeps shifts, and hence adders, no wider than the levels in use need.
 */
export function quantisePot(weights: ArrayLike<number>, bits: number, prune: PotPruning | number = {}): QuantisedWeights & { readonly droppedLevels: number } {
  const rule = typeof prune === 'number' ? { sparsity: prune } : prune;
  const sparsity = rule.sparsity ?? 0;
  const levels = rule.levels ?? 0;
  if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`sparsity ${sparsity} is not in [0, 1)`);
  if (!(Number.isInteger(levels) && levels >= 0)) throw new RangeError(`levels ${levels} is not a whole number of at least 0`);
  const maxCode = potMaxCode(bits);
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]!));
  const values = new Float64Array(weights.length);
  const codes = new Int32Array(weights.length);
  if (maxAbs === 0) return { values, codes, exponent: 0, droppedLevels: 0 };
  const top = nearestPowerOfTwo(maxAbs);
  const e = top - (maxCode - 1);
  const ms = new Int32Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    const mag = Math.abs(w);
    if (mag < 2 ** (e - 1)) continue;
    const k = Math.min(maxCode - 1, Math.max(0, nearestPowerOfTwo(mag) - e));
    ms[i] = k + 1;
  }
  const droppedLevels = dropLowestLevels(ms, maxCode, sparsity, levels);
  let minUsed = maxCode; // the smallest code left after pruning
  for (const m of ms) if (m !== 0) minUsed = Math.min(minUsed, m);
  const rebase = minUsed - 1;
  for (let i = 0; i < weights.length; i++) {
    const m = ms[i]!;
    if (m === 0) continue;
    const sign = weights[i]! < 0 ? 1 : 0;
    codes[i] = potCode(sign, m - rebase, bits);
    values[i] = potValue(codes[i]!, bits);
  }
  return { values, codes, exponent: e + rebase, droppedLevels };
}

/** How a PoT layer is pruned: to a sparsity target, by a count of its smallest levels in use, or (both given) to whichever drops more. */
export interface PotPruning {
  readonly sparsity?: number;
  readonly levels?: number;
}

/**
 * Zeroes the smallest levels of the magnitude codes `ms` (0 = zero, 1..maxCode) in place, one whole
 * level at a time, while fewer than `sparsity` of them are zero or fewer than `levels` levels in
 * use are gone; the largest level in use stays. Returns the number of levels in use dropped.
 */
function dropLowestLevels(ms: Int32Array, maxCode: number, sparsity: number, levels: number): number {
  if ((sparsity <= 0 && levels <= 0) || ms.length === 0) return 0;
  const count = new Array<number>(maxCode + 1).fill(0);
  for (const m of ms) count[m]!++;
  let top = maxCode;
  while (top > 0 && count[top] === 0) top--;
  let zeros = count[0]!;
  let dropBelow = 0; // levels m < dropBelow are dropped
  let dropped = 0;
  for (let m = 1; m < top && (zeros < sparsity * ms.length || dropped < levels); m++) {
    dropBelow = m + 1;
    if (count[m]! > 0) dropped++;
    zeros += count[m]!;
  }
  for (let i = 0; i < ms.length; i++) if (ms[i]! < dropBelow) ms[i] = 0;
  return dropped;
}

/**
 * Uniform symmetric quantisation with a power-of-two scale per layer: e is the smallest exponent
 * with max|w| / 2^e ≤ Q (Q = 2^(bits−1)−1); values round half away from zero and clamp to ±Q.
 */
export function quantiseUniform(weights: ArrayLike<number>, bits: number): QuantisedWeights {
  const q = uniformMaxValue(bits);
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]!));
  const values = new Float64Array(weights.length);
  const codes = new Int32Array(weights.length);
  if (maxAbs === 0) return { values, codes, exponent: 0 };
  const e = Math.ceil(Math.log2(maxAbs / q));
  for (let i = 0; i < weights.length; i++) {
    // + 0 turns the -0 that rounding a small negative weight gives into 0.
    const v = Math.max(-q, Math.min(q, roundHalfAway(weights[i]! / 2 ** e))) + 0;
    values[i] = v;
    codes[i] = uniformCode(v, bits);
  }
  return { values, codes, exponent: e };
}

/**
 * How a uniform layer's weights are scaled: one real scale per layer or per output channel (the
 * fair baseline, requantised with a fixed-point multiplier), or a power of two per layer
 * (requantised with a shift alone, like PoT).
 */
export type UniformScale = 'layer' | 'channel' | 'pow2';

/** Grid points of the scale search: s = c · max|w| / Q for c = i / SCALE_GRID, i = 1..SCALE_GRID. */
export const SCALE_GRID = 1000;

/**
 * Symmetric uniform levels v · s (|v| ≤ Q = 2^(bits−1)−1) with the real scale s that minimises the
 * squared error Σ (w − s · clamp(round(w / s)))² over the grid s = c · max|w| / Q, c = i / 1000,
 * i = 1..1000 (c = 1 is max-abs scaling, so the result is never worse than it; smaller c trade
 * clipping the few largest weights for finer steps among the many small ones). Searched from
 * c = 1 down, a tie keeps the larger scale: deterministic. Rounding is half away from zero, as
 * `quantiseUniform`. An all-zero tensor gets scale 0 (the caller picks one).
 */
export function mseUniformScale(weights: ArrayLike<number>, bits: number): number {
  const q = uniformMaxValue(bits);
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]!));
  if (maxAbs === 0) return 0;
  let best = Infinity;
  let bestScale = maxAbs / q;
  for (let i = SCALE_GRID; i >= 1; i--) {
    const s = ((i / SCALE_GRID) * maxAbs) / q;
    const inv = 1 / s;
    let err = 0;
    for (let j = 0; j < weights.length && err < best; j++) {
      const w = weights[j]!;
      const v = Math.min(q, Math.floor(Math.abs(w) * inv + 0.5));
      const d = Math.abs(w) - v * s;
      err += d * d;
    }
    if (err < best) {
      best = err;
      bestScale = s;
    }
  }
  return bestScale;
}

/** Uniform weights with real scales: integer values, codes, and the scale of each output channel. */
export interface ScaledWeights {
  readonly values: Float64Array;
  readonly codes: Int32Array;
  /** w ≈ v · scales[o] for the weights of output channel o. */
  readonly scales: Float64Array;
}

/**
 * Uniform quantisation with a real scale per layer (`perChannel` false) or per output channel:
 * weights laid out [o][...] with `channels` rows, each scale from `mseUniformScale`. A channel of
 * zeros takes the largest scale of the others (its bias still needs a unit); a layer of zeros, 1.
 */
export function quantiseUniformScaled(weights: ArrayLike<number>, bits: number, channels: number, perChannel: boolean): ScaledWeights {
  const q = uniformMaxValue(bits);
  const n = weights.length;
  const row = n / channels;
  if (!Number.isInteger(row)) throw new RangeError(`quantiseUniformScaled: ${n} weights do not split into ${channels} channels`);
  const scales = new Float64Array(channels);
  if (perChannel) {
    const slice = new Float64Array(row);
    for (let o = 0; o < channels; o++) {
      for (let i = 0; i < row; i++) slice[i] = weights[o * row + i]!;
      scales[o] = mseUniformScale(slice, bits);
    }
  } else scales.fill(mseUniformScale(weights, bits));
  const fallback = Math.max(...scales) || 1;
  for (let o = 0; o < channels; o++) if (scales[o] === 0) scales[o] = fallback;
  const values = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // + 0 turns the −0 of a small negative weight into 0.
    const v = Math.max(-q, Math.min(q, roundHalfAway(weights[i]! / scales[Math.floor(i / row)]!))) + 0;
    values[i] = v;
    codes[i] = uniformCode(v, bits);
  }
  return { values, codes, scales };
}

/** Significant bits kept by the largest requantisation multiplier: it lies in [2^14, 2^15]. */
export const MULTIPLIER_PRECISION = 15;

/** Fixed-point multipliers M[o] ≈ scales[o] · 2^−exponent (unsigned integers). */
export interface FixedPointScales {
  readonly multipliers: number[];
  readonly exponent: number;
}

/**
 * Real scales as integer multipliers and one shared power of two: M[o] = round(s_o · 2^−E), with
 * E chosen so that the largest M lies in [2^14, 2^15] (15 significant bits, 16 bits unsigned).
 * Bound: |s_o − M[o] · 2^E| ≤ 2^(E−1) ≤ max_o s_o · 2^−15 for every o (relative error ≤ 2^−15 for
 * the largest scale; a channel of scale s_max / 2^k keeps 15 − k bits).
 */
export function fixedPointScales(scales: ArrayLike<number>): FixedPointScales {
  let max = 0;
  for (let o = 0; o < scales.length; o++) {
    const s = scales[o]!;
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`fixedPointScales: scale ${s} of channel ${o} is not a positive finite number`);
    max = Math.max(max, s);
  }
  if (max === 0) throw new RangeError('fixedPointScales: no scales');
  // max · 2^−E ∈ [2^14, 2^15): E = floor(log2 max) − 14, corrected for log2's rounding.
  let exponent = Math.floor(Math.log2(max)) - (MULTIPLIER_PRECISION - 1);
  while (max * 2 ** -exponent >= 2 ** MULTIPLIER_PRECISION) exponent++;
  while (max * 2 ** -exponent < 2 ** (MULTIPLIER_PRECISION - 1)) exponent--;
  return { multipliers: Array.from(scales, (s) => Math.round(s * 2 ** -exponent)), exponent };
}

/** A float bias in accumulator units 2^accExponent, rounded half away from zero. */
export function quantiseBias(bias: number, accExponent: number): number {
  return roundHalfAway(bias / 2 ** accExponent);
}

/** A float bias in accumulator units 2^accExponent · scale (a real weight scale), rounded half away from zero. */
export function quantiseBiasScaled(bias: number, accExponent: number, scale: number): number {
  return roundHalfAway(bias / (2 ** accExponent * scale));
}

/** The constant added before the shift so that it rounds half up: 2^(shift−1), or 0. */
export function roundingOffset(shift: number): number {
  return shift > 0 ? 2 ** (shift - 1) : 0;
}

/**
 * Requantisation of one accumulator (bias already added): round half up by adding 2^(shift−1),
 * arithmetic shift right, ReLU, saturate to `bits` unsigned bits.
 */
export function requantise(acc: number, shift: number, bits: number): number {
  const shifted = Math.floor((acc + roundingOffset(shift)) / 2 ** shift);
  return Math.min(2 ** bits - 1, Math.max(0, shifted));
}

/**
 * Requantisation without ReLU (a network's last weighted layer): round as `requantise`, then
 * saturate to a signed `bits`-bit integer.
 */
export function requantiseSigned(acc: number, shift: number, bits: number): number {
  const shifted = Math.floor((acc + roundingOffset(shift)) / 2 ** shift);
  return Math.min(2 ** (bits - 1) - 1, Math.max(-(2 ** (bits - 1)), shifted));
}

/**
 * `requantise` (with `relu`) or `requantiseSigned` of the first `n` accumulators into `out`: the
 * same expression, its powers of two computed once per map rather than per value, which is what
 * the reference model needs to run fast. When every |accumulator| + 2^(shift−1) is below 2^31
 * (pass that `bound`), the floor division is an arithmetic shift of an Int32.
 */
export function requantiseAll(acc: ArrayLike<number>, n: number, shift: number, bits: number, relu: boolean, out: Int32Array, bound = Infinity): void {
  const offset = roundingOffset(shift);
  const top = relu ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  const bottom = relu ? 0 : -(2 ** (bits - 1));
  if (Number.isInteger(shift) && shift >= 0 && shift <= 30 && Number.isInteger(bits) && bits >= 1 && bits <= 31 && bound + offset < 2 ** 31) {
    for (let i = 0; i < n; i++) {
      const v = (acc[i]! + offset) >> shift;
      out[i] = v < bottom ? bottom : v > top ? top : v;
    }
    return;
  }
  const divisor = 2 ** shift;
  for (let i = 0; i < n; i++) out[i] = Math.min(top, Math.max(bottom, Math.floor((acc[i]! + offset) / divisor)));
}

/**
 * Requantisation through a fixed-point multiplier (integer-only inference, Jacob et al. 2018): the
 * biased accumulator times the channel's multiplier M, rounded half up by adding 2^(shift−1),
 * arithmetic shift right, then ReLU and saturation to `bits` unsigned bits (or signed saturation
 * without ReLU). Equals floor((acc · M + 2^(S−1)) / 2^S), i.e. acc · M / 2^S rounded half up:
 * exact in doubles while |acc · M| + 2^(S−1) < 2^53, and refused (RangeError) beyond.
 */
export function requantiseMultiplied(acc: number, multiplier: number, shift: number, bits: number, relu: boolean): number {
  const product = acc * multiplier;
  const offset = roundingOffset(shift);
  if (!(Math.abs(product) + offset < 2 ** 53)) throw new RangeError(`requantiseMultiplied: ${acc} · ${multiplier} is not exact in doubles`);
  const shifted = Math.floor((product + offset) / 2 ** shift);
  const top = relu ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  const bottom = relu ? 0 : -(2 ** (bits - 1));
  return Math.min(top, Math.max(bottom, shifted));
}

/**
 * `requantiseMultiplied` of the first `n` accumulators of a [pixel][channel] map into `out`,
 * accumulator i using multipliers[i mod channels]. With `bound` ≥ every |accumulator| and the
 * products provably exact, no value is checked; otherwise each is (RangeError beyond 2^53).
 */
export function requantiseAllMultiplied(
  acc: ArrayLike<number>,
  n: number,
  multipliers: ArrayLike<number>,
  shift: number,
  bits: number,
  relu: boolean,
  out: Int32Array,
  bound = Infinity,
): void {
  const channels = multipliers.length;
  const offset = roundingOffset(shift);
  const inv = 2 ** -shift;
  const top = relu ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  const bottom = relu ? 0 : -(2 ** (bits - 1));
  let maxM = 0;
  for (let c = 0; c < channels; c++) maxM = Math.max(maxM, Math.abs(multipliers[c]!));
  const checked = !(bound * maxM + offset < 2 ** 53);
  for (let i = 0, c = 0; i < n; i++, c = c + 1 === channels ? 0 : c + 1) {
    const product = acc[i]! * multipliers[c]!;
    if (checked && !(Math.abs(product) + offset < 2 ** 53)) throw new RangeError(`requantiseMultiplied: ${acc[i]} · ${multipliers[c]} is not exact in doubles`);
    // Scaling by 2^−shift is exact in doubles, so the floor is that of the exact quotient.
    const v = Math.floor((product + offset) * inv);
    out[i] = v < bottom ? bottom : v > top ? top : v;
  }
}

/**
 * The smallest shift that brings `peak` (the largest biased accumulator seen in calibration, times
 * its channel's multiplier in a multiplier layer) within `bits` unsigned bits after rounding:
 * activation scales stay powers of two.
 */
export function calibrateShift(peak: number, bits: number): number {
  const top = 2 ** bits - 1;
  let shift = 0;
  while (Math.floor((peak + roundingOffset(shift)) / 2 ** shift) > top) shift++;
  return shift;
}

/** Bits of a two's-complement number that holds every integer in [−bound, bound]. */
export function signedBits(bound: number): number {
  if (!Number.isSafeInteger(bound) || bound < 0) throw new RangeError(`bound ${bound} is not a safe non-negative integer`);
  let bits = 1;
  while (2 ** (bits - 1) - 1 < bound) bits++;
  return bits;
}

/** A division by a constant as a fixed-point multiply: y = (x · multiplier + 2^(shift−1)) >> shift. */
export interface Reciprocal {
  readonly multiplier: number;
  readonly shift: number;
}

/** Applies a fixed-point reciprocal: (x · multiplier + 2^(shift−1)) >> shift, exactly. */
export function applyReciprocal(x: number, r: Reciprocal): number {
  return Math.floor((x * r.multiplier + roundingOffset(r.shift)) / 2 ** r.shift);
}

/** The mean of `n` values whose sum is `sum`, rounded half up: floor((2·sum + n) / (2n)). */
export function roundedMean(sum: number, n: number): number {
  return Math.floor((2 * sum + n) / (2 * n));
}

/**
 * The fixed-point reciprocal with which average pooling divides a window sum by its N values.
 * - N a power of two: multiplier 1 and shift log2 N, a plain rounding shift.
 * - Otherwise: multiplier M = ceil(2^q / N) with the smallest q for which
 *   (sum · M + 2^(q−1)) >> q equals the rounded mean floor((2·sum + N) / (2N)) for every sum from 0
 *   to `maxSum` (checked exhaustively here). Such a q exists: rounding M up makes the error grow
 *   with the sum but stay below 1/(2N), the smallest gap between a mean and the next rounding
 *   boundary, once 2^(q−1) > maxSum · N.
 * The hardware multiplies by the constant M with shifted additions, so no multiplier is built.
 */
export function averageReciprocal(n: number, maxSum: number): Reciprocal {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`averageReciprocal: N = ${n} is not a positive integer`);
  if (Number.isInteger(Math.log2(n))) return { multiplier: 1, shift: Math.log2(n) };
  for (let q = Math.ceil(Math.log2(n)); q <= 48; q++) {
    const r = { multiplier: Math.ceil(2 ** q / n), shift: q };
    if (maxSum * r.multiplier + roundingOffset(q) >= 2 ** 53) break;
    let exact = true;
    for (let sum = maxSum; sum >= 0 && exact; sum--) exact = applyReciprocal(sum, r) === roundedMean(sum, n);
    if (exact) return r;
  }
  throw new RangeError(`averageReciprocal: no exact reciprocal of ${n} for sums up to ${maxSum} below 2^53`);
}
