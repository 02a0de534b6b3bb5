/**
 * Whole networks: every layer kind chained under one top, simulated under Icarus against the
 * reference model. Small random networks cover max and average pooling (power-of-two windows,
 * reciprocals, padding, global), dense, signed outputs and arg-max. LeNet-5 is lenet5.slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { argmax, avgPool2d, conv2d, dense, flatten, maxPool2d, network, pot, randomWeights, uniform } from '../../generator/dsl/index.ts';
import type { RawLayer } from '../../generator/dsl/types.ts';
import { lint } from '../../generator/run/lint.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, tempDir } from '../support/designs.ts';

const small = (name: string, input: [number, number, number], layers: RawLayer[]) =>
  network({ name, input: { height: input[0], width: input[1], channels: input[2] }, weights: randomWeights(11), layers });

const NETWORKS = [
  small('pool_k2s2', [8, 8, 2], [conv2d({ name: 'c', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 2 }), maxPool2d({ name: 'p', kernel: 2 })]),
  small('pool_k3s2p1', [9, 9, 3], [conv2d({ name: 'c', outChannels: 2, kernel: 1, pe: 2, simd: 3 }), maxPool2d({ name: 'p', kernel: 3, stride: 2, padding: 1 })]),
  small('pool_k3s1', [6, 7, 2], [conv2d({ name: 'c', outChannels: 3, kernel: 3, pe: 3, weights: uniform({ bits: 4 }) }), maxPool2d({ name: 'p', kernel: 3, stride: 1 })]),
  small('pool_then_conv', [10, 10, 1], [
    conv2d({ name: 'c1', outChannels: 4, kernel: 3, pe: 4 }),
    maxPool2d({ name: 'p1', kernel: 2 }),
    conv2d({ name: 'c2', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 4, weights: pot({ bits: 3 }) }),
  ]),
  small('dense_head', [6, 6, 2], [
    conv2d({ name: 'c', outChannels: 4, kernel: 3, pe: 4, simd: 2 }),
    maxPool2d({ name: 'p', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 12, pe: 4, simd: 2 }),
    dense({ name: 'fc2', outFeatures: 5, pe: 5, simd: 6, activation: 'none' }),
  ]),
  small('dense_argmax_uniform', [4, 4, 3], [
    flatten(),
    dense({ name: 'fc1', outFeatures: 8, pe: 2, simd: 3, weights: uniform({ bits: 8 }) }),
    dense({ name: 'fc2', outFeatures: 6, pe: 3, simd: 8, weights: uniform({ bits: 8 }), activation: 'none' }),
    argmax(),
  ]),
  small('avg_k2', [8, 8, 2], [conv2d({ name: 'c', outChannels: 4, kernel: 3, padding: 'same', pe: 4, simd: 2 }), avgPool2d({ name: 'p', kernel: 2 })]),
  small('avg_k3s2p1', [9, 9, 3], [conv2d({ name: 'c', outChannels: 2, kernel: 1, pe: 2, simd: 3, weights: uniform({ bits: 6 }) }), avgPool2d({ name: 'p', kernel: 3, stride: 2, padding: 1 })]),
  small('avg_global_head', [7, 7, 2], [
    conv2d({ name: 'c', outChannels: 6, kernel: 3, pe: 3, simd: 2 }),
    avgPool2d({ name: 'gap', global: true }),
    flatten(),
    dense({ name: 'fc', outFeatures: 4, pe: 4, simd: 6, activation: 'none' }),
    argmax(),
  ]),
  small('dense_argmax_pot', [4, 4, 3], [
    flatten(),
    dense({ name: 'fc1', outFeatures: 8, pe: 8, simd: 1, weights: pot({ bits: 5 }) }),
    dense({ name: 'fc2', outFeatures: 6, pe: 1, simd: 4, weights: pot({ bits: 5 }), activation: 'none', activationBits: 6 }),
    argmax({ name: 'pick' }),
  ]),
];

describe('small networks of every layer kind under Icarus', () => {
  const dir = tempDir();
  it.each(NETWORKS.map((n) => [n.name, n] as const))('%s', async (_, net) => {
    const built = buildInto(dir, net, { steadyFrames: 3, stressFrames: 3 });
    const sim = await simulate(built.out);
    const last = built.hw.layers.at(-1)!;
    const beats = 6 * last.output.height * last.output.width;
    expect(sim.log).toContain(`${beats + 2} passed, 0 failed`);
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame, built.hw.cyclesPerFrame]);
    expect((await lint(built.out)).log).toBe('');
  });
});
