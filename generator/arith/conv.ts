/**
 * Integer convolution exactly as the hardware computes it: zero padding, products of unsigned
 * activations and integer weights, accumulation in exact integers, then `requantise`.
 */
import { requantise } from './rules.ts';

/** An integer feature map, height × width × channels, channels innermost. */
export interface FeatureMap {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Int32Array;
}

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

/** Requantises biased accumulators into an unsigned feature map of `bits` bits. */
export function requantiseMap(acc: { height: number; width: number; channels: number; data: Float64Array }, shift: number, bits: number): FeatureMap {
  const data = new Int32Array(acc.data.length);
  for (let i = 0; i < data.length; i++) data[i] = requantise(acc.data[i]!, shift, bits);
  return { height: acc.height, width: acc.width, channels: acc.channels, data };
}
