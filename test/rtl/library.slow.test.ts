/**
 * The hand-written RTL library on its own. The three smaller modules (adder tree, AXI4-Stream FIFO,
 * dot array) run their self-checking testbenches in testbench/lib/ under Icarus for several
 * parameter sets, are linted by Verilator for the same sets, and are shown to fail their
 * testbenches when one line of them is broken (the window, pool layer and arg-max have their own
 * library*.test.ts files). Every library module also rejects parameters outside its documented
 * range at elaboration, naming the module, the rule and the values: that is checked here for all
 * seven under Icarus and Verilator, and for three under Yosys.
 * Every tool runs in a child process the test awaits (test/support/libRtl.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  clog2,
  elaborate,
  expectFail,
  expectPass,
  label,
  libPaths,
  lint,
  mutationCases,
  simulate,
  simulateBroken,
  type Params,
} from '../support/libRtl.ts';
import { coarseCells } from '../support/libYosys.ts';

// ------------------------------------------------------------------ adder tree
const TREE_FILES = ['potgen_adder_tree.v'];
const TREE_NVEC = 2000; // the testbench's default: one check per vector
interface TreeParams extends Params {
  readonly N: number;
  readonly IW: number;
  readonly OW: number; // and ONES where a set leaves the ones out (the Params index signature types it)
}
const treeSets: TreeParams[] = [
  { N: 1, IW: 8, OW: 8 },
  { N: 1, IW: 5, OW: 12 },
  { N: 2, IW: 8, OW: 9 },
  { N: 2, IW: 8, OW: 8 },
  { N: 3, IW: 8, OW: 10 },
  { N: 3, IW: 8, OW: 9 },
  { N: 5, IW: 6, OW: 9 },
  { N: 5, IW: 6, OW: 7 },
  { N: 8, IW: 8, OW: 11 },
  { N: 8, IW: 8, OW: 9 },
  { N: 8, IW: 4, OW: 16 },
  { N: 16, IW: 12, OW: 16 },
  { N: 16, IW: 12, OW: 13 },
  { N: 16, IW: 8, OW: 8 },
  // Without ones (the uniform dot array): no waiting registers.
  { N: 1, IW: 8, OW: 8, ONES: 0 },
  { N: 5, IW: 6, OW: 9, ONES: 0 },
  { N: 16, IW: 12, OW: 13, ONES: 0 },
];
const treeMutations = [
  {
    name: 'subtracting in g_add',
    file: 'potgen_adder_tree.v',
    from: 'nodes[PREV + 2*i][W-1:0] + nodes[PREV + 2*i + 1][W-1:0]',
    to: 'nodes[PREV + 2*i][W-1:0] - nodes[PREV + 2*i + 1][W-1:0]',
    sets: [{ N: 2, IW: 8, OW: 9 }, { N: 5, IW: 6, OW: 9 }, { N: 16, IW: 12, OW: 13 }],
  },
  {
    name: 'no sign extension of a leaf',
    file: 'potgen_adder_tree.v',
    from: '{{(OW - IW){in[i*IW + IW - 1]}}, in[i*IW +: IW]}',
    to: "{{(OW - IW){1'b0}}, in[i*IW +: IW]}",
    sets: [{ N: 3, IW: 8, OW: 10 }],
  },
  {
    name: "an adder ignoring its waiting one",
    file: 'potgen_adder_tree.v',
    from: ' + one[W-1:0];',
    to: ';',
    sets: [{ N: 2, IW: 8, OW: 9 }, { N: 5, IW: 6, OW: 9 }],
  },
  {
    name: 'ones no adder took are not carried up a level',
    file: 'potgen_adder_tree.v',
    from: 'r <= waiting[l-1][ADD +: KEEP];',
    to: "r <= {KEEP{1'b0}};",
    sets: [{ N: 2, IW: 8, OW: 9 }, { N: 5, IW: 6, OW: 9 }, { N: 16, IW: 12, OW: 13 }],
  },
  {
    name: 'the last one dropped',
    file: 'potgen_adder_tree.v',
    from: 'assign one_left = waiting[LEVELS][0];',
    to: "assign one_left = 1'b0;",
    sets: [{ N: 1, IW: 8, OW: 8 }, { N: 3, IW: 8, OW: 10 }],
  },
];

describe.concurrent('potgen_adder_tree', () => {
  it('covers the full-width (OW = IW + ceil(log2 N)) and the capped case for every N > 1', () => {
    for (const n of [2, 3, 5, 8, 16]) {
      const sets = treeSets.filter((p) => p.N === n);
      expect(sets.some((p) => p.OW === p.IW + clog2(n))).toBe(true);
      expect(sets.some((p) => p.OW < p.IW + clog2(n))).toBe(true);
    }
  });

  it.each(treeSets.map((p, i) => [label(p), p, i + 1] as const))('testbench passes: %s', async (_, p, seed) => {
    expectPass(await simulate('potgen_adder_tree_tb', libPaths(TREE_FILES), p, seed), TREE_NVEC);
  });

  it.each(treeSets.map((p) => [label(p), p] as const))('lint clean: %s', async (_, p) => {
    expect(await lint('potgen_adder_tree', libPaths(TREE_FILES), p)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(treeMutations, label))('testbench fails on a broken tree, %s', async (_, m, p) => {
    expectFail(await simulateBroken('potgen_adder_tree_tb', TREE_FILES, m, p));
  });
});

// ------------------------------------------------------------------ AXI4-Stream FIFO
const FIFO_FILES = ['potgen_axis_fifo.v'];
const FIFO_CHECKS = 4000 + 4; // the testbench's default CYCLES, one check each, plus four coverage checks
interface FifoParams extends Params {
  readonly DEPTH: number;
  readonly WIDTH: number;
}
const fifoSets: FifoParams[] = [2, 4, 16].flatMap((DEPTH) => [1, 37].map((WIDTH) => ({ DEPTH, WIDTH })));
const fifoBrokenSets: FifoParams[] = [{ DEPTH: 2, WIDTH: 1 }, { DEPTH: 16, WIDTH: 37 }];
const fifoMutations = [
  { name: 's_ready always high', from: 'assign s_ready = used != DEPTH[AW:0];', to: "assign s_ready = 1'b1;" },
  { name: 'read pointer not advanced on a simultaneous push and pop', from: "if (pop)  rd_ptr <= rd_ptr + 1'b1;", to: "if (pop && !push) rd_ptr <= rd_ptr + 1'b1;" },
  { name: 'write pointer advanced by two', from: "if (push) wr_ptr <= wr_ptr + 1'b1;", to: "if (push) wr_ptr <= wr_ptr + 2'd2;" },
  { name: 'last not stored', from: 'mem[wr_ptr] <= {s_last, s_data};', to: "mem[wr_ptr] <= {1'b0, s_data};" },
  { name: 'count not decremented', from: "2'b01:   used <= used - 1'b1;", to: "2'b01:   used <= used;" },
].map((m) => ({ ...m, file: 'potgen_axis_fifo.v', sets: fifoBrokenSets }));

describe.concurrent('potgen_axis_fifo', () => {
  it.each(fifoSets.map((p, i) => [label(p), p, i + 1] as const))('testbench passes: %s', async (_, p, seed) => {
    expectPass(await simulate('potgen_axis_fifo_tb', libPaths(FIFO_FILES), p, seed), FIFO_CHECKS);
  });

  it.each(fifoSets.map((p) => [label(p), p] as const))('lint clean: %s', async (_, p) => {
    expect(await lint('potgen_axis_fifo', libPaths(FIFO_FILES), p)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(fifoMutations, label))('testbench fails on a broken FIFO, %s', async (_, m, p) => {
    expectFail(await simulateBroken('potgen_axis_fifo_tb', FIFO_FILES, m, p));
  });
});

// ------------------------------------------------------------------ dot array
const DOT_FILES = ['potgen_dot_array.v', 'potgen_adder_tree.v'];
const DOT_NVEC = 1500; // the testbench's default: one check per vector and PE
interface DotShape {
  readonly PE: number;
  readonly SIMD: number;
  readonly AB: number;
  readonly WB: number;
  readonly MODE_POT: number;
}
interface DotParams extends DotShape, Params {
  readonly PW: number;
  readonly SW: number;
}

/** The shape with its worst-case product and sum widths (nothing overflows). */
function dot(shape: DotShape): DotParams {
  const PW = shape.MODE_POT ? shape.AB + (2 ** (shape.WB - 1) - 2) + 1 : shape.AB + shape.WB;
  return { ...shape, PW, SW: PW + clog2(shape.SIMD) };
}

