/** Lane utilisation, against figures worked out by hand. */
import { describe, expect, it } from 'vitest';
import { conv2d, dense, flatten, network, randomWeights } from '../../generator/dsl/index.ts';
import { noLocations } from '../../generator/load/locations.ts';
import { buildNetwork } from '../../generator/pipeline/buildDesign.ts';
import { laneUse } from '../../generator/passes/laneUse.ts';

function hwOf(net: ReturnType<typeof network>) {
  return buildNetwork(net, noLocations, '/tmp/model.ts', { steadyFrames: 2, stressFrames: 0 }).hw;
}

describe('laneUse', () => {
  it('a layer whose lanes never idle: 100%', () => {
    // 8x8x3 in, 8 out, 3x3 same: 64 pixels x 8 outputs x 27 = 13,824 MACs on 4 x 3 lanes,
    // (8/4) x (27/3) = 18 cycles a pixel, 1,152 cycles: 13,824 / (12 x 1,152) = 1.
    const hw = hwOf(network({ name: 'one', input: { height: 8, width: 8, channels: 3 }, weights: randomWeights(3), layers: [conv2d({ name: 'c', outChannels: 8, kernel: 3, padding: 'same', pe: 4, simd: 3 })] }));
    expect(hw.cyclesPerFrame).toBe(1152);
    expect(laneUse(hw)).toEqual({
      lanes: 12,
      macs: 13_824,
      cyclesPerFrame: 1152,
      utilisation: 1,
      layers: [{ layer: 'c', pe: 4, simd: 3, lanes: 12, macs: 13_824, cyclesPerFrame: 1152, utilisation: 1 }],
    });
  });

  it('a fast layer behind a slow one idles', () => {
    // conv: 6x6x1 -> 4x4x4 (3x3 valid), PE 2 x SIMD 1: (4/2) x 9 = 18 cycles a pixel, 16 pixels:
    // 288 cycles, 16 x 4 x 9 = 576 MACs. dense: 64 -> 5, PE 1 x SIMD 8: 5 x 8 = 40 cycles,
    // 320 MACs. The network runs at the conv's 288 cycles: the conv's 2 lanes are always busy
    // (576 / (2 x 288) = 1), the dense's 8 lanes 320 / (8 x 288) = 13.9% of the time, and the
    // network's 10 lanes 896 / (10 x 288) = 31.1%.
    const hw = hwOf(
      network({
        name: 'two',
        input: { height: 6, width: 6, channels: 1 },
        weights: randomWeights(5),
        layers: [conv2d({ name: 'c', outChannels: 4, kernel: 3, pe: 2, simd: 1 }), flatten(), dense({ name: 'd', outFeatures: 5, pe: 1, simd: 8 })],
      }),
    );
    expect(hw.cyclesPerFrame).toBe(288);
    const use = laneUse(hw);
    expect(use.lanes).toBe(10);
    expect(use.macs).toBe(896);
    expect(use.utilisation).toBeCloseTo(896 / 2880, 12);
    expect(use.layers.map((l) => [l.layer, l.lanes, l.macs, l.cyclesPerFrame])).toEqual([
      ['c', 2, 576, 288],
      ['d', 8, 320, 40],
    ]);
    expect(use.layers[1]!.utilisation).toBeCloseTo(320 / (8 * 288), 12);
  });
});
