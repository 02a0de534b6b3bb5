/**
 * netsim's DSP48E2 model (generator/energy/netsim/dsp48e2.ts) against potgen's Verilog model
 * (testbench/cells/DSP48E2.v) under Icarus, cycle by cycle, in the configurations Yosys's
 * xilinx_dsp pass emits (registered and combinational A/B/M/P, AREG=2 with INMODE[0]/[4], the
 * pre-adder, the PCIN cascade and its 17-bit shift, the four arithmetic ALUMODEs, registered
 * controls, USE_MULT "NONE"). Random inputs, clock enables and resets are generated here, written
 * into the bench as literals, and replayed into the TypeScript model in the same order: set the
 * inputs, evaluate, compare the outputs settled before the edge, then sample and commit.
 * Both models must also refuse the same things, at the same clock edge and for the same reason.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NetsimError, type BlockModel } from '../generator/energy/netsim/blockModel.ts';
import { dsp48e2 } from '../generator/energy/netsim/dsp48e2.ts';
import { runTool } from '../generator/run/tools.ts';

const DSP_MODEL = fileURLToPath(new URL('../testbench/cells/DSP48E2.v', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-dsp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CYCLES = 400;

/** Every input port of DSP48E2 with its width (all are driven by the bench). */
const INPUTS: Readonly<Record<string, number>> = {
  A: 30, ACIN: 30, ALUMODE: 4, B: 18, BCIN: 18, C: 48, CARRYCASCIN: 1, CARRYIN: 1, CARRYINSEL: 3,
  CEA1: 1, CEA2: 1, CEAD: 1, CEALUMODE: 1, CEB1: 1, CEB2: 1, CEC: 1, CECARRYIN: 1, CECTRL: 1, CED: 1, CEINMODE: 1, CEM: 1, CEP: 1,
  D: 27, INMODE: 5, MULTSIGNIN: 1, OPMODE: 9, PCIN: 48,
  RSTA: 1, RSTALLCARRYIN: 1, RSTALUMODE: 1, RSTB: 1, RSTC: 1, RSTCTRL: 1, RSTD: 1, RSTINMODE: 1, RSTM: 1, RSTP: 1,
};
const OUTPUTS = { P: 48, ACOUT: 30, BCOUT: 18, PCOUT: 48 } as const;
type OutPort = keyof typeof OUTPUTS;
const OUT_PORTS = Object.keys(OUTPUTS) as OutPort[];

/** OPMODE from its W (2 bits), Z (3), Y (2) and X (2) fields. */
const op = (w: number, z: number, y: number, x: number): number => (w << 7) | (z << 4) | (y << 2) | x;
const M_C = op(0, 3, 1, 1);
const M_P = op(0, 2, 1, 1);
const M = op(0, 0, 1, 1);
const M_PCIN = op(0, 1, 1, 1);
const M_PCIN17 = op(0, 5, 1, 1);
const M_P17 = op(0, 6, 1, 1);

interface Config {
  readonly name: string;
  /** Integer parameters (Yosys gives them as 32-bit strings), strings, and RND (48 bits). */
  readonly params: Readonly<Record<string, number | string>>;
  readonly opmodes: readonly number[];
  readonly alumodes: readonly number[];
  readonly inmodes: readonly number[];
  /** Expected combinationalInputs (as a set). */
  readonly comb: readonly string[];
}

/** The pipeline-register parameters of an all-registered slice with unregistered controls (as xilinx_dsp leaves them). */
const BASE = {
  AREG: 1, BREG: 1, ACASCREG: 1, BCASCREG: 1, CREG: 1, MREG: 1, PREG: 1, DREG: 0, ADREG: 0,
  INMODEREG: 0, OPMODEREG: 0, ALUMODEREG: 0, CARRYINREG: 0, CARRYINSELREG: 0,
};
const UNREG = { ...BASE, AREG: 0, BREG: 0, ACASCREG: 0, BCASCREG: 0, CREG: 0, MREG: 0 };
const COMB_P = ['OPMODE', 'ALUMODE', 'CARRYIN', 'PCIN'];

