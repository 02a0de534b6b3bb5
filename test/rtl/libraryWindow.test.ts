/**
 * potgen_window (line buffer and window sequencer) on its own: testbench/lib/potgen_window_tb.v
 * checks every step against a behavioural model for several frames, with random input bubbles and
 * an emulated consumer FIFO (a slow one too), across kernels 1/2/3/4/5/6/8, strides 1/2/3,
 * paddings 0/1/2, SIMD below and equal to C and window-spanning SIMD (C*T: T taps of one kernel
 * row, or whole kernel rows, up to the whole kernel; T dividing K or not, when a row's or the
 * kernel's last step runs past the kernel), OUTER 1 and above, square and non-square
 * maps, and the smallest line buffer the rules allow. Each set is linted by Verilator, and the
 * bench is shown to fail when one line of the window is broken.
 */
import { describe, expect, it } from 'vitest';
import { expectFail, expectPass, label, libPaths, lint, mutationCases, simulate, simulateBroken, type Params } from '../support/libRtl.ts';

const FILES = ['potgen_window.v'];

interface WindowParams extends Params {
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly AB: number;
  readonly K: number;
  readonly S: number;
  readonly PAD: number;
  readonly SIMD: number;
  readonly OUTER: number;
  readonly R: number;
  readonly FIFO_DEPTH: number;
  readonly LAT: number;
  readonly FRAMES: number;
  readonly SLIDE: number;
}

/** The testbench's defaults, with `p` over them; R defaults to the generator's 2K + 2S. */
function windowSet(p: Partial<WindowParams>): WindowParams {
  const K = p.K ?? 3;
  const S = p.S ?? 1;
  return { H: 5, W: 7, C: 3, AB: 8, K, S, PAD: 1, SIMD: 1, OUTER: 2, R: 2 * K + 2 * S, FIFO_DEPTH: 4, LAT: 2, FRAMES: 4, SLIDE: 0, ...p };
}

/** The smallest ring the window accepts: R >= K and R >= K + S - 1 - PAD. */
const minRows = (p: Pick<WindowParams, 'K' | 'S' | 'PAD'>): number => Math.max(p.K, p.K + p.S - 1 - p.PAD);

/** Taps per step: SIMD = C*T spans T kernel taps; SIMD dividing C is one tap (T = 1). */
const taps = (p: Pick<WindowParams, 'C' | 'SIMD'>): number => (p.SIMD > p.C ? p.SIMD / p.C : 1);

/** One check per step (F = OUTER * ceil(K/TY) * ceil(K/TX) * CG per pixel), plus the check that every input beat was taken. */
function windowChecks(p: WindowParams): number {
  const oh = Math.floor((p.H + 2 * p.PAD - p.K) / p.S) + 1;
  const ow = Math.floor((p.W + 2 * p.PAD - p.K) / p.S) + 1;
  const cg = p.SIMD <= p.C ? p.C / p.SIMD : 1;
  const t = taps(p);
  const tx = Math.min(t, p.K);
  const ty = t / tx;
  return p.FRAMES * oh * ow * p.OUTER * Math.ceil(p.K / ty) * Math.ceil(p.K / tx) * cg + 1;
}

