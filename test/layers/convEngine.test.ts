/** ROM word layout and datapath widths, against values worked out by hand for tiny layers. */
import { describe, expect, it } from 'vitest';
import { biasRomWords, convWidths, weightRomWords, type ConvHW, type ConvIR } from '../../generator/layers/convEngine.ts';
import { simdLayout } from '../../generator/layers/window.ts';

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
  folding: { peFolds: 2, layout: simdLayout(1, 2, 1), cyclesPerPixel: 4 },
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

describe('ROM layout when SIMD spans kernel taps', () => {
  // One output channel, one input channel, a 2x2 kernel: codes 1..4 at (ky, kx) = (0,0) (0,1) (1,0) (1,1).
  const taps = (simd: number, channels = 1, kernel = 2, weightCodes = [1, 2, 3, 4]) =>
    ({
      ...layer,
      kernel,
      pe: 1,
      simd,
      input: { height: 4, width: 4, channels },
      weightCodes,
      folding: { peFolds: 1, layout: simdLayout(simd, channels, kernel)!, cyclesPerPixel: simdLayout(simd, channels, kernel)!.steps },
    }) as unknown as ConvHW;

  it('takes the taps of one kernel row per word, the leftmost tap in the low bits', () => {
    expect(weightRomWords(taps(2))).toEqual([0x21n, 0x43n]);
  });

  it('takes whole kernel rows per word: the whole window in one word', () => {
    expect(weightRomWords(taps(4))).toEqual([0x4321n]);
  });

  it('keeps channels innermost within a tap', () => {
    // 2 channels, 1x... a 2x2 kernel: weights [ky][kx][c] = codes 1..8; SIMD 4 = two taps of 2 channels.
    expect(weightRomWords(taps(4, 2, 2, [1, 2, 3, 4, 5, 6, 7, 8]))).toEqual([0x4321n, 0x8765n]);
  });

  it('puts code 0 in the lanes a step runs past the kernel', () => {
    // A 3x3 kernel, codes 1..9 in [ky][kx]; 2 taps a step: (1,2) (3,past) per row.
    expect(weightRomWords(taps(2, 1, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual([0x21n, 0x03n, 0x54n, 0x06n, 0x87n, 0x09n]);
    // 2 rows a step: rows 0-1, then row 2 and a row past the kernel.
    expect(weightRomWords(taps(6, 1, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual([0x654321n, 0x000987n]);
  });
});

describe('simdLayout', () => {
  it('accepts divisors of C, C times up to K taps of a row, and C·K times up to K rows, and nothing else', () => {
    // C = 2, K = 3: 1, 2 (channel groups), 4 (2 taps), 6 (a row), 12 (2 rows), 18 (the window).
    const ok = Array.from({ length: 20 }, (_, i) => i + 1).filter((s) => simdLayout(s, 2, 3));
    expect(ok).toEqual([1, 2, 4, 6, 12, 18]);
    // C = 1, K = 4: 1, 2, 3, 4 taps of a row, 8, 12 (two, three rows), 16 (the window); not 5-7, 9-11, 13-15.
    expect(Array.from({ length: 20 }, (_, i) => i + 1).filter((s) => simdLayout(s, 1, 4))).toEqual([1, 2, 3, 4, 8, 12, 16]);
    expect(simdLayout(8, 1, 4)).toEqual({ channelGroups: 1, taps: 8, tapsX: 4, tapsY: 2, stepsX: 1, stepsY: 2, steps: 2 });
    expect(simdLayout(25, 1, 5)!.steps).toBe(1);
  });

  it('rounds the steps up when the taps a step spans do not divide the kernel', () => {
    // LeNet's second conv (6 channels, 5x5): 2 taps a step is 3 steps a row, 15 in all.
    expect(simdLayout(12, 6, 5)).toEqual({ channelGroups: 1, taps: 2, tapsX: 2, tapsY: 1, stepsX: 3, stepsY: 5, steps: 15 });
    // 2 rows of 5 a step: rows 0-1, 2-3, 4.
    expect(simdLayout(10, 1, 5)).toEqual({ channelGroups: 1, taps: 10, tapsX: 5, tapsY: 2, stepsX: 1, stepsY: 3, steps: 3 });
    expect(simdLayout(3, 1, 5)!.steps).toBe(10);
  });
});
