/**
 * The RAMB18E2 / RAMB36E2 simulation models (testbench/cells) against the primitives' documented
 * behaviour (UG573), in the configurations Yosys's memory_libmap emits for LeNet-5: the RAMB36E2
 * 72-bit simple dual port (READ_FIRST, same clock), the RAMB18E2 36-bit read port with the output
 * register, and the RAMB18E2 9-bit write port A / read port B. A bench drives random inputs and
 * prints them with the outputs; the expected outputs are computed here from the INIT strings and
 * the printed inputs, with the address taken from the high pins (low pins random). Then a built
 * design whose weights map to a RAMB36E2 passes its self-checking bench at gate level.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dense, flatten, network, pot, randomWeights } from '../generator/dsl/index.ts';
import { BRAM_MODELS, runGateLevel } from '../generator/energy/gateLevel.ts';
import { runTool } from '../generator/run/tools.ts';
import { buildInto, tempDir } from './support/designs.ts';

const dir = tempDir('potgen-bram-');
process.env.POTGEN_CACHE = path.join(dir, 'cache');

/** A small deterministic generator (xorshift32) for INIT contents. */
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

/** `count` random 256-bit INIT values as 64 hex digits. */
function initStrings(count: number, seed: number): string[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: 8 }, () => next().toString(16).padStart(8, '0')).join(''));
}

const hex2 = (i: number): string => i.toString(16).toUpperCase().padStart(2, '0');

/** UG573 layout: data byte i is bits [8i+7:8i] of the INIT_xx chain, its parity bit is bit i of the INITP_xx chain. */
function contents(init: string[], initp: string[]): { bytes: number[]; parity: number[] } {
  const bytes: number[] = [];
  for (const s of init) for (let b = 0; b < 32; b++) bytes.push(parseInt(s.slice(62 - 2 * b, 64 - 2 * b), 16));
  const parity: number[] = [];
  for (const s of initp) {
    const v = BigInt(`0x${s}`);
    for (let b = 0; b < 256; b++) parity.push(Number((v >> BigInt(b)) & 1n));
  }
  return { bytes, parity };
}

const params = (init: string[], initp: string[]): string =>
  [...init.map((s, i) => `.INIT_${hex2(i)}(256'h${s})`), ...initp.map((s, i) => `.INITP_${hex2(i)}(256'h${s})`)].join(', ');

const I36 = initStrings(128, 1);
const P36 = initStrings(16, 2);
const I18 = initStrings(64, 3);
const P18 = initStrings(8, 4);
const I18T = initStrings(64, 5);
const P18T = initStrings(8, 6);
// INIT_A/B and SRVAL_A/B of the registered RAMB18E2: {parity[1:0], data[15:0]} per half.
const INIT_A = 0x2a5a5n;
const INIT_B = 0x1c3c3n;
const SRVAL_A = 0x3beefn;
const SRVAL_B = 0x0cafen;

const CYCLES = 400;

