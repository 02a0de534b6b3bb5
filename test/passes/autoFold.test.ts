/**
 * Automatic folding (--target-cycles): the cheapest folding per layer that meets the target,
 * worked out by hand on small networks; explicit values kept; impossible targets refused with the
 * fastest the network can go; and an auto-folded design simulated bit-exact at its analytic cycles.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, dense, flatten, maxPool2d, network, randomWeights } from '../../generator/dsl/index.ts';
import type { Conv2dOptions, DenseOptions } from '../../generator/dsl/types.ts';
import { noLocations } from '../../generator/load/locations.ts';
import { buildNetwork, compileNetwork, prepareNetwork } from '../../generator/pipeline/buildDesign.ts';
import { autoFold, loadLaneCosts } from '../../generator/passes/autoFold.ts';
import type { ConvIR } from '../../generator/layers/convEngine.ts';
import { kindOf } from '../../generator/layers/registry.ts';
import { simdChoices, simdLayout, windowCyclesPerFrame } from '../../generator/layers/window.ts';
import { loadModel } from '../../generator/load/loadModel.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, tempDir } from '../support/designs.ts';

/** conv 6x6x1 -> 4x4x4 (3x3 valid), flatten, dense 64 -> 5. */
function twoLayers(conv: Partial<Conv2dOptions> = {}, fc: Partial<DenseOptions> = {}) {
  return network({
    name: 'fold',
    input: { height: 6, width: 6, channels: 1 },
    weights: randomWeights(5),
    layers: [conv2d({ name: 'c', outChannels: 4, kernel: 3, ...conv }), flatten(), dense({ name: 'd', outFeatures: 5, ...fc })],
  });
}

function fold(net: ReturnType<typeof network>, targetCycles: number) {
  return buildNetwork(net, noLocations, '/tmp/model.ts', { targetCycles, steadyFrames: 2, stressFrames: 0 });
}

