/**
 * The gate-level activity driver: the DSP48E2 model against the primitive's documented equation,
 * gate-level runs of conv3x3 (PoT and uniform) passing their activity bench bit-exactly, the
 * window of exactly one frame, and the content-hash cache.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activityCacheKey, DSP_MODEL, measureActivity } from '../generator/energy/gateLevel.ts';
import { readVcdActivity } from '../generator/energy/vcd.ts';
import { readManifest } from '../generator/run/manifest.ts';
import { runTool } from '../generator/run/tools.ts';
import { runPotgen, tempDir } from './support/designs.ts';

const dir = tempDir('potgen-gl-');
process.env.POTGEN_CACHE = path.join(dir, 'cache');

/** Two's-complement value of the low `bits` bits of `v`. */
function signed(v: bigint, bits: number): bigint {
  const m = v & ((1n << BigInt(bits)) - 1n);
  return m >= 1n << BigInt(bits - 1) ? m - (1n << BigInt(bits)) : m;
}
const MASK48 = (1n << 48n) - 1n;

/** A bench of two slices: d1 registered P = A*B + C; d2 unclocked P = PCIN - A*B (cascade, ALUMODE 0011). */
function dspBench(extraParams = ''): string {
  return `
\`timescale 1ns / 1ps
module dsp_tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst = 1;
  reg [29:0] a; reg [17:0] b; reg [47:0] c; reg [29:0] a2; reg [17:0] b2;
  wire [47:0] p1, pc1, p2;
  integer i;
  DSP48E2 #(.AREG(1), .BREG(1), .ACASCREG(1), .BCASCREG(1), .CREG(1), .MREG(1), .PREG(1), .ADREG(0), .DREG(0),
            .INMODEREG(0), .OPMODEREG(0), .ALUMODEREG(0), .CARRYINREG(0), .CARRYINSELREG(0)${extraParams}) d1 (
    .CLK(clk), .A(a), .B(b), .C(c), .D(27'd0), .INMODE(5'b00000), .OPMODE(9'b000110101), .ALUMODE(4'b0000),
    .CARRYIN(1'b0), .CARRYINSEL(3'b000), .CEA2(1'b1), .CEB2(1'b1), .CEC(1'b1), .CEM(1'b1), .CEP(1'b1),
    .RSTA(rst), .RSTB(rst), .RSTC(rst), .RSTM(rst), .RSTP(rst), .P(p1), .PCOUT(pc1));
  DSP48E2 #(.AREG(0), .BREG(0), .ACASCREG(0), .BCASCREG(0), .CREG(0), .MREG(0), .PREG(0), .ADREG(0), .DREG(0),
            .INMODEREG(0), .OPMODEREG(0), .ALUMODEREG(0), .CARRYINREG(0), .CARRYINSELREG(0)) d2 (
    .A(a2), .B(b2), .PCIN(pc1), .INMODE(5'b00000), .OPMODE(9'b000010101), .ALUMODE(4'b0011),
    .CARRYIN(1'b0), .CARRYINSEL(3'b000), .P(p2));
  initial begin
    a = 0; b = 0; c = 0; a2 = 0; b2 = 0;
    for (i = 0; i < 40; i = i + 1) begin
      @(negedge clk);
      if (i >= 1) $display("v %h %h %h %h %h %h %h", a, b, c, a2, b2, p1, p2);
      if (i == 2) rst = 0;
      a = {$random, $random}; b = $random; c = {$random, $random}; a2 = {$random, $random}; b2 = $random;
    end
    $finish;
  end
endmodule
`;
}

