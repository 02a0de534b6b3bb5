/**
 * The energy instrument on VCDs that Verilator writes (Verilator must be installed: a missing
 * simulator fails these tests): a 3-bit counter in RTL for the VCD reader, and a 2-bit counter
 * built by hand from Xilinx primitives, simulated with Yosys's cells_sim.v, for the attribution
 * of toggles to cell classes. Every expected number is counted by hand in the comments.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellActivity } from '../generator/energy/attribute.ts';
import { readVcdActivity, type Activity, type SignalActivity } from '../generator/energy/vcd.ts';
import type { YosysJson } from '../generator/energy/yosysJson.ts';
import { runTool } from '../generator/run/tools.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-energy-verilator-'));
const bit = (toggles: number, t0: number, t1: number, tx: number) => ({ toggles, t0, t1, tx });

function signal(a: Activity, name: string): SignalActivity {
  const s = a.signals.find((x) => x.name === name);
  if (!s) throw new Error(`no signal ${name} in ${a.signals.map((x) => x.name).join(', ')}`);
  return s;
}

/** Builds `files` with `verilator --binary --trace` and runs the simulation in a fresh folder. */
async function simulate(files: Record<string, string>, extra: readonly string[] = []): Promise<string> {
  const work = mkdtempSync(path.join(dir, 'sim-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(work, name), text);
  const build = await runTool('verilator', ['--binary', '--trace', ...extra, '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', 'tb', ...Object.keys(files), '-Mdir', 'obj'], work);
  expect(build.status, build.stderr).toBe(0);
  const run = await runTool(path.join(work, 'obj', 'Vtb'), [], work);
  expect(run.status, run.stderr).toBe(0);
  return work;
}

describe('readVcdActivity on a VCD written by Verilator', () => {
  it('counts the toggles of a 3-bit counter', async () => {
    const work = await simulate({
      'tb.sv': `\`timescale 1ns/1ns
module tb;
  reg clk = 0;
  reg [2:0] cnt = 0;
  always #5 clk = ~clk;
  always @(posedge clk) cnt <= cnt + 3'd1;
  initial begin
    $dumpfile("counter.vcd");
    $dumpvars(0, tb);
    #100 $finish;
  end
endmodule
`,
    });
    // Posedges at 5, 15, ..., 85: in (5, 85] the counter steps 8 times, 1 -> 9 (mod 8).
    const a = await readVcdActivity(path.join(work, 'counter.vcd'), { start: 5, end: 85, scope: 'TOP.tb' });
    expect(a.secondsPerUnit).toBe(1e-9);
    expect(signal(a, 'TOP.tb.clk').bits).toEqual([bit(16, 40, 40, 0)]);
    const cnt = signal(a, 'TOP.tb.cnt');
    expect(cnt.bits.map((b) => b.toggles)).toEqual([8, 4, 2]);
    // Bit 0 is high while the count is 1, 3, 5 or 7: 4 periods of 10 ns.
    expect(cnt.bits[0]).toEqual(bit(8, 40, 40, 0));
    expect(cnt.bits[2]).toEqual(bit(2, 40, 40, 0));
  });
});

/**
 * A 2-bit counter in primitives: u_core holds INV (d0 = ~q0), LUT2 xor (d1 = q0 ^ q1) and two
 * FDREs; the top holds a LUT2 and (both = q0 & q1) under a private Yosys name, which
 * write_verilog calls `_0_`. The cell models are simulated untraced, as runGateLevel does, so every
 * output is read from the net it drives.
 */
const NETLIST_V = `module cnt2_core(input clk, input rst, output [1:0] q);
  wire d0, d1;
  INV inv0 (.I(q[0]), .O(d0));
  LUT2 #(.INIT(4'h6)) lut_d1 (.I0(q[0]), .I1(q[1]), .O(d1));
  FDRE #(.INIT(1'b0)) ff0 (.C(clk), .CE(1'b1), .R(rst), .D(d0), .Q(q[0]));
  FDRE #(.INIT(1'b0)) ff1 (.C(clk), .CE(1'b1), .R(rst), .D(d1), .Q(q[1]));
endmodule
module cnt2(input clk, input rst, output [1:0] q, output both);
  cnt2_core u_core (.clk(clk), .rst(rst), .q(q));
  LUT2 #(.INIT(4'h8)) _0_ (.I0(q[0]), .I1(q[1]), .O(both));
endmodule
`;

const IN = 'input' as const;
const OUT = 'output' as const;
const NETLIST_JSON: YosysJson = {
  modules: {
    cnt2_core: {
      ports: { clk: { direction: IN, bits: [10] }, rst: { direction: IN, bits: [11] }, q: { direction: OUT, bits: [12, 13] } },
      cells: {
        inv0: { type: 'INV', port_directions: { I: IN, O: OUT }, connections: { I: [12], O: [14] } },
        lut_d1: { type: 'LUT2', parameters: { INIT: '0110' }, port_directions: { I0: IN, I1: IN, O: OUT }, connections: { I0: [12], I1: [13], O: [15] } },
        ff0: { type: 'FDRE', port_directions: { C: IN, CE: IN, R: IN, D: IN, Q: OUT }, connections: { C: [10], CE: ['1'], R: [11], D: [14], Q: [12] } },
        ff1: { type: 'FDRE', port_directions: { C: IN, CE: IN, R: IN, D: IN, Q: OUT }, connections: { C: [10], CE: ['1'], R: [11], D: [15], Q: [13] } },
      },
      netnames: { clk: { bits: [10] }, rst: { bits: [11] }, q: { bits: [12, 13] }, d0: { bits: [14] }, d1: { bits: [15] } },
    },
    cnt2: {
      ports: { clk: { direction: IN, bits: [2] }, rst: { direction: IN, bits: [3] }, q: { direction: OUT, bits: [4, 5] }, both: { direction: OUT, bits: [6] } },
      cells: {
        u_core: { type: 'cnt2_core', connections: { clk: [2], rst: [3], q: [4, 5] } },
        '$abc$7$and': { hide_name: 1, type: 'LUT2', parameters: { INIT: '1000' }, port_directions: { I0: IN, I1: IN, O: OUT }, connections: { I0: [4], I1: [5], O: [6] } },
      },
      netnames: { clk: { bits: [2] }, rst: { bits: [3] }, q: { bits: [4, 5] }, both: { bits: [6] } },
    },
  },
};

const TB = `\`timescale 1ns/1ns
module tb;
  reg clk = 0, rst = 1;
  wire [1:0] q;
  wire both;
  cnt2 dut (.clk(clk), .rst(rst), .q(q), .both(both));
  always #5 clk = ~clk;
  initial begin
    $dumpfile("cnt2.vcd");
    $dumpvars(0, tb);
    #12 rst = 0;
    #88 $finish;
  end
endmodule
`;

describe('cellActivity on a hand netlist of Xilinx primitives', () => {
  it('groups the toggles by cell class with hand-counted fanouts', async () => {
    const cellsSim = path.join(path.dirname(createRequire(import.meta.url).resolve('@yowasp/yosys')), '..', 'gen', 'share', 'xilinx', 'cells_sim.v');
    const cells = readFileSync(cellsSim, 'utf8');
    const work = await simulate({ 'tb.sv': TB, 'netlist.v': NETLIST_V, 'cells_sim.v': `/*verilator tracing_off*/\n${cells}` });
    const activity = await readVcdActivity(path.join(work, 'cnt2.vcd'), { start: 15, end: 95, scope: 'TOP.tb.dut' });
    // Only the netlist's own nets are traced: no scope below the two netlist modules.
    expect(new Set(activity.signals.map((x) => x.scope.join('.')))).toEqual(new Set(['TOP.tb.dut', 'TOP.tb.dut.u_core']));
    const a = cellActivity(NETLIST_JSON, 'cnt2', activity, 'TOP.tb.dut', 10);
    // Reset ends at 12; the posedge at 15 makes q = 1, then the 8 posedges 25..95 step q through
    // 2 3 0 1 2 3 0 1. q0 toggles 8 times, q1 4 times; d0 = ~q0 8 times; d1 = q0 ^ q1 4 times;
    // both = q0 & q1 4 times. Sinks: q0 -> inv0, lut_d1, the and, top port q[0] = 4;
    // q1 -> lut_d1, the and, top port q[1] = 3; d0, d1 -> one D pin each; both -> top port = 1.
    expect(a.cycles).toBe(8);
    expect(a.total.ff).toEqual({ cells: 2, outputToggles: 12, fanoutToggles: 8 * 4 + 4 * 3 });
    expect(a.total.lut1).toEqual({ cells: 1, outputToggles: 8, fanoutToggles: 8 });
    expect(a.total.lut2).toEqual({ cells: 2, outputToggles: 8, fanoutToggles: 8 });
    expect(a.total.lut6).toEqual({ cells: 0, outputToggles: 0, fanoutToggles: 0 });
    expect(Object.keys(a.byInstance).sort()).toEqual(['(top)', 'u_core']);
    expect(a.byInstance['(top)']?.lut2).toEqual({ cells: 1, outputToggles: 4, fanoutToggles: 4 });
    expect(a.byInstance.u_core?.lut2).toEqual({ cells: 1, outputToggles: 4, fanoutToggles: 4 });
    expect(a.byInstance.u_core?.ff).toEqual(a.total.ff);
    expect([a.dspPortToggles, a.bramReadCycles, a.unreadOutputBits]).toEqual([0, 0, 0]);

    // The same netlist with the cell models traced gives the same counts (cell scopes are only a fallback).
    const full = await simulate({ 'tb.sv': TB, 'netlist.v': NETLIST_V, 'cells_sim.v': cells });
    const fullActivity = await readVcdActivity(path.join(full, 'cnt2.vcd'), { start: 15, end: 95, scope: 'TOP.tb.dut' });
    expect(cellActivity(NETLIST_JSON, 'cnt2', fullActivity, 'TOP.tb.dut', 10)).toEqual(a);

    // An output that drives logic but is traced nowhere is an error, not a silent zero: ghost's
    // O (bit 7, no net name) feeds sink's I0. sink's own O drives nothing: left out and counted.
    const extra: YosysJson = {
      modules: {
        ...NETLIST_JSON.modules,
        cnt2: {
          ...NETLIST_JSON.modules.cnt2,
          cells: {
            ...NETLIST_JSON.modules.cnt2?.cells,
            ghost: { type: 'LUT1', port_directions: { I0: IN, O: OUT }, connections: { I0: [4], O: [7] } },
            sink: { type: 'LUT1', port_directions: { I0: IN, O: OUT }, connections: { I0: [7], O: [8] } },
          },
        },
      },
    };
    expect(() => cellActivity(extra, 'cnt2', activity, 'TOP.tb.dut', 10)).toThrow(/^1 primitive connection bit\(s\) of the netlist that drive logic have no traced net in the VCD, for example TOP\.tb\.dut: LUT1 'ghost' O\[0\]\./);
    const lenient = cellActivity(extra, 'cnt2', activity, 'TOP.tb.dut', 10, { allowUnmatched: true });
    expect(lenient.total.lut1).toEqual({ cells: 3, outputToggles: 8, fanoutToggles: 8 });
    expect(lenient.unreadOutputBits).toBe(1);
  });
});
