/**
 * The hand-written RTL library on its own: each of the three smaller modules (adder tree, AXI4-Stream
 * FIFO, dot array) runs its self-checking testbench in testbench/lib/ under Icarus for several
 * parameter sets, is linted by Verilator for the same sets, and is shown to fail its testbench when
 * one line of it is broken.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIB = path.join(ROOT, 'templates/lib');
const TB = path.join(ROOT, 'testbench/lib');
const TOOL_TIMEOUT_MS = 120_000;

type Params = Readonly<Record<string, number>>;

function run(tool: string, args: readonly string[], cwd: string) {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface SimRun {
  readonly exitCode: number;
  readonly log: string;
  /** The last "N passed, N failed" line, if any. */
  readonly closing: string | undefined;
  readonly passed: number;
  readonly failed: number;
  /** Whether the closing line is the last line the testbench printed on stdout. */
  readonly closingIsLast: boolean;
}

/** Compiles `tb` with the module sources and the parameters, runs `vvp -N`, and parses the closing line. */
function simulate(tb: string, sources: readonly string[], params: Params, seed: number): SimRun {
  const work = mkdtempSync(path.join(os.tmpdir(), 'potgen-lib-sim-'));
  try {
    const vvp = path.join(work, 'x.vvp');
    const defines = Object.entries(params).map(([k, v]) => `-P${tb}.${k}=${v}`);
    const compile = run('iverilog', ['-g2005', '-Wall', '-o', vvp, '-s', tb, ...defines, ...sources, path.join(TB, `${tb}.v`)], work);
    // -Wall must be silent as well as successful.
    expect(compile.stdout + compile.stderr, `iverilog ${tb} ${JSON.stringify(params)}`).toBe('');
    expect(compile.status).toBe(0);
    const sim = run('vvp', ['-N', vvp, `+seed=${seed}`], work);
    const log = sim.stdout + sim.stderr;
    const closing = [...log.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
    const lines = sim.stdout.trimEnd().split('\n');
    return {
      exitCode: sim.status,
      log,
      closing: closing?.[0],
      passed: closing ? Number(closing[1]) : 0,
      failed: closing ? Number(closing[2]) : 0,
      closingIsLast: closing !== undefined && lines[lines.length - 1] === closing[0],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `verilator --lint-only -Wall` of `top` with the parameters; returns status and everything printed. */
function lint(top: string, sources: readonly string[], params: Params) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'potgen-lib-lint-'));
  try {
    const defines = Object.entries(params).map(([k, v]) => `-G${k}=${v}`);
    const r = run('verilator', ['--lint-only', '-Wall', '--top-module', top, ...defines, ...sources], work);
    return { status: r.status, output: (r.stdout + r.stderr).trim() };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line of the library broken: in `file`, the text `from` (which must occur exactly once) becomes `to`. */
interface Mutation {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

/** Runs `tb` against copies of the library sources in a temporary directory, with `mutation` applied. */
function simulateBroken(tb: string, files: readonly string[], mutation: Mutation, params: Params): SimRun {
  expect(files).toContain(mutation.file);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-lib-broken-'));
  try {
    const sources = files.map((f) => {
      let text = readFileSync(path.join(LIB, f), 'utf8');
      if (f === mutation.file) {
        expect(text.split(mutation.from).length - 1, `${f} must contain ${JSON.stringify(mutation.from)} exactly once`).toBe(1);
        text = text.replace(mutation.from, () => mutation.to); // a function: no `$` patterns in the replacement
      }
      const out = path.join(dir, f);
      writeFileSync(out, text);
      return out;
    });
    return simulate(tb, sources, params, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every (mutation, parameter set) pair, labelled for it.each. */
function mutationCases<P extends Params>(mutations: readonly (Mutation & { readonly sets: readonly P[] })[], show: (p: P) => string) {
  return mutations.flatMap((m) => m.sets.map((p) => [`${m.name}: ${show(p)}`, m, p] as const));
}

function expectPass(sim: SimRun, checks: number): void {
  expect(sim.closing, sim.log).toBe(`${checks} passed, 0 failed`);
  expect(sim.closingIsLast, sim.log).toBe(true);
  expect(sim.exitCode, sim.log).toBe(0);
}

function expectFail(sim: SimRun): void {
  expect(sim.closing, sim.log).toMatch(/^\d+ passed, [1-9]\d* failed$/);
  expect(sim.failed).toBeGreaterThan(0);
  expect(sim.log).toMatch(/^error: /m);
  expect(sim.exitCode).not.toBe(0);
}

const clog2 = (n: number): number => (n > 1 ? Math.ceil(Math.log2(n)) : 0);
const label = (p: Params): string => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ');

// ------------------------------------------------------------------ adder tree
const TREE_FILES = ['potgen_adder_tree.v'];
const TREE_NVEC = 2000; // the testbench's default: one check per vector
interface TreeParams extends Params {
  readonly N: number;
  readonly IW: number;
  readonly OW: number;
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
];
const treeMutations = [
  {
    name: 'subtracting in g_add',
    file: 'potgen_adder_tree.v',
    from: 'nodes[(PREV + 2*i)*OW +: W] + nodes[(PREV + 2*i + 1)*OW +: W]',
    to: 'nodes[(PREV + 2*i)*OW +: W] - nodes[(PREV + 2*i + 1)*OW +: W]',
    sets: [{ N: 2, IW: 8, OW: 9 }, { N: 5, IW: 6, OW: 9 }, { N: 16, IW: 12, OW: 13 }],
  },
  {
    name: 'no sign extension of a leaf',
    file: 'potgen_adder_tree.v',
    from: '{{(OW - IW){in[i*IW + IW - 1]}}, in[i*IW +: IW]}',
    to: "{{(OW - IW){1'b0}}, in[i*IW +: IW]}",
    sets: [{ N: 3, IW: 8, OW: 10 }],
  },
];

describe('potgen_adder_tree', () => {
  it('covers the full-width (OW = IW + ceil(log2 N)) and the capped case for every N > 1', () => {
    for (const n of [2, 3, 5, 8, 16]) {
      const sets = treeSets.filter((p) => p.N === n);
      expect(sets.some((p) => p.OW === p.IW + clog2(n))).toBe(true);
      expect(sets.some((p) => p.OW < p.IW + clog2(n))).toBe(true);
    }
  });

  it.each(treeSets.map((p, i) => [label(p), p, i + 1] as const))('testbench passes: %s', (_, p, seed) => {
    expectPass(simulate('potgen_adder_tree_tb', TREE_FILES.map((f) => path.join(LIB, f)), p, seed), TREE_NVEC);
  });

  it.each(treeSets.map((p) => [label(p), p] as const))('lint clean: %s', (_, p) => {
    expect(lint('potgen_adder_tree', TREE_FILES.map((f) => path.join(LIB, f)), p)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(treeMutations, label))('testbench fails on a broken tree, %s', (_, m, p) => {
    expectFail(simulateBroken('potgen_adder_tree_tb', TREE_FILES, m, p));
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

describe('potgen_axis_fifo', () => {
  it.each(fifoSets.map((p, i) => [label(p), p, i + 1] as const))('testbench passes: %s', (_, p, seed) => {
    expectPass(simulate('potgen_axis_fifo_tb', FIFO_FILES.map((f) => path.join(LIB, f)), p, seed), FIFO_CHECKS);
  });

  it.each(fifoSets.map((p) => [label(p), p] as const))('lint clean: %s', (_, p) => {
    expect(lint('potgen_axis_fifo', FIFO_FILES.map((f) => path.join(LIB, f)), p)).toEqual({ status: 0, output: '' });
  });

  it.each(mutationCases(fifoMutations, label))('testbench fails on a broken FIFO, %s', (_, m, p) => {
    expectFail(simulateBroken('potgen_axis_fifo_tb', FIFO_FILES, m, p));
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
    name: 'PoT: negative weights not negated',
    from: '(code[WB-1] ? -magnitude : magnitude)',
    to: '(code[WB-1] ? magnitude : magnitude)',
    sets: [dot({ PE: 1, SIMD: 1, AB: 8, WB: 2, MODE_POT: 1 }), dot({ PE: 3, SIMD: 5, AB: 4, WB: 5, MODE_POT: 1 })],
  },
  {
    name: 'PoT: shift by m instead of m - 1',
    from: "wire [WB-2:0] shamt     = m - 1'b1;",
    to: 'wire [WB-2:0] shamt     = m;',
    sets: [{ ...dot({ PE: 1, SIMD: 4, AB: 8, WB: 4, MODE_POT: 1 }), PW: 16, SW: 18 }], // room for the larger shift
  },
  {
    name: 'uniform: activation taken as signed in the multiply',
    from: "$signed({1'b0, a}) * $signed(code)",
    to: '$signed(a) * $signed(code)',
    sets: [dot({ PE: 1, SIMD: 1, AB: 8, WB: 2, MODE_POT: 0 }), dot({ PE: 3, SIMD: 5, AB: 4, WB: 8, MODE_POT: 0 })],
  },
  {
    name: 'uniform: products load without in_valid',
    from: 'if (in_valid) product <= full[PW-1:0];',
    to: 'product <= full[PW-1:0];',
    sets: [dot({ PE: 3, SIMD: 4, AB: 8, WB: 4, MODE_POT: 0 })],
  },
].map((m) => ({ ...m, file: 'potgen_dot_array.v' }));

describe('potgen_dot_array', () => {
  it('uses the worst-case widths of the verification contract', () => {
    expect(dot({ PE: 1, SIMD: 5, AB: 8, WB: 5, MODE_POT: 1 })).toMatchObject({ PW: 23, SW: 26 });
    expect(dot({ PE: 1, SIMD: 4, AB: 4, WB: 8, MODE_POT: 0 })).toMatchObject({ PW: 12, SW: 14 });
    expect(dotSets).toHaveLength(72);
  });

  // PW and SW are passed explicitly; they equal the testbench's own defaults.
  it.each(dotSets.map((p, i) => [dotLabel(p), p, i + 1] as const))('testbench passes: %s', (_, p, seed) => {
    expectPass(simulate('potgen_dot_array_tb', DOT_FILES.map((f) => path.join(LIB, f)), p, seed), DOT_NVEC * p.PE);
  });

  it('testbench defaults PW and SW to the worst case', () => {
    const sim = simulate('potgen_dot_array_tb', DOT_FILES.map((f) => path.join(LIB, f)), { PE: 2, SIMD: 3, AB: 6, WB: 3, MODE_POT: 1 }, 9);
    expect(sim.log).toContain('PW=9 SW=11');
    expectPass(sim, DOT_NVEC * 2);
  });

  it.each(dotSets.map((p) => [dotLabel(p), p] as const))('lint clean: %s', (_, p) => {
    expect(lint('potgen_dot_array', DOT_FILES.map((f) => path.join(LIB, f)), p)).toEqual({ status: 0, output: '' });
  });

  it.each([
    ['PoT sum', { ...dot({ PE: 1, SIMD: 4, AB: 8, WB: 4, MODE_POT: 1 }), SW: 16 }],
    ['PoT product', { ...dot({ PE: 1, SIMD: 1, AB: 8, WB: 5, MODE_POT: 1 }), PW: 22, SW: 22 }],
    ['uniform sum', { ...dot({ PE: 3, SIMD: 5, AB: 8, WB: 4, MODE_POT: 0 }), SW: 14 }],
  ] as const)('testbench fails when the %s is one bit narrower than the worst case needs', (_, p) => {
    expectFail(simulate('potgen_dot_array_tb', DOT_FILES.map((f) => path.join(LIB, f)), p, 1));
  });

  it.each(mutationCases(dotMutations, dotLabel))('testbench fails on a broken array, %s', (_, m, p) => {
    expectFail(simulateBroken('potgen_dot_array_tb', DOT_FILES, m, p));
  });
});
