import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PotgenError } from '../../generator/core/errors.ts';
import type { SynthesisReport } from '../../generator/run/yosys.ts';
import {
  fmax,
  parseHierarchicalUtilization,
  parsePower,
  parseTimingSummary,
  parseUtilization,
  vivadoSummaryTable,
  type YosysEstimate,
} from '../../generator/vivado/reports.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'vivado');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Expects `run` to throw a PotgenError whose message names `file` and matches `message`. */
function refuses(run: () => unknown, file: string, message: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PotgenError);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message).toMatch(message);
}

/** The text up to (not including) the first line that contains `marker`. */
const cutBefore = (text: string, marker: string): string => text.slice(0, text.lastIndexOf('\n', text.indexOf(marker)) + 1);

describe('parseUtilization', () => {
  it('reads a routed 2023.2 report (with the Prohibited column)', () => {
    expect(parseUtilization(fixture('utilization.rpt'), 'utilization.rpt')).toEqual({
      luts: 1187,
      lutLogic: 1119,
      lutMemory: 68,
      lutDistributedRam: 48,
      lutShiftRegister: 20,
      registers: 1543,
      flipFlops: 1543,
      latches: 0,
      carry8: 97,
      bram36Tiles: 1.5,
      ramb36: 1,
      ramb18: 1,
      uram: 0,
      dsp: 0,
      available: { luts: 230400, lutMemory: 101760, registers: 460800, carry8: 28800, bram36Tiles: 312, uram: 96, dsp: 1728 },
    });
  });

  it('reads a synthesised 2019.2 report (no Prohibited column, "CLB LUTs*")', () => {
    expect(parseUtilization(fixture('utilization_2019.rpt'), 'utilization_2019.rpt')).toEqual({
      luts: 1472,
      lutLogic: 1436,
      lutMemory: 36,
      lutDistributedRam: 32,
      lutShiftRegister: 4,
      registers: 1610,
      flipFlops: 1610,
      latches: 0,
      carry8: 121,
      bram36Tiles: 0.5,
      ramb36: 0,
      ramb18: 1,
      uram: 0,
      dsp: 8,
      available: { luts: 230400, lutMemory: 101760, registers: 460800, carry8: 28800, bram36Tiles: 312, uram: 96, dsp: 1728 },
    });
  });

  it('reads the CLB Logic table, not the CLB Logic Distribution table that repeats its row names', () => {
    const text = fixture('utilization.rpt');
    const distribution = text.indexOf('2. CLB Logic Distribution\n---');
    expect(distribution).toBeGreaterThan(0);
    const changed = text.slice(0, distribution) + text.slice(distribution).replace('| LUT as Logic                               | 1119 |', '| LUT as Logic                               | 9999 |');
    expect(changed).not.toBe(text);
    expect(parseUtilization(changed, 'utilization.rpt').lutLogic).toBe(1119);
  });

  it('finds the columns by name, wherever they are', () => {
    // Swap Used and Fixed in the ARITHMETIC table's header and row.
    const text = fixture('utilization_2019.rpt')
      .replace('|    Site Type   | Used | Fixed | Available | Util% |', '|    Site Type   | Fixed | Used | Available | Util% |')
      .replace('| DSPs           |    8 |     0 |', '| DSPs           |     0 |    8 |');
    expect(text).toContain('| Fixed | Used |');
    expect(text).toContain('| DSPs           |     0 |    8 |');
    expect(parseUtilization(text, 'u.rpt').dsp).toBe(8);
  });

  it('reads a part without UltraRAM (no URAM row) as 0 URAM', () => {
    const text = fixture('utilization.rpt').replace(/^\| URAM .*\n/m, '');
    const u = parseUtilization(text, 'utilization.rpt');
    expect(u.uram).toBe(0);
    expect(u.available.uram).toBe(0);
  });

  it('refuses an empty, garbage or truncated report, naming the file', () => {
    refuses(() => parseUtilization('', 'utilization.rpt'), 'utilization.rpt', /is empty/);
    refuses(() => parseUtilization('ERROR: [Common 17-69] Command failed: no open design\n', 'utilization.rpt'), 'utilization.rpt', /no "CLB Logic" table/);
    const text = fixture('utilization.rpt');
    refuses(() => parseUtilization(cutBefore(text, '3. BLOCKRAM\n---'), 'utilization.rpt'), 'utilization.rpt', /no "BLOCKRAM" table/);
    refuses(() => parseUtilization(cutBefore(text, '4. ARITHMETIC\n---'), 'utilization.rpt'), 'utilization.rpt', /no "ARITHMETIC" table/);
    refuses(() => parseUtilization(text.replace(/^\| CARRY8 .*\n/m, ''), 'utilization.rpt'), 'utilization.rpt', /"CLB Logic" table has no "CARRY8" row/);
  });

  it('refuses a missing column or a value that is not a number', () => {
    const text = fixture('utilization.rpt');
    refuses(
      () => parseUtilization(text.replace('|          Site Type         | Used |', '|          Site Type         | Usd  |'), 'utilization.rpt'),
      'utilization.rpt',
      /"CLB Logic" table has no "Used" column \(its columns are Site Type, Usd, Fixed, Prohibited, Available, Util%\)/,
    );
    refuses(
      () => parseUtilization(text.replace('| DSPs      |    0 |', '| DSPs      |    ? |'), 'utilization.rpt'),
      'utilization.rpt',
      /"DSPs" in the "ARITHMETIC" table has "\?" as its Used value, not a number/,
    );
  });
});