async function runDspBench(text: string): Promise<{ status: number; log: string }> {
  const work = path.join(dir, `dsp-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'dsp_tb.v'), text);
  const compile = await runTool('verilator', ['--binary', '--timing', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', 'dsp_tb', '--Mdir', 'obj', '-o', 'sim', DSP_MODEL, 'dsp_tb.v'], work);
  expect(compile.status, compile.stderr).toBe(0);
  const run = await runTool(path.join(work, 'obj', 'sim'), [], work);
  return { status: run.status, log: run.stdout + run.stderr };
}

describe('DSP48E2 model', () => {
  it('computes P = A*B + C through AREG/BREG, MREG, CREG and PREG, and PCIN - A*B in a cascade', async () => {
    const { status, log } = await runDspBench(dspBench());
    expect(status, log).toBe(0);
    const rows = [...log.matchAll(/^v (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)$/gm)].map((m) => m.slice(1).map((h) => BigInt(`0x${h}`)));
    expect(rows.length).toBe(39);
    let checked = 0;
    // Row k holds the inputs sampled at rising edge k and P after it. A and B pass AREG/BREG and
    // MREG, C passes CREG, both then PREG: P_k = A_{k-2} * B_{k-2} + C_{k-1} (UG579 datapath).
    for (let k = 5; k < rows.length; k++) {
      const [a, b] = rows[k - 2]!;
      const c = rows[k - 1]![2]!;
      const [, , , a2, b2, p1, p2] = rows[k]!;
      const want1 = (signed(a!, 27) * signed(b!, 18) + c) & MASK48;
      expect(p1, `row ${k}`).toBe(want1);
      const want2 = (p1! - signed(a2!, 27) * signed(b2!, 18)) & MASK48;
      expect(p2, `row ${k}`).toBe(want2);
      checked++;
    }
    expect(checked).toBe(34);
  }, 120_000);

  it('stops the simulation on parameters it does not implement', async () => {
    const { status, log } = await runDspBench(dspBench(', .USE_SIMD("TWO24")'));
    expect(status).not.toBe(0);
    expect(log).toMatch(/DSP48E2 model: USE_SIMD="TWO24" is not supported/);
  }, 120_000);
});

describe('gate-level activity of conv3x3', () => {
  const designs: Record<string, string> = {};
  beforeAll(async () => {
    for (const quant of ['pot:4', 'uniform:4']) {
      const out = path.join(dir, quant.replace(':', '_'));
      const r = await runPotgen('build', 'examples/conv3x3.ts', '--quant', quant, '-o', out);
      expect(r.status, r.stderr).toBe(0);
      designs[quant] = out;
    }
  }, 120_000);

  it('runs the PoT netlist bit-exactly over exactly one frame of cycles-per-frame cycles, in netsim and Verilator alike', async () => {
    const design = designs['pot:4']!;
    const manifest = readManifest(design);
    const m = await measureActivity(design, { keepVcd: true, simulator: 'verilator' });
    expect(m.cached).toBe(false);
    expect(m.synthesis.dsp).toBe(0);
    expect(m.cycles).toBe(manifest.cyclesPerFrame);
    expect(m.window.end - m.window.start).toBe(manifest.cyclesPerFrame * m.clockPeriodUnits);
    expect(m.cellActivity.cycles).toBe(manifest.cyclesPerFrame);
    // The clock the design sees toggles twice per cycle inside the window: no more, no fewer.
    const clock = await readVcdActivity(m.vcdFile!, { start: m.window.start, end: m.window.end, scope: 'TOP.conv3x3_activity_tb.dut' });
    const aclk = clock.signals.find((s) => s.scope.join('.') === 'TOP.conv3x3_activity_tb.dut' && s.ref === 'aclk');
    expect(aclk?.bits[0]?.toggles).toBe(2 * manifest.cyclesPerFrame);
    expect(m.toggles).toBeGreaterThan(0);
    // potgen's netlist simulator, from the same netlist, counts exactly what the Verilator VCD holds.
    const netsim = await measureActivity(design, { cache: false });
    expect(netsim.cellActivity).toEqual(m.cellActivity);
    expect(netsim.synthesis.cells).toEqual(m.synthesis.cells);
  }, 600_000);

  it('runs the uniform netlist (DSP48E2 slices) bit-exactly, as Verilator does, then serves a second run from the cache', async () => {
    const design = designs['uniform:4']!;
    const first = await measureActivity(design);
    expect(first.cached).toBe(false);
    expect(first.synthesis.dsp).toBeGreaterThan(0);
    expect(first.cellActivity.total.dsp.cells).toBe(first.synthesis.dsp);
    expect(first.cellActivity.dspPortToggles).toBeGreaterThan(0);
    // netsim's DSP48E2 model and the Verilog one under Verilator agree on every toggle.
    const verilator = await measureActivity(design, { cache: false, simulator: 'verilator' });
    expect(verilator.cellActivity).toEqual(first.cellActivity);
    const started = performance.now();
    const second = await measureActivity(design);
    expect(second.cached).toBe(true);
    expect((performance.now() - started) / 1000).toBeLessThan(10);
    expect(second.cellActivity).toEqual(first.cellActivity);
    expect(second.synthesis).toEqual(first.synthesis);
  }, 600_000);

  it('misses the cache when an RTL file or an option changes', async () => {
    const design = designs['uniform:4']!;
    const manifest = readManifest(design);
    const before = await activityCacheKey(design, {});
    expect(await activityCacheKey(design, {})).toBe(before);
    expect(await activityCacheKey(design, { frame: 1 })).not.toBe(before);
    appendFileSync(path.join(design, manifest.rtl[0]!), '// changed\n');
    expect(await activityCacheKey(design, {})).not.toBe(before);
  }, 60_000);
});
