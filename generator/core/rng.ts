/**
 * A deterministic, seeded pseudo-random number generator for synthetic weights and test stimuli.
 * Only integer arithmetic feeds the state, so `next()` and `int()` give the same sequence on every
 * platform; `normal()` also uses Math.log/sqrt/cos/sin, which Node's V8 computes with its own
 * fdlibm port and therefore identically on every platform it runs on.
 */

import { PotgenError } from './errors.ts';

/** A seeded source of random numbers. */
export interface Rng {
  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** A standard normal deviate (mean 0, variance 1), by the Box-Muller transform. */
  normal(): number;
  /** A uniform integer in [lo, hi], both inclusive, without modulo bias. */
  int(lo: number, hi: number): number;
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting PRNG, shifts 21/9/3) seeded as PractRand 0.94's
 * `sfc32::seed(Uint64)`: a = 0, b = low 32 bits of the seed, c = high 32 bits, counter = 1, then 12
 * outputs discarded. `seed` is any safe integer; negative seeds are taken as 64-bit two's complement.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new PotgenError(`The random seed ${seed} is not an integer between -(2^53-1) and 2^53-1.`);
  }
  const s64 = BigInt.asUintN(64, BigInt(seed));
  let a = 0;
  let b = Number(s64 & 0xffffffffn) | 0;
  let c = Number(s64 >> 32n) | 0;
  let counter = 1;

  const u32 = (): number => {
    const t = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();

  /** A uniform integer in [0, 2^53), from the top 27 bits of one output and 26 of the next. */
  const u53 = (): number => {
    const hi = u32() >>> 5;
    const lo = u32() >>> 6;
    return hi * 67108864 + lo;
  };

  let spare: number | undefined;

  return {
    next: () => u53() / TWO_53,
    normal: () => {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return z;
      }
      const u1 = 1 - u53() / TWO_53; // in (0, 1], so the logarithm is finite
      const u2 = u53() / TWO_53;
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int: (lo: number, hi: number) => {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
        throw new RangeError(`int(${lo}, ${hi}): the bounds must be safe integers with lo <= hi.`);
      }
      const n = hi - lo + 1;
      if (!Number.isSafeInteger(n)) {
        throw new RangeError(`int(${lo}, ${hi}): the range holds more than 2^53-1 integers.`);
      }
      // Rejection sampling: draw from the largest multiple of n that fits, so every residue is
      // equally likely.
      if (n <= TWO_32) {
        const limit = TWO_32 - (TWO_32 % n);
        let x = u32();
        while (x >= limit) x = u32();
        return lo + (x % n);
      }
      const limit = TWO_53 - (TWO_53 % n);
      let x = u53();
      while (x >= limit) x = u53();
      return lo + (x % n);
    },
  };
}
