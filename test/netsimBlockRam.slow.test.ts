/**
 * netsim's block RAM models (generator/energy/netsim/blockRam.ts) against the Verilog models they
 * port (testbench/cells/RAMB18E2.v, RAMB36E2.v), cycle by cycle under Icarus, in the configurations
 * Yosys's memory_libmap emits for UltraScale+ (simple dual port 72/36, true dual port 9/18 with
 * writes on one port and reads on the other, ROMs with output registers, WRITE_FIRST/NO_CHANGE) and
 * some narrower and mixed widths. Each configuration gets random INIT contents and a few hundred
 * cycles of seeded random inputs; the bench prints the outputs settled before every edge, and the
 * TS model, driven with the same inputs, must print the same. Configurations the Verilog model
 * stops on at a clock edge must stop the TS model at the same edge.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NetsimError, type BlockModelFactory } from '../generator/energy/netsim/blockModel.ts';
import { ramb18e2, ramb36e2 } from '../generator/energy/netsim/blockRam.ts';
import { runTool } from '../generator/run/tools.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-netsim-bram-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Prim = 'RAMB18E2' | 'RAMB36E2';
const FACTORY: Record<Prim, BlockModelFactory> = { RAMB18E2: ramb18e2, RAMB36E2: ramb36e2 };
const MODEL_FILE = (prim: Prim): string => fileURLToPath(new URL(`../testbench/cells/${prim}.v`, import.meta.url));

/** Pin widths of each primitive. */
const GEOMETRY: Record<Prim, { aw: number; dw: number; pw: number; waw: number; wbw: number; ninit: number; ninitp: number; iw: number }> = {
  RAMB18E2: { aw: 14, dw: 16, pw: 2, waw: 2, wbw: 4, ninit: 64, ninitp: 8, iw: 18 },
  RAMB36E2: { aw: 15, dw: 32, pw: 4, waw: 4, wbw: 8, ninit: 128, ninitp: 16, iw: 36 },
};

/** The inputs the benches drive, in the order of the stimulus file. */
const INPUTS = [
  'ADDRARDADDR', 'ADDRBWRADDR', 'ENARDEN', 'ENBWREN', 'WEA', 'WEBWE', 'DINADIN', 'DINBDIN', 'DINPADINP', 'DINPBDINP',
  'REGCEAREGCE', 'REGCEB', 'RSTRAMARSTRAM', 'RSTRAMB', 'RSTREGARSTREG', 'RSTREGB',
] as const;
type Input = (typeof INPUTS)[number];
const OUTPUTS = ['DOUTADOUT', 'DOUTBDOUT', 'DOUTPADOUTP', 'DOUTPBDOUTP'] as const;

function inputWidth(prim: Prim, port: Input): number {
  const g = GEOMETRY[prim];
  if (port.startsWith('ADDR')) return g.aw;
  if (port.startsWith('DINP')) return g.pw;
  if (port.startsWith('DIN')) return g.dw;
  if (port === 'WEA') return g.waw;
  if (port === 'WEBWE') return g.wbw;
  return 1;
}
const outputWidth = (prim: Prim, port: string): number => (port.startsWith('DOUTP') ? GEOMETRY[prim].pw : GEOMETRY[prim].dw);

/** A small deterministic generator (xorshift32). */
class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    this.s ^= this.s << 13;
    this.s >>>= 0;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    this.s >>>= 0;
    return this.s;
  }
  /** A random n-bit number, n <= 32. */
  bits(n: number): number {
    return n === 0 ? 0 : this.next() >>> (32 - n);
  }
  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }
  binary(n: number): string {
    let s = '';
    while (s.length < n) s += this.next().toString(2).padStart(32, '0');
    return s.slice(0, n);
  }
}

/** A parameter as the Verilog instance gets it and as Yosys's write_json gives it to the TS model. */
interface Param {
  readonly verilog: string;
  readonly json: string;
}
const int = (n: number): Param => ({ verilog: `${n}`, json: (n >>> 0).toString(2).padStart(32, '0') });
/** A string parameter; `space` adds the trailing space Yosys sometimes writes. */
const str = (s: string, space = false): Param => ({ verilog: `"${s}"`, json: space ? `${s} ` : s });
const bits = (b: string): Param => ({ verilog: `${b.length}'b${b}`, json: b });

