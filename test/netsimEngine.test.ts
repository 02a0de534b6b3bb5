// The netlist simulator's engine on hand netlists whose values and toggle counts are known by hand.
import { describe, expect, it } from 'vitest';
import { cellActivity } from '../generator/energy/attribute.ts';
import { NetsimError } from '../generator/energy/netsim/blockModel.ts';
import { NetlistSimulator } from '../generator/energy/netsim/engine.ts';
import { flattenNetlist, NET_0, NET_1 } from '../generator/energy/netsim/flatten.ts';
import type { Activity, SignalActivity } from '../generator/energy/vcd.ts';
import type { YosysBit, YosysCell, YosysJson } from '../generator/energy/yosysJson.ts';

const IN = 'input' as const;
const OUT = 'output' as const;

/** A primitive with its port directions. */
function cell(type: string, inputs: Record<string, YosysBit[]>, outputs: Record<string, YosysBit[]>, parameters: Record<string, string> = {}): YosysCell {
  const port_directions: Record<string, 'input' | 'output'> = {};
  for (const p of Object.keys(inputs)) port_directions[p] = IN;
  for (const p of Object.keys(outputs)) port_directions[p] = OUT;
  return { type, parameters, port_directions, connections: { ...inputs, ...outputs } };
}

/**
 * A 2-bit counter with synchronous reset: u_core holds INV (d0 = ~q0), LUT2 xor (d1 = q0 ^ q1)
 * and two FDREs; the top holds a LUT2 and (both = q0 & q1). The same netlist as the Verilator
 * check of cellActivity (energyVerilator.slow.test.ts), so the counts are the same.
 */
const COUNTER: YosysJson = {
  modules: {
    cnt2_core: {
      ports: { clk: { direction: IN, bits: [10] }, rst: { direction: IN, bits: [11] }, q: { direction: OUT, bits: [12, 13] } },
      cells: {
        inv0: cell('INV', { I: [12] }, { O: [14] }),
        lut_d1: cell('LUT2', { I0: [12], I1: [13] }, { O: [15] }, { INIT: '0110' }),
        ff0: cell('FDRE', { C: [10], CE: ['1'], R: [11], D: [14] }, { Q: [12] }),
        ff1: cell('FDRE', { C: [10], CE: ['1'], R: [11], D: [15] }, { Q: [13] }),
      },
      netnames: { clk: { bits: [10] }, rst: { bits: [11] }, q: { bits: [12, 13] }, d0: { bits: [14] }, d1: { bits: [15] } },
    },
    cnt2: {
      ports: { clk: { direction: IN, bits: [2] }, rst: { direction: IN, bits: [3] }, q: { direction: OUT, bits: [4, 5] }, both: { direction: OUT, bits: [6] } },
      cells: {
        u_core: { type: 'cnt2_core', connections: { clk: [2], rst: [3], q: [4, 5] } },
        and: cell('LUT2', { I0: [4], I1: [5] }, { O: [6] }, { INIT: '1000' }),
      },
      netnames: { clk: { bits: [2] }, rst: { bits: [3] }, q: { bits: [4, 5] }, both: { bits: [6] } },
    },
  },
};

describe('flattenNetlist', () => {
  it('joins a net across module ports and keeps each instance scope and its net names', () => {
    const flat = flattenNetlist(COUNTER, 'cnt2', ['TOP', 'dut']);
    expect(flat.cells.map((c) => c.type).sort()).toEqual(['FDRE', 'FDRE', 'INV', 'LUT2', 'LUT2']);
    const q = flat.ports.q!.nets;
    const core = flat.scopes.find((s) => s.path.join('.') === 'TOP.dut.u_core')!;
    expect([...core.names.find((n) => n.name === 'q')!.nets]).toEqual([...q]);
    // 2 constants + clk, rst, q0, q1, both, d0, d1.
    expect(flat.netCount).toBe(9);
  });

  it('ties an input port fed a constant to that constant, and gives an unconnected output a net of its own', () => {
    const json: YosysJson = {
      modules: {
        leaf: {
          ports: { a: { direction: IN, bits: [2] }, y: { direction: OUT, bits: [3] } },
          cells: { buf: cell('LUT1', { I0: [2] }, { O: [3] }, { INIT: '10' }) },
          netnames: { a: { bits: [2] }, y: { bits: [3] } },
        },
        top: { ports: {}, cells: { u: { type: 'leaf', connections: { a: ['1'], y: ['x'] } } }, netnames: {} },
      },
    };
    const flat = flattenNetlist(json, 'top', ['t']);
    expect(flat.cells[0]!.ports.I0![0]).toBe(NET_1);
    expect(flat.cells[0]!.ports.O![0]).toBeGreaterThan(NET_1);
  });
});