describe('parseHierarchicalUtilization', () => {
  const row = (depth: number, instance: string, module: string, counts: readonly number[]) => {
    const [luts, logicLuts, lutrams, srls, ffs, ramb36, ramb18, uram, dsp] = counts;
    return { instance, module, depth, luts, logicLuts, lutrams, srls, ffs, ramb36, ramb18, uram, dsp };
  };

  it('reads every instance with its depth, module and counts', () => {
    expect(parseHierarchicalUtilization(fixture('utilization_hier.rpt'), 'utilization_hier.rpt')).toEqual([
      row(0, 'conv3x3_top', '(top)', [1187, 1119, 48, 20, 1543, 1, 1, 0, 0]),
      row(1, 'u_conv1', 'conv3x3_conv1', [1187, 1119, 48, 20, 1543, 1, 1, 0, 0]),
      row(2, 'u_bias', 'conv3x3_conv1_bias', [6, 6, 0, 0, 0, 0, 0, 0, 0]),
      row(2, 'u_layer', 'potgen_conv_layer', [1143, 1075, 48, 20, 1543, 1, 1, 0, 0]),
      row(3, '(u_layer)', 'potgen_conv_layer', [121, 117, 0, 4, 186, 0, 0, 0, 0]),
      row(3, 'u_dot', 'potgen_dot_array', [702, 702, 0, 0, 1004, 0, 0, 0, 0]),
      row(4, '(u_dot)', 'potgen_dot_array', [94, 94, 0, 0, 468, 0, 0, 0, 0]),
      row(4, '\\g_pe[0].u_tree', 'potgen_adder_tree', [152, 152, 0, 0, 134, 0, 0, 0, 0]),
      row(4, '\\g_pe[1].u_tree', 'potgen_adder_tree_0', [152, 152, 0, 0, 134, 0, 0, 0, 0]),
      row(4, '\\g_pe[2].u_tree', 'potgen_adder_tree_1', [152, 152, 0, 0, 134, 0, 0, 0, 0]),
      row(4, '\\g_pe[3].u_tree', 'potgen_adder_tree_2', [152, 152, 0, 0, 134, 0, 0, 0, 0]),
      row(3, 'u_out', 'potgen_axis_fifo', [52, 4, 48, 0, 36, 0, 0, 0, 0]),
      row(3, 'u_window', 'potgen_window', [268, 252, 0, 16, 317, 1, 1, 0, 0]),
      row(2, 'u_weights', 'conv3x3_conv1_weights', [38, 38, 0, 0, 0, 0, 0, 0, 0]),
    ]);
  });

  it('agrees with the flat report of the same run at the top', () => {
    const [top] = parseHierarchicalUtilization(fixture('utilization_hier.rpt'), 'utilization_hier.rpt');
    const flat = parseUtilization(fixture('utilization.rpt'), 'utilization.rpt');
    expect(top).toMatchObject({ luts: flat.luts, logicLuts: flat.lutLogic, lutrams: flat.lutDistributedRam, srls: flat.lutShiftRegister, ffs: flat.flipFlops, dsp: flat.dsp });
  });

  it('reads an older layout (no URAM column, "DSP48 Blocks") with the missing counts as 0', () => {
    const text = [
      '1. Utilization by Hierarchy',
      '---------------------------',
      '',
      '+--------------+--------+------------+------------+---------+------+------+--------+--------+--------------+',
      '|   Instance   | Module | Total LUTs | Logic LUTs | LUTRAMs | SRLs |  FFs | RAMB36 | RAMB18 | DSP48 Blocks |',
      '+--------------+--------+------------+------------+---------+------+------+--------+--------+--------------+',
      '| conv3x3_top  |  (top) |       1472 |       1436 |      32 |    4 | 1610 |      0 |      1 |            8 |',
      '|   (conv3x3_top) |  (top) |         12 |         12 |       0 |    0 |    0 |      0 |      0 |            0 |',
      '+--------------+--------+------------+------------+---------+------+------+--------+--------+--------------+',
    ].join('\n');
    expect(parseHierarchicalUtilization(text, 'h.rpt')).toEqual([
      row(0, 'conv3x3_top', '(top)', [1472, 1436, 32, 4, 1610, 0, 1, 0, 8]),
      row(1, '(conv3x3_top)', '(top)', [12, 12, 0, 0, 0, 0, 0, 0, 0]),
    ]);
  });

  it('refuses a report without the table, without the FFs column, without rows or with a cut row', () => {
    const text = fixture('utilization_hier.rpt');
    refuses(() => parseHierarchicalUtilization('', 'utilization_hier.rpt'), 'utilization_hier.rpt', /is empty/);
    refuses(() => parseHierarchicalUtilization(fixture('utilization.rpt'), 'utilization_hier.rpt'), 'utilization_hier.rpt', /no hierarchical utilization table/);
    refuses(() => parseHierarchicalUtilization(text.replace('|  FFs |', '|  FDs |'), 'utilization_hier.rpt'), 'utilization_hier.rpt', /no "FFs" column/);
    refuses(() => parseHierarchicalUtilization(cutBefore(text, '| conv3x3_top '), 'utilization_hier.rpt'), 'utilization_hier.rpt', /table has no rows/);
    const cut = text.slice(0, text.indexOf('| 1543 |', text.indexOf('|   u_conv1')));
    refuses(() => parseHierarchicalUtilization(cut, 'utilization_hier.rpt'), 'utilization_hier.rpt', /instance u_conv1 has no FFs value, not a number \(line \d+\)/);
  });
});