function bench(variant: { r18Params?: string; r18tWea?: string; sleepAt?: number } = {}): string {
  return `
\`timescale 1ns / 1ps
module bram_tb;
  reg clk = 0;
  always #5 clk = ~clk;
  // RAMB36E2 72-bit simple dual port: read port A, write port B.
  reg [14:0] ra36, wa36; reg en36a, en36b; reg [7:0] we36; reg [31:0] dia36, dib36; reg [3:0] dipa36, dipb36;
  wire [31:0] doa36, dob36; wire [3:0] dopa36, dopb36;
  RAMB36E2 #(.DOA_REG(0), .DOB_REG(0), .READ_WIDTH_A(72), .READ_WIDTH_B(0), .WRITE_WIDTH_A(0), .WRITE_WIDTH_B(72),
             .WRITE_MODE_A("READ_FIRST"), .WRITE_MODE_B("READ_FIRST"), ${params(I36, P36)}) r36 (
    .CLKARDCLK(clk), .CLKBWRCLK(clk), .ADDRARDADDR(ra36), .ADDRBWRADDR(wa36), .ADDRENA(1'b1), .ADDRENB(1'b1),
    .ENARDEN(en36a), .ENBWREN(en36b), .WEA(4'h0), .WEBWE(we36), .DINADIN(dia36), .DINBDIN(dib36), .DINPADINP(dipa36), .DINPBDINP(dipb36),
    .REGCEAREGCE(1'b0), .REGCEB(1'b0), .RSTRAMARSTRAM(1'b0), .RSTRAMB(1'b0), .RSTREGARSTREG(1'b0), .RSTREGB(1'b0), .SLEEP(1'b0),
    .DOUTADOUT(doa36), .DOUTBDOUT(dob36), .DOUTPADOUTP(dopa36), .DOUTPBDOUTP(dopb36));
  // RAMB18E2 36-bit read port A with the output register (DOA_REG = DOB_REG = 1).
  reg [13:0] ra18; reg en18, ce18, rstram18, rstreg18, sleep18;
  wire [15:0] doa18, dob18; wire [1:0] dopa18, dopb18;
  RAMB18E2 #(.DOA_REG(1), .DOB_REG(1), .READ_WIDTH_A(36), .READ_WIDTH_B(0), .WRITE_WIDTH_A(0), .WRITE_WIDTH_B(0),
             .INIT_A(18'h${INIT_A.toString(16)}), .INIT_B(18'h${INIT_B.toString(16)}), .SRVAL_A(18'h${SRVAL_A.toString(16)}), .SRVAL_B(18'h${SRVAL_B.toString(16)}),
             .WRITE_MODE_A("READ_FIRST"), .WRITE_MODE_B("READ_FIRST"), ${params(I18, P18)}${variant.r18Params ?? ''}) r18 (
    .CLKARDCLK(clk), .CLKBWRCLK(1'b0), .ADDRARDADDR(ra18), .ADDRBWRADDR(14'h0), .ADDRENA(1'b1), .ADDRENB(1'b1),
    .ENARDEN(en18), .ENBWREN(1'b0), .WEA(2'h0), .WEBWE(4'h0), .DINADIN(16'h0), .DINBDIN(16'h0), .DINPADINP(2'h0), .DINPBDINP(2'h0),
    .REGCEAREGCE(ce18), .REGCEB(1'b0), .RSTRAMARSTRAM(rstram18), .RSTRAMB(1'b0), .RSTREGARSTREG(rstreg18), .RSTREGB(1'b0), .SLEEP(sleep18),
    .DOUTADOUT(doa18), .DOUTBDOUT(dob18), .DOUTPADOUTP(dopa18), .DOUTPBDOUTP(dopb18));
  // RAMB18E2 9-bit write port A, 9-bit read port B (a line buffer).
  reg [13:0] wa9, ra9; reg en9a, en9b, we9; reg [7:0] di9; reg dip9;
  wire [15:0] doa9, dob9; wire [1:0] dopa9, dopb9;
  RAMB18E2 #(.DOA_REG(0), .DOB_REG(0), .READ_WIDTH_A(0), .READ_WIDTH_B(9), .WRITE_WIDTH_A(9), .WRITE_WIDTH_B(0),
             .WRITE_MODE_A("READ_FIRST"), .WRITE_MODE_B("READ_FIRST"), ${params(I18T, P18T)}) r9 (
    .CLKARDCLK(clk), .CLKBWRCLK(clk), .ADDRARDADDR(wa9), .ADDRBWRADDR(ra9), .ADDRENA(1'b1), .ADDRENB(1'b1),
    .ENARDEN(en9a), .ENBWREN(en9b), .WEA(${variant.r18tWea ?? '{we9, we9}'}), .WEBWE(4'h0), .DINADIN({8'h00, di9}), .DINBDIN(16'h0), .DINPADINP({1'b0, dip9}), .DINPBDINP(2'h0),
    .REGCEAREGCE(1'b0), .REGCEB(1'b0), .RSTRAMARSTRAM(1'b0), .RSTRAMB(1'b0), .RSTREGARSTREG(1'b0), .RSTREGB(1'b0), .SLEEP(1'b0),
    .DOUTADOUT(doa9), .DOUTBDOUT(dob9), .DOUTPADOUTP(dopa9), .DOUTPBDOUTP(dopb9));
  integer i;
  task stimulus;
    begin
      ra36 = $random; en36a = ($random & 3) != 0; en36b = ($random & 1) != 0; we36 = $random;
      wa36 = ($random & 1) ? {ra36[14:6], 6'($random)} : 15'($random);
      dia36 = $random; dib36 = $random; dipa36 = $random; dipb36 = $random;
      ra18 = $random; en18 = ($random & 3) != 0; ce18 = ($random & 3) != 0; rstreg18 = ($random & 15) == 0;
      rstram18 = en18 && ($random & 15) == 0; sleep18 = i == ${variant.sleepAt ?? -1};
      wa9 = $random; ra9 = ($random & 1) ? {wa9[13:3], 3'($random)} : 14'($random);
      en9a = ($random & 3) != 0; en9b = ($random & 3) != 0; we9 = ($random & 1) != 0; di9 = $random; dip9 = $random;
    end
  endtask
  initial begin
    i = 0;
    stimulus;
    for (i = 0; i < ${CYCLES}; i = i + 1) begin
      @(posedge clk);
      @(negedge clk);
      $display("r36 %h %h %h %h %h %h %h %h %h %h %h %h %h %h", ra36, wa36, en36a, en36b, we36, dia36, dib36, dipa36, dipb36, doa36, dob36, dopa36, dopb36, 1'b0);
      $display("r18 %h %h %h %h %h %h %h %h %h", ra18, en18, ce18, rstram18, rstreg18, doa18, dob18, dopa18, dopb18);
      $display("r9 %h %h %h %h %h %h %h %h %h", wa9, ra9, en9a, en9b, we9, di9, dip9, dob9[7:0], dopb9[0]);
      stimulus;
    end
    $finish;
  end
endmodule
`;
}