describe('autoFold', () => {
  it('takes each layer\'s fewest lanes that meet the target', () => {
    // Target 288. conv: 16 pixels x (4/pe) x steps(simd), steps 9/3/1 for simd 1/3/9: pe 2 x simd 1
    // gives 16 x 2 x 9 = 288 with 2 lanes, and nothing with 1 lane fits (16 x 4 x 9 = 576).
    // dense: a 4x4 "kernel" over 4 channels, 64 products: (5/pe) x (64/simd): pe 1 x simd 2 gives
    // 160 with 2 lanes (pe 1 x simd 1 needs 320).
    const r = fold(twoLayers(), 288);
    expect(r.folding!.choices).toEqual([
      { layer: 'c', pe: 2, simd: 1, lanes: 2, cyclesPerFrame: 288, how: 'auto' },
      { layer: 'd', pe: 1, simd: 2, lanes: 2, cyclesPerFrame: 160, how: 'auto' },
    ]);
    expect(r.hw.cyclesPerFrame).toBe(288);
  });

  it('a tighter target takes more lanes, and SIMD across kernel taps when it must', () => {
    // Target 64: conv (4/pe) x steps <= 4: pe 4 x simd 3 (12 lanes, 3 taps a step: 16 x 1 x 3 = 48)
    // or pe 1 x simd 9 (9 lanes: 16 x 4 x 1 = 64) -> 9 lanes. dense (5/pe) x (64/simd) <= 64:
    // pe 5 x simd 1 (5 lanes, 64 cycles) or pe 1 x simd 8 (8 lanes, 40) -> 5 lanes.
    const r = fold(twoLayers(), 64);
    expect(r.folding!.choices).toEqual([
      { layer: 'c', pe: 1, simd: 9, lanes: 9, cyclesPerFrame: 64, how: 'auto' },
      { layer: 'd', pe: 5, simd: 1, lanes: 5, cyclesPerFrame: 64, how: 'auto' },
    ]);
  });

  it('takes a tap count that does not divide the kernel when that is cheapest', () => {
    // LeNet-5's conv2: 12x12x6 -> 8x8x16, 5x5 kernel, target 960: (16/pe) x steps <= 15. SIMD 12
    // (2 taps: 3 steps a row, 15 in all) with pe 16 is 192 lanes; the next best are pe 8 x simd 30
    // (a whole row: 2 x 5 = 10 steps) and pe 4 x simd 60 (two rows: 4 x 3 = 12 steps), 240 each.
    const net = network({
      name: 'ragged',
      input: { height: 12, width: 12, channels: 6 },
      weights: randomWeights(3),
      layers: [conv2d({ name: 'c', outChannels: 16, kernel: 5 }), flatten(), dense({ name: 'd', outFeatures: 10 })],
    });
    const r = fold(net, 960);
    expect(r.folding!.choices[0]).toEqual({ layer: 'c', pe: 16, simd: 12, lanes: 192, cyclesPerFrame: 960, how: 'auto' });
  });

  it('among equal lanes, fewer taps per step', () => {
    // 3 outputs over a 3x3 window of 1 channel, target 9 cycles a pixel (16 pixels: 144): pe 3 x
    // simd 1 and pe 1 x simd 3 both take 3 lanes and 9 cycles a pixel; simd 3 would read 3 taps a step.
    const r = fold(twoLayers({ outChannels: 3 }), 144);
    expect(r.folding!.choices[0]).toEqual({ layer: 'c', pe: 3, simd: 1, lanes: 3, cyclesPerFrame: 144, how: 'auto' });
  });

  it('keeps what the model file gives, and chooses the rest', () => {
    const r = fold(twoLayers({ pe: 4, simd: 9 }, { pe: 5 }), 288);
    expect(r.folding!.choices).toEqual([
      { layer: 'c', pe: 4, simd: 9, lanes: 36, cyclesPerFrame: 36, how: 'explicit' },
      { layer: 'd', pe: 5, simd: 1, lanes: 5, cyclesPerFrame: 64, how: 'partly' },
    ]);
  });

  it('refuses an impossible target with the fastest the layer can go', () => {
    expect(() => fold(twoLayers(), 35)).toThrow(/^No folding reaches 35 cycles per inference: layer c takes at least 36 \(even fully unrolled\)\. Aim for at least 36\.$/);
    expect(() => fold(twoLayers({ pe: 1, simd: 1 }), 288)).toThrow(
      /^No folding reaches 288 cycles per inference: layer c takes at least 576 \(the model file fixes pe 1 and simd 1\)\. Aim for at least 576, or leave its pe and simd out of the model file\.$/,
    );
    const pooled = network({
      name: 'pooled',
      input: { height: 8, width: 8, channels: 1 },
      weights: randomWeights(5),
      layers: [maxPool2d({ name: 'pool', kernel: 2 }), conv2d({ name: 'c', outChannels: 2, kernel: 3 })],
    });
    expect(() => fold(pooled, 40)).toThrow(/^No folding reaches 40 cycles per inference: layer pool \(maxPool2d\) takes 64, one input pixel a cycle\. Aim for at least 64\.$/);
  });
});

describe('autoFold for a LUT budget', () => {
  // Costs chosen for hand arithmetic: 100 LUT a layer plus 10 a lane.
  const costs = { 'pot:4': { lutPerLane: 10, lutPerLayer: 100 } };
  const prepared = prepareNetwork(twoLayers(), noLocations, '/tmp/model.ts', { steadyFrames: 2, stressFrames: 0 });
  const ir = compileNetwork(prepared).ir;
  const budget = (lutBudget: number, cycles?: number) => autoFold(ir, { lutBudget, ...(cycles ? { cycles } : {}) }, prepared.explicitFolding, costs);

  it('the fewest cycles whose estimate fits', () => {
    // For 260 LUT (6 lanes): at 160 cycles the conv needs (4/pe) x steps <= 10, fewest lanes pe 4 x
    // simd 1 (144 cycles, 4 lanes), and the dense (5/pe) x (64/simd) <= 160, pe 1 x simd 2 (160,
    // 2 lanes): 2 x 100 + 6 x 10 = 260. At 159 the dense needs 4 lanes: 280. So 160.
    // For 250 LUT (5 lanes): at 192 the conv takes pe 1 x simd 3 (192, 3 lanes) and the dense 2
    // lanes: 250; at 191 the conv needs 4 lanes again. So 192.
    const r = budget(260);
    expect(r.estimatedLuts).toBe(260);
    expect(r.choices.map((c) => [c.layer, c.pe, c.simd, c.cyclesPerFrame])).toEqual([
      ['c', 4, 1, 144],
      ['d', 1, 2, 160],
    ]);
    expect(r.targetCycles).toBe(160);
    expect(budget(250).targetCycles).toBe(192);
    expect(budget(250).choices.map((c) => [c.pe, c.simd])).toEqual([
      [1, 3],
      [1, 2],
    ]);
  });

  it('too small a budget names the smallest folding and what it needs', () => {
    // One lane each: 2 x 100 + 2 x 10 = 220 LUT.
    expect(() => budget(219)).toThrow(/^A budget of 219 LUT is too small: the smallest folding \(c 1x1, d 1x1\) needs about 220 LUT in its weighted layers\.$/);
    expect(budget(220).estimatedLuts).toBe(220);
  });

  it('with a target too, checks the target against the budget', () => {
    expect(budget(340, 64).targetCycles).toBe(64);
    expect(() => budget(339, 64)).toThrow(/^Folding for 64 cycles per inference needs about 340 LUT in its weighted layers, over the budget of 339; raise the budget or the target\.$/);
  });
});