describe('parseTimingSummary', () => {
  it('reads a met summary of one clock', () => {
    expect(parseTimingSummary(fixture('timing_summary.rpt'), 'timing_summary.rpt')).toEqual({
      wnsNs: 0.412,
      tnsNs: 0,
      failingEndpoints: 0,
      totalEndpoints: 3977,
      whsNs: 0.021,
      thsNs: 0,
      met: true,
      constrained: true,
      clocks: [{ name: 'aclk', periodNs: 4, frequencyMhz: 250, wnsNs: 0.412, whsNs: 0.021 }],
    });
  });

  it('reads a failing summary of two clocks with each clock’s own slack', () => {
    expect(parseTimingSummary(fixture('timing_summary_failing.rpt'), 'timing_summary_failing.rpt')).toEqual({
      wnsNs: -0.318,
      tnsNs: -27.604,
      failingEndpoints: 212,
      totalEndpoints: 58231,
      whsNs: 0.01,
      thsNs: 0,
      met: false,
      constrained: true,
      clocks: [
        { name: 'clk_pl_0', periodNs: 3.333, frequencyMhz: 300.03, wnsNs: -0.318, whsNs: 0.01 },
        { name: 'clk_pl_1', periodNs: 10, frequencyMhz: 100, wnsNs: 4.871, whsNs: 0.012 },
      ],
    });
  });

  it('reads an unconstrained design: WNS and WHS inf, no clocks', () => {
    expect(parseTimingSummary(fixture('timing_summary_unconstrained.rpt'), 'timing_summary.rpt')).toEqual({
      wnsNs: Infinity,
      tnsNs: 0,
      failingEndpoints: 0,
      totalEndpoints: 3977,
      whsNs: Infinity,
      thsNs: 0,
      met: true,
      constrained: false,
      clocks: [],
    });
  });

  it('leaves out the slack of a clock whose Intra Clock Table cells are blank', () => {
    const text = fixture('timing_summary.rpt');
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('Clock ') && l.includes('WNS(ns)'))!;
    const aclk = lines.find((l) => /^aclk\s+0\.412/.test(l))!;
    const end = header.indexOf('THS Total Endpoints') + 'THS Total Endpoints'.length;
    const pulseOnly = 'vclk' + ' '.repeat(end - 4) + aclk.slice(end); // only the pulse-width columns filled
    const changed = text
      .replace(`${aclk}\n`, `${aclk}\n${pulseOnly}\n`)
      .replace(/^(aclk {3}\{0\.000 2\.000\}.*)$/m, '$1\nvclk   {0.000 5.000}        10.000          100.000');
    const t = parseTimingSummary(changed, 'timing_summary.rpt');
    expect(t.clocks).toEqual([
      { name: 'aclk', periodNs: 4, frequencyMhz: 250, wnsNs: 0.412, whsNs: 0.021 },
      { name: 'vclk', periodNs: 10, frequencyMhz: 100 },
    ]);
    expect(fmax(t)?.clock.name).toBe('aclk');
  });

  it('reads a generated clock, indented under its master', () => {
    const text = fixture('timing_summary_failing.rpt')
      .replace(/^clk_pl_1  \{/m, '  clk_div {')
      .replace(/^clk_pl_1 {6}/m, '  clk_div     ');
    expect(text.match(/^ {2}clk_div /gm)).toHaveLength(2);
    expect(parseTimingSummary(text, 'timing_summary_failing.rpt').clocks[1]).toEqual({ name: 'clk_div', periodNs: 10, frequencyMhz: 100, wnsNs: 4.871, whsNs: 0.012 });
  });

  it('reads Windows line endings alike', () => {
    for (const [name, parse] of [
      ['utilization.rpt', parseUtilization],
      ['utilization_hier.rpt', parseHierarchicalUtilization],
      ['timing_summary_failing.rpt', parseTimingSummary],
      ['power_saif.rpt', parsePower],
    ] as const) {
      const text = fixture(name);
      expect(parse(text.replace(/\n/g, '\r\n'), name)).toEqual(parse(text, name));
    }
  });

  it('gives Fmax at the worst clock, or at a named one', () => {
    const met = parseTimingSummary(fixture('timing_summary.rpt'), 'timing_summary.rpt');
    expect(fmax(met)?.mhz).toBeCloseTo(1000 / (4 - 0.412), 9);
    const failing = parseTimingSummary(fixture('timing_summary_failing.rpt'), 'timing_summary_failing.rpt');
    expect(fmax(failing)).toMatchObject({ clock: { name: 'clk_pl_0' }, wnsNs: -0.318 });
    expect(fmax(failing)?.mhz).toBeCloseTo(1000 / 3.651, 9);
    expect(fmax(failing, 'clk_pl_1')?.mhz).toBeCloseTo(1000 / (10 - 4.871), 9);
    expect(fmax(failing, 'clk_nope')).toBeUndefined();
    expect(fmax(parseTimingSummary(fixture('timing_summary_unconstrained.rpt'), 't.rpt'))).toBeUndefined();
  });

  it('refuses a report without the summary, its values or Vivado’s verdict', () => {
    const text = fixture('timing_summary.rpt');
    refuses(() => parseTimingSummary('', 'timing_summary.rpt'), 'timing_summary.rpt', /is empty/);
    refuses(() => parseTimingSummary(fixture('power.rpt'), 'timing_summary.rpt'), 'timing_summary.rpt', /no "Design Timing Summary" section/);
    refuses(() => parseTimingSummary(cutBefore(text, '| Design Timing Summary'), 'timing_summary.rpt'), 'timing_summary.rpt', /no "Design Timing Summary" section/);
    // Cut right after the header line: no dashes and no values.
    const header = text.indexOf('    WNS(ns)');
    refuses(() => parseTimingSummary(text.slice(0, text.indexOf('\n', header) + 1), 'timing_summary.rpt'), 'timing_summary.rpt', /no "WNS\(ns\) TNS\(ns\) \.\.\." header with a line of values/);
    // Cut in the middle of the values line.
    const values = text.indexOf('      0.412');
    refuses(() => parseTimingSummary(text.slice(0, values + 40), 'timing_summary.rpt'), 'timing_summary.rpt', /has 12 columns but 2 values \("0\.412        0\.000"\)/);
    refuses(() => parseTimingSummary(text.replace('      0.412        0.000', '      ?.???        0.000'), 'timing_summary.rpt'), 'timing_summary.rpt', /WNS\(ns\) is "\?\.\?\?\?", not a number/);
    refuses(() => parseTimingSummary(text.replace('All user specified timing constraints are met.', ''), 'timing_summary.rpt'), 'timing_summary.rpt', /says neither/);
    refuses(() => parseTimingSummary(cutBefore(text, '| Clock Summary'), 'timing_summary.rpt'), 'timing_summary.rpt', /finite WNS \(0\.412 ns\) but no clock/);
    refuses(
      () => parseTimingSummary(text.replace('aclk   {0.000 2.000}        4.000', 'aclk   {0.000 2.000}        four '), 'timing_summary.rpt'),
      'timing_summary.rpt',
      /cannot read the Clock Summary line "aclk/,
    );
  });
});