const sets: WindowParams[] = [
  windowSet({}), // 3x3 'same', SIMD < C, OUTER 2, non-square
  windowSet({ H: 6, W: 4, C: 4, SIMD: 2, K: 1, S: 1, PAD: 0, OUTER: 1, LAT: 0 }),
  windowSet({ H: 9, W: 8, C: 2, SIMD: 2, K: 5, S: 2, PAD: 2, OUTER: 1 }),
  windowSet({ H: 9, W: 8, C: 2, SIMD: 1, K: 5, S: 2, PAD: 2, OUTER: 2, R: minRows({ K: 5, S: 2, PAD: 2 }) }),
  windowSet({ H: 7, W: 6, C: 1, SIMD: 1, K: 3, S: 2, PAD: 0, OUTER: 3, R: minRows({ K: 3, S: 2, PAD: 0 }), LAT: 5 }),
  windowSet({ H: 4, W: 5, C: 2, SIMD: 1, K: 3, S: 1, PAD: 2, R: minRows({ K: 3, S: 1, PAD: 2 }) }),
  windowSet({ H: 5, W: 5, C: 2, SIMD: 2, K: 5, S: 1, PAD: 2, OUTER: 1, FIFO_DEPTH: 2 }),
  windowSet({ H: 6, W: 9, C: 6, SIMD: 3, AB: 4, K: 3, S: 2, PAD: 1, OUTER: 4, FIFO_DEPTH: 8, LAT: 7 }),
  windowSet({ H: 3, W: 11, C: 1, SIMD: 1, K: 3, S: 1, PAD: 0, OUTER: 1, FIFO_DEPTH: 1, R: 3 }),
  // Stride above the kernel: rows and columns skipped, unused tail rows, the largest release.
  windowSet({ H: 10, W: 8, C: 1, SIMD: 1, K: 2, S: 3, PAD: 0, OUTER: 1, R: minRows({ K: 2, S: 3, PAD: 0 }) }),
  windowSet({ H: 9, W: 5, C: 1, SIMD: 1, K: 1, S: 2, PAD: 0, OUTER: 1, R: minRows({ K: 1, S: 2, PAD: 0 }), LAT: 0 }),
  // The kernel as large as the map (global pooling, or a dense layer).
  windowSet({ H: 8, W: 8, C: 3, SIMD: 3, K: 8, S: 1, PAD: 0, OUTER: 1, R: 8, FRAMES: 8 }),
  windowSet({ H: 4, W: 4, C: 2, SIMD: 1, K: 4, S: 1, PAD: 0, OUTER: 3, R: 4, FRAMES: 8 }),
  windowSet({ H: 28, W: 28, C: 1, SIMD: 1, K: 28, S: 1, PAD: 0, OUTER: 1, R: 28, FRAMES: 2 }),
  // Window-spanning SIMD = C*T. T dividing K: T taps of one kernel row (T = K: the whole row).
  windowSet({ C: 1, SIMD: 3, K: 3, S: 1, PAD: 1, OUTER: 1 }), // 14: K=3, T=3
  windowSet({ H: 7, W: 6, C: 2, SIMD: 6, K: 3, S: 2, PAD: 1, OUTER: 3, R: minRows({ K: 3, S: 2, PAD: 1 }) }), // 15: T=3, stride 2
  windowSet({ H: 12, W: 12, C: 1, SIMD: 5, K: 5, S: 1, PAD: 2, OUTER: 1, FRAMES: 2 }), // 16: K=5, T=5 (LeNet's first conv)
  windowSet({ H: 6, W: 7, C: 2, SIMD: 4, K: 4, S: 1, PAD: 2, OUTER: 1 }), // 17: K=4, T=2: two steps per row
  windowSet({ H: 8, W: 9, C: 1, SIMD: 2, K: 6, S: 1, PAD: 1, OUTER: 2, LAT: 0 }), // 18: K=6, T=2: three steps per row
  windowSet({ H: 5, W: 5, C: 3, SIMD: 12, K: 4, S: 1, PAD: 1, OUTER: 1 }), // 19: K=4, T=4: one whole row
  // T = K*m, m dividing K: m whole kernel rows (m = K: the whole kernel, one step per accumulation).
  windowSet({ C: 1, SIMD: 9, K: 3, S: 1, PAD: 1, OUTER: 1, LAT: 0 }), // 20: K=3, T=9: one step per pixel
  windowSet({ H: 6, W: 9, C: 3, SIMD: 27, K: 3, S: 2, PAD: 1, OUTER: 2, FIFO_DEPTH: 1, LAT: 5 }), // 21: T=9, stride 2
  windowSet({ H: 28, W: 28, C: 1, SIMD: 25, K: 5, S: 1, PAD: 2, OUTER: 2, FRAMES: 2 }), // 22: K=5, T=25 (LeNet's first conv)
  windowSet({ H: 7, W: 6, C: 1, SIMD: 8, K: 4, S: 2, PAD: 1, OUTER: 2, R: minRows({ K: 4, S: 2, PAD: 1 }) }), // 23: K=4, T=8: two rows
  windowSet({ H: 9, W: 8, C: 1, SIMD: 18, K: 6, S: 3, PAD: 2, OUTER: 1, R: minRows({ K: 6, S: 3, PAD: 2 }) }), // 24: K=6, T=18: three rows
  windowSet({ H: 6, W: 6, C: 2, SIMD: 72, K: 6, S: 1, PAD: 0, OUTER: 2, R: 6, FRAMES: 8 }), // 25: the kernel as large as the map, T = K*K
  // T not dividing K: a row's last step (T < K) or the kernel's last rows (T = K*m) run past the kernel.
  windowSet({ C: 2, SIMD: 4, K: 3, S: 1, PAD: 1, OUTER: 2 }), // 26: K=3, T=2: taps 0-1, then 2 and one past
  windowSet({ H: 8, W: 8, C: 6, SIMD: 12, AB: 4, K: 5, S: 1, PAD: 0, OUTER: 2, FRAMES: 3 }), // 27: K=5, T=2 of 6 channels (LeNet's second conv)
  windowSet({ H: 9, W: 8, C: 1, SIMD: 3, K: 5, S: 2, PAD: 2, OUTER: 1, R: minRows({ K: 5, S: 2, PAD: 2 }) }), // 28: K=5, T=3, stride 2
  windowSet({ H: 12, W: 12, C: 1, SIMD: 10, K: 5, S: 1, PAD: 2, OUTER: 2, FRAMES: 2 }), // 29: K=5, T=10: two rows, then one and one past
  windowSet({ H: 7, W: 6, C: 3, SIMD: 18, K: 3, S: 2, PAD: 1, OUTER: 1, LAT: 0 }), // 30: K=3, T=6: two rows, then one
  windowSet({ H: 6, W: 7, C: 1, SIMD: 12, K: 4, S: 1, PAD: 0, OUTER: 3, R: minRows({ K: 4, S: 1, PAD: 0 }) }), // 31: K=4, T=12: three rows, then one
  // SLIDE: the whole window a step from a register window that slides along the row (S*K read ports).
  windowSet({ H: 28, W: 28, C: 1, SIMD: 25, K: 5, S: 1, PAD: 0, OUTER: 1, FRAMES: 2, SLIDE: 1 }), // 32: LeNet's first conv
  windowSet({ C: 2, SIMD: 18, K: 3, S: 1, PAD: 1, OUTER: 2, SLIDE: 1 }), // 33: padded, two steps a pixel
  windowSet({ H: 9, W: 8, C: 1, SIMD: 25, K: 5, S: 2, PAD: 2, OUTER: 1, R: minRows({ K: 5, S: 2, PAD: 2 }), SLIDE: 1 }), // 34: stride 2: 2 preloads a row
  windowSet({ H: 7, W: 6, C: 3, SIMD: 27, K: 3, S: 2, PAD: 0, OUTER: 3, LAT: 5, SLIDE: 1 }), // 35: stride 2, one preload
  windowSet({ H: 4, W: 4, C: 2, SIMD: 32, K: 4, S: 1, PAD: 0, OUTER: 2, R: 4, FRAMES: 6, SLIDE: 1 }), // 36: the kernel as large as the map
  windowSet({ H: 6, W: 9, C: 1, SIMD: 9, K: 3, S: 1, PAD: 2, OUTER: 1, FIFO_DEPTH: 1, R: minRows({ K: 3, S: 1, PAD: 2 }), SLIDE: 1 }), // 37: the widest padding, one credit
];

