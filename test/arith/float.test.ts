/**
 * The float kernels against PyTorch's definitions written as plain loops here. The kernels keep
 * the loops' summation order, so the results must be identical (Object.is: even NaN and the sign
 * of a zero), not merely close.
 */
import { describe, expect, it } from 'vitest';
import { floatArgmax, floatAvgPool, floatConv, floatMaxPool } from '../../generator/arith/float.ts';
import { createRng, type Rng } from '../../generator/core/rng.ts';
import type { FloatMap } from '../../generator/core/shapes.ts';

// ---- The reference: Conv2d, MaxPool2d and AvgPool2d(count_include_pad=True) as loops. ----

function naiveConv(x: FloatMap, w: ArrayLike<number>, b: ArrayLike<number> | undefined, oc: number, k: number, s: number, pad: number, relu: boolean): FloatMap {
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
  const data = new Float64Array(oc * oh * ow);
  for (let o = 0; o < oc; o++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let acc = b ? b[o]! : 0;
        for (let c = 0; c < x.channels; c++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = oy * s - pad + ky;
              const ix = ox * s - pad + kx;
              if (iy < 0 || iy >= x.height || ix < 0 || ix >= x.width) continue;
              acc += x.data[(c * x.height + iy) * x.width + ix]! * w[((o * x.channels + c) * k + ky) * k + kx]!;
            }
        data[(o * oh + oy) * ow + ox] = relu ? Math.max(0, acc) : acc;
      }
  return { height: oh, width: ow, channels: oc, data };
}

function naivePool(x: FloatMap, k: number, s: number, pad: number, kind: 'max' | 'avg'): FloatMap {
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
  const data = new Float64Array(x.channels * oh * ow);
  for (let c = 0; c < x.channels; c++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * s - pad + ky;
            const ix = ox * s - pad + kx;
            if (iy < 0 || iy >= x.height || ix < 0 || ix >= x.width) continue;
            const v = x.data[(c * x.height + iy) * x.width + ix]!;
            acc = kind === 'max' ? Math.max(acc, v) : acc + v;
          }
        data[(c * oh + oy) * ow + ox] = kind === 'max' ? acc : acc / (k * k);
      }
  return { height: oh, width: ow, channels: x.channels, data };
}

// ---- Helpers. ----

function show(v: number | undefined): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function expectIdentical(actual: FloatMap, expected: FloatMap, what: string): void {
  expect([actual.height, actual.width, actual.channels], `${what}: shape`).toEqual([expected.height, expected.width, expected.channels]);
  expect(actual.data.length, `${what}: length`).toBe(expected.data.length);
  for (let i = 0; i < expected.data.length; i++)
    if (!Object.is(actual.data[i], expected.data[i])) expect.fail(`${what}: element ${i} is ${show(actual.data[i])}, expected ${show(expected.data[i])}`);
}

/** Activations: a fraction `zeros` of exact zeros (some −0), the rest normal deviates. */
function randomMap(rng: Rng, height: number, width: number, channels: number, zeros: number): FloatMap {
  const data = Float64Array.from({ length: channels * height * width }, () => (rng.next() < zeros ? (rng.next() < 0.2 ? -0 : 0) : rng.normal()));
  return { height, width, channels, data };
}

function randomFloats(rng: Rng, n: number, zeros = 0.1): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.next() < zeros ? 0 : rng.normal() * 0.3));
}

// ---- Tests. ----

