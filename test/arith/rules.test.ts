/** The numeric contracts, checked against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import {
  applyReciprocal,
  averageReciprocal,
  calibrateShift,
  fixedPointScales,
  mseUniformScale,
  nearestPowerOfTwo,
  potValue,
  quantiseBias,
  quantisePot,
  quantiseUniform,
  quantiseUniformScaled,
  requantise,
  requantiseAllMultiplied,
  requantiseMultiplied,
  roundedMean,
  roundHalfAway,
  signedBits,
} from '../../generator/arith/rules.ts';
import { createRng } from '../../generator/core/rng.ts';

describe('quantisePot', () => {
  it('rounds to the nearest level, puts the largest weight on the top code and zeroes below half the smallest level', () => {
    // 4 bits: M = 7 levels. max |w| = 1 → top exponent 0 → e = 0 − 6 = −6.
    // 0.3 < 1.5·2^−2 → 2^−2, k = 4 → m 5. 0.01: |w| ≥ 2^−7 → nearest 2^−7, k = max(0, −1) = 0 → m 1.
    // 0.005 < 2^−7 → zero.
    const q = quantisePot([1, 0.5, 0.25, -0.3, 0.01, 0.005, 0], 4);
    expect(q.exponent).toBe(-6);
    expect(Array.from(q.values)).toEqual([64, 32, 16, -16, 1, 0, 0]);
    expect(Array.from(q.codes)).toEqual([7, 6, 5, 0b1101, 1, 0, 0]);
  });

  it('re-bases the exponent so that the smallest code in use is 1', () => {
    // All weights within 4 levels of the top: codes 7..5 become 3..1 and e rises by 4.
    const q = quantisePot([1, -0.5, 0.25], 4);
    expect(q.exponent).toBe(-2);
    expect(Array.from(q.values)).toEqual([4, -2, 1]);
    expect(Array.from(q.codes)).toEqual([3, 0b1010, 1]);
  });

  it('clamps to the top code and keeps an all-zero tensor at zero', () => {
    expect(Array.from(quantisePot([0, 0], 3).values)).toEqual([0, 0]);
    // 3 bits: M = 3. 1.45 < 1.5 rounds to 2^0 (log rounding would give 2^1) → e = 0 − 2 = −2.
    // 0.6 < 0.75 rounds to 2^−1. Codes 3 and 2 re-base to 2 and 1, so e becomes −1.
    const q = quantisePot([1.45, 0.6], 3);
    expect(q.exponent).toBe(-1);
    expect(Array.from(q.values)).toEqual([2, 1]);
  });

  it('prunes in the log domain: whole levels, the smallest first, until the target sparsity is reached', () => {
    // Levels 2^0, 2^-1, 2^-2 (twice), 2^-3: codes 7, 6, 5, 5, 4 before the re-base.
    const w = [1, -0.5, 0.25, 0.25, 0.125];
    expect(quantisePot(w, 4, 0)).toEqual(quantisePot(w, 4));
    expect(quantisePot(w, 4).droppedLevels).toBe(0);
    // 20%: the level 2^-3 alone (1 of 5) is enough; codes 7..5 re-base to 3..1.
    const fifth = quantisePot(w, 4, 0.2);
    expect([Array.from(fifth.values), fifth.exponent, fifth.droppedLevels]).toEqual([[4, -2, 1, 1, 0], -2, 1]);
    // 50%: 2^-3 gives 1 of 5, then 2^-2 gives 3 of 5; the shifts now span two levels.
    const half = quantisePot(w, 4, 0.5);
    expect([Array.from(half.values), half.exponent, half.droppedLevels]).toEqual([[2, -1, 0, 0, 0], -1, 2]);
    expect(Array.from(half.codes)).toEqual([2, 0b1001, 0, 0, 0]);
  });

  it('never drops the largest level, and counts zeros already there towards the target', () => {
    const all = quantisePot([1, -0.5, 0.25, 0.25, 0.125], 4, 0.99);
    expect([Array.from(all.values), all.droppedLevels]).toEqual([[1, 0, 0, 0, 0], 3]);
    // Two of four are zero already (one below the zero threshold): 50% needs no level dropped.
    const zeros = quantisePot([1, 0.25, 0, 0.001], 4, 0.5);
    expect([Array.from(zeros.values), zeros.droppedLevels]).toEqual([[4, 1, 0, 0], 0]);
    // An empty level between two used ones is passed over without counting.
    const gap = quantisePot([1, 0.25, 0.25], 4, 0.5);
    expect([Array.from(gap.values), gap.droppedLevels]).toEqual([[1, 0, 0], 1]);
  });

  it('prunes a given number of levels in use, and with a sparsity too whichever drops more', () => {
    const w = [1, -0.5, 0.25, 0.25, 0.125];
    const two = quantisePot(w, 4, { levels: 2 });
    expect([Array.from(two.values), two.droppedLevels]).toEqual([[2, -1, 0, 0, 0], 2]);
    // An empty level is not counted: 2^-2 and 2^-4 are the two levels below 2^-1 in use.
    const gap = quantisePot([1, 0.5, 0.25, 0.0625], 4, { levels: 2 });
    expect([Array.from(gap.values), gap.droppedLevels]).toEqual([[2, 1, 0, 0], 2]);
    expect(quantisePot(w, 4, { levels: 9 }).droppedLevels).toBe(3); // the largest level stays
    expect(quantisePot(w, 4, { levels: 1, sparsity: 0.5 }).droppedLevels).toBe(2);
    expect(quantisePot(w, 4, { levels: 3, sparsity: 0.2 }).droppedLevels).toBe(3);
    expect(() => quantisePot(w, 4, { levels: 1.5 })).toThrow(RangeError);
  });

  it('refuses a sparsity outside [0, 1)', () => {
    expect(() => quantisePot([1], 4, 1)).toThrow(RangeError);
    expect(() => quantisePot([1], 4, -0.1)).toThrow(RangeError);
    expect(() => quantisePot([1], 4, Number.NaN)).toThrow(RangeError);
  });

  it('rounds to the nearest power of two in the linear domain (threshold 1.5·2^k)', () => {
    expect([1, 1.49, 1.5, 0.74, 0.75, 3, 2.99, 6].map(nearestPowerOfTwo)).toEqual([0, 0, 1, -1, 0, 2, 1, 3]);
  });

  it('decodes codes into ±2^(m−1)', () => {
    expect(potValue(0b0000, 4)).toBe(0);
    expect(potValue(0b1000, 4)).toBe(0);
    expect(potValue(0b0001, 4)).toBe(1);
    expect(potValue(0b1111, 4)).toBe(-64);
  });
});

describe('quantiseUniform', () => {
  it('uses the smallest power-of-two scale that fits and rounds half away from zero', () => {
    // 4 bits: Q = 7. max 1.0 → e = ceil(log2(1/7)) = −2 → scale 0.25.
    const q = quantiseUniform([1, -0.375, 0.125, -0.124], 4);
    expect(q.exponent).toBe(-2);
    expect(Array.from(q.values)).toEqual([4, -2, 1, 0]);
    expect(Array.from(q.codes)).toEqual([4, 14, 1, 0]);
  });
});

describe('requantisation', () => {
  it('adds 2^(shift−1), shifts arithmetically, applies ReLU and saturates', () => {
    expect(requantise(1003, 3, 8)).toBe(125); // (1003 + 4) / 8 = 125.875 → 125
    expect(requantise(1004, 3, 8)).toBe(126); // exactly half rounds up
    expect(requantise(-5, 1, 8)).toBe(0);
    expect(requantise(100000, 2, 8)).toBe(255);
    expect(requantise(17, 0, 4)).toBe(15);
  });

  it('calibrates the smallest shift that fits the peak', () => {
    expect(calibrateShift(1000, 8)).toBe(2); // (1000 + 2) / 4 = 250
    expect(calibrateShift(255, 8)).toBe(0);
    expect(calibrateShift(-3, 8)).toBe(0);
  });

  it('quantises biases to accumulator units', () => {
    expect(quantiseBias(0.3, -4)).toBe(5); // 0.3 · 16 = 4.8
    expect(quantiseBias(-0.03125, -4)).toBe(-1); // −0.5 rounds away from zero
    expect(roundHalfAway(2.5)).toBe(3);
  });
});

describe('signedBits', () => {
  it('gives the two\'s-complement width that holds ±bound', () => {
    expect([0, 1, 2, 127, 128, 255].map(signedBits)).toEqual([1, 2, 3, 8, 9, 9]);
  });
});

describe('averageReciprocal', () => {
  it('divides by a power of two with a plain rounding shift', () => {
    expect(averageReciprocal(1, 255)).toEqual({ multiplier: 1, shift: 0 });
    expect(averageReciprocal(4, 4 * 255)).toEqual({ multiplier: 1, shift: 2 });
    expect(averageReciprocal(16, 16 * 255)).toEqual({ multiplier: 1, shift: 4 });
    // Half up: 2 of 4 values → 0.5 → 1; 5 → 1.25 → 1; 6 → 1.5 → 2.
    expect([2, 5, 6].map((s) => applyReciprocal(s, { multiplier: 1, shift: 2 }))).toEqual([1, 1, 2]);
  });

  it('gives the rounded mean for every reachable sum, for every window up to 7x7 and for global pools of 8-bit maps', () => {
    for (const n of [3 * 3, 5 * 5, 6 * 6, 7 * 7, 12 * 12, 28 * 28]) {
      for (const bits of [2, 8, 12]) {
        const maxSum = n * (2 ** bits - 1);
        const r = averageReciprocal(n, maxSum);
        expect(r.multiplier, `N ${n}`).toBe(Math.ceil(2 ** r.shift / n));
        for (let sum = 0; sum <= maxSum; sum++) {
          if (applyReciprocal(sum, r) !== roundedMean(sum, n)) throw new Error(`N ${n}, ${bits} bits: sum ${sum} gives ${applyReciprocal(sum, r)}, not ${roundedMean(sum, n)}`);
        }
        // The smallest shift: one less would be wrong somewhere.
        const smaller = { multiplier: Math.ceil(2 ** (r.shift - 1) / n), shift: r.shift - 1 };
        let wrong = false;
        for (let sum = 0; sum <= maxSum && !wrong; sum++) wrong = applyReciprocal(sum, smaller) !== roundedMean(sum, n);
        expect(wrong, `N ${n}, ${bits} bits: shift ${r.shift} is not the smallest`).toBe(true);
      }
    }
  });

  it('rounds ties up: 36 values averaging exactly 0.5 give 1', () => {
    expect(roundedMean(18, 36)).toBe(1); // 0.5 → 1
    expect(roundedMean(17, 36)).toBe(0);
    expect(roundedMean(4, 9)).toBe(0); // 0.44
    expect(roundedMean(5, 9)).toBe(1); // 0.56
    expect(applyReciprocal(18, averageReciprocal(36, 36 * 255))).toBe(1);
  });
});

describe('uniform weights with a real scale', () => {
  /** Σ (w − s·clamp(round(w/s)))², written out independently of the code under test. */
  const sqError = (w: readonly number[], s: number, bits: number): number => {
    const q = 2 ** (bits - 1) - 1;
    return w.reduce((e, x) => {
      const v = Math.sign(x) * Math.min(q, Math.floor(Math.abs(x) / s + 0.5));
      return e + (x - v * s) ** 2;
    }, 0);
  };

  it('finds the hand-worked best scale of a small tensor', () => {
    // 2 bits: levels {−s, 0, s}. For s in (0.5, 1] the codes are [1, 1, 0, 1] and the error
    // (1−s)² + (0.5−s)² + 0.25² + (0.9−s)² is least at s = (1 + 0.5 + 0.9)/3 = 0.8 (0.2025), below
    // max-abs scaling's s = 1 (0.3225) and any s ≤ 0.5 (≥ 0.4725).
    const w = [1, 0.5, -0.25, 0.9];
    expect(mseUniformScale(w, 2)).toBeCloseTo(0.8, 12);
    const q = quantiseUniformScaled(w, 2, 1, false);
    expect(Array.from(q.values)).toEqual([1, 1, 0, 1]);
    expect(Array.from(q.codes)).toEqual([1, 1, 0, 1]);
  });

  it('never does worse than max-abs scaling on random tensors, per layer and per channel', () => {
    const rng = createRng(3);
    for (let t = 0; t < 40; t++) {
      const bits = rng.int(2, 8);
      const n = rng.int(1, 300);
      const w = Array.from({ length: n }, () => (rng.next() - 0.5) * (rng.next() < 0.05 ? 8 : 1));
      const maxAbs = Math.max(...w.map(Math.abs));
      const s = mseUniformScale(w, bits);
      expect(sqError(w, s, bits)).toBeLessThanOrEqual(sqError(w, maxAbs / (2 ** (bits - 1) - 1), bits) + 1e-12);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(maxAbs / (2 ** (bits - 1) - 1) + 1e-15);
    }
  });

  it('scales each output channel on its own, and gives a channel of zeros the largest scale', () => {
    const w = [1, -1, 0.5, 0.02, -0.04, 0.01, 0, 0, 0];
    const q = quantiseUniformScaled(w, 4, 3, true);
    // Channel 0 keeps codes [7, −7, 4] near s = 1/7, where the error 2(1 − 7s)² + (0.5 − 4s)² is least
    // at s = 16/114 = 0.98246/7: the nearest grid point is c = 0.982.
    expect(q.scales[0]).toBeCloseTo(0.982 / 7, 12);
    expect(q.scales[1]).toBeCloseTo(mseUniformScale([0.02, -0.04, 0.01], 4), 15);
    expect(q.scales[2]).toBe(q.scales[0]);
    expect(Array.from(q.values.slice(0, 3))).toEqual([7, -7, 4]);
    expect(Array.from(q.values.slice(6))).toEqual([0, 0, 0]);
    expect(Array.from(q.codes.slice(0, 2))).toEqual([7, 9]); // −7 in 4-bit two's complement
  });

  it('turns scales into multipliers of 15 significant bits within the stated bound', () => {
    const rng = createRng(4);
    for (let t = 0; t < 200; t++) {
      const scales = Array.from({ length: rng.int(1, 12) }, () => 2 ** (rng.next() * 40 - 30));
      const { multipliers, exponent } = fixedPointScales(scales);
      const max = Math.max(...scales);
      const top = Math.max(...multipliers);
      expect(top).toBeGreaterThanOrEqual(2 ** 14);
      expect(top).toBeLessThanOrEqual(2 ** 15);
      scales.forEach((s, o) => {
        expect(Number.isInteger(multipliers[o])).toBe(true);
        const err = Math.abs(s - multipliers[o]! * 2 ** exponent);
        expect(err).toBeLessThanOrEqual(2 ** (exponent - 1));
        expect(err).toBeLessThanOrEqual(max * 2 ** -15);
      });
    }
    expect(fixedPointScales([1])).toEqual({ multipliers: [16384], exponent: -14 });
    expect(fixedPointScales([0.75, 0.25])).toEqual({ multipliers: [24576, 8192], exponent: -15 });
    expect(() => fixedPointScales([0])).toThrow(RangeError);
  });

  it('requantises through a multiplier exactly as rational arithmetic does', () => {
    /** floor((acc·M + 2^(S−1)) / 2^S) in BigInt, then ReLU/saturation. */
    const exact = (acc: number, m: number, s: number, bits: number, relu: boolean): number => {
      const num = BigInt(acc) * BigInt(m) + (s > 0 ? 1n << BigInt(s - 1) : 0n);
      const den = 1n << BigInt(s);
      let q = num / den;
      if (num % den !== 0n && num < 0n) q -= 1n; // BigInt division truncates; floor it
      const top = relu ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
      const bottom = relu ? 0 : -(2 ** (bits - 1));
      return Math.min(top, Math.max(bottom, Number(q)));
    };
    // Ties round half up: 3·2^3 / 2^4 = 1.5 → 2; −1.5 → −1; −0.5 → 0; 0.5 → 1.
    expect(requantiseMultiplied(3, 8, 4, 8, false)).toBe(2);
    expect(requantiseMultiplied(-3, 8, 4, 8, false)).toBe(-1);
    expect(requantiseMultiplied(-1, 8, 4, 8, false)).toBe(0);
    expect(requantiseMultiplied(1, 8, 4, 8, true)).toBe(1);
    // Saturation: unsigned to 255, ReLU to 0, signed to −128 and 127.
    expect(requantiseMultiplied(1000, 30000, 10, 8, true)).toBe(255);
    expect(requantiseMultiplied(-1000, 30000, 10, 8, true)).toBe(0);
    expect(requantiseMultiplied(-1000, 30000, 10, 8, false)).toBe(-128);
    expect(requantiseMultiplied(1000, 30000, 10, 8, false)).toBe(127);
    expect(requantiseMultiplied(5, 3, 0, 8, true)).toBe(15);
    const rng = createRng(5);
    const accs: number[] = [];
    const ms: number[] = [];
    const s = 20;
    for (let i = 0; i < 3000; i++) {
      const m = rng.int(1, 2 ** 15);
      // Half of them ties or one off a tie: acc·M = (2k+1)·2^(S−1) + {−1, 0, 1}.
      const acc = i % 2 ? rng.int(-(2 ** 24), 2 ** 24) : Math.round(((2 * rng.int(-300, 300) + 1) * 2 ** (s - 1)) / m) + rng.int(-1, 1);
      accs.push(acc);
      ms.push(m);
      for (const relu of [true, false]) expect(requantiseMultiplied(acc, m, s, 8, relu)).toBe(exact(acc, m, s, 8, relu));
    }
    // The per-map form, channel i mod 3, equals the scalar one.
    const mult = [ms[0]!, ms[1]!, ms[2]!];
    const out = new Int32Array(accs.length);
    requantiseAllMultiplied(accs, accs.length, mult, s, 8, false, out);
    accs.forEach((a, i) => expect(out[i]).toBe(exact(a, mult[i % 3]!, s, 8, false)));
    expect(() => requantiseMultiplied(2 ** 40, 2 ** 15, 20, 8, true)).toThrow(RangeError);
    expect(() => requantiseAllMultiplied([2 ** 40], 1, [2 ** 15], 20, 8, true, new Int32Array(1))).toThrow(RangeError);
  });
});