const mutations = [
  {
    name: 'right padding edge off by one',
    file: 'potgen_window.v',
    from: 'ix < S_ZERO || ix >= S_W',
    to: 'ix < S_ZERO || ix > S_W',
    sets: [sets[0]!, sets[2]!],
  },
  {
    name: 'a pixel started with one credit too few',
    file: 'potgen_window.v',
    from: '< DEPTH_I[QB:0]',
    to: '<= DEPTH_I[QB:0]',
    sets: [sets[0]!, sets[1]!],
  },
  {
    name: 'ring taken for full one row late (a held row overwritten)',
    file: 'potgen_window.v',
    from: 'assign s_axis_tready = occ < S_R;',
    to: 'assign s_axis_tready = occ <= S_R;',
    sets: [sets[5]!, sets[4]!],
  },
  {
    name: 'first step of an accumulation flagged one step late',
    file: 'potgen_window.v',
    from: 'step_first      <= fin == {NB{1\'b0}};',
    to: "step_first      <= fin == {{(NB - 1){1'b0}}, 1'b1};",
    sets: [sets[0]!],
  },
  {
    name: 'a step flagged as padding when any of its taps is, not every one',
    file: 'potgen_window.v',
    from: 'step_pad = &pads_q;',
    to: 'step_pad = |pads_q;',
    sets: [sets[14]!, sets[22]!],
  },
  {
    name: 'a step advanced by one tap along the row, not TX',
    file: 'potgen_window.v',
    from: 'kx <= kx + TX_I[KB-1:0];',
    to: "kx <= kx + 1'b1;",
    sets: [sets[17]!, sets[18]!],
  },
  {
    name: "every tap row read from the step's first row",
    file: 'potgen_window.v',
    from: 'iy       = iy0 + S_DY;',
    to: 'iy       = iy0;',
    sets: [sets[23]!, sets[22]!],
  },
  {
    name: 'a sliding window preloaded one column short',
    file: 'potgen_window.v',
    from: 'localparam integer P    = (SLIDE == 1 && S > 0) ? (K + S - 1) / S - 1 : 0;',
    to: 'localparam integer P    = (SLIDE == 1 && S > 0) ? (K + S - 1) / S - 2 : 0;',
    sets: [sets[33]!, sets[35]!],
  },
  {
    name: 'a sliding window shifted one column short',
    file: 'potgen_window.v',
    from: 'taps_q[(rt + S)*C*AB +: C*AB]',
    to: "taps_q[(rt + S - 1)*C*AB +: C*AB]",
    sets: [sets[34]!, sets[32]!],
  },
  {
    name: "a sliding window's padding flags left in place",
    file: 'potgen_window.v',
    from: 'pads_q[TAP] <= pads_q[TAP + S];',
    to: 'pads_q[TAP] <= pads_q[TAP];',
    sets: [sets[33]!, sets[37]!],
  },
  {
    name: "a tap's padding test blind to its row",
    file: 'potgen_window.v',
    from: 'pad = row_pad || col_out ||',
    to: 'pad = col_out ||',
    sets: [sets[20]!, sets[0]!],
  },
  {
    name: 'a tap past the end of the kernel row read as data',
    file: 'potgen_window.v',
    from: 'pad = row_pad || col_out ||',
    to: 'pad = row_pad ||',
    sets: [sets[26]!, sets[27]!],
  },
  {
    name: 'a row past the end of the kernel read as data',
    file: 'potgen_window.v',
    from: 'row_pad  = row_out ||',
    to: 'row_pad  =',
    sets: [sets[29]!, sets[31]!],
  },
];

