/** ROM word layout and datapath widths, against values worked out by hand for tiny layers. */
import { describe, expect, it } from 'vitest';
import { biasRomWords, convWidths, weightRomWords, type ConvHW, type ConvIR } from '../../generator/layers/convEngine.ts';

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

describe('ROM layout with requantisation multipliers', () => {
  const scaled = {
    ...layer,
    multipliers: [3, 5, 16384, 1],
    widths: { product: 8, accumulator: 10, requant: 6, multiplier: 15, scaled: 22 },
  } as unknown as ConvHW;

  it('stores {M, bias} per lane, the bias without the rounding offset (added after the multiply)', () => {
    // lane = M << 6 | bias (6 bits); 21 bits a lane, lane 1 high.
    const lane = (m: bigint, bias: bigint): bigint => (m << 6n) | bias;
    expect(biasRomWords(scaled)).toEqual([
      (lane(5n, 0b111111n) << 21n) | lane(3n, 1n),
      (lane(1n, 0b111010n) << 21n) | lane(16384n, 5n),
    ]);
  });
});

describe('convWidths', () => {
  const base = {
    name: 'l',
    kernel: 1,
    inputBits: 8,
    input: { height: 1, width: 1, channels: 2 },
    output: { height: 1, width: 1, channels: 2 },
    weightValues: [7, -7, 3, 0],
    bias: [100, -5],
    shift: 20,
  };

  it('sizes the multiply at full width and adds the rounding offset after it', () => {
    const w = convWidths({ ...base, multipliers: [30000, 16384] } as unknown as ConvIR);
    // Σ|v|·255: 3570 and 765; + |bias| (no offset): 3670 < 2^12 → 13 bits; M ≤ 30000 < 2^15.
    // Without multipliers the offset 2^19 joins the bias: 3670 + 2^19 > 2^19 → 21 bits.
    expect(w).toEqual({ product: 12, accumulator: 13, requant: 13, multiplier: 15, scaled: 29 });
    expect(convWidths({ ...base, multipliers: [] } as unknown as ConvIR)).toEqual({ product: 12, accumulator: 13, requant: 21, multiplier: 0, scaled: 0 });
  });

  it('refuses a product of accumulator and multiplier beyond 52 bits', () => {
    // 254·(2^30 − 1)·2^15 ≈ 2^52.99: a signed 54-bit product.
    const wide = { ...base, inputBits: 30, weightValues: [127, 127, 127, 127], multipliers: [32768, 32768], shift: 0 } as unknown as ConvIR;
    expect(() => convWidths(wide)).toThrow(/Layer l needs a 54-bit requantisation product \(accumulator times multiplier\); potgen supports at most 52 bits/);
  });
});