const dotSets: DotParams[] = [1, 0].flatMap((MODE_POT) =>
  (MODE_POT ? [2, 4, 5] : [2, 4, 8]).flatMap((WB) =>
    [1, 3].flatMap((PE) => [1, 4, 5].flatMap((SIMD) => [8, 4].map((AB) => dot({ PE, SIMD, AB, WB, MODE_POT })))),
  ),
);
const dotLabel = (p: DotParams): string => `${p.MODE_POT ? 'PoT' : 'uniform'} ${label(p)}`;
const dotMutations = [
  {
    name: 'PoT: negative weights not inverted',
    from: 'magnitude ^ {PW{sign}}',
    to: 'magnitude',
    sets: [dot({ PE: 1, SIMD: 1, AB: 8, WB: 2, MODE_POT: 1 }), dot({ PE: 3, SIMD: 5, AB: 4, WB: 5, MODE_POT: 1 })],
  },
  {
    name: 'PoT: the + 1 of a negation not counted',
    from: 'ones[i]              = sign && !zero;',
    to: "ones[i]              = 1'b0;",
    sets: [dot({ PE: 1, SIMD: 1, AB: 8, WB: 2, MODE_POT: 1 }), dot({ PE: 3, SIMD: 5, AB: 4, WB: 5, MODE_POT: 1 })],
  },
  {
    name: 'PoT: a negative zero weight counting a one',
    from: 'ones[i]              = sign && !zero;',
    to: 'ones[i]              = sign;',
    sets: [dot({ PE: 2, SIMD: 3, AB: 8, WB: 4, MODE_POT: 1 })],
  },
  {
    name: "PoT: the tree's carry not passed out",
    from: 'carries_r[p]       = tree_one;',
    to: "carries_r[p]       = 1'b0;",
    sets: [dot({ PE: 1, SIMD: 1, AB: 8, WB: 3, MODE_POT: 1 }), dot({ PE: 3, SIMD: 5, AB: 4, WB: 4, MODE_POT: 1 })],
  },
  {
    name: 'PoT: shift by m instead of m - 1',
    from: 'wire [PW-1:0] magnitude = wide[PW:1];',
    to: 'wire [PW-1:0] magnitude = wide[PW-1:0];',
    sets: [{ ...dot({ PE: 1, SIMD: 4, AB: 8, WB: 4, MODE_POT: 1 }), PW: 16, SW: 18 }], // room for the larger shift
  },
  {
    name: 'uniform: activation taken as signed in the multiply',
    from: "$signed({1'b0, a}) * $signed(code)",
    to: '$signed(a) * $signed(code)',
    sets: [dot({ PE: 1, SIMD: 1, AB: 8, WB: 2, MODE_POT: 0 }), dot({ PE: 3, SIMD: 5, AB: 4, WB: 8, MODE_POT: 0 })],
  },
  {
    name: 'operands load without in_valid',
    from: 'if (in_valid) begin\n            act_q   <= act;',
    to: 'begin\n            act_q   <= act;',
    sets: [dot({ PE: 3, SIMD: 4, AB: 8, WB: 4, MODE_POT: 0 }), dot({ PE: 2, SIMD: 3, AB: 8, WB: 4, MODE_POT: 1 })],
  },
].map((m) => ({ ...m, file: 'potgen_dot_array.v' }));