/**
 * Random INIT_xx / INITP_xx contents and INIT_A/B, SRVAL_A/B values. `ninit` limits the INIT_xx
 * given (from INIT_00, with the INITP_xx that cover them): Icarus takes about 6 s to initialise a
 * RAMB36E2 model with all 144 given, so only some RAMB36E2 configurations fill the whole memory.
 */
function contents(prim: Prim, r: Rand, ninit = GEOMETRY[prim].ninit): Record<string, Param> {
  const out: Record<string, Param> = {};
  const hex2 = (i: number): string => i.toString(16).toUpperCase().padStart(2, '0');
  for (let i = 0; i < ninit; i++) out[`INIT_${hex2(i)}`] = bits(r.binary(256));
  for (let i = 0; i < Math.ceil(ninit / 8); i++) out[`INITP_${hex2(i)}`] = bits(r.binary(256));
  for (const p of ['INIT_A', 'INIT_B', 'SRVAL_A', 'SRVAL_B']) out[p] = bits(r.binary(GEOMETRY[prim].iw));
  return out;
}

type Stimulus = Partial<Record<Input, number>>;

interface Config {
  readonly name: string;
  readonly prim: Prim;
  readonly params: Record<string, Param>;
  /** The inputs of one cycle. */
  readonly stimulus: (r: Rand, cycle: number) => Stimulus;
  readonly cycles?: number;
  /** How many INIT_xx to give (all by default). */
  readonly ninit?: number;
  /** The Verilog model must stop at an edge with a message matching this (and the TS model throw the same). */
  readonly fatal?: RegExp;
}

/**
 * An address whose word index (the bits above `shift`) is usually among the first few words, so
 * that reads find earlier writes; the low bits are random (the models ignore them). `top` forces
 * the address's top bit (to keep two ports apart).
 */
function address(prim: Prim, r: Rand, shift: number, top?: 0 | 1): number {
  const aw = GEOMETRY[prim].aw;
  const word = r.chance(0.8) ? r.bits(4) : r.bits(aw - shift);
  let a = ((word << shift) | r.bits(shift)) & ((1 << aw) - 1);
  if (top !== undefined) a = (a & ~(1 << (aw - 1))) | (top << (aw - 1));
  return a;
}

/** Same word as `other` on a coin flip, else a fresh address (for same-edge collisions). */
const near = (prim: Prim, r: Rand, shift: number, other: number): number => (r.chance(0.5) ? (other & ~((1 << shift) - 1)) | r.bits(shift) : address(prim, r, shift));

/** Random data and parity on both ports, and random register controls. */
function noise(prim: Prim, r: Rand): Stimulus {
  const g = GEOMETRY[prim];
  return {
    DINADIN: r.bits(g.dw), DINBDIN: r.bits(g.dw), DINPADINP: r.bits(g.pw), DINPBDINP: r.bits(g.pw),
    REGCEAREGCE: r.chance(0.7) ? 1 : 0, REGCEB: r.chance(0.7) ? 1 : 0,
    RSTREGARSTREG: r.chance(0.1) ? 1 : 0, RSTREGB: r.chance(0.1) ? 1 : 0,
  };
}

/** Enables, with an occasional RSTRAM (only while enabled: RSTRAM without EN stops the Verilog model). */
function enables(r: Rand, pa: number, pb: number): Stimulus {
  const ena = r.chance(pa) ? 1 : 0;
  const enb = r.chance(pb) ? 1 : 0;
  return { ENARDEN: ena, ENBWREN: enb, RSTRAMARSTRAM: ena && r.chance(0.08) ? 1 : 0, RSTRAMB: enb && r.chance(0.08) ? 1 : 0 };
}

const SEED = 20250611;
const seeded = (k: number): Rand => new Rand(SEED + 7919 * k);