describe('parsePower', () => {
  it('reads a vectorless report (confidence Low)', () => {
    expect(parsePower(fixture('power.rpt'), 'power.rpt')).toEqual({
      totalW: 0.693,
      dynamicW: 0.095,
      staticW: 0.598,
      confidence: 'Low',
      junctionC: 25.7,
      components: { Clocks: 0.021, 'CLB Logic': 0.024, Signals: 0.038, 'Block RAM': 0.012, DSPs: 0, 'Static Power': 0.598 },
      belowResolution: [],
    });
  });

  it('reads a board report with a SAIF (confidence Medium), a budget, PS8 and a "<0.001" component', () => {
    expect(parsePower(fixture('power_saif.rpt'), 'power_saif.rpt')).toEqual({
      totalW: 3.981,
      dynamicW: 3.312,
      staticW: 0.669,
      confidence: 'Medium',
      junctionC: 29,
      budgetW: 5,
      activityFile: 'conv3x3_top.saif',
      netsMatched: '71%   (41322/58201)',
      components: { Clocks: 0.092, 'CLB Logic': 0.061, Signals: 0.087, 'Block RAM': 0.035, DSPs: 0, PS8: 3.036, 'Static Power': 0.669 },
      belowResolution: ['DSPs'],
    });
  });

  it('has components that add up to the total, within the report’s rounding', () => {
    for (const name of ['power.rpt', 'power_saif.rpt']) {
      const p = parsePower(fixture(name), name);
      const dynamic = Object.entries(p.components).filter(([k]) => k !== 'Static Power').reduce((s, [, w]) => s + w, 0);
      expect(Math.abs(dynamic - p.dynamicW)).toBeLessThanOrEqual(0.002);
      expect(p.components['Static Power']).toBe(p.staticW);
      expect(p.dynamicW + p.staticW).toBeCloseTo(p.totalW, 9);
    }
  });

  it('reads a total with Vivado’s over-temperature note', () => {
    const text = fixture('power.rpt').replace('| Total On-Chip Power (W)  | 0.693        |', '| Total On-Chip Power (W)  | 0.693 (Junction temp exceeded!) |');
    expect(parsePower(text, 'power.rpt').totalW).toBe(0.693);
  });

  it('refuses a report without a Summary value or the On-Chip Components table', () => {
    const text = fixture('power.rpt');
    refuses(() => parsePower('', 'power.rpt'), 'power.rpt', /is empty/);
    refuses(() => parsePower(fixture('utilization.rpt'), 'power.rpt'), 'power.rpt', /no "Total On-Chip Power \(W\)" row in its Summary table/);
    refuses(() => parsePower(text.replace(/^\| Confidence Level .*\n/m, ''), 'power.rpt'), 'power.rpt', /no "Confidence Level" row/);
    refuses(() => parsePower(text.replace('| Dynamic (W)              | 0.095        |', '| Dynamic (W)              | n/a          |'), 'power.rpt'), 'power.rpt', /"Dynamic \(W\)" is "n\/a", not a number/);
    refuses(() => parsePower(cutBefore(text, '1.1 On-Chip Components\n---'), 'power.rpt'), 'power.rpt', /no "On-Chip Components" table/);
    refuses(() => parsePower(text.replace('| Signals                  |     0.038 |', '| Signals                  |     ????? |'), 'power.rpt'), 'power.rpt', /row "Signals" has "\?\?\?\?\?" as its power/);
  });
});

