import { describe, expect, it } from 'vitest';
import { PotgenError } from '../../generator/core/errors.ts';
import { createRng } from '../../generator/core/rng.ts';

const take = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

describe('createRng', () => {
  // Every literal below was computed independently by a small Python 3 reference implementation of
  // sfc32 (PractRand 0.94 seeding: a = 0, b = seed low word, c = seed high word, counter = 1,
  // 12 discarded outputs; arbitrary-precision ints masked to 32 bits; 53-bit doubles formed as
  // ((u32 >>> 5) * 2^26 + (u32 >>> 6)) / 2^53; int() by rejection sampling) and printed with repr().
  it('produces the known sfc32 sequence for seed 1', () => {
    const rng = createRng(1);
    expect(take(3, rng.next)).toEqual([0.4684900748426659, 0.39758921723365603, 0.47181193818790734]);
  });

  it('produces the known sequences for seeds 0, -1 (two’s complement) and 2^40 + 5 (uses the high word)', () => {
    expect(take(3, createRng(0).next)).toEqual([0.31748144353787644, 0.18830282972553158, 0.22070574447598978]);
    expect(take(3, createRng(-1).next)).toEqual([0.7774230976147113, 0.7175751220581912, 0.004060327670893371]);
    expect(createRng(2 ** 40 + 5).next()).toBe(0.42592185765503743);
  });

  it('produces the known int() values for seed 1', () => {
    const small = createRng(1);
    expect(take(3, () => small.int(0, 9))).toEqual([0, 4, 5]);
    const large = createRng(1); // a range wider than 2^32 draws 53-bit integers
    expect(take(2, () => large.int(-1e15, 1e15))).toEqual([-780216547023590, 581165301160040]);
  });

  it('produces the Box-Muller pair of the first two uniforms for seed 1', () => {
    // Python: r = sqrt(-2 log(1 - u1)), theta = 2 pi u2; z0 = r cos theta, z1 = r sin theta.
    // Compared to 12 digits because libm and V8's fdlibm may differ in the last bit.
    const rng = createRng(1);
    expect(rng.normal()).toBeCloseTo(-0.8994695415413637, 12);
    expect(rng.normal()).toBeCloseTo(0.6745527102202962, 12);
  });

  it('gives the same sequence for the same seed and different sequences for different seeds', () => {
    const a = createRng(12345);
    const b = createRng(12345);
    const seqA = [...take(100, a.next), ...take(100, a.normal), ...take(100, () => a.int(-5, 5))];
    const seqB = [...take(100, b.next), ...take(100, b.normal), ...take(100, () => b.int(-5, 5))];
    expect(seqA).toEqual(seqB);
    const first = new Set([1, 2, 3, 12345, 12346, -1, 2 ** 32, 2 ** 32 + 1].map((s) => createRng(s).next()));
    expect(first.size).toBe(8);
    expect(take(10, createRng(7).next)).not.toEqual(take(10, createRng(8).next));
  });

  it('keeps next() in [0, 1) with a uniform-looking mean', () => {
    const rng = createRng(99);
    const xs = take(20000, rng.next);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01); // standard error is 0.002
  });

  it('gives normal() a mean near 0 and a variance near 1 over 20000 samples', () => {
    const rng = createRng(2024);
    const zs = take(20000, rng.normal);
    const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
    const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / (zs.length - 1);
    // Standard errors: 0.007 for the mean, 0.01 for the variance.
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
    expect(zs.every(Number.isFinite)).toBe(true);
  });

  it('gives int() inclusive bounds, every value, and rejects bad bounds', () => {
    const rng = createRng(5);
    const counts = new Map<number, number>();
    for (let i = 0; i < 7000; i++) {
      const v = rng.int(-3, 3);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(rng.int(4, 4)).toBe(4);
    expect(() => rng.int(3, 2)).toThrowError(/^int\(3, 2\): the bounds must be safe integers with lo <= hi\.$/);
    expect(() => rng.int(0, 1.5)).toThrowError(/^int\(0, 1\.5\): the bounds must be safe integers with lo <= hi\.$/);
    expect(() => rng.int(-(2 ** 53) + 1, 2 ** 53 - 1)).toThrowError(
      /^int\(-9007199254740991, 9007199254740991\): the range holds more than 2\^53-1 integers\.$/,
    );
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => createRng(1.5)).toThrowError(PotgenError);
    expect(() => createRng(1.5)).toThrowError(/^The random seed 1\.5 is not an integer between -\(2\^53-1\) and 2\^53-1\.$/);
    expect(() => createRng(Number.NaN)).toThrowError(/^The random seed NaN is not an integer/);
  });
});