function configs(): Config[] {
  const list: Config[] = [];
  const add = (c: Omit<Config, 'params'> & { params: Record<string, Param> }): void => {
    list.push({ ...c, params: { ...contents(c.prim, seeded(list.length + 100), c.ninit), ...c.params } });
  };
  const widths = (ra: number, wa: number, rb: number, wb: number): Record<string, Param> => ({
    READ_WIDTH_A: int(ra), WRITE_WIDTH_A: int(wa), READ_WIDTH_B: int(rb), WRITE_WIDTH_B: int(wb),
  });
  const modes = (a: string, b: string): Record<string, Param> => ({ WRITE_MODE_A: str(a), WRITE_MODE_B: str(b) });
  const regs = (a: number, b: number): Record<string, Param> => ({ DOA_REG: int(a), DOB_REG: int(b) });

  // Yosys's simple dual port: read port A, write port B with byte enables on WEBWE.
  add({
    name: 'RAMB36E2 SDP 72, READ_FIRST',
    prim: 'RAMB36E2',
    params: { ...widths(72, 0, 0, 72), ...regs(0, 0), WRITE_MODE_A: str('READ_FIRST', true), WRITE_MODE_B: str('READ_FIRST'), CLOCK_DOMAINS: str('COMMON') },
    stimulus: (r) => {
      const ra = address('RAMB36E2', r, 6);
      return { ...noise('RAMB36E2', r), ...enables(r, 0.75, 0.6), ADDRARDADDR: ra, ADDRBWRADDR: near('RAMB36E2', r, 6, ra), WEBWE: r.bits(8), WEA: r.bits(4) };
    },
  });
  add({
    name: 'RAMB18E2 SDP 36, READ_FIRST',
    prim: 'RAMB18E2',
    params: { ...widths(36, 0, 0, 36), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const ra = address('RAMB18E2', r, 5);
      return { ...noise('RAMB18E2', r), ...enables(r, 0.75, 0.6), ADDRARDADDR: ra, ADDRBWRADDR: near('RAMB18E2', r, 5, ra), WEBWE: r.bits(4) };
    },
  });
  add({
    name: 'RAMB18E2 SDP 36 with output registers, RSTREG_PRIORITY_A=REGCE',
    prim: 'RAMB18E2',
    params: { ...widths(36, 0, 0, 36), ...regs(1, 1), ...modes('READ_FIRST', 'READ_FIRST'), RSTREG_PRIORITY_A: str('REGCE') },
    stimulus: (r) => {
      const ra = address('RAMB18E2', r, 5);
      return { ...noise('RAMB18E2', r), ...enables(r, 0.75, 0.6), ADDRARDADDR: ra, ADDRBWRADDR: near('RAMB18E2', r, 5, ra), WEBWE: r.bits(4) };
    },
  });
  // True dual port: writes on one port, reads on the other.
  add({
    name: 'RAMB18E2 TDP 9, write A / read B',
    prim: 'RAMB18E2',
    params: { ...widths(0, 9, 9, 0), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const wa = address('RAMB18E2', r, 3);
      return { ...noise('RAMB18E2', r), ...enables(r, 0.7, 0.75), ADDRARDADDR: wa, ADDRBWRADDR: near('RAMB18E2', r, 3, wa), WEA: r.chance(0.6) ? 3 : 0, WEBWE: r.bits(4) };
    },
  });
  add({
    name: 'RAMB18E2 TDP 18, write A / read B, DOB_REG=1',
    prim: 'RAMB18E2',
    params: { ...widths(0, 18, 18, 0), ...regs(0, 1), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const wa = address('RAMB18E2', r, 4);
      return { ...noise('RAMB18E2', r), ...enables(r, 0.7, 0.75), ADDRARDADDR: wa, ADDRBWRADDR: near('RAMB18E2', r, 4, wa), WEA: r.bits(2) };
    },
  });
  add({
    name: 'RAMB36E2 TDP 18, write B (repeated byte enables) / read A',
    prim: 'RAMB36E2',
    ninit: 16,
    params: { ...widths(18, 0, 0, 18), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const wa = address('RAMB36E2', r, 4);
      const we = r.bits(2);
      // WEBWE[3:0] repeats the two enables; WEBWE[7:4] are not used by a TDP write.
      return { ...noise('RAMB36E2', r), ...enables(r, 0.75, 0.7), ADDRBWRADDR: wa, ADDRARDADDR: near('RAMB36E2', r, 4, wa), WEBWE: (r.bits(4) << 4) | (we << 2) | we };
    },
  });
  add({
    name: 'RAMB36E2 TDP 9, write B / read A',
    prim: 'RAMB36E2',
    ninit: 16,
    params: { ...widths(9, 0, 0, 9), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const wa = address('RAMB36E2', r, 3);
      return { ...noise('RAMB36E2', r), ...enables(r, 0.75, 0.7), ADDRBWRADDR: wa, ADDRARDADDR: near('RAMB36E2', r, 3, wa), WEBWE: r.chance(0.6) ? 0xf : 0 };
    },
  });
  // Read-only: INIT contents through the output registers on both ports.
  add({
    name: 'RAMB36E2 ROM 36 on both ports, DOA_REG=DOB_REG=1, ENBWREN inverted, RSTREG_PRIORITY_B=REGCE',
    prim: 'RAMB36E2',
    params: { ...widths(36, 0, 36, 0), ...regs(1, 1), ...modes('READ_FIRST', 'READ_FIRST'), RSTREG_PRIORITY_B: str('REGCE'), IS_ENBWREN_INVERTED: bits('1') },
    stimulus: (r) => {
      const ena = r.chance(0.8) ? 1 : 0;
      const enb = r.chance(0.8) ? 1 : 0; // after the inversion
      return {
        ...noise('RAMB36E2', r), ADDRARDADDR: r.bits(15), ADDRBWRADDR: r.bits(15), ENARDEN: ena, ENBWREN: enb ^ 1,
        RSTRAMARSTRAM: ena && r.chance(0.08) ? 1 : 0, RSTRAMB: enb && r.chance(0.08) ? 1 : 0,
      };
    },
  });
  add({
    name: 'RAMB18E2 ROM 18 on port A, DOA_REG=1, RSTREGARSTREG inverted',
    prim: 'RAMB18E2',
    params: { ...widths(18, 0, 0, 0), ...regs(1, 0), ...modes('READ_FIRST', 'NO_CHANGE'), IS_RSTREGARSTREG_INVERTED: bits('1') },
    stimulus: (r) => ({ ...noise('RAMB18E2', r), ...enables(r, 0.8, 0), ADDRARDADDR: r.bits(14), RSTREGARSTREG: r.chance(0.9) ? 1 : 0 }),
  });
  // WRITE_FIRST / NO_CHANGE on a port that reads and writes; the ports keep to separate halves
  // (a collision outside READ_FIRST stops the Verilog model).
  add({
    name: 'RAMB18E2 WRITE_FIRST 18 on A, NO_CHANGE 9 on B',
    prim: 'RAMB18E2',
    params: { ...widths(18, 18, 9, 9), ...regs(0, 0), ...modes('WRITE_FIRST', 'NO_CHANGE') },
    stimulus: (r) => ({
      ...noise('RAMB18E2', r), ...enables(r, 0.8, 0.8),
      ADDRARDADDR: address('RAMB18E2', r, 4, 0), ADDRBWRADDR: address('RAMB18E2', r, 3, 1),
      WEA: r.bits(2), WEBWE: (r.bits(2) << 2) | (r.chance(0.5) ? 3 : 0),
    }),
  });
  add({
    name: 'RAMB36E2 NO_CHANGE 36 on A with output register, WRITE_FIRST 4 on B',
    prim: 'RAMB36E2',
    ninit: 16,
    params: { ...widths(36, 36, 4, 4), ...regs(1, 0), ...modes('NO_CHANGE', 'WRITE_FIRST') },
    stimulus: (r) => ({
      ...noise('RAMB36E2', r), ...enables(r, 0.8, 0.8),
      ADDRARDADDR: address('RAMB36E2', r, 5, 1), ADDRBWRADDR: address('RAMB36E2', r, 2, 0),
      WEA: r.bits(4), WEBWE: r.bits(8),
    }),
  });
  // Narrow and mixed widths (READ_FIRST).
  add({
    name: 'RAMB18E2 write A 4 / read A 9, read B 1',
    prim: 'RAMB18E2',
    params: { ...widths(9, 4, 1, 0), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const a = address('RAMB18E2', r, 2);
      return { ...noise('RAMB18E2', r), ...enables(r, 0.8, 0.8), ADDRARDADDR: a, ADDRBWRADDR: r.chance(0.5) ? a : r.bits(14), WEA: r.bits(2) };
    },
  });
  add({
    name: 'RAMB36E2 write B 2 / read A 36, read-back on B 2',
    prim: 'RAMB36E2',
    ninit: 16,
    params: { ...widths(36, 0, 2, 2), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => {
      const b = address('RAMB36E2', r, 1);
      return { ...noise('RAMB36E2', r), ...enables(r, 0.8, 0.8), ADDRBWRADDR: b, ADDRARDADDR: r.chance(0.5) ? (b << 1) & 0x7fff : r.bits(15), WEBWE: r.bits(8) };
    },
  });
  // What the Verilog model stops on at a clock edge.
  add({
    name: 'both ports write the same byte (stops)',
    prim: 'RAMB18E2',
    params: { ...widths(0, 9, 0, 9), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r) => ({ ...noise('RAMB18E2', r), ...enables(r, 0.5, 0.5), ADDRARDADDR: r.bits(6) << 3, ADDRBWRADDR: r.bits(6) << 3, WEA: 3, WEBWE: 15 }),
    fatal: /both ports write the same bytes/,
  });
  add({
    name: 'WRITE_FIRST write read by the other port (stops)',
    prim: 'RAMB36E2',
    ninit: 16,
    params: { ...widths(0, 36, 36, 0), ...regs(0, 0), ...modes('WRITE_FIRST', 'READ_FIRST') },
    stimulus: (r) => ({ ...noise('RAMB36E2', r), ...enables(r, 0.5, 0.5), ADDRARDADDR: r.bits(2) << 5, ADDRBWRADDR: r.bits(2) << 5, WEA: r.bits(4) }),
    fatal: /read\/write collision between the ports outside READ_FIRST mode/,
  });
  add({
    name: 'byte enables not repeated (stops)',
    prim: 'RAMB36E2',
    ninit: 16,
    params: { ...widths(0, 18, 18, 0), ...regs(0, 0), ...modes('READ_FIRST', 'READ_FIRST') },
    stimulus: (r, i) => ({ ...noise('RAMB36E2', r), ...enables(r, 0.8, 0), ADDRARDADDR: r.bits(15), WEA: i < 50 ? 0 : r.bits(4) }),
    fatal: /WEA=.* is not 2 byte enable\(s\) repeated/,
  });
  return list;
}

const CYCLES = 400;

/** The bench: applies each cycle's inputs from stim.txt, prints the outputs just before the edge. */
function bench(c: Config, cycles: number): string {
  const g = GEOMETRY[c.prim];
  const params = Object.entries(c.params).map(([k, v]) => `.${k}(${v.verilog})`).join(',\n    ');
  const regs = INPUTS.map((p) => `  reg [${inputWidth(c.prim, p) - 1}:0] ${p} = 0;`).join('\n');
  const fmt = INPUTS.map(() => '%h').join(' ');
  const ecc = c.prim === 'RAMB36E2' ? `.CASINDBITERR(1'b0), .CASINSBITERR(1'b0), .ECCPIPECE(1'b0), .INJECTDBITERR(1'b0), .INJECTSBITERR(1'b0),` : '';
  return `\`timescale 1ns / 1ps
module tb;
  reg clk = 0;
${regs}
  wire [${g.dw - 1}:0] DOUTADOUT, DOUTBDOUT;
  wire [${g.pw - 1}:0] DOUTPADOUTP, DOUTPBDOUTP;
  ${c.prim} #(
    ${params}
  ) dut (
    .CLKARDCLK(clk), .CLKBWRCLK(clk), .ADDRENA(1'b1), .ADDRENB(1'b1), .SLEEP(1'b0),
    .CASDIMUXA(1'b0), .CASDIMUXB(1'b0), .CASDOMUXA(1'b0), .CASDOMUXB(1'b0), .CASOREGIMUXA(1'b0), .CASOREGIMUXB(1'b0),
    .CASDOMUXEN_A(1'b0), .CASDOMUXEN_B(1'b0), .CASOREGIMUXEN_A(1'b0), .CASOREGIMUXEN_B(1'b0),
    .CASDINA(${g.dw}'d0), .CASDINB(${g.dw}'d0), .CASDINPA(${g.pw}'d0), .CASDINPB(${g.pw}'d0), ${ecc}
    ${INPUTS.map((p) => `.${p}(${p})`).join(', ')},
    .DOUTADOUT(DOUTADOUT), .DOUTBDOUT(DOUTBDOUT), .DOUTPADOUTP(DOUTPADOUTP), .DOUTPBDOUTP(DOUTPBDOUTP));
  integer fd, r, i;
  initial begin
    fd = $fopen("stim.txt", "r");
    for (i = 0; i < ${cycles}; i = i + 1) begin
      r = $fscanf(fd, "${fmt}\\n", ${INPUTS.join(', ')});
      if (r != ${INPUTS.length}) $fatal(1, "bad stimulus line %0d", i);
      #4 $display("o %0d %h %h %h %h", i, DOUTADOUT, DOUTBDOUT, DOUTPADOUTP, DOUTPBDOUTP);
      #1 clk = 1;
      #5 clk = 0;
    end
    $display("done");
    $finish;
  end
endmodule
`;
}

/** Runs one configuration under Icarus and through the TS model; returns the count of distinct output rows (for coverage). */
async function compare(c: Config, k: number): Promise<{ distinct: number; stoppedAt?: number }> {
  const cycles = c.cycles ?? CYCLES;
  const r = seeded(k);
  const stim: Stimulus[] = Array.from({ length: cycles }, (_, i) => c.stimulus(r, i));
  const work = path.join(dir, `c${k}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'tb.v'), bench(c, cycles));
  writeFileSync(path.join(work, 'stim.txt'), stim.map((s) => INPUTS.map((p) => (s[p] ?? 0).toString(16)).join(' ')).join('\n') + '\n');
  // The bench goes first so that its `timescale reaches the model (which has none): otherwise the
  // model's $time is in seconds, always 0, and its same-edge collision check sees earlier edges.
  const compile = await runTool('iverilog', ['-g2012', '-s', 'tb', '-o', 'sim.vvp', 'tb.v', MODEL_FILE(c.prim)], work);
  expect(compile.status, compile.stdout + compile.stderr).toBe(0);
  const run = await runTool('vvp', ['-n', 'sim.vvp'], work);
  const log = run.stdout + run.stderr;
  const rows = [...log.matchAll(/^o (\d+) (\S+) (\S+) (\S+) (\S+)$/gm)].map((m) => m.slice(2, 6).map((h) => (/^[0-9a-f]+$/.test(h!) ? parseInt(h!, 16) : NaN)));
  const finished = /^done$/m.test(log);
  if (c.fatal) {
    expect(finished, log).toBe(false);
    expect(log).toMatch(c.fatal);
  } else {
    expect(finished, log).toBe(true);
    expect(rows.length).toBe(cycles);
  }

  const widths: Record<string, number> = {};
  for (const p of INPUTS) widths[p] = inputWidth(c.prim, p);
  for (const p of OUTPUTS) widths[p] = outputWidth(c.prim, p);
  const json: Record<string, string> = {};
  for (const [name, p] of Object.entries(c.params)) json[name] = p.json;
  const model = FACTORY[c.prim](json, widths, `tb.dut (${c.name})`);
  let inputs: Stimulus = {};
  const read = (p: string): number => inputs[p as Input] ?? 0;
  const out: Record<string, number> = {};
  const write = (p: string, v: number): void => {
    out[p] = v;
  };
  const seen = new Set<string>();
  for (let i = 0; i < cycles; i++) {
    inputs = stim[i]!;
    model.evaluate(read, write);
    const row = rows[i];
    if (row === undefined) expect.fail(`${c.name}: the Verilog model stopped before cycle ${i}, the TS model did not:\n${log.slice(-2000)}`);
    OUTPUTS.forEach((p, j) => {
      if (out[p] !== row[j]) expect.fail(`${c.name}: cycle ${i} ${p}: expected ${row[j]?.toString(16)} (Verilog), got ${out[p]?.toString(16)} (TS)`);
    });
    seen.add(row.join());
    try {
      model.sample(read);
    } catch (e) {
      if (!(e instanceof NetsimError)) throw e;
      // The Verilog model printed this cycle's outputs, then stopped at its edge.
      expect(c.fatal, `${c.name}: TS model threw at cycle ${i}: ${e.message}`).toBeDefined();
      expect(rows.length, `${c.name}: TS model threw at cycle ${i}, Verilog at ${rows.length - 1}: ${e.message}`).toBe(i + 1);
      expect(e.message).toMatch(c.fatal!);
      return { distinct: seen.size, stoppedAt: i };
    }
    model.commit();
  }
  if (c.fatal) expect.fail(`${c.name}: the Verilog model stopped at cycle ${rows.length - 1}, the TS model ran on`);
  return { distinct: seen.size };
}

// Concurrent: most of the time is Icarus initialising the RAMB36E2 model's memory.
describe.concurrent('netsim block RAM models match the Verilog models under Icarus', () => {
  configs().forEach((c, k) => {
    it(c.name, async () => {
      const { distinct, stoppedAt } = await compare(c, k);
      if (c.fatal) expect(stoppedAt).toBeGreaterThan(0);
      // The outputs must move, or the comparison proves little.
      else expect(distinct).toBeGreaterThan(c.name.includes('NO_CHANGE') ? 30 : 50);
    }, 60_000);
  });
});

describe('netsim block RAM models refuse what the Verilog models stop on at time 0', () => {
  const base = { READ_WIDTH_A: int(72).json, WRITE_WIDTH_B: int(72).json, DOA_REG: int(0).json, DOB_REG: int(0).json, WRITE_MODE_A: 'READ_FIRST', WRITE_MODE_B: 'READ_FIRST' };
  const cases: [string, Record<string, string>][] = [
    ['CASCADE_ORDER_A', { CASCADE_ORDER_A: 'FIRST' }],
    ['EN_ECC_READ', { EN_ECC_READ: 'TRUE' }],
    ['INIT_FILE', { INIT_FILE: 'mem.init' }],
    ['ENADDRENA', { ENADDRENA: 'TRUE' }],
    ['RDADDRCHANGEB', { RDADDRCHANGEB: 'TRUE' }],
    ['READ_WIDTH_B', { READ_WIDTH_B: int(9).json }],
    ['DOA_REG', { DOA_REG: int(1).json }],
    ['WRITE_MODE_A', { WRITE_MODE_A: 'WRITE_LAST' }],
    ['RSTREG_PRIORITY', { RSTREG_PRIORITY_A: 'SOMETIMES' }],
    ['IS_CLKARDCLK_INVERTED', { IS_CLKARDCLK_INVERTED: '1' }],
    ['IS_CLKBWRCLK_INVERTED', { IS_CLKBWRCLK_INVERTED: '1' }],
  ];
  for (const [param, extra] of cases)
    it(`throws NetsimError naming ${param}`, () => {
      expect(() => ramb36e2({ ...base, ...extra }, {}, 'top.mem')).toThrow(NetsimError);
      expect(() => ramb36e2({ ...base, ...extra }, {}, 'top.mem')).toThrow(new RegExp(`top\\.mem.*${param.replace(/B$/, '')}`));
    });
  it('throws on WRITE_FIRST with different widths on a port', () => {
    expect(() => ramb18e2({ READ_WIDTH_A: int(9).json, WRITE_WIDTH_A: int(18).json, WRITE_MODE_A: 'WRITE_FIRST' }, {}, 'top.m')).toThrow(/WRITE_MODE_A/);
  });
});