describe.concurrent('potgen_dot_array', () => {
  it('uses the worst-case widths of the verification contract', () => {
    expect(dot({ PE: 1, SIMD: 5, AB: 8, WB: 5, MODE_POT: 1 })).toMatchObject({ PW: 23, SW: 26 });
    expect(dot({ PE: 1, SIMD: 4, AB: 4, WB: 8, MODE_POT: 0 })).toMatchObject({ PW: 12, SW: 14 });
    expect(dotSets).toHaveLength(72);
  });

  // PW and SW are passed explicitly; they equal the testbench's own defaults.
  it.each(dotSets.map((p, i) => [dotLabel(p), p, i + 1] as const))('testbench passes: %s', async (_, p, seed) => {
    expectPass(await simulate('potgen_dot_array_tb', libPaths(DOT_FILES), p, seed), DOT_NVEC * p.PE);
  });

  it('testbench defaults PW and SW to the worst case', async () => {
    const sim = await simulate('potgen_dot_array_tb', libPaths(DOT_FILES), { PE: 2, SIMD: 3, AB: 6, WB: 3, MODE_POT: 1 }, 9);
    expect(sim.log).toContain('PW=9 SW=11');
    expectPass(sim, DOT_NVEC * 2);
  });

  it.each(dotSets.map((p) => [dotLabel(p), p] as const))('lint clean: %s', async (_, p) => {
    expect(await lint('potgen_dot_array', libPaths(DOT_FILES), p)).toEqual({ status: 0, output: '' });
  });

  it.each([
    ['PoT sum', { ...dot({ PE: 1, SIMD: 4, AB: 8, WB: 4, MODE_POT: 1 }), SW: 16 }],
    ['PoT product', { ...dot({ PE: 1, SIMD: 1, AB: 8, WB: 5, MODE_POT: 1 }), PW: 22, SW: 22 }],
    ['uniform sum', { ...dot({ PE: 3, SIMD: 5, AB: 8, WB: 4, MODE_POT: 0 }), SW: 14 }],
  ] as const)('testbench fails when the %s is one bit narrower than the worst case needs', async (_, p) => {
    expectFail(await simulate('potgen_dot_array_tb', libPaths(DOT_FILES), p, 1));
  });

  it.each(mutationCases(dotMutations, dotLabel))('testbench fails on a broken array, %s', async (_, m, p) => {
    expectFail(await simulateBroken('potgen_dot_array_tb', DOT_FILES, m, p));
  });
});