const CONFIGS: readonly Config[] = [
  { name: 'registered MAC: M + C, M + P accumulate', params: BASE, opmodes: [M_C, M_P], alumodes: [0], inmodes: [0], comb: [] },
  { name: 'unregistered A/B/M, PREG=1', params: UNREG, opmodes: [M_C, M_P, M, op(0, 2, 0, 3)], alumodes: [0, 3], inmodes: [0, 2], comb: ['A', 'B'] },
  {
    name: 'PREG=0 combinational',
    params: { ...UNREG, PREG: 0 },
    opmodes: [M_C, M_PCIN, M_PCIN17, op(3, 1, 1, 1), op(0, 3, 0, 3), op(2, 1, 2, 3), op(3, 0, 3, 0)],
    alumodes: [0, 1, 2, 3],
    inmodes: [0, 2],
    comb: ['A', 'B', 'C', 'INMODE', ...COMB_P],
  },
  {
    name: 'AREG=BREG=2 with INMODE[0]/[4], registered INMODE, ACASCREG=1',
    params: { ...BASE, AREG: 2, BREG: 2, ACASCREG: 1, BCASCREG: 2, INMODEREG: 1 },
    opmodes: [M_P, M_C],
    alumodes: [0],
    inmodes: [0, 1, 16, 17, 2, 3],
    comb: [],
  },
  {
    name: 'AREG=BREG=2, MREG=0, ACASCREG=2, BCASCREG=1',
    params: { ...BASE, AREG: 2, BREG: 2, ACASCREG: 2, BCASCREG: 1, MREG: 0 },
    opmodes: [M_P, M_C],
    alumodes: [0, 3],
    inmodes: [0, 1, 16, 17],
    comb: [],
  },
  {
    name: 'pre-adder AMULTSEL "AD" with DREG, ADREG and registered INMODE',
    params: { ...BASE, AMULTSEL: 'AD', DREG: 1, ADREG: 1, INMODEREG: 1 },
    opmodes: [M_C, M_P],
    alumodes: [0],
    inmodes: [0b00100, 0b01100, 0b00000, 0b01000, 0b00110, 0b01110, 0b00010],
    comb: [],
  },
  {
    name: 'pre-adder AMULTSEL "AD" unregistered, PREG=0',
    params: { ...UNREG, AMULTSEL: 'AD', PREG: 0 },
    opmodes: [M_C, M_PCIN, M],
    alumodes: [0, 3],
    inmodes: [0b00100, 0b01100, 0b00000, 0b01000, 0b00110, 0b01110, 0b00010],
    comb: ['A', 'B', 'C', 'D', 'INMODE', ...COMB_P],
  },
  {
    name: 'PCIN cascade with the 17-bit shifts, ACIN/BCIN inputs',
    params: { ...BASE, A_INPUT: 'CASCADE', B_INPUT: 'CASCADE' },
    opmodes: [M_PCIN17, M_PCIN, M_P17, op(1, 5, 0, 0)],
    alumodes: [0, 3],
    inmodes: [0],
    comb: [],
  },
  {
    name: 'registered controls, every W/X/Y/Z source, ALUMODE 0000-0011, RND',
    params: { ...BASE, INMODEREG: 1, OPMODEREG: 1, ALUMODEREG: 1, CARRYINREG: 1, CARRYINSELREG: 1, RND: 0x8000_1234_5678 },
    opmodes: [M_C, M_P, M_PCIN17, M_P17, op(2, 1, 2, 2), op(3, 3, 3, 3), op(1, 6, 0, 2), op(2, 0, 2, 0), op(0, 0, 0, 0)],
    alumodes: [0, 1, 2, 3],
    inmodes: [0, 2],
    comb: [],
  },
  {
    name: 'USE_MULT "NONE", ACOUT/BCOUT unregistered, PREG=0',
    params: { ...UNREG, USE_MULT: 'NONE', PREG: 0, CARRYINREG: 1 },
    opmodes: [op(0, 3, 0, 3), op(3, 1, 2, 3), op(2, 5, 3, 0)],
    alumodes: [0, 1, 2, 3],
    inmodes: [0],
    comb: ['A', 'B', 'C', 'OPMODE', 'ALUMODE', 'PCIN'],
  },
];

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Random stimulus, one record of every input per cycle; data are sometimes extreme (0, -1, min, max). */
function stimulus(c: Config, seed: number, cycles: number): Record<string, number>[] {
  const next = rng(seed);
  const bits = (n: number): number => (n <= 32 ? (n === 32 ? next() : next() >>> (32 - n)) : bits(n - 32) * 2 ** 32 + next());
  const data = (n: number): number => {
    const r = next() & 15;
    if (r === 0) return 0;
    if (r === 1) return 2 ** n - 1;
    if (r === 2) return 2 ** (n - 1);
    if (r === 3) return 2 ** (n - 1) - 1;
    return bits(n);
  };
  const pick = <T,>(xs: readonly T[]): T => xs[next() % xs.length]!;
  const chance = (oneIn: number): number => (next() % oneIn === 0 ? 1 : 0);
  const out: Record<string, number>[] = [];
  for (let k = 0; k < cycles; k++) {
    const s: Record<string, number> = {};
    for (const [port, width] of Object.entries(INPUTS)) {
      if (port.startsWith('CE')) s[port] = chance(4) ? 0 : 1;
      else if (port.startsWith('RST')) s[port] = chance(24);
      else s[port] = data(width);
    }
    s.OPMODE = pick(c.opmodes);
    s.ALUMODE = pick(c.alumodes);
    s.INMODE = pick(c.inmodes);
    s.CARRYINSEL = 0;
    s.CARRYIN = chance(2);
    s.CARRYCASCIN = 0;
    s.MULTSIGNIN = 0;
    out.push(s);
  }
  return out;
}

