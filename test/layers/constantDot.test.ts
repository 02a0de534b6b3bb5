/** Weights fixed into logic: the signed-digit form and the shape of the generated trees (their arithmetic is simulated in the conv matrix). */
import { describe, expect, it } from 'vitest';
import { constantDot, signedDigits } from '../../generator/layers/constantDot.ts';

describe('signedDigits', () => {
  it('sums to the value with no two adjacent nonzero digits, never more digits than set bits', () => {
    for (let v = -600; v <= 600; v++) {
      const digits = signedDigits(v);
      expect(digits.reduce((s, d) => s + (d.negative ? -1 : 1) * 2 ** d.shift, 0)).toBe(v);
      for (let i = 1; i < digits.length; i++) expect(digits[i]!.shift - digits[i - 1]!.shift).toBeGreaterThan(1);
      expect(digits.length).toBeLessThanOrEqual(Math.abs(v).toString(2).split('1').length - 1);
    }
  });

  it('writes a power of two as one digit and 7 as 8 - 1', () => {
    expect(signedDigits(-16)).toEqual([{ shift: 4, negative: true }]);
    expect(signedDigits(7)).toEqual([{ shift: 0, negative: true }, { shift: 3, negative: false }]);
    expect(signedDigits(0)).toEqual([]);
  });
});

describe('constantDot', () => {
  const dot = (weights: number[][], sumWidth = 16) => constantDot({ pe: weights.length, simd: weights[0]!.length, activationBits: 8, sumWidth, weights });

  it('gives each PoT weight one term and a zero weight none', () => {
    const d = dot([[4, 0, -1, 0, 2]]);
    expect(d.terms).toBe(3);
    expect(d.adders).toBe(2);
    expect(d.latency).toBe(1 + 2);
  });

  it('delays every PE to the deepest tree, and gives a PE of zero weights a zero sum and no carry', () => {
    const d = dot([[1, 2, 4, 8, 16], [0, 0, 0, 0, 0], [0, 0, 0, 0, -2]]);
    expect(d.latency).toBe(1 + 3);
    const text = d.body.join('\n');
    expect(text).toContain("sums_r[16 +: 16] = 16'd0;");
    // PE 2's single negative term passes through 3 registers and is complemented with a carry of 1.
    expect(text).toMatch(/p2_l3_0 <= p2_l2_0;/);
    expect(text).toContain("assign carries = 3'b100;");
  });

  it('sums equal shifts before shifting: two weights of 4 share one adder at the activations\' width', () => {
    const text = dot([[4, 4]]).body.join('\n');
    expect(text).toContain('reg [8:0] p0_l1_0;'); // 255 + 255 fits 9 bits; the shift by 2 is wiring at the root
    expect(text).toContain("sums_r[0 +: 16] = {{5'd0, p0_l1_0}, 2'd0};");
  });
});
