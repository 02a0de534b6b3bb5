/**
 * The numeric contracts, in one place. The quantisers, the reference model, the vector
 * generator, the width pass and the reports all call these functions; nothing else rounds.
 *
 * Scales are powers of two everywhere, so requantisation is a shift:
 * - the input image pixel X (0..255) stands for X · 2^-8;
 * - a layer's weights are integers v with a per-layer exponent e (w ≈ v · 2^e);
 * - a layer's accumulator is Σ x·v + B and stands for acc · 2^(k_in + e);
 * - its output is Y = sat(relu(round(acc / 2^shift))), standing for Y · 2^(k_in + e + shift).
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
 * - Finally e is re-based so that the smallest code in use is 1: an exact change of
 *   representation that keeps shifts, and hence adders, no wider than the levels in use need.
 */
export function quantisePot(weights: ArrayLike<number>, bits: number): QuantisedWeights {
  const maxCode = potMaxCode(bits);
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]!));
  const values = new Float64Array(weights.length);
  const codes = new Int32Array(weights.length);
  if (maxAbs === 0) return { values, codes, exponent: 0 };
  const top = nearestPowerOfTwo(maxAbs);
  const e = top - (maxCode - 1);
  const ms = new Int32Array(weights.length);
  let minUsed = maxCode;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    const mag = Math.abs(w);
    if (mag < 2 ** (e - 1)) continue;
    const k = Math.min(maxCode - 1, Math.max(0, nearestPowerOfTwo(mag) - e));
    ms[i] = k + 1;
    minUsed = Math.min(minUsed, k + 1);
  }
  const rebase = minUsed - 1;
  for (let i = 0; i < weights.length; i++) {
    const m = ms[i]!;
    if (m === 0) continue;
    const sign = weights[i]! < 0 ? 1 : 0;
    codes[i] = potCode(sign, m - rebase, bits);
    values[i] = potValue(codes[i]!, bits);
  }
  return { values, codes, exponent: e + rebase };
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

/** A float bias in accumulator units 2^accExponent, rounded half away from zero. */
export function quantiseBias(bias: number, accExponent: number): number {
  return roundHalfAway(bias / 2 ** accExponent);
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
 * The smallest shift that brings `peak` (the largest biased accumulator seen in calibration)
 * within `bits` unsigned bits after rounding: scales stay powers of two.
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