describe('an auto-folded design', () => {
  const dir = tempDir('potgen-fold-');
  it('simulates bit-exact at its analytic cycles', async () => {
    const built = buildInto(dir, twoLayers(), { targetCycles: 64 });
    expect(built.hw.cyclesPerFrame).toBe(64);
    const sim = await simulate(built.out);
    expect(sim.ok).toBe(true);
    expect(sim.measuredCyclesPerFrame).toEqual([64]);
  });
});

describe("against FINN's SetFolding rule", () => {
  // FINN's SetFolding (finn/transformation/fpgadataflow/set_folding.py) folds a matrix-vector unit
  // greedily: SIMD through the divisors of the fan-in, ascending, at PE 1, until the target is met
  // (or the weight stream passes mvau_wwidth_max bits, 36 by default); then PE through the divisors
  // of the outputs until it is met. Here the same rule over the SIMD values potgen_window takes
  // that divide the fan-in, with no width cap (the cap stops LeNet-5's conv1 at SIMD 5: 2,880 cycles).
  const loaded = loadModel('examples/lenet5/lenet5_auto.ts');
  const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file, { steadyFrames: 2, stressFrames: 0 });
  const ir = compileNetwork(prepared).ir;
  const weighted = ir.layers.filter((l) => kindOf(l).weighted) as ConvIR[];
  const cycles = (l: ConvIR, pe: number, simd: number): number =>
    windowCyclesPerFrame(l.input, l.output, (l.output.channels / pe) * simdLayout(simd, l.input.channels, l.kernel)!.steps);
  const divisors = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  function greedy(l: ConvIR, target: number): number {
    const fanIn = l.kernel * l.kernel * l.input.channels;
    let simd = 1;
    for (const s of simdChoices(l.input.channels, l.kernel).filter((s) => fanIn % s === 0)) {
      simd = s;
      if (cycles(l, 1, simd) <= target) break;
    }
    let pe = 1;
    for (const p of divisors(l.output.channels)) {
      pe = p;
      if (cycles(l, pe, simd) <= target) break;
    }
    expect(cycles(l, pe, simd), `${l.name} at ${target}`).toBeLessThanOrEqual(target);
    return pe * simd;
  }

  it('meets the same LeNet-5 targets with fewer lanes', () => {
    const lanes = [1000, 2000, 4000, 16000].map((target) => {
      const ours = autoFold(ir, { cycles: target }, prepared.explicitFolding, loadLaneCosts()).choices.reduce((s, c) => s + c.lanes, 0);
      const finn = weighted.reduce((s, l) => s + greedy(l, target), 0);
      expect(ours, `target ${target}`).toBeLessThan(finn);
      return [target, ours, finn];
    });
    // At 1,000: conv2 takes 16 x 12 (192 lanes; SIMD 12 does not divide its fan-in of 150), where the
    // rule's SIMD 150 at PE 1 takes 1,024 cycles and then PE 2 (300 lanes).
    expect(lanes[0]).toEqual([1000, 387, 495]);
  });
});
