/**
 * The fast integer kernels against straightforward loops written here: the same results, bit for
 * bit (compared with Object.is, so even the sign of a zero), on random shapes and at the edges of
 * every path the convolution can take.
 */
import { describe, expect, it } from 'vitest';
import {
  argmaxIndex,
  convAccumulators,
  convAccumulatorsPrepared,
  convPath,
  convRequantised,
  convRequantisedPrepared,
  maxPool,
  poolSums,
  prepareConv,
  requantiseMap,
  type ConvArithmetic,
} from '../../generator/arith/conv.ts';
import { requantise, requantiseMultiplied, requantiseSigned } from '../../generator/arith/rules.ts';
import { createRng, type Rng } from '../../generator/core/rng.ts';
import type { FeatureMap } from '../../generator/core/shapes.ts';

// ---- The reference: today's definition, as plain loops over float64 accumulators. ----

function naiveConv(x: FeatureMap, layer: ConvArithmetic): { height: number; width: number; channels: number; data: Float64Array } {
  const { kernel: k, stride: s, pad } = layer;
  const oc = layer.output.channels;
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
  const data = new Float64Array(oh * ow * oc);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let o = 0; o < oc; o++) {
        let acc = layer.bias[o] ?? 0;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++)
            for (let c = 0; c < x.channels; c++) {
              const iy = oy * s - pad + ky;
              const ix = ox * s - pad + kx;
              if (iy < 0 || iy >= x.height || ix < 0 || ix >= x.width) continue;
              acc += x.data[(iy * x.width + ix) * x.channels + c]! * layer.weightValues[((o * k + ky) * k + kx) * x.channels + c]!;
            }
        data[(oy * ow + ox) * oc + o] = acc;
      }
  return { height: oh, width: ow, channels: oc, data };
}

function naiveRequantise(acc: ArrayLike<number>, shift: number, bits: number, relu: boolean): Int32Array {
  return Int32Array.from(acc, (v) => (relu ? requantise(v, shift, bits) : requantiseSigned(v, shift, bits)));
}

/** Every window position, padding included, visited with the value there (0 in the padding). */
function naiveWindows(x: FeatureMap, k: number, s: number, pad: number, reduce: (acc: number, v: number) => number, start: number): FeatureMap {
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
  const data = new Int32Array(oh * ow * x.channels);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let c = 0; c < x.channels; c++) {
        let acc = start;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * s - pad + ky;
            const ix = ox * s - pad + kx;
            const inside = iy >= 0 && iy < x.height && ix >= 0 && ix < x.width;
            acc = reduce(acc, inside ? x.data[(iy * x.width + ix) * x.channels + c]! : 0);
          }
        data[(oy * ow + ox) * x.channels + c] = acc;
      }
  return { height: oh, width: ow, channels: x.channels, data };
}

// ---- Helpers. ----