/** Parameters as Yosys's write_json gives them. */
function yosysParams(params: Readonly<Record<string, number | string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? v : v.toString(2).padStart(k === 'RND' ? 48 : 32, '0');
  return out;
}

const hex = (v: number, width: number): string => v.toString(16).padStart(Math.ceil(width / 4), '0');

/** The bench: DSP48E2 with `params`; each cycle sets the inputs, prints the settled outputs, then clocks. */
function bench(params: Readonly<Record<string, number | string>>, stim: readonly Record<string, number>[]): string {
  const plist = Object.entries(params).map(([k, v]) => (typeof v === 'string' ? `.${k}("${v}")` : k === 'RND' ? `.${k}(48'h${hex(v, 48)})` : `.${k}(${v})`));
  const lines = stim.map((s, k) => {
    const sets = Object.entries(INPUTS).map(([p, w]) => `${p.toLowerCase()}_i = ${w}'h${hex(s[p]!, w)};`);
    return `    ${sets.join(' ')}\n    #4 $display("o %0d %h %h %h %h", ${k}, P, ACOUT, BCOUT, PCOUT); @(posedge clk); #1;`;
  });
  return `\`timescale 1ns / 1ps
module dsp_tb;
  reg clk = 0;
  always #5 clk = ~clk;
${Object.entries(INPUTS).map(([p, w]) => `  reg [${w - 1}:0] ${p.toLowerCase()}_i;`).join('\n')}
  wire [47:0] P, PCOUT; wire [29:0] ACOUT; wire [17:0] BCOUT;
  DSP48E2 #(${plist.join(', ')}) dut (.CLK(clk), .P(P), .PCOUT(PCOUT), .ACOUT(ACOUT), .BCOUT(BCOUT),
    ${Object.keys(INPUTS).map((p) => `.${p}(${p.toLowerCase()}_i)`).join(', ')});
  initial begin
${lines.join('\n')}
    $finish;
  end
endmodule
`;
}

/** Compiles and runs a bench under Icarus; the log holds stdout and stderr. */
async function icarus(text: string): Promise<{ status: number; log: string }> {
  const work = path.join(dir, Math.random().toString(36).slice(2));
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'dsp_tb.v'), text);
  const compile = await runTool('iverilog', ['-g2012', '-s', 'dsp_tb', '-o', 'sim.vvp', DSP_MODEL, 'dsp_tb.v'], work);
  expect(compile.status, compile.stderr + compile.stdout).toBe(0);
  const run = await runTool('vvp', ['-n', 'sim.vvp'], work);
  return { status: run.status, log: run.stdout + run.stderr };
}

