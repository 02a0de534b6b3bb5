/**
 * Integer convolution exactly as the hardware computes it: zero padding, products of unsigned
 * activations and integer weights, accumulation in exact integers, then `requantise`.
 */
import type { FeatureMap } from '../core/shapes.ts';
import { requantise, requantiseSigned } from './rules.ts';

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

/** Biased accumulators Σ x·w + B of every output, [oy][ox][o]. Exact while below 2^53. */
export function convAccumulators(x: FeatureMap, layer: ConvArithmetic): { height: number; width: number; channels: number; data: Float64Array } {
  const { kernel: k, stride: s, pad } = layer;
  const oc = layer.output.channels;
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
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

/** Requantises biased accumulators into a feature map of `bits` bits: unsigned after ReLU, else signed. */
export function requantiseMap(acc: { height: number; width: number; channels: number; data: Float64Array }, shift: number, bits: number, relu = true): FeatureMap {
  const data = new Int32Array(acc.data.length);
  const f = relu ? requantise : requantiseSigned;
  for (let i = 0; i < data.length; i++) data[i] = f(acc.data[i]!, shift, bits);
  return { height: acc.height, width: acc.width, channels: acc.channels, data };
}

/** Max pooling with zero padding (the inputs are unsigned, so zero never beats a real value). */
export function maxPool(x: FeatureMap, kernel: number, stride: number, pad: number): FeatureMap {
  const oh = Math.floor((x.height + 2 * pad - kernel) / stride) + 1;
  const ow = Math.floor((x.width + 2 * pad - kernel) / stride) + 1;
  const c = x.channels;
  const data = new Int32Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let ci = 0; ci < c; ci++) {
        let best = 0;
        for (let ky = 0; ky < kernel; ky++) {
          const iy = oy * stride - pad + ky;
          if (iy < 0 || iy >= x.height) continue;
          for (let kx = 0; kx < kernel; kx++) {
            const ix = ox * stride - pad + kx;
            if (ix < 0 || ix >= x.width) continue;
            best = Math.max(best, x.data[(iy * x.width + ix) * c + ci]!);
          }
        }
        data[(oy * ow + ox) * c + ci] = best;
      }
  return { height: oh, width: ow, channels: c, data };
}

/** Index of the largest value, the first one on ties. */
export function argmaxIndex(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