// ------------------------------------------------------------------ parameter checks (all modules)
const LIBRARY_FILES: Readonly<Record<string, readonly string[]>> = {
  potgen_adder_tree: ['potgen_adder_tree.v'],
  potgen_axis_fifo: ['potgen_axis_fifo.v'],
  potgen_axis_batch: ['potgen_axis_batch.v'],
  potgen_dot_array: ['potgen_dot_array.v', 'potgen_adder_tree.v'],
  potgen_window: ['potgen_window.v'],
  potgen_conv_layer: ['potgen_conv_layer.v', 'potgen_window.v', 'potgen_axis_fifo.v'],
  potgen_pool_layer: ['potgen_pool_layer.v', 'potgen_window.v', 'potgen_axis_fifo.v'],
  potgen_argmax: ['potgen_argmax.v'],
};

/** A parameter set a module must reject: the rule it breaks and the values the message must show, in order. */
interface Rejection {
  readonly top: string;
  readonly params: Params;
  readonly rule: string;
  readonly values: Params;
}

const rejections: Rejection[] = [
  { top: 'potgen_adder_tree', params: { IW: 8, OW: 7 }, rule: 'OW_must_be_at_least_IW', values: { OW: 7, IW: 8 } },
  { top: 'potgen_adder_tree', params: { N: 0 }, rule: 'N_and_IW_must_be_at_least_1', values: { N: 0, IW: 8 } },
  { top: 'potgen_adder_tree', params: { ONES: 2 }, rule: 'ONES_must_be_0_or_1', values: { ONES: 2 } },
  { top: 'potgen_axis_fifo', params: { DEPTH: 6 }, rule: 'DEPTH_must_be_a_power_of_two_at_least_2', values: { DEPTH: 6 } },
  { top: 'potgen_axis_fifo', params: { DEPTH: 1 }, rule: 'DEPTH_must_be_a_power_of_two_at_least_2', values: { DEPTH: 1 } },
  { top: 'potgen_axis_fifo', params: { WIDTH: 0 }, rule: 'WIDTH_must_be_at_least_1', values: { WIDTH: 0 } },
  { top: 'potgen_axis_batch', params: { DEPTH: 6 }, rule: 'DEPTH_must_be_a_power_of_two_at_least_2', values: { DEPTH: 6 } },
  { top: 'potgen_axis_batch', params: { IN_BEATS: 0 }, rule: 'IN_BEATS_must_be_at_least_1', values: { IN_BEATS: 0 } },
  { top: 'potgen_dot_array', params: { AB: 8, PW: 8 }, rule: 'PW_must_be_at_least_AB_plus_1_for_PoT', values: { PW: 8, AB: 8 } },
  { top: 'potgen_dot_array', params: { MODE_POT: 0, AB: 8, WB: 4, PW: 14 }, rule: 'PW_must_be_1_to_AB_plus_WB_plus_1', values: { PW: 14, AB: 8, WB: 4 } },
  { top: 'potgen_dot_array', params: { PW: 16, SW: 15 }, rule: 'SW_must_be_at_least_PW', values: { SW: 15, PW: 16 } },
  { top: 'potgen_dot_array', params: { WB: 9 }, rule: 'WB_must_be_2_to_8_for_PoT', values: { WB: 9 } },
  { top: 'potgen_dot_array', params: { MODE_POT: 2 }, rule: 'MODE_POT_must_be_0_or_1', values: { MODE_POT: 2 } },
  { top: 'potgen_window', params: { C: 3, SIMD: 2 }, rule: 'SIMD_must_divide_C_or_be_C_times_up_to_K_taps_or_K_rows', values: { SIMD: 2, C: 3, K: 3 } },
  { top: 'potgen_window', params: { C: 1, K: 3, SIMD: 4 }, rule: 'SIMD_must_divide_C_or_be_C_times_up_to_K_taps_or_K_rows', values: { SIMD: 4, C: 1, K: 3 } },
  { top: 'potgen_window', params: { C: 2, K: 3, SIMD: 24 }, rule: 'SIMD_must_divide_C_or_be_C_times_up_to_K_taps_or_K_rows', values: { SIMD: 24, C: 2, K: 3 } },
  { top: 'potgen_window', params: { K: 3, S: 3, R: 4 }, rule: 'R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD', values: { R: 4, K: 3, S: 3, PAD: 0 } },
  { top: 'potgen_window', params: { K: 3, PAD: 3 }, rule: 'PAD_must_be_at_least_0_and_less_than_K', values: { PAD: 3, K: 3 } },
  { top: 'potgen_window', params: { K: 9, R: 20 }, rule: 'K_must_fit_H_and_W_plus_2_PAD', values: { K: 9, H: 8, W: 8, PAD: 0 } },
  { top: 'potgen_window', params: { OUTER: 0 }, rule: 'OUTER_must_be_at_least_1', values: { OUTER: 0 } },
  {
    top: 'potgen_window',
    params: { F_: 5 },
    rule: 'derived_OH__OW__F__FB__PB__QB__must_keep_their_defaults',
    values: { OH_: 6, OW_: 6, F_: 5, FB_: 3, PB_: 1, QB_: 4 },
  },
  { top: 'potgen_conv_layer', params: { OC: 8, PE: 3 }, rule: 'PE_must_divide_OC', values: { PE: 3, OC: 8 } },
  { top: 'potgen_conv_layer', params: { C: 4, SIMD: 3 }, rule: 'SIMD_must_divide_C_or_span_whole_kernel_taps', values: { SIMD: 3, C: 4, K: 3 } },
  { top: 'potgen_conv_layer', params: { C: 2, K: 3, SIMD: 8 }, rule: 'SIMD_must_divide_C_or_span_whole_kernel_taps', values: { SIMD: 8, C: 2, K: 3 } },
  { top: 'potgen_conv_layer', params: { FIFO_DEPTH: 6 }, rule: 'FIFO_DEPTH_must_be_a_power_of_two_at_least_2', values: { FIFO_DEPTH: 6 } },
  { top: 'potgen_conv_layer', params: { DL: 0 }, rule: 'DL_and_SW_must_be_at_least_1', values: { DL: 0, SW: 20 } },
  { top: 'potgen_conv_layer', params: { SW: 20, RQW: 16 }, rule: 'RQW_must_be_at_least_SW', values: { RQW: 16, SW: 20 } },
  { top: 'potgen_conv_layer', params: { RQW: 22, SHIFT: 22 }, rule: 'SHIFT_must_be_at_least_0_and_less_than_RQW', values: { SHIFT: 22, RQW: 22 } },
  { top: 'potgen_conv_layer', params: { MB: -1 }, rule: 'MB_must_be_at_least_0', values: { MB: -1 } },
  {
    top: 'potgen_conv_layer',
    params: { RQW: 22, MB: 16, SHIFT: 39 },
    rule: 'SHIFT_must_be_less_than_RQW_plus_MB_plus_1_with_a_multiplier',
    values: { SHIFT: 39, RQW: 22, MB: 16 },
  },
  { top: 'potgen_conv_layer', params: { RELU: 0, AB_OUT: 1 }, rule: 'AB_OUT_must_be_at_least_1_and_at_least_2_without_RELU', values: { AB_OUT: 1, RELU: 0 } },
  { top: 'potgen_conv_layer', params: { K: 5, S: 2, R: 5 }, rule: 'R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD', values: { R: 5, K: 5, S: 2, PAD: 0 } },
  { top: 'potgen_pool_layer', params: { K: 2, PAD: 2 }, rule: 'PAD_must_be_at_least_0_and_less_than_K', values: { PAD: 2, K: 2 } },
  { top: 'potgen_pool_layer', params: { MODE: 2 }, rule: 'MODE_must_be_0_or_1', values: { MODE: 2 } },
  { top: 'potgen_pool_layer', params: { FIFO_DEPTH: 3 }, rule: 'FIFO_DEPTH_must_be_a_power_of_two_at_least_2', values: { FIFO_DEPTH: 3 } },
  { top: 'potgen_pool_layer', params: { K: 2, S: 3, R: 3 }, rule: 'R_must_be_at_least_K_and_K_plus_S_minus_1_minus_PAD', values: { R: 3, K: 2, S: 3, PAD: 0 } },
  {
    top: 'potgen_pool_layer',
    params: { MODE: 1, RECIP: 0, RSHIFT: 4 },
    rule: 'RECIP_must_be_at_least_1_RSHIFT_0_to_64_and_AB_at_most_32_for_MODE_1',
    values: { RECIP: 0, RSHIFT: 4, AB: 8 },
  },
  {
    // (2295 * 29128 + 2^16) >> 17 = 510: the mean of nine 255s would not fit 8 bits.
    top: 'potgen_pool_layer',
    params: { MODE: 1, K: 3, S: 1, RECIP: 29128, RSHIFT: 17 },
    rule: 'RECIP_and_RSHIFT_must_keep_the_mean_of_K_times_K_values_within_AB_bits',
    values: { RECIP: 29128, RSHIFT: 17, K: 3, AB: 8 },
  },
  { top: 'potgen_argmax', params: { N: 10, OB: 3 }, rule: 'OB_must_be_1_to_32_and_hold_N_minus_1', values: { OB: 3, N: 10 } },
  { top: 'potgen_argmax', params: { OB: 33 }, rule: 'OB_must_be_1_to_32_and_hold_N_minus_1', values: { OB: 33, N: 10 } },
  { top: 'potgen_argmax', params: { SIGNED: 2 }, rule: 'SIGNED_must_be_0_or_1', values: { SIGNED: 2 } },
  { top: 'potgen_argmax', params: { SIGNED: 1, AB: 1 }, rule: 'AB_must_be_at_least_2_when_SIGNED', values: { AB: 1 } },
];

