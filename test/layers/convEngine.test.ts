/** ROM word layout, against words assembled by hand for a tiny layer. */
import { describe, expect, it } from 'vitest';
import { biasRomWords, weightRomWords, type ConvHW } from '../../generator/layers/convEngine.ts';

// 1x1 kernel, 2 input channels, 4 output channels, PE 2, SIMD 1: two PE groups, two SIMD groups,
// so word f = p·2 + g holds lanes (o = 2p + l, c = g) with lane l = 1 in the high bits.
const codes = [
  0x1, 0x2, // o0: c0, c1
  0x3, 0x4, // o1
  0x5, 0x6, // o2
  0x7, 0x8, // o3
];
const layer = {
  kernel: 1,
  pe: 2,
  simd: 1,
  weightBits: 4,
  input: { height: 1, width: 1, channels: 2 },
  weightCodes: codes,
  folding: { peFolds: 2, simdFolds: 2, accumulateCycles: 2, cyclesPerPixel: 4 },
  bias: [1, -1, 5, -6],
  shift: 2,
  widths: { product: 8, accumulator: 10, requant: 6 },
} as unknown as ConvHW;

describe('ROM layout', () => {
  it('orders weight words pe-group > kernel > simd-group, lane 0 in the low bits', () => {
    expect(weightRomWords(layer)).toEqual([0x31n, 0x42n, 0x75n, 0x86n]);
  });

  it('stores bias + 2^(shift−1) per lane in two\'s complement', () => {
    // lanes (6 bits): o0 = 1 + 2 = 3, o1 = −1 + 2 = 1 → 0b000001_000011; o2 = 7, o3 = −4 = 0b111100.
    expect(biasRomWords(layer)).toEqual([(1n << 6n) | 3n, (0b111100n << 6n) | 7n]);
  });
});
