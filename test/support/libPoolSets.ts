/** The parameter sets of potgen_pool_layer's library tests (simulation, lint, synthesis), in one place. */
import { averageReciprocal } from '../../generator/arith/rules.ts';
import { label, type Params } from './libRtl.ts';

export const POOL_FILES = ['potgen_pool_layer.v', 'potgen_window.v', 'potgen_axis_fifo.v'];

export interface PoolParams extends Params {
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

/** The fixed-point reciprocal of n as the generator chooses it (arith/rules.ts, tested exhaustively in test/arith). */
export function reciprocal(n: number, maxSum: number): { RECIP: number; RSHIFT: number } {
  const r = averageReciprocal(n, maxSum);
  return { RECIP: r.multiplier, RSHIFT: r.shift };
}

/** The testbench's defaults with `p` over them; average pooling gets the generator's reciprocal unless `p` gives one. */
export function poolSet(p: Partial<PoolParams>): PoolParams {
  const K = p.K ?? 2;
  const S = p.S ?? K;
  const AB = p.AB ?? 8;
  const base = { H: 6, W: 7, C: 2, AB, K, S, PAD: 0, R: 2 * K + 2 * S, FIFO_DEPTH: 4, MODE: 0, RECIP: 1, RSHIFT: 0, FRAMES: 4 };
  const recip = p.MODE === 1 ? reciprocal(K * K, K * K * (2 ** AB - 1)) : {};
  return { ...base, ...recip, ...p };
}

/** One check per output beat. */
export function poolChecks(p: PoolParams): number {
  const oh = Math.floor((p.H + 2 * p.PAD - p.K) / p.S) + 1;
  const ow = Math.floor((p.W + 2 * p.PAD - p.K) / p.S) + 1;
  return p.FRAMES * oh * ow;
}

export const maxSets: PoolParams[] = [
  poolSet({}),
  poolSet({ H: 7, W: 7, C: 3, K: 3, S: 2, PAD: 1 }),
  poolSet({ H: 5, W: 6, C: 1, AB: 4, K: 3, S: 1, PAD: 1 }),
  poolSet({ H: 9, W: 8, C: 1, K: 1, S: 2 }),
  poolSet({ H: 8, W: 8, C: 2, K: 8, S: 1, R: 8, FRAMES: 12 }),
];

export const averageSets: PoolParams[] = [
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

export const sets = [...maxSets, ...averageSets];
export const show = (p: PoolParams): string => `${p.MODE ? 'average' : 'max'} ${label(p)}`;
export const byKernel = (k: number) => averageSets.find((p) => p.K === k && p.RSHIFT < 18)!;