/** The Verilog model's printed outputs, one record per cycle. */
function parse(log: string): Record<OutPort, number>[] {
  return [...log.matchAll(/^o (\d+) (\S+) (\S+) (\S+) (\S+)$/gm)].map((m) => ({
    P: parseInt(m[2]!, 16),
    ACOUT: parseInt(m[3]!, 16),
    BCOUT: parseInt(m[4]!, 16),
    PCOUT: parseInt(m[5]!, 16),
  }));
}

/**
 * Replays `stim` into `model`, comparing with `expected` cycle by cycle; returns the first
 * mismatch (cycle, port, expected, got), or the cycle and error at which the model threw.
 * Each cycle also checks that the outputs depend on no input outside combinationalInputs.
 */
function replay(model: BlockModel, stim: readonly Record<string, number>[], expected: readonly Record<OutPort, number>[], seed: number): { mismatch?: string; threw?: { cycle: number; error: unknown } } {
  const comb = new Set(model.combinationalInputs);
  const next = rng(seed);
  let inputs: Record<string, number> = {};
  const outputs: Record<string, number> = {};
  const read = (port: string): number => inputs[port] ?? 0;
  const write = (port: string, value: number): void => {
    outputs[port] = value;
  };
  const fmt = (v: number | undefined): string => (v === undefined ? 'undefined' : `0x${v.toString(16)}`);
  for (let k = 0; k < stim.length; k++) {
    inputs = stim[k]!;
    model.evaluate(read, write);
    const exp = expected[k];
    if (exp === undefined) return { mismatch: `cycle ${k}: the Verilog model printed no outputs` };
    for (const port of OUT_PORTS) {
      if (outputs[port] !== exp[port]) return { mismatch: `cycle ${k} ${port}: expected ${fmt(exp[port])} got ${fmt(outputs[port])}` };
    }
    // Outputs must not move when only inputs outside combinationalInputs do.
    const settled = { ...outputs };
    inputs = { ...stim[k]! };
    for (const [port, width] of Object.entries(INPUTS)) if (!comb.has(port)) inputs[port] = next() % 2 ** Math.min(width, 31);
    model.evaluate(read, write);
    for (const port of OUT_PORTS) {
      if (outputs[port] !== settled[port]) return { mismatch: `cycle ${k} ${port} changed with an input outside combinationalInputs [${[...comb].join(', ')}]` };
    }
    inputs = stim[k]!;
    model.evaluate(read, write);
    try {
      model.sample(read);
    } catch (error) {
      return { threw: { cycle: k, error } };
    }
    model.commit();
  }
  return {};
}

