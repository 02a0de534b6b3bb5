/**
 * potgen_pool_layer on its own, in both modes: testbench/lib/potgen_pool_layer_tb.v streams random
 * images with input bubbles and output back-pressure and compares every output beat with a
 * behavioural max pool (MODE = 0) or with exactly y = (sum * RECIP + R0) >> RSHIFT (MODE = 1), for
 * kernels 1 to 8 and global pooling of 7x7, 8x8 and 28x28 maps. Each set is linted by Verilator,
 * the bench is shown to fail when one line of the layer is broken, and Yosys shows that average
 * pooling builds no multiplier.
 */
import { describe, expect, it } from 'vitest';
import { expectFail, expectPass, label, libPaths, lint, mutationCases, simulate, simulateBroken, type Params } from '../support/libRtl.ts';
import { coarseCells, synthXilinx } from '../support/libYosys.ts';

const FILES = ['potgen_pool_layer.v', 'potgen_window.v', 'potgen_axis_fifo.v'];

interface PoolParams extends Params {
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly AB: number;
  readonly K: number;
  readonly S: number;
  readonly PAD: number;
  readonly R: number;
  readonly FIFO_DEPTH: number;
  readonly MODE: number;
  readonly RECIP: number;
  readonly RSHIFT: number;
  readonly FRAMES: number;
}

/**
 * The fixed-point reciprocal of n as the generator chooses it: RECIP = 1, RSHIFT = log2 n for a
 * power of two; otherwise RECIP = ceil(2^q / n) with the smallest q for which
 * (sum * RECIP + 2^(q-1)) >> q is the mean rounded half up for every sum up to maxSum.
 */
function reciprocal(n: number, maxSum: number): { RECIP: number; RSHIFT: number } {
  if (Number.isInteger(Math.log2(n))) return { RECIP: 1, RSHIFT: Math.log2(n) };
  for (let q = Math.ceil(Math.log2(n)); q <= 40; q++) {
    const m = Math.ceil(2 ** q / n);
    let exact = true;
    for (let sum = 0; sum <= maxSum && exact; sum++) exact = Math.floor((sum * m + 2 ** (q - 1)) / 2 ** q) === Math.floor((2 * sum + n) / (2 * n));
    if (exact) return { RECIP: m, RSHIFT: q };
  }
  throw new Error(`no reciprocal of ${n}`);
}

/** The testbench's defaults with `p` over them; average pooling gets the generator's reciprocal unless `p` gives one. */
function poolSet(p: Partial<PoolParams>): PoolParams {
  const K = p.K ?? 2;
  const S = p.S ?? K;
  const AB = p.AB ?? 8;
  const base = { H: 6, W: 7, C: 2, AB, K, S, PAD: 0, R: 2 * K + 2 * S, FIFO_DEPTH: 4, MODE: 0, RECIP: 1, RSHIFT: 0, FRAMES: 4 };
  const recip = p.MODE === 1 ? reciprocal(K * K, K * K * (2 ** AB - 1)) : {};
  return { ...base, ...recip, ...p };
}

/** One check per output beat. */
function poolChecks(p: PoolParams): number {
  const oh = Math.floor((p.H + 2 * p.PAD - p.K) / p.S) + 1;
  const ow = Math.floor((p.W + 2 * p.PAD - p.K) / p.S) + 1;
  return p.FRAMES * oh * ow;
}

const maxSets: PoolParams[] = [
  poolSet({}),
  poolSet({ H: 7, W: 7, C: 3, K: 3, S: 2, PAD: 1 }),
  poolSet({ H: 5, W: 6, C: 1, AB: 4, K: 3, S: 1, PAD: 1 }),
  poolSet({ H: 9, W: 8, C: 1, K: 1, S: 2 }),
  poolSet({ H: 8, W: 8, C: 2, K: 8, S: 1, R: 8, FRAMES: 12 }),
];

const averageSets: PoolParams[] = [
  poolSet({ MODE: 1, H: 5, W: 6, K: 1, S: 1 }),
  poolSet({ MODE: 1, K: 2, S: 2 }),
  poolSet({ MODE: 1, H: 5, W: 5, C: 1, K: 2, S: 1, PAD: 1 }),
  poolSet({ MODE: 1, H: 6, W: 6, C: 3, K: 3, S: 1, PAD: 1 }),
  poolSet({ MODE: 1, H: 7, W: 8, K: 3, S: 2, PAD: 1, RECIP: Math.ceil(2 ** 18 / 9), RSHIFT: 18 }),
  poolSet({ MODE: 1, H: 7, W: 8, K: 3, S: 2, PAD: 1, RECIP: Math.ceil(2 ** 20 / 9), RSHIFT: 20 }),
  poolSet({ MODE: 1, H: 6, W: 5, C: 2, AB: 4, K: 3, S: 1, PAD: 1 }),
  poolSet({ MODE: 1, H: 9, W: 8, C: 2, K: 5, S: 2, PAD: 2 }),
  // Global pooling: the kernel is the whole map.
  poolSet({ MODE: 1, H: 7, W: 7, C: 3, K: 7, S: 1, R: 7, FRAMES: 12 }),
  poolSet({ MODE: 1, H: 8, W: 8, C: 2, K: 8, S: 1, R: 8, FRAMES: 12 }),
  poolSet({ MODE: 1, H: 28, W: 28, C: 1, K: 28, S: 1, R: 28, FRAMES: 3 }),
];

const sets = [...maxSets, ...averageSets];
const show = (p: PoolParams): string => `${p.MODE ? 'average' : 'max'} ${label(p)}`;
const byKernel = (k: number) => averageSets.find((p) => p.K === k && p.RSHIFT < 18)!;

const mutations = [
  {
    name: 'max: the running maximum not restarted on a pixel’s first tap',
    file: 'potgen_pool_layer.v',
    from: 'assign merged[c*AB +: AB] = (first || x > b) ? x : b;',
    to: 'assign merged[c*AB +: AB] = (x > b) ? x : b;',
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
    from: 'assign operands[t*MB +: MB] = ~shifted;',
    to: 'assign operands[t*MB +: MB] = shifted;',
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

  it.each([byKernel(3), averageSets[8]!].map((p) => [show(p), p] as const))(
    'average pooling builds no multiplier (Yosys finds no $mul): %s',
    async (_, p) => {
      const { FRAMES: _frames, ...module } = p;
      const run = await coarseCells('potgen_pool_layer', libPaths(FILES), module);
      expect(run.status, run.log).toBe(0);
      expect(run.cells).toBeDefined();
      expect(run.cells!['$mul'] ?? 0).toBe(0);
    },
  );

  it('average pooling synthesises for UltraScale+ with no DSP48E2 and no latch', async () => {
    const { FRAMES: _frames, ...module } = byKernel(3);
    const run = await synthXilinx('potgen_pool_layer', libPaths(FILES), module);
    expect(run.status, run.log).toBe(0);
    const cells = run.cells!;
    expect(cells['DSP48E2'] ?? 0).toBe(0);
    expect(Object.keys(cells).filter((t) => /^(LDCE|LDPE)|DLATCH|dlatch/.test(t))).toEqual([]);
    expect(Object.keys(cells).some((t) => /^LUT[1-6]$/.test(t))).toBe(true);
  });
});
