/**
 * Extreme weights and activations: every weight at the largest code (plus one at the smallest, so
 * the codes span the whole range), every pixel 255. The accumulators reach their exact worst-case
 * bound, outputs saturate, and the RTL must still match the reference model bit for bit.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PotgenError } from '../../generator/core/errors.ts';
import type { FeatureMap } from '../../generator/core/shapes.ts';
import { conv2d, network, pot, uniform } from '../../generator/dsl/index.ts';
import type { WeightQuantOptions } from '../../generator/dsl/types.ts';
import type { ConvHW } from '../../generator/layers/convEngine.ts';
import { runNetwork } from '../../generator/reference/referenceModel.ts';
import { lint } from '../../generator/run/lint.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, tempDir } from '../support/designs.ts';

const H = 5;
const W = 5;
const C = 16;
const OC = 4;
const K = 3;

function image(value: (i: number) => number): FeatureMap {
  return { height: H, width: W, channels: C, data: Int32Array.from({ length: H * W * C }, (_, i) => value(i)) };
}
const allMax = image(() => 255);
const ramp = image((i) => (i * 37) % 256);

/** Channels 0 and 1 all +max, 2 and 3 all −max; the last weight of each channel is `tiny` (the smallest PoT level). */
function extremeWeights(tiny: number): number[] {
  const fanIn = C * K * K;
  return Array.from({ length: OC * fanIn }, (_, i) => {
    const sign = Math.floor(i / fanIn) < 2 ? 1 : -1;
    return (i % fanIn === fanIn - 1 ? tiny : 1) * sign;
  });
}

describe.each<[string, WeightQuantOptions]>([
  ['pot5', pot({ bits: 5 })],
  ['pot3', pot({ bits: 3 })],
  ['uniform8', uniform({ bits: 8 })],
  ['uniform2', uniform({ bits: 2 })],
  ['uniform8ch', uniform({ bits: 8, scale: 'channel' })],
  ['uniform8pow2', uniform({ bits: 8, scale: 'pow2' })],
])('extreme values, %s weights', (label, weights) => {
  const dir = tempDir();
  const tiny = weights.kind === 'pot' ? 2 ** -(2 ** (weights.bits - 1) - 2) : 2 ** -20;
  writeFileSync(
    path.join(dir, 'weights.json'),
    JSON.stringify({ 'conv.weight': { shape: [OC, C, K, K], data: extremeWeights(tiny) }, 'conv.bias': [0, 1000, -1000, 0] }),
  );
  it.each([
    ['saturating (shift 0)', 0],
    ['calibrated on all-255 images', undefined],
  ])('%s', async (_, shift) => {
    const net = network({
      name: `extreme_${label}_${shift ?? 'cal'}`,
      input: { height: H, width: W, channels: C },
      weights: 'weights.json',
      layers: [conv2d({ name: 'conv', outChannels: OC, kernel: K, padding: 'same', weights, pe: 2, simd: 8, ...(shift === undefined ? {} : { shift }) })],
    });
    const built = buildInto(dir, net, { images: [allMax, allMax, ramp, allMax], calibration: [allMax] });
    const layer = built.hw.layers[0] as ConvHW;
    if (weights.kind === 'pot') {
      // The codes span the whole range: the largest shift is 2^(bits-1) - 2.
      expect(layer.maxShift).toBe(2 ** (weights.bits - 1) - 2);
    }
    // The accumulator holds exactly the worst case: Σ|w|·255 for the fullest channel.
    const fanIn = C * K * K;
    const worst = Math.max(...[0, 1, 2, 3].map((o) => layer.weightValues.slice(o * fanIn, (o + 1) * fanIn).reduce((a, v) => a + Math.abs(v) * 255, 0)));
    expect(2 ** (layer.widths.accumulator - 1) - 1).toBeGreaterThanOrEqual(worst);
    expect(2 ** (layer.widths.accumulator - 2) - 1).toBeLessThan(worst);
    // The oracle's outputs for the all-255 image: saturated high for +max channels, zero for −max ones.
    const out = runNetwork(built.ir, allMax)[0]!.data;
    const centre = (Math.floor(H / 2) * W + Math.floor(W / 2)) * OC;
    if (shift === 0) expect(Array.from(out.slice(centre, centre + OC))).toEqual([255, 255, 0, 0]);
    else expect(Math.max(...out)).toBeGreaterThan(127);
    const sim = await simulate(built.out);
    expect(sim.log).toContain(`${4 * H * W + 1} passed, 0 failed`);
    expect(sim.ok).toBe(true);
  });
});

