/**
 * potgen_argmax on its own: testbench/lib/potgen_argmax_tb.v feeds random vectors with ties
 * (the first index must win), extremes, signed and unsigned values, with input bubbles and output
 * back-pressure, and checks every result. Each set is linted by Verilator, and the bench is shown
 * to fail when one line of the arg-max is broken.
 */
import { describe, expect, it } from 'vitest';
import { expectFail, expectPass, label, libPaths, lint, mutationCases, simulate, simulateBroken, type Params } from '../support/libRtl.ts';

const FILES = ['potgen_argmax.v'];
const NVEC = 1000; // the testbench's default: one check per vector

interface ArgmaxParams extends Params {
  readonly N: number;
  readonly AB: number;
  readonly SIGNED: number;
  readonly OB: number;
}

const sets: ArgmaxParams[] = [
  { N: 10, AB: 8, SIGNED: 1, OB: 8 },
  { N: 10, AB: 8, SIGNED: 0, OB: 4 },
  { N: 10, AB: 16, SIGNED: 1, OB: 4 },
  { N: 1, AB: 8, SIGNED: 1, OB: 1 },
  { N: 2, AB: 2, SIGNED: 1, OB: 1 },
  { N: 5, AB: 1, SIGNED: 0, OB: 3 },
  { N: 16, AB: 3, SIGNED: 0, OB: 4 },
  { N: 17, AB: 5, SIGNED: 1, OB: 5 },
  { N: 84, AB: 12, SIGNED: 1, OB: 7 },
];

const mutations = [
  {
    name: 'the last index wins a tie',
    file: 'potgen_argmax.v',
    from: 'if ((s_axis_tdata[i*AB +: AB] ^ FLIP) > best) begin',
    to: 'if ((s_axis_tdata[i*AB +: AB] ^ FLIP) >= best) begin',
    sets: [sets[0]!, sets[1]!],
  },
  {
    name: 'signed values compared as unsigned',
    file: 'potgen_argmax.v',
    from: "localparam [AB-1:0] FLIP = (SIGNED != 0) ? {1'b1, {(AB - 1){1'b0}}} : {AB{1'b0}};",
    to: "localparam [AB-1:0] FLIP = {AB{1'b0}};",
    sets: [sets[0]!, sets[4]!],
  },
  {
    name: 'a result overwritten while the sink holds it',
    file: 'potgen_argmax.v',
    from: 'assign s_axis_tready = !m_axis_tvalid || m_axis_tready;',
    to: "assign s_axis_tready = 1'b1;",
    sets: [sets[0]!],
  },
];

describe.concurrent('potgen_argmax', () => {
  it('covers signed and unsigned values and the narrowest index', () => {
    expect(sets.some((p) => p.SIGNED === 1) && sets.some((p) => p.SIGNED === 0)).toBe(true);
    expect(sets.some((p) => p.N > 1 && 2 ** p.OB === p.N)).toBe(true);
  });

  it.each(sets.map((p, i) => [label(p), p, i + 1] as const))('testbench passes: %s', async (_, p, seed) => {
    const sim = await simulate('potgen_argmax_tb', libPaths(FILES), p, seed);
    expectPass(sim, NVEC);
    if (p.N > 1) expect(Number(/tie for the maximum: (\d+)/.exec(sim.log)?.[1])).toBeGreaterThan(NVEC / 4);
  });

  it.each(sets.map((p) => [label(p), p] as const))('lint clean: %s', async (_, p) => {
    expect(await lint('potgen_argmax', libPaths(FILES), p)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(mutations, label))('testbench fails on a broken arg-max, %s', async (_, m, p) => {
    expectFail(await simulateBroken('potgen_argmax_tb', FILES, m, p));
  });
});