describe('floatConv', () => {
  it('equals the loops exactly on random shapes: kernels 1..7, strides 1..3, paddings 0..3, 1..16 channels, non-square maps', () => {
    const rng = createRng(1234);
    for (let t = 0; t < 250; t++) {
      const k = rng.int(1, 7);
      const s = rng.int(1, 3);
      const pad = rng.int(0, 3);
      const c = rng.int(1, 16);
      const oc = rng.int(1, 16);
      const h = rng.int(Math.max(1, k - 2 * pad), 13);
      const w = rng.int(Math.max(1, k - 2 * pad), 13);
      const x = randomMap(rng, h, w, c, rng.next());
      const weight = randomFloats(rng, oc * c * k * k);
      const bias = t % 4 === 0 ? undefined : randomFloats(rng, oc);
      for (const relu of [true, false]) expectIdentical(floatConv(x, weight, bias, oc, k, s, pad, relu), naiveConv(x, weight, bias, oc, k, s, pad, relu), `case ${t}: ${h}x${w}x${c} k${k} s${s} p${pad} oc${oc} relu ${relu}`);
    }
  });

  it('equals the loops when the kernel is the whole map (dense layers) and for 1x1 maps', () => {
    const rng = createRng(77);
    for (const [h, c, oc] of [[4, 16, 120], [5, 16, 120], [1, 120, 84], [1, 84, 10], [3, 2, 1]] as const) {
      const x = randomMap(rng, h, h, c, 0.4);
      const weight = randomFloats(rng, oc * c * h * h);
      const bias = randomFloats(rng, oc);
      for (const relu of [true, false]) expectIdentical(floatConv(x, weight, bias, oc, h, 1, 0, relu), naiveConv(x, weight, bias, oc, h, 1, 0, relu), `whole map ${h}x${h}x${c} -> ${oc}`);
    }
  });

  it('keeps the sign of exact zeros, and NaN and infinities, where the loops produce them', () => {
    const rng = createRng(5);
    for (let t = 0; t < 80; t++) {
      const k = rng.int(1, 4);
      const s = rng.int(1, 2);
      const pad = rng.int(0, 2);
      const c = rng.int(1, 3);
      const oc = rng.int(1, 4);
      const h = rng.int(Math.max(2, k - 2 * pad), 8);
      const w = rng.int(Math.max(2, k - 2 * pad), 8);
      const x = randomMap(rng, h, w, c, 0.8);
      // Weights of only ±0 and ±1 make outputs of exactly ±0 common; biases ±0 or missing.
      let weight = Float64Array.from({ length: oc * c * k * k }, () => [0, -0, 1, -1][rng.int(0, 3)]!);
      const bias = t % 3 === 0 ? undefined : Float64Array.from({ length: oc }, () => [0, -0, 1][rng.int(0, 2)]!);
      if (t % 5 === 0) {
        // A non-finite weight: 0·∞ is NaN, so zero inputs cannot be skipped.
        weight = Float64Array.from(weight);
        weight[rng.int(0, weight.length - 1)] = [Infinity, -Infinity, NaN][rng.int(0, 2)]!;
      }
      if (t % 7 === 0) x.data[rng.int(0, x.data.length - 1)] = [Infinity, NaN][rng.int(0, 1)]!;
      for (const relu of [true, false]) expectIdentical(floatConv(x, weight, bias, oc, k, s, pad, relu), naiveConv(x, weight, bias, oc, k, s, pad, relu), `case ${t} relu ${relu}`);
    }
  });

  it('computes a hand-worked example: 3x3 input, 2x2 kernel, padding 1, stride 2', () => {
    // x = [1 2 3; 4 5 6; 7 8 9], w = [1 10; 100 1000], bias 0.5. Windows at (−1,−1), (−1,1), (1,−1), (1,1).
    const x: FloatMap = { height: 3, width: 3, channels: 1, data: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9) };
    const y = floatConv(x, [1, 10, 100, 1000], [0.5], 1, 2, 2, 1, false);
    expect([y.height, y.width]).toEqual([2, 2]);
    expect(Array.from(y.data)).toEqual([1000 + 0.5, 200 + 3000 + 0.5, 40 + 7000 + 0.5, 5 + 60 + 800 + 9000 + 0.5]);
  });
});

describe('floatMaxPool and floatAvgPool', () => {
  it('equal the loops on random shapes, whole-map windows included', () => {
    const rng = createRng(321);
    for (let t = 0; t < 250; t++) {
      const k = rng.int(1, 7);
      const s = rng.int(1, 3);
      const pad = rng.int(0, Math.min(3, Math.floor(k / 2)));
      const c = rng.int(1, 16);
      const h = rng.int(Math.max(1, k - 2 * pad), 12);
      const w = rng.int(Math.max(1, k - 2 * pad), 12);
      const x = randomMap(rng, h, w, c, 0.3);
      if (t % 9 === 0) x.data[rng.int(0, x.data.length - 1)] = NaN;
      expectIdentical(floatMaxPool(x, k, s, pad), naivePool(x, k, s, pad, 'max'), `max ${h}x${w}x${c} k${k} s${s} p${pad}`);
      expectIdentical(floatAvgPool(x, k, s, pad), naivePool(x, k, s, pad, 'avg'), `avg ${h}x${w}x${c} k${k} s${s} p${pad}`);
    }
    const whole = randomMap(rng, 6, 6, 4, 0.2);
    expectIdentical(floatMaxPool(whole, 6, 1, 0), naivePool(whole, 6, 1, 0, 'max'), 'whole-map max');
    expectIdentical(floatAvgPool(whole, 6, 1, 0), naivePool(whole, 6, 1, 0, 'avg'), 'whole-map avg');
  });

  it('never lets the padding win a max; counts it as zeros in the average, dividing by k·k', () => {
    // PyTorch: MaxPool2d(2, 1, padding=1) and AvgPool2d(2, 1, padding=1) on [[-5, -3], [-7, -1]].
    const x: FloatMap = { height: 2, width: 2, channels: 1, data: Float64Array.of(-5, -3, -7, -1) };
    expect(Array.from(floatMaxPool(x, 2, 1, 1).data)).toEqual([-5, -3, -3, -5, -1, -1, -7, -1, -1]);
    expect(Array.from(floatAvgPool(x, 2, 1, 1).data)).toEqual([-1.25, -2, -0.75, -3, -4, -1, -1.75, -2, -0.25]);
  });
});

describe('floatArgmax', () => {
  it('returns the first index on ties, and NaN never wins', () => {
    expect(floatArgmax([0.5, 2, 2, -1])).toBe(1);
    expect(floatArgmax(Float64Array.of(-3, -3, -3))).toBe(0);
    expect(floatArgmax([1, NaN, 3])).toBe(2);
    expect(floatArgmax([7])).toBe(0);
  });
});