function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}: element ${i} is ${Object.is(actual[i], -0) ? '-0' : actual[i]}, expected ${Object.is(expected[i], -0) ? '-0' : expected[i]}`);
  }
}

function expectSameConv(x: FeatureMap, layer: ConvArithmetic, what: string): void {
  const want = naiveConv(x, layer);
  const got = convAccumulators(x, layer);
  expect([got.height, got.width, got.channels], `${what}: shape`).toEqual([want.height, want.width, want.channels]);
  expectIdentical(got.data, want.data, what);
  const prepared = prepareConv(layer);
  expectIdentical(convAccumulatorsPrepared(x, prepared).data, want.data, `${what} (prepared)`);
  for (const [shift, bits, relu] of [[0, 8, true], [7, 8, true], [3, 4, false], [12, 8, false]] as const) {
    const q = naiveRequantise(want.data, shift, bits, relu);
    expectIdentical(requantiseMap(want, shift, bits, relu).data, q, `${what}: requantiseMap ${shift}/${bits}/${relu}`);
    expectIdentical(convRequantised(x, layer, shift, bits, relu).data, q, `${what}: convRequantised ${shift}/${bits}/${relu}`);
    expectIdentical(convRequantisedPrepared(x, prepared, shift, bits, relu).data, q, `${what}: convRequantisedPrepared`);
  }
}

/** A map of activations: `zeros` of them 0, the rest uniform in [lo, hi]. */
function randomMap(rng: Rng, height: number, width: number, channels: number, zeros = 0.4, lo = 0, hi = 255): FeatureMap {
  const data = Int32Array.from({ length: height * width * channels }, () => (rng.next() < zeros ? 0 : rng.int(lo, hi)));
  return { height, width, channels, data };
}

/** PoT-like weights: ~30% zeros, the rest ±2^0..2^6, or uniform ones in ±wmax. */
function randomWeights(rng: Rng, n: number, wmax = 64): number[] {
  return Array.from({ length: n }, () => {
    if (rng.next() < 0.3) return 0;
    return rng.next() < 0.5 ? (rng.next() < 0.5 ? -1 : 1) * 2 ** rng.int(0, 6) : rng.int(-wmax, wmax);
  });
}

function layerOf(k: number, stride: number, pad: number, oc: number, weightValues: ArrayLike<number>, bias: ArrayLike<number>): ConvArithmetic {
  return { kernel: k, stride, pad, output: { channels: oc }, weightValues, bias };
}

// ---- The convolution. ----

describe('convAccumulators', () => {
  it('matches the loops on random shapes: kernels 1..7, strides 1..3, paddings 0..3, 1..16 channels, non-square maps', () => {
    const rng = createRng(20240601);
    const paths = new Set<string>();
    for (let t = 0; t < 300; t++) {
      const k = rng.int(1, 7);
      const stride = rng.int(1, 3);
      const pad = rng.int(0, 3);
      const c = rng.int(1, 16);
      const oc = rng.int(1, 16);
      const h = rng.int(Math.max(1, k - 2 * pad), 13);
      const w = rng.int(Math.max(1, k - 2 * pad), 13);
      const x = randomMap(rng, h, w, c, rng.next());
      const layer = layerOf(k, stride, pad, oc, randomWeights(rng, oc * k * k * c), Array.from({ length: oc }, () => rng.int(-5000, 5000)));
      paths.add(convPath(x, prepareConv(layer)));
      expectSameConv(x, layer, `case ${t}: ${h}x${w}x${c} k${k} s${stride} p${pad} oc${oc}`);
    }
    expect([...paths].sort()).toEqual(['packed', 'plain']);
  });

  it('matches the loops when the kernel covers the whole map (dense layers), square or not', () => {
    const rng = createRng(7);
    for (const [h, w, c, oc] of [[4, 4, 16, 120], [1, 1, 120, 84], [1, 1, 84, 10], [5, 5, 16, 7], [3, 3, 1, 1], [7, 7, 3, 2]] as const) {
      const x = randomMap(rng, h, w, c, 0.4);
      const layer = layerOf(h, 1, 0, oc, randomWeights(rng, oc * h * w * c, 127), Array.from({ length: oc }, () => rng.int(-300, 300)));
      expectSameConv(x, layer, `whole map ${h}x${w}x${c} -> ${oc}`);
    }
    // Non-square maps under a kernel as tall (or as wide) as the map: one output row (column).
    expectSameConv(randomMap(rng, 3, 6, 2), layerOf(3, 1, 0, 3, randomWeights(rng, 3 * 9 * 2), [1, 2, 3]), 'kernel 3 on 3x6');
    expectSameConv(randomMap(rng, 7, 4, 2), layerOf(4, 1, 0, 3, randomWeights(rng, 3 * 16 * 2), [1, 2, 3]), 'kernel 4 on 7x4');
  });

  it('matches the loops for all-zero weights, all-zero inputs, −0 biases and −0 weights, down to the sign of zero', () => {
    const rng = createRng(99);
    for (let t = 0; t < 60; t++) {
      const k = rng.int(1, 5);
      const stride = rng.int(1, 3);
      const pad = rng.int(0, 3);
      const c = rng.int(1, 4);
      const oc = rng.int(1, 6);
      const h = rng.int(Math.max(1, k - 2 * pad), 9);
      const w = rng.int(Math.max(1, k - 2 * pad), 9);
      const n = oc * k * k * c;
      const weights = [
        new Array<number>(n).fill(0),
        Array.from({ length: n }, () => (rng.next() < 0.5 ? -0 : rng.int(-3, 3))),
        Array.from({ length: n }, () => -rng.int(0, 2)),
      ][t % 3]!;
      // −0 biases are what quantiseBias gives for small negative biases.
      const bias = Array.from({ length: oc }, () => [-0, 0, rng.int(-2, 2)][rng.int(0, 2)]!);
      const x = t % 2 ? randomMap(rng, h, w, c, 1) : randomMap(rng, h, w, c, 0.7, -2, 2);
      expectSameConv(x, layerOf(k, stride, pad, oc, weights, bias), `zeros case ${t}`);
    }
  });

  it('takes each path exactly up to its bound, and stays exact at the extremes of each', () => {
    // Two channels, k = 1: channel 0 = −W·x + b0, channel 1 = +W·x + b1, every input at xmax, so
    // the accumulators hit ±bound exactly. Bound = W·xmax + |b|.
    const cases: [number, number, number, string][] = [
      [2 ** 17 - 1, 255, 2 ** 25 - 1 - (2 ** 17 - 1) * 255, 'packed'], // bound 2^25 − 1
      [2 ** 17 - 1, 255, 2 ** 25 - (2 ** 17 - 1) * 255, 'plain'], // bound 2^25
      [1, 2 ** 31 - 1, 2 ** 25 - 2 ** 31, 'plain'], // negative bias, Int32 extremes of x
      [2, 2 ** 31 - 1, 0, 'plain'], // accumulators ±(2^32 − 2): beyond Int32, for the requantisation
      [2 ** 21, 2 ** 31 - 1, 2 ** 52 - 1 - 2 ** 21 * (2 ** 31 - 1), 'plain'], // bound 2^52 − 1
      [2 ** 21, 2 ** 31 - 1, 2 ** 52 - 2 ** 21 * (2 ** 31 - 1), 'loops'], // bound 2^52
    ];
    for (const [w, xmax, b, path] of cases) {
      for (const sign of [-1, 1]) {
        const layer = layerOf(1, 1, 0, 2, [-w * sign, w * sign], [-b * sign, b * sign]);
        const x: FeatureMap = { height: 3, width: 2, channels: 1, data: new Int32Array(6).fill(xmax) };
        expectSameConv(x, layer, `bound case W ${w}, x ${xmax}, b ${b}, ${path}, sign ${sign}`);
        expect(convPath(x, prepareConv(layer)), `W ${w}, x ${xmax}, b ${b}`).toBe(path);
        const exact = Number(BigInt(w) * BigInt(xmax) + BigInt(b));
        expect(convAccumulators(x, layer).data[1]).toBe(sign * exact);
      }
    }
    // Negative inputs at the Int32 minimum, many terms, both packed and plain.
    const rng = createRng(5);
    for (const xmin of [-(2 ** 31), -255]) {
      const x = randomMap(rng, 6, 5, 3, 0.2, xmin, -xmin - 1);
      const layer = layerOf(3, 2, 1, 5, randomWeights(rng, 5 * 9 * 3, 64), [-0, 1, -1, 2 ** 20, -(2 ** 20)]);
      expectSameConv(x, layer, `negative inputs down to ${xmin}`);
    }
  });

  it('reproduces the loops even where float64 loses exactness (bound ≥ 2^52), and for non-integer weights', () => {
    const rng = createRng(11);
    const x = randomMap(rng, 5, 5, 4, 0.1, -(2 ** 31), 2 ** 31 - 1);
    const huge = Array.from({ length: 2 * 9 * 4 }, () => rng.int(-(2 ** 40), 2 ** 40));
    const layer = layerOf(3, 1, 1, 2, huge, [1, -1]);
    expect(convPath(x, prepareConv(layer))).toBe('loops');
    expectSameConv(x, layer, 'huge weights');
    const fractional = layerOf(3, 1, 1, 2, Array.from({ length: 72 }, () => rng.normal()), [0.5, -0.25]);
    expect(convPath(x, prepareConv(fractional))).toBe('loops');
    expectSameConv(x, fractional, 'fractional weights');
  });

  it('recomputes when the same weight array comes with another bias, geometry or input', () => {
    const rng = createRng(3);
    const weights = randomWeights(rng, 4 * 9 * 2);
    const x = randomMap(rng, 7, 6, 2);
    expectSameConv(x, layerOf(3, 1, 1, 4, weights, [1, 2, 3, 4]), 'first bias');
    expectSameConv(x, layerOf(3, 1, 1, 4, weights, [-5, 6, -7, 8]), 'second bias');
    expectSameConv(x, layerOf(3, 2, 0, 4, weights, [-5, 6, -7, 8]), 'other stride and padding');
    // The same 72 weights read as a 1x1 layer: 8 outputs of 9 input channels.
    expectSameConv(randomMap(rng, 4, 5, 9), layerOf(1, 1, 0, 8, weights, new Array(8).fill(3)), 'same array as a 1x1 layer');
    // An input with the wrong channel count reads past the weights in the loops: same NaNs here.
    expectSameConv(randomMap(rng, 4, 4, 3), layerOf(3, 1, 0, 4, weights, [0, 0, 0, 0]), 'channel mismatch');
  });
});

describe('requantiseMap', () => {
  it('is rules.requantise / requantiseSigned value for value, halves, saturation and odd shifts included', () => {
    const values = [0, -0, 1, -1, 127, 128, 129, -128, -129, 255, 256, 511, 512, 2 ** 31, -(2 ** 31), 2 ** 52, -(2 ** 52), 1e300, -1e300, Infinity, -Infinity, NaN];
    for (let v = -1100; v <= 1100; v += 7) values.push(v, v + 0.5);
    const acc = { height: 1, width: values.length, channels: 1, data: Float64Array.from(values) };
    for (const shift of [0, 1, 2, 7, 8, 20, 40, 1100, -1])
      for (const bits of [1, 2, 4, 8, 16])
        for (const relu of [true, false]) expectIdentical(requantiseMap(acc, shift, bits, relu).data, naiveRequantise(values, shift, bits, relu), `shift ${shift} bits ${bits} relu ${relu}`);
  });
});

describe('convRequantised with multipliers', () => {
  it('equals requantiseMultiplied of the loops\' accumulators, channel by channel, on every path', () => {
    const rng = createRng(77);
    const paths = new Set<string>();
    for (let t = 0; t < 120; t++) {
      const k = rng.int(1, 5);
      const stride = rng.int(1, 2);
      const pad = rng.int(0, k - 1);
      const c = rng.int(1, 8);
      const oc = rng.int(1, 9);
      const x = randomMap(rng, rng.int(k, 9), rng.int(k, 9), c, rng.next());
      const layer = layerOf(k, stride, pad, oc, randomWeights(rng, oc * k * k * c, 7), Array.from({ length: oc }, () => rng.int(-5000, 5000)));
      const multipliers = Array.from({ length: oc }, () => rng.int(1, 2 ** 15));
      const shift = rng.int(0, 30);
      const relu = rng.next() < 0.5;
      const acc = naiveConv(x, layer);
      const expected = Int32Array.from(acc.data, (v, i) => requantiseMultiplied(v, multipliers[i % oc]!, shift, 8, relu));
      paths.add(convPath(x, prepareConv(layer)));
      expectIdentical(convRequantised(x, layer, shift, 8, relu, multipliers).data, expected, `case ${t}`);
      expectIdentical(requantiseMap(convAccumulators(x, layer), shift, 8, relu, multipliers).data, expected, `map ${t}`);
    }
    expect([...paths].sort()).toEqual(['packed', 'plain']);
  });
});

// ---- Pooling and arg-max. ----

describe('maxPool and poolSums', () => {
  it('match the loops on random shapes, whole-map windows and paddings up to the kernel', () => {
    const rng = createRng(42);
    for (let t = 0; t < 300; t++) {
      const k = rng.int(1, 7);
      const stride = rng.int(1, 3);
      const pad = rng.int(0, Math.min(3, k));
      const c = rng.int(1, 16);
      const h = rng.int(Math.max(1, k - 2 * pad), 12);
      const w = rng.int(Math.max(1, k - 2 * pad), 12);
      const x = t % 5 === 0 ? randomMap(rng, h, w, c, 0.3, -255, 255) : randomMap(rng, h, w, c, rng.next());
      const what = `${h}x${w}x${c} k${k} s${stride} p${pad}`;
      const max = naiveWindows(x, k, stride, pad, Math.max, 0);
      const gotMax = maxPool(x, k, stride, pad);
      expect([gotMax.height, gotMax.width, gotMax.channels]).toEqual([max.height, max.width, max.channels]);
      expectIdentical(gotMax.data, max.data, `maxPool ${what}`);
      expectIdentical(poolSums(x, k, stride, pad).data, naiveWindows(x, k, stride, pad, (a, v) => a + v, 0).data, `poolSums ${what}`);
    }
    const whole = randomMap(rng, 5, 5, 3);
    expectIdentical(maxPool(whole, 5, 1, 0).data, naiveWindows(whole, 5, 1, 0, Math.max, 0).data, 'whole-map max');
    expectIdentical(poolSums(whole, 5, 1, 0).data, naiveWindows(whole, 5, 1, 0, (a, v) => a + v, 0).data, 'whole-map sum');
  });

  it('max pooling lets the zero padding beat negative values; the sums count the padding as zeros', () => {
    const x: FeatureMap = { height: 2, width: 2, channels: 1, data: Int32Array.of(-5, 3, 7, -1) };
    expect(Array.from(maxPool(x, 2, 1, 1).data)).toEqual([0, 3, 3, 7, 7, 3, 7, 7, 0]);
    expect(Array.from(poolSums(x, 2, 1, 1).data)).toEqual([-5, -2, 3, 2, 4, 2, 7, 6, -1]);
  });

  it('poolSums refuses sums beyond Int32', () => {
    const x: FeatureMap = { height: 2, width: 2, channels: 1, data: new Int32Array(4).fill(2 ** 30) };
    expect(() => poolSums(x, 2, 2, 0)).toThrow(RangeError);
  });
});

describe('argmaxIndex', () => {
  it('keeps the first index on ties', () => {
    expect(argmaxIndex([3, 9, 9, 1])).toBe(1);
    expect(argmaxIndex(Int32Array.of(-4, -4))).toBe(0);
    expect(argmaxIndex([5])).toBe(0);
  });
});
