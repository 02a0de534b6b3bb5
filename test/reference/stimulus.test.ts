/**
 * Test stimulus whose checked outputs vary: for a network ending in arg-max, the golden frames
 * must show several classes, or a stuck arg-max would pass; when no input can vary the output,
 * the build says so.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argmax, dense, flatten, network } from '../../generator/dsl/index.ts';
import { noLocations } from '../../generator/load/locations.ts';
import { buildNetwork } from '../../generator/pipeline/buildDesign.ts';
import { runNetwork } from '../../generator/reference/referenceModel.ts';
import { randomImages } from '../../generator/quantise/samples.ts';
import { tempDir } from '../support/designs.ts';

/** A 4x4x1 → 3-class network: class 1 has a large bias; class 0 wins only on bright top-left pixels. */
function biasedNetwork(dir: string, weights: number[], bias: number[]) {
  writeFileSync(path.join(dir, 'w.json'), JSON.stringify({ 'fc.weight': { shape: [3, 16], data: weights }, 'fc.bias': bias }));
  return network({
    name: 'biased',
    input: { height: 4, width: 4, channels: 1 },
    weights: './w.json',
    layers: [flatten(), dense({ name: 'fc', outFeatures: 3, pe: 3, simd: 1, activation: 'none', weights: { kind: 'uniform', bits: 8 } }), argmax()],
  });
}

const classes = (built: ReturnType<typeof buildNetwork>) => built.images.map((x) => runNetwork(built.ir, x).at(-1)!.data[0]);

describe('chooseStimulus', () => {
  it('finds frames of several classes where uniform noise gives one class only', () => {
    const dir = tempDir();
    // Class 0 looks at pixel 0 and (negatively) at the rest; class 2 at the bottom-right pixel.
    const w0 = Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : -0.2));
    const w1 = Array.from({ length: 16 }, () => 0.01);
    const w2 = Array.from({ length: 16 }, (_, i) => (i === 15 ? 1 : -0.2));
    const net = biasedNetwork(dir, [...w0, ...w1, ...w2], [0, 0.3, 0]);
    const built = buildNetwork(net, noLocations, path.join(dir, 'model.ts'), { steadyFrames: 2, stressFrames: 4 });
    // On uniform noise the network says class 1 nearly always: the old stimulus would check one class.
    const ir = built.ir;
    const noise = randomImages({ height: 4, width: 4, channels: 1 }, 2, 200).map((x) => runNetwork(ir, x).at(-1)!.data[0]);
    expect(new Set(noise).size).toBe(1);
    expect(new Set(classes(built)).size).toBeGreaterThanOrEqual(2);
    expect(built.images).toHaveLength(6);
    expect(built.notes).toEqual([]);
  });

  it('says so in the build notes when every input gives the same class', () => {
    const dir = tempDir();
    const net = biasedNetwork(dir, new Array(48).fill(0), [0, 0.3, 0]);
    const built = buildNetwork(net, noLocations, path.join(dir, 'model.ts'));
    expect(new Set(classes(built))).toEqual(new Set([1]));
    expect(built.notes).toEqual([
      'the 4 test frames all give the same class (none of 260 candidate images gave another), so the testbench cannot catch an arg-max stuck at that class; give the network a data set or other weights',
    ]);
  });
});