describe.each<[string, WeightQuantOptions]>([
  ['pot4', pot({ bits: 4 })],
  ['uniform8', uniform({ bits: 8 })],
])('a layer whose weights are all zero (%s), as pruning makes', (label, weights) => {
  it('builds RTL that outputs its requantised bias, bit-exact and lint clean', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'weights.json'),
      JSON.stringify({ 'conv.weight': { shape: [3, 2, 3, 3], data: new Array(54).fill(0) }, 'conv.bias': [0.5, -0.25, 0.125] }),
    );
    const net = network({
      name: `zero_${label}`,
      input: { height: 5, width: 5, channels: 2 },
      weights: 'weights.json',
      layers: [conv2d({ name: 'conv', outChannels: 3, kernel: 3, padding: 'same', weights, pe: 3, simd: 2 })],
    });
    const built = buildInto(dir, net);
    const layer = built.hw.layers[0] as ConvHW;
    expect(layer.weightValues.every((v) => v === 0)).toBe(true);
    // Bias 0.5 on 8-bit inputs is 128 in accumulator units; the shift brings it within 8 bits.
    const out = runNetwork(built.ir, built.images[0]!)[0]!.data;
    const perChannel = [0, 1, 2].map((c) => new Set(Array.from(out).filter((_, i) => i % 3 === c)));
    expect(perChannel.map((s) => s.size)).toEqual([1, 1, 1]);
    expect([...perChannel[0]!][0]).toBeGreaterThan(0);
    expect([...perChannel[1]!][0]).toBe(0); // ReLU of a negative bias
    const sim = await simulate(built.out);
    expect(sim.log).toContain(`${4 * 25 + 1} passed, 0 failed`);
    expect(sim.ok).toBe(true);
    expect((await lint(built.out)).log).toBe('');
  });
});

describe('PoT weights that span many power-of-two levels (7 bits: up to 62)', () => {
  const spanNetwork = (dir: string, levels: number) => {
    // Output 0 weighs channel c by 2^-c, output 1 by -2^-c: the codes span `levels` levels.
    const data = [0, 1].flatMap((o) => Array.from({ length: levels }, (_, c) => (o ? -1 : 1) * 2 ** -c));
    writeFileSync(path.join(dir, `span${levels}.json`), JSON.stringify({ 'conv.weight': { shape: [2, levels, 1, 1], data }, 'conv.bias': [0, 0] }));
    return network({
      name: `span${levels}`,
      input: { height: 3, width: 3, channels: levels },
      weights: `span${levels}.json`,
      layers: [conv2d({ name: 'conv', outChannels: 2, kernel: 1, weights: pot({ bits: 7 }), pe: 2, simd: levels / 4 })],
    });
  };

  it('keeps 36 levels exact (products beyond 32 bits) and matches in RTL', async () => {
    const dir = tempDir();
    const built = buildInto(dir, spanNetwork(dir, 36));
    const layer = built.hw.layers[0] as ConvHW;
    expect(layer.maxShift).toBe(35);
    expect(Math.max(...layer.weightValues)).toBe(2 ** 35);
    // Product: 255·2^35 < 2^43, signed 44 bits; accumulator: 255·(2^36 − 1) < 2^44, signed 45.
    expect(layer.widths).toEqual({ product: 44, accumulator: 45, requant: 45, multiplier: 0, scaled: 0 });
    const sim = await simulate(built.out);
    expect(sim.log).toContain(`${4 * 9 + 1} passed, 0 failed`);
    expect(sim.ok).toBe(true);
  });

  it('refuses 60 levels, whose accumulator could not be exact, with the width it would need', () => {
    const dir = tempDir();
    expect(() => buildInto(dir, spanNetwork(dir, 60))).toThrow(
      // 255·(2^60 − 1) < 2^68: a signed 69-bit accumulator.
      new PotgenError('Layer conv needs a 69-bit accumulator (its weights span too many power-of-two levels); potgen supports at most 52 bits. Use fewer weight bits or prune the smallest weights.'),
    );
  });
});