async function simulate(text: string, tool: 'verilator' | 'icarus'): Promise<{ status: number; log: string }> {
  const work = path.join(dir, `${tool}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'bram_tb.v'), text);
  if (tool === 'verilator') {
    const compile = await runTool('verilator', ['--binary', '--timing', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', 'bram_tb', '--Mdir', 'obj', '-o', 'sim', ...BRAM_MODELS, 'bram_tb.v'], work);
    expect(compile.status, compile.stderr).toBe(0);
    const run = await runTool(path.join(work, 'obj', 'sim'), [], work);
    return { status: run.status, log: run.stdout + run.stderr };
  }
  const compile = await runTool('iverilog', ['-g2012', '-s', 'bram_tb', '-o', 'sim.vvp', ...BRAM_MODELS, 'bram_tb.v'], work);
  expect(compile.status, compile.stderr + compile.stdout).toBe(0);
  const run = await runTool('vvp', ['-n', 'sim.vvp'], work);
  return { status: run.status, log: run.stdout + run.stderr };
}

const rows = (log: string, tag: string): bigint[][] =>
  [...log.matchAll(new RegExp(`^${tag} ([0-9a-f ]+)$`, 'gm'))].map((m) => m[1]!.trim().split(' ').map((h) => BigInt(`0x${h}`)));

/** Checks every printed cycle of the three instances against UG573's behaviour; returns the count of r18 rows where the output register mattered. */
function check(log: string): number {
  // RAMB36E2 SDP 72: word k is data bytes 8k..8k+7 and parity bits 8k..8k+7; address = ADDR[14:6].
  const m36 = contents(I36, P36);
  let lat36 = { a: 0n, b: 0n, pa: 0n, pb: 0n };
  const r36 = rows(log, 'r36');
  expect(r36.length).toBe(CYCLES);
  let collisions = 0;
  for (const [k, row] of r36.entries()) {
    const [ra, wa, ena, enb, we, dia, dib, dipa, dipb, doa, dob, dopa, dopb] = row.map(Number) as [number, number, number, number, number, number, number, number, number, number, number, number, number];
    const rw = ra >> 6;
    const ww = wa >> 6;
    if (ena) {
      const word = (lane: number): number => m36.bytes[8 * rw + lane]!;
      const bytesToU32 = (first: number): bigint => BigInt(word(first) | (word(first + 1) << 8) | (word(first + 2) << 16)) | (BigInt(word(first + 3)) << 24n);
      const par = (first: number): bigint => BigInt(m36.parity[8 * rw + first]! | (m36.parity[8 * rw + first + 1]! << 1) | (m36.parity[8 * rw + first + 2]! << 2) | (m36.parity[8 * rw + first + 3]! << 3));
      lat36 = { a: bytesToU32(0), b: bytesToU32(4), pa: par(0), pb: par(4) };
      if (enb && we && rw === ww) collisions++;
    }
    if (enb) {
      for (let lane = 0; lane < 8; lane++) {
        if (!((we >> lane) & 1)) continue;
        const src = lane < 4 ? dia : dib;
        m36.bytes[8 * ww + lane] = (src >>> (8 * (lane % 4))) & 0xff;
        m36.parity[8 * ww + lane] = ((lane < 4 ? dipa : dipb) >> lane % 4) & 1;
      }
    }
    expect([BigInt(doa), BigInt(dob), BigInt(dopa), BigInt(dopb)], `r36 cycle ${k}`).toEqual([lat36.a, lat36.b, lat36.pa, lat36.pb]);
  }
  expect(collisions).toBeGreaterThan(10);

  // RAMB18E2 SDP 36 read with DOA_REG: the register takes the latch before the edge.
  const m18 = contents(I18, P18);
  const split = (lo: bigint, hi: bigint): bigint[] => [lo & 0xffffn, hi & 0xffffn, lo >> 16n, hi >> 16n];
  let lat = split(INIT_A, INIT_B);
  let reg = lat;
  let registered = 0;
  for (const [k, [ra, en, ce, rstram, rstreg, ...out]] of rows(log, 'r18').entries()) {
    if (rstreg) reg = split(SRVAL_A, SRVAL_B);
    else if (ce) reg = lat;
    if (en) {
      if (rstram) lat = split(SRVAL_A, SRVAL_B);
      else {
        const w = Number(ra! >> 5n);
        const b = (i: number): bigint => BigInt(m18.bytes[4 * w + i]!);
        const p = (i: number): bigint => BigInt(m18.parity[4 * w + i]!);
        lat = [b(0) | (b(1) << 8n), b(2) | (b(3) << 8n), p(0) | (p(1) << 1n), p(2) | (p(3) << 1n)];
      }
    }
    if (reg.join() !== lat.join()) registered++;
    expect(out, `r18 cycle ${k}`).toEqual(reg);
  }

  // RAMB18E2 9-bit ports: word k is byte k with parity bit k; address = ADDR[13:3].
  const m9 = contents(I18T, P18T);
  let out9 = [0n, 0n];
  const r9 = rows(log, 'r9');
  expect(r9.length).toBe(CYCLES);
  for (const [k, [wa, ra, ena, enb, we, di, dip, dob, dopb]] of r9.entries()) {
    if (enb) {
      const w = Number(ra! >> 3n);
      out9 = [BigInt(m9.bytes[w]!), BigInt(m9.parity[w]!)];
    }
    if (ena && we) {
      const w = Number(wa! >> 3n);
      m9.bytes[w] = Number(di);
      m9.parity[w] = Number(dip);
    }
    expect([dob, dopb], `r9 cycle ${k}`).toEqual(out9);
  }
  return registered;
}

describe('block RAM models', () => {
  it('read INIT contents at the documented addresses, write with byte enables, and register outputs (Verilator)', async () => {
    const { status, log } = await simulate(bench(), 'verilator');
    expect(status, log).toBe(0);
    // The output register must matter: a model without it would fail these cycles.
    expect(check(log)).toBeGreaterThan(100);
  }, 180_000);

  it('behave the same under Icarus Verilog', async () => {
    const { status, log } = await simulate(bench(), 'icarus');
    expect(status, log).toBe(0);
    expect(check(log)).toBeGreaterThan(100);
  }, 180_000);

  it('stop the simulation on what they do not model', async () => {
    const cascade = await simulate(bench({ r18Params: ', .CASCADE_ORDER_A("FIRST")' }), 'verilator');
    expect(cascade.status).not.toBe(0);
    expect(cascade.log).toMatch(/RAMB18E2 model: .*cascading/);
    const sleep = await simulate(bench({ sleepAt: 20 }), 'verilator');
    expect(sleep.status).not.toBe(0);
    expect(sleep.log).toMatch(/RAMB18E2 model: .*SLEEP is not supported/);
    const wea = await simulate(bench({ r18tWea: "{1'b0, we9}" }), 'verilator');
    expect(wea.status).not.toBe(0);
    expect(wea.log).toMatch(/RAMB18E2 model: .*WEA=.* is not 1 byte enable/);
  }, 300_000);
});

describe('gate-level simulation with block RAM', () => {
  it('runs a dense layer whose 8192 weights Yosys maps to a RAMB36E2 bit-exactly', async () => {
    const net = network({
      name: 'densebram',
      input: { height: 4, width: 4, channels: 16 },
      weights: randomWeights(3),
      layers: [flatten(), dense({ name: 'fc', outFeatures: 32, weights: pot({ bits: 4 }), pe: 2, simd: 4, activation: 'none' })],
    });
    const { out } = buildInto(dir, net);
    // runGateLevel throws on any output beat that differs from the golden vectors.
    const run = await runGateLevel(out, { level: 'netlist' });
    expect(run.synthesis!.bram).toBeGreaterThan(0);
    expect(run.beatsChecked).toBeGreaterThan(0);
  }, 900_000);
});
