/** The numeric contracts, checked against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import {
  applyReciprocal,
  averageReciprocal,
  calibrateShift,
  nearestPowerOfTwo,
  potValue,
  quantiseBias,
  quantisePot,
  quantiseUniform,
  requantise,
  roundedMean,
  roundHalfAway,
  signedBits,
} from '../../generator/arith/rules.ts';

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