describe('NetlistSimulator', () => {
  it('counts a 2-bit counter: every toggle and every edge at 1, by hand', () => {
    const flat = flattenNetlist(COUNTER, 'cnt2', ['TOP', 'dut']);
    const sim = new NetlistSimulator(flat, {});
    const rst = flat.ports.rst!.nets[0]!;
    const [q0, q1] = flat.ports.q!.nets;
    const both = flat.ports.both!.nets[0]!;
    sim.set(rst, 1);
    sim.clock(() => sim.set(rst, 0)); // edge 1: reset, q = 0
    expect([sim.values[q0!], sim.values[q1!]]).toEqual([0, 0]);
    sim.startCounting();
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      sim.clock(() => {});
      seen.push(sim.values[q0!]! + 2 * sim.values[q1!]!);
    }
    sim.stopCounting();
    expect(seen).toEqual([1, 2, 3, 0, 1, 2, 3, 0]);
    // q0 toggles every edge, q1 every other, both (= q0 & q1) rises at 3 and falls at 0, twice.
    expect(sim.toggles[q0!]).toBe(8);
    expect(sim.toggles[q1!]).toBe(4);
    expect(sim.toggles[both]).toBe(4);
    // q0 is 1 after edges 1, 3, 5, 7 of the window, for one edge each; q1 after 2-3 and 6-7.
    expect(sim.highEdges[q0!]).toBe(4);
    expect(sim.highEdges[q1!]).toBe(4);
    expect(sim.highEdges[both]).toBe(2);
    expect(sim.toggles[rst]).toBe(0);
  });

  it('feeds attribution the same counts the Verilator VCD of this netlist gives', () => {
    const flat = flattenNetlist(COUNTER, 'cnt2', ['TOP', 'tb', 'dut']);
    const sim = new NetlistSimulator(flat, {});
    const rst = flat.ports.rst!.nets[0]!;
    sim.set(rst, 1);
    sim.clock(() => sim.set(rst, 0));
    sim.startCounting();
    for (let i = 0; i < 8; i++) sim.clock(() => {});
    sim.stopCounting();
    const signals: SignalActivity[] = flat.scopes.flatMap((s) =>
      s.names.map(({ name, nets }) => ({
        name: [...s.path, name].join('.'),
        width: nets.length,
        scope: s.path,
        ref: name,
        bits: Array.from(nets, (n) => ({ toggles: sim.toggles[n]!, t1: sim.highEdges[n]! * 10, t0: 80 - sim.highEdges[n]! * 10, tx: 0 })),
      })),
    );
    const activity: Activity = { secondsPerUnit: 1e-9, start: 0, end: 80, signals };
    const a = cellActivity(COUNTER, 'cnt2', activity, 'TOP.tb.dut', 10);
    // As in energyVerilator.slow.test.ts: q0 8 toggles to 4 sinks, q1 4 to 3; d0 8, d1 4, both 4.
    expect(a.total.ff).toEqual({ cells: 2, outputToggles: 12, fanoutToggles: 8 * 4 + 4 * 3 });
    expect(a.total.lut1).toEqual({ cells: 1, outputToggles: 8, fanoutToggles: 8 });
    expect(a.total.lut2).toEqual({ cells: 2, outputToggles: 8, fanoutToggles: 8 });
  });

  it('adds on a CARRY4 chain, reads and writes LUTRAM, and shifts an SRL16E as cells_sim.v does', () => {
    // sum = a + b over 4 bits: S = a ^ b (LUTs folded away: S and DI are the ports), DI = a.
    const a = [2, 3, 4, 5];
    const b = [6, 7, 8, 9];
    const s = [10, 11, 12, 13];
    const json: YosysJson = {
      modules: {
        top: {
          ports: {
            a: { direction: IN, bits: a }, b: { direction: IN, bits: b }, sum: { direction: OUT, bits: [20, 21, 22, 23] }, co: { direction: OUT, bits: [24, 25, 26, 27] },
            we: { direction: IN, bits: [30] }, d: { direction: IN, bits: [31] }, addr: { direction: IN, bits: [32, 33, 34, 35, 36] }, ra: { direction: IN, bits: [37, 38, 39, 40, 41] },
            spo: { direction: OUT, bits: [42] }, dpo: { direction: OUT, bits: [43] }, srl: { direction: OUT, bits: [44] },
          },
          cells: {
            ...Object.fromEntries(s.map((bit, i) => [`x${i}`, cell('LUT2', { I0: [a[i]!], I1: [b[i]!] }, { O: [bit] }, { INIT: '0110' })])),
            carry: cell('CARRY4', { CI: ['0'], CYINIT: ['0'], DI: a, S: s }, { O: [20, 21, 22, 23], CO: [24, 25, 26, 27] }),
            ram: cell(
              'RAM32X1D',
              { WCLK: [50], WE: [30], D: [31], A0: [32], A1: [33], A2: [34], A3: [35], A4: [36], DPRA0: [37], DPRA1: [38], DPRA2: [39], DPRA3: [40], DPRA4: [41] },
              { SPO: [42], DPO: [43] },
              { INIT: '00000000000000000000000000000100' },
            ),
            shift: cell('SRL16E', { CLK: [50], CE: ['1'], D: [31], A0: ['1'], A1: ['0'], A2: ['0'], A3: ['0'] }, { Q: [44] }),
          },
          netnames: {},
        },
      },
    };
    const flat = flattenNetlist(json, 'top', ['t']);
    const sim = new NetlistSimulator(flat, {});
    const drive = (port: string, value: number): void => flat.ports[port]!.nets.forEach((n, i) => sim.set(n, (value >> i) & 1));
    const read = (port: string): number => flat.ports[port]!.nets.reduce((x, n, i) => x | (sim.values[n]! << i), 0);
    for (const [x, y] of [[3, 5], [9, 9], [15, 1], [0, 0], [7, 8]] as const) {
      sim.clock(() => {
        drive('a', x);
        drive('b', y);
      });
      expect(read('sum')).toBe((x + y) & 15);
      expect(read('co') >> 3).toBe((x + y) >> 4);
    }
    // LUTRAM: INIT has bit 2 set; write 1 at 5, read it on both ports; address 2 reads the INIT.
    sim.clock(() => {
      drive('addr', 2);
      drive('ra', 2);
    });
    expect([read('spo'), read('dpo')]).toEqual([1, 1]);
    sim.clock(() => {
      drive('addr', 5);
      drive('d', 1);
      drive('we', 1);
    });
    expect(read('spo')).toBe(0); // the write happens at the next edge
    sim.clock(() => drive('we', 0));
    expect(read('spo')).toBe(1);
    sim.clock(() => drive('ra', 5));
    expect(read('dpo')).toBe(1);
    // SRL16E at address 1 shows the D sampled two edges back: d has been 1 for three edges, then
    // falls; the 0 is sampled at the next edge (stage 0) and reaches stage 1 one edge later.
    sim.clock(() => drive('d', 0));
    expect(read('srl')).toBe(1);
    sim.clock(() => {});
    expect(read('srl')).toBe(1);
    sim.clock(() => {});
    expect(read('srl')).toBe(0);
  });

  it('refuses a combinational loop and a primitive it has no model of', () => {
    const loop: YosysJson = {
      modules: { top: { ports: {}, cells: { a: cell('INV', { I: [2] }, { O: [3] }), b: cell('INV', { I: [3] }, { O: [2] }) }, netnames: {} } },
    };
    expect(() => new NetlistSimulator(flattenNetlist(loop, 'top', ['t']), {})).toThrow(NetsimError);
    expect(() => new NetlistSimulator(flattenNetlist(loop, 'top', ['t']), {})).toThrow(/combinational loop/);
    const unknown: YosysJson = { modules: { top: { ports: {}, cells: { u: cell('URAM288', { CLK: [2] }, { DOUT_A: [3] }) }, netnames: {} } } };
    expect(() => new NetlistSimulator(flattenNetlist(unknown, 'top', ['t']), {})).toThrow(/no model of URAM288/);
    expect(NET_0).toBe(0);
  });
});
