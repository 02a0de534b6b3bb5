/**
 * potgen_pool_layer on its own, in both modes: testbench/lib/potgen_pool_layer_tb.v streams random
 * images with input bubbles and output back-pressure and compares every output beat with a
 * behavioural max pool (MODE = 0) or with exactly y = (sum * RECIP + R0) >> RSHIFT (MODE = 1), for
 * kernels 1 to 8 and global pooling of 7x7, 8x8 and 28x28 maps. Each set is linted by Verilator,
 * and the bench is shown to fail when one line of the layer is broken. (Yosys: libraryPool.slow.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { expectFail, expectPass, libPaths, lint, mutationCases, simulate, simulateBroken } from '../support/libRtl.ts';
import { averageSets, byKernel, maxSets, POOL_FILES, poolChecks, reciprocal, sets, show } from '../support/libPoolSets.ts';

const FILES = POOL_FILES;

const mutations = [
  {
    name: 'max: the running maximum not restarted on a pixel’s first tap',
    file: 'potgen_pool_layer.v',
    from: 'always @* merged[c*AB +: AB] = (first || x > b) ? x : b;',
    to: 'always @* merged[c*AB +: AB] = (x > b) ? x : b;',
    sets: [maxSets[0]!],
  },
  {
    name: 'average: the rounding constant R0 dropped',
    file: 'potgen_pool_layer.v',
    from: "constant_operand = (shift > 0) ? (128'd1 << (shift - 1)) : 128'd0;",
    to: "constant_operand = 128'd0;",
    sets: [byKernel(2), byKernel(3)],
  },
  {
    name: 'average: a negative digit of RECIP added instead of subtracted',
    file: 'potgen_pool_layer.v',
    from: 'assign value = ~shifted;',
    to: 'assign value = shifted;',
    sets: [byKernel(3)],
  },
  {
    name: 'average: the running sum not restarted on a pixel’s first tap',
    file: 'potgen_pool_layer.v',
    from: 'if (valid) acc <= first ? x : acc + x;',
    to: 'if (valid) acc <= acc + x;',
    sets: [byKernel(2)],
  },
];

describe.concurrent('potgen_pool_layer', () => {
  it('uses the generator’s reciprocals', () => {
    expect(reciprocal(4, 4 * 255)).toEqual({ RECIP: 1, RSHIFT: 2 });
    expect(reciprocal(9, 9 * 255)).toEqual({ RECIP: 3641, RSHIFT: 15 });
    expect(reciprocal(49, 49 * 255)).toEqual({ RECIP: 2675, RSHIFT: 17 });
    for (const k of [1, 2, 3, 5]) expect(averageSets.some((p) => p.K === k && p.K < p.H)).toBe(true);
  });

  it.each(sets.map((p, i) => [show(p), p, i + 1] as const))('testbench passes: %s', async (_, p, seed) => {
    expectPass(await simulate('potgen_pool_layer_tb', libPaths(FILES), p, seed), poolChecks(p));
  });

  it.each(sets.map((p) => [show(p), p] as const))('lint clean: %s', async (_, p) => {
    const { FRAMES: _frames, ...module } = p;
    expect(await lint('potgen_pool_layer', libPaths(FILES), module)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(mutations, show))('testbench fails on a broken layer, %s', async (_, m, p) => {
    expectFail(await simulateBroken('potgen_pool_layer_tb', FILES, m, p));
  });
});