/** Icarus's report of the check: the parameter named after the rule could not be evaluated, with the values. */
function icarusMessage(r: Rejection): string {
  const values = Object.entries(r.values).map(([k, v]) => `<${k}=32'sd${v}, wid=32>`);
  return `error: Unable to evaluate parameter ${r.top}__${r.rule} value: {${values.join(', ')}, $random()}`;
}

const rejectionLabel = (r: Rejection): string => `${r.top} ${label(r.params)}: ${r.rule}`;
const files = (top: string): string[] => libPaths(LIBRARY_FILES[top]!);

describe.concurrent('parameter checks at elaboration', () => {
  it('covers every library module with at least one invalid parameter set', () => {
    expect(new Set(rejections.map((r) => r.top))).toEqual(new Set(Object.keys(LIBRARY_FILES)));
  });

  it('prints the expected Icarus message (an example)', () => {
    expect(icarusMessage(rejections.find((r) => r.rule === 'PE_must_divide_OC')!)).toBe(
      "error: Unable to evaluate parameter potgen_conv_layer__PE_must_divide_OC value: {<PE=32'sd3, wid=32>, <OC=32'sd8, wid=32>, $random()}",
    );
  });

  it.each(Object.keys(LIBRARY_FILES))('%s elaborates silently with its default parameters (Icarus and Verilator)', async (top) => {
    expect(await elaborate(top, files(top), {})).toEqual({ status: 0, output: '' });
    expect(await lint(top, files(top), {})).toEqual({ status: 0, output: '' });
  });

  it.each(rejections.map((r) => [rejectionLabel(r), r] as const))('Icarus rejects %s', async (_, r) => {
    const result = await elaborate(r.top, files(r.top), r.params);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(icarusMessage(r));
    expect(result.output).toMatch(/\d+ error\(s\) during elaboration\./);
  });

  it.each(rejections.map((r) => [rejectionLabel(r), r] as const))('Verilator rejects %s', async (_, r) => {
    const result = await lint(r.top, files(r.top), r.params);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/%Error: .*Expecting expression to be constant, but can't convert a RAND to constant\./);
    expect(result.output).toContain(`${r.top}__${r.rule}`); // the quoted source line names the rule
  });

  // One rule for each of the three layer-level modules (the mechanism is the same everywhere):
  // Yosys stops in `hierarchy`, before any synthesis.
  const forYosys = ['potgen_window', 'potgen_conv_layer', 'potgen_pool_layer'].map((top) => rejections.find((r) => r.top === top)!);
  it.each(forYosys.map((r) => [rejectionLabel(r), r] as const))('Yosys rejects %s', async (_, r) => {
    const run = await coarseCells(r.top, files(r.top), r.params);
    expect(run.status, run.log).not.toBe(0);
    expect(run.log).toMatch(new RegExp(`ERROR: Parameter \\\\g_\\w+\\.${r.top}__${r.rule} does not evaluate to constant value!`));
  });
});