describe('netsim DSP48E2 model against testbench/cells/DSP48E2.v', () => {
  for (const [i, c] of CONFIGS.entries()) {
    it(c.name, async () => {
      const stim = stimulus(c, 1000 + i, CYCLES);
      const { status, log } = await icarus(bench(c.params, stim));
      expect(status, log.slice(-2000)).toBe(0);
      const expected = parse(log);
      expect(expected.length).toBe(CYCLES);
      const model = dsp48e2(yosysParams(c.params), {}, `dsp[${i}]`);
      expect(new Set(model.combinationalInputs)).toEqual(new Set(c.comb));
      const r = replay(model, stim, expected, 77 + i);
      if (r.threw) throw r.threw.error;
      if (r.mismatch) expect.fail(`${c.name}: ${r.mismatch}`);
      // The stimulus must exercise the datapath: P takes many values.
      expect(new Set(expected.map((e) => e.P)).size).toBeGreaterThan(CYCLES / 4);
    });
  }

  it('writes 0 on the outputs it does not model', () => {
    const model = dsp48e2(yosysParams(BASE), {}, 'dsp');
    const outputs: Record<string, number> = {};
    model.evaluate(() => 0, (p, v) => (outputs[p] = v));
    for (const p of ['CARRYCASCOUT', 'CARRYOUT', 'MULTSIGNOUT', 'OVERFLOW', 'UNDERFLOW', 'PATTERNDETECT', 'PATTERNBDETECT', 'XOROUT']) expect(outputs[p], p).toBe(0);
  });

  it('refuses the parameters the Verilog model refuses', async () => {
    const cases: { params: Record<string, number | string>; parameter: string }[] = [
      { params: { ...BASE, AREG: 3 }, parameter: 'AREG' },
      { params: { ...BASE, AREG: 2, ACASCREG: 0 }, parameter: 'ACASCREG' },
      { params: { ...BASE, MREG: 2 }, parameter: 'MREG' },
      { params: { ...BASE, AMULTSEL: 'A2' }, parameter: 'AMULTSEL' },
      { params: { ...BASE, USE_SIMD: 'FOUR12' }, parameter: 'USE_SIMD' },
      { params: { ...BASE, USE_PATTERN_DETECT: 'PATDET' }, parameter: 'USE_PATTERN_DETECT' },
      { params: { ...BASE, IS_CLK_INVERTED: 1 }, parameter: 'IS_CLK_INVERTED' },
    ];
    const stim = stimulus(CONFIGS[0]!, 5, 4);
    for (const { params, parameter } of cases) {
      const { status, log } = await icarus(bench(params, stim));
      expect(status, parameter).not.toBe(0);
      expect(log).toMatch(/DSP48E2 model: /);
      expect(() => dsp48e2(yosysParams(params), {}, 'top.dsp')).toThrow(NetsimError);
      expect(() => dsp48e2(yosysParams(params), {}, 'top.dsp')).toThrow(new RegExp(`^top\\.dsp: DSP48E2 model: .*${parameter}`));
    }
  });

  it('refuses the control inputs the Verilog model refuses, at the same edge, for the same reason', async () => {
    const cases: { params: Record<string, number | string>; port: string; value: number }[] = [
      { params: BASE, port: 'OPMODE', value: op(0, 4, 1, 1) },
      { params: BASE, port: 'OPMODE', value: op(0, 3, 0, 1) },
      { params: { ...BASE, PREG: 0 }, port: 'OPMODE', value: M_P },
      { params: { ...BASE, ALUMODEREG: 1 }, port: 'ALUMODE', value: 0b0100 },
      { params: BASE, port: 'INMODE', value: 1 },
      { params: { ...BASE, INMODEREG: 1 }, port: 'INMODE', value: 16 },
      { params: BASE, port: 'CARRYINSEL', value: 2 },
      { params: { ...BASE, USE_MULT: 'NONE' }, port: 'OPMODE', value: M_C },
    ];
    for (const [i, { params, port, value }] of cases.entries()) {
      const stim = stimulus(CONFIGS[0]!, 40 + i, 30);
      for (const s of stim) {
        s.OPMODE = params.PREG === 0 || params.USE_MULT === 'NONE' ? op(0, 3, 0, 3) : M_C;
        s.CECTRL = s.CEALUMODE = s.CEINMODE = 1;
      }
      for (let k = 20; k < 30; k++) stim[k]![port] = value;
      const { status, log } = await icarus(bench(params, stim));
      expect(status, `${port}=${value}`).not.toBe(0);
      const reason = /unsupported control inputs: (.*)$/m.exec(log)?.[1]?.trim();
      expect(reason, log.slice(-1000)).toBeDefined();
      const expected = parse(log);
      const r = replay(dsp48e2(yosysParams(params), {}, 'dsp'), stim, expected, i);
      expect(r.mismatch).toBeUndefined();
      expect(r.threw, `${port}=${value}`).toBeDefined();
      // The Verilog model prints cycle k's outputs, then stops at edge k: k + 1 lines.
      expect(r.threw!.cycle).toBe(expected.length - 1);
      expect(r.threw!.error).toBeInstanceOf(NetsimError);
      // The Verilog model's `bad` holds 24 characters: it keeps the last 24 of a longer reason.
      const message = (r.threw!.error as Error).message;
      expect(message).toMatch(/^dsp: DSP48E2 model: unsupported control inputs: /);
      expect(message.replace(/^.*unsupported control inputs: /, '').slice(-24)).toBe(reason);
    }
  });
});