describe.concurrent('potgen_window', () => {
  it('covers the sets the contract asks for', () => {
    for (const k of [1, 3, 5]) expect(sets.some((p) => p.K === k)).toBe(true);
    for (const s of [1, 2]) expect(sets.some((p) => p.S === s)).toBe(true);
    for (const pad of [0, 1, 2]) expect(sets.some((p) => p.PAD === pad)).toBe(true);
    expect(sets.some((p) => p.SIMD < p.C) && sets.some((p) => p.SIMD === p.C && p.C > 1)).toBe(true);
    expect(sets.some((p) => p.OUTER === 1) && sets.some((p) => p.OUTER > 1)).toBe(true);
    expect(sets.some((p) => p.H !== p.W)).toBe(true);
    expect(sets.some((p) => p.K === p.H && p.K === p.W && p.K >= 8)).toBe(true);
    expect(sets.filter((p) => p.R === minRows(p)).length).toBeGreaterThanOrEqual(4);
    // Window-spanning SIMD: T taps of a row and whole rows (T = K*m), each dividing K and not.
    for (const t of [3, 9]) for (const s of [1, 2]) expect(sets.some((p) => p.K === 3 && taps(p) === t && p.PAD === 1 && p.S === s)).toBe(true);
    for (const t of [5, 25]) expect(sets.some((p) => p.K === 5 && taps(p) === t && p.C === 1 && p.PAD === 2)).toBe(true);
    for (const t of [2, 8]) expect(sets.some((p) => p.K === 4 && taps(p) === t)).toBe(true);
    for (const c of [2, 3]) expect(sets.some((p) => p.C === c && taps(p) > 1)).toBe(true);
    expect(sets.some((p) => p.OUTER > 1 && taps(p) > 1)).toBe(true);
    expect(sets.some((p) => p.K === p.H && p.K === p.W && taps(p) === p.K * p.K)).toBe(true);
    for (const k of [3, 5]) expect(sets.some((p) => p.K === k && taps(p) > 1 && taps(p) < k && k % taps(p) !== 0)).toBe(true);
    for (const k of [3, 5]) expect(sets.some((p) => p.K === k && taps(p) > k && k % (taps(p) / k) !== 0)).toBe(true);
    expect(sets.some((p) => p.C > 1 && taps(p) > 1 && p.K % taps(p) !== 0 && p.OUTER > 1)).toBe(true);
    // SLIDE: strides 1 and 2, padding, several steps a pixel, the kernel as large as the map.
    for (const s of [1, 2]) expect(sets.some((p) => p.SLIDE === 1 && p.S === s)).toBe(true);
    expect(sets.some((p) => p.SLIDE === 1 && p.PAD > 0 && p.OUTER > 1)).toBe(true);
    expect(sets.some((p) => p.SLIDE === 1 && p.K === p.H && p.K === p.W)).toBe(true);
    for (const p of sets) {
      const t = taps(p);
      const valid = p.SIMD <= p.C ? p.C % p.SIMD === 0 : p.SIMD % p.C === 0 && (t < p.K || (t % p.K === 0 && t / p.K <= p.K));
      expect(valid, label(p)).toBe(true);
    }
  });

  it.each(sets.map((p, i) => [label(p), p, i + 1] as const))('testbench passes: %s', async (_, p, seed) => {
    const sim = await simulate('potgen_window_tb', libPaths(FILES), p, seed);
    expectPass(sim, windowChecks(p));
  });

  it('testbench exercises a full consumer FIFO and input stalls', async () => {
    const sim = await simulate('potgen_window_tb', libPaths(FILES), sets[0]!, 5);
    const stats = /input stalled (\d+) cycles; FIFO full (\d+) cycles, at most (\d+) of (\d+) beats/.exec(sim.log);
    expect(stats, sim.log).not.toBeNull();
    expect(Number(stats![1])).toBeGreaterThan(0);
    expect(Number(stats![2])).toBeGreaterThan(0);
    expect(stats![3]).toBe(stats![4]);
  });

  it.each(sets.map((p) => [label(p), p] as const))('lint clean: %s', async (_, p) => {
    const { LAT: _lat, FRAMES: _frames, ...module } = p;
    expect(await lint('potgen_window', libPaths(FILES), module)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(mutations, label))('testbench fails on a broken window, %s', async (_, m, p) => {
    expectFail(await simulateBroken('potgen_window_tb', FILES, m, p));
  });
});