describe('vivadoSummaryTable', () => {
  const yosys: YosysEstimate = { luts: 1203, flipFlops: 1543, carry: 190, dsp: 0, bram: 1.5, lutram: 6, latches: 0 };
  const routed = {
    utilization: parseUtilization(fixture('utilization.rpt'), 'utilization.rpt'),
    timing: parseTimingSummary(fixture('timing_summary.rpt'), 'timing_summary.rpt'),
    power: parsePower(fixture('power.rpt'), 'power.rpt'),
  };

  it('puts Vivado beside the Yosys estimate, then timing and power', () => {
    expect(vivadoSummaryTable(routed, yosys).split('\n')).toEqual([
      'resource  Yosys estimate  Vivado  available',
      'LUT                 1203    1119     230400',
      'FF                  1543    1543     460800',
      'CARRY                190      97      28800',
      'DSP                    0       0       1728',
      'BRAM36               1.5     1.5        312',
      'LUTRAM                 6      48     101760',
      'latches                0       0',
      '(Yosys counts LUT cells, CARRY4 and distributed-RAM cells; Vivado LUT sites, CARRY8 and LUTs used as RAM.)',
      'timing met: WNS 0.412 ns, WHS 0.021 ns at aclk (4.000 ns, 250.000 MHz): Fmax ≈ 278.7 MHz',
      'power 0.693 W (dynamic 0.095 W, static 0.598 W), confidence Low, vectorless',
    ]);
  });

  it('prints Vivado alone when there is no Yosys estimate', () => {
    const u = parseUtilization(fixture('utilization_2019.rpt'), 'utilization_2019.rpt');
    expect(vivadoSummaryTable({ utilization: u })).toBe(
      [
        'resource  Vivado  available',
        'LUT         1436     230400',
        'FF          1610     460800',
        'CARRY        121      28800',
        'DSP            8       1728',
        'BRAM36       0.5        312',
        'LUTRAM        32     101760',
        'latches        0',
      ].join('\n'),
    );
  });

  it('says when timing is not met, and where a SAIF came from', () => {
    const text = vivadoSummaryTable({
      utilization: routed.utilization,
      timing: parseTimingSummary(fixture('timing_summary_failing.rpt'), 'timing_summary_failing.rpt'),
      power: parsePower(fixture('power_saif.rpt'), 'power_saif.rpt'),
    });
    const lines = text.split('\n');
    expect(lines.at(-2)).toBe('timing NOT met: WNS -0.318 ns, WHS 0.010 ns (TNS -27.604 ns, 212 failing endpoints) at clk_pl_0 (3.333 ns, 300.030 MHz): Fmax ≈ 273.9 MHz');
    expect(lines.at(-1)).toBe('power 3.981 W (dynamic 3.312 W, static 0.669 W), confidence Medium, activity from conv3x3_top.saif, 71% (41322/58201) nets matched');
  });

  it('gives Fmax at a chosen clock, and says why there is none', () => {
    const failing = parseTimingSummary(fixture('timing_summary_failing.rpt'), 'timing_summary_failing.rpt');
    expect(vivadoSummaryTable({ utilization: routed.utilization, timing: failing }, undefined, { clock: 'clk_pl_1' }).split('\n').at(-1)).toBe(
      'timing NOT met: WNS -0.318 ns, WHS 0.010 ns (TNS -27.604 ns, 212 failing endpoints) at clk_pl_1 (10.000 ns, 100.000 MHz): Fmax ≈ 195.0 MHz',
    );
    expect(vivadoSummaryTable({ utilization: routed.utilization, timing: failing }, undefined, { clock: 'clk_nope' }).split('\n').at(-1)).toBe(
      'timing NOT met: WNS -0.318 ns, WHS 0.010 ns (TNS -27.604 ns, 212 failing endpoints); Fmax unknown (no clock clk_nope in the report)',
    );
    const unconstrained = parseTimingSummary(fixture('timing_summary_unconstrained.rpt'), 'timing_summary.rpt');
    expect(vivadoSummaryTable({ utilization: routed.utilization, timing: unconstrained }).split('\n').at(-1)).toBe(
      'timing unconstrained: WNS inf, WHS inf; Fmax unknown (no constrained path)',
    );
  });

  it('accepts what synthesiseXilinx returns', () => {
    const report: SynthesisReport = { top: 'conv3x3_top', ...yosys, cells: { LUT6: 400 }, seconds: 3.2 };
    expect(vivadoSummaryTable(routed, report)).toBe(vivadoSummaryTable(routed, yosys));
  });
});
