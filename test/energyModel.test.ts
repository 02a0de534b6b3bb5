/** The energy arithmetic against hand computations, the coefficients file's checks, and write_verilog's cell names. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CELL_CLASSES, type CellActivity, type CellClass, type ClassActivity } from '../generator/energy/attribute.ts';
import { COEFFICIENT_NAMES, energyRange, estimateEnergy, loadCoefficients, withValues, type Coefficient, type CoefficientName, type EnergyCoefficients } from '../generator/energy/model.ts';
import { verilogCellNames } from '../generator/energy/yosysJson.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-energy-model-'));

function activity(classes: Partial<Record<CellClass, Partial<ClassActivity>>>, extra: Partial<CellActivity> = {}): CellActivity {
  const total = {} as Record<CellClass, ClassActivity>;
  for (const c of CELL_CLASSES) total[c] = { cells: 0, outputToggles: 0, fanoutToggles: 0, ...classes[c] };
  return { total, byInstance: {}, dspPortToggles: 0, bramReadCycles: 0, cycles: 100, unreadOutputBits: 0, ...extra };
}

/** Every coefficient 1 pJ with range [0.5, 2], then the given values. */
function coefficients(values: Record<string, number>): EnergyCoefficients {
  const c = {} as Record<CoefficientName, Coefficient>;
  for (const n of COEFFICIENT_NAMES) c[n] = { value: values[n] ?? 1, range: [0.5, 2], unit: 'pJ', source: 'test' };
  return { file: 'test.json', source: 'test.json', coefficients: c };
}

describe('estimateEnergy', () => {
  it('adds class, routing and clock energy as the model says', () => {
    const a = activity(
      { lut6: { outputToggles: 10, fanoutToggles: 30 }, ff: { outputToggles: 4, fanoutToggles: 8 }, carry: { outputToggles: 2, fanoutToggles: 2 }, other: { outputToggles: 200, fanoutToggles: 5000 } },
      { dspPortToggles: 50, bramReadCycles: 7, cycles: 100 },
    );
    const k = coefficients({ lut6: 0.5, ff: 0.25, carry: 0.1, dspPortToggle: 0.2, bramRead: 3, routing: 0.01, clockPerFlipFlop: 0.002, clockPerBram: 0.05, clockPerDsp: 0.03, other: 0 });
    const e = estimateEnergy(a, { flipFlops: 20, dsp: 2, bram: 1.5 }, k);
    // Classes: 10·0.5 + 4·0.25 + 2·0.1 = 6.2; BRAM 7·3 = 21; DSP 50·0.2 = 10.
    expect(e.byClass.lut6).toBeCloseTo(5, 12);
    expect(e.byClass.bram).toBeCloseTo(21, 12);
    expect(e.byClass.dsp).toBeCloseTo(10, 12);
    // Routing: (30 + 8 + 2)·0.01 = 0.4, the clock buffer ('other') left out.
    expect(e.routingPicojoules).toBeCloseTo(0.4, 12);
    // Clock: 100 cycles · (20·0.002 + 1.5·0.05 + 2·0.03) = 100 · 0.175 = 17.5.
    expect(e.clockPicojoules).toBeCloseTo(17.5, 12);
    expect(e.totalPicojoules).toBeCloseTo(6.2 + 21 + 10 + 0.4 + 17.5, 12);
  });
});

describe('energyRange', () => {
  it('finds the extreme ratios at the corners of the swept ranges', () => {
    // A: LUT-only (10 lut6 toggles, 10 fanout toggles); B: DSP (10 port toggles), same routing.
    const a = { cellActivity: activity({ lut6: { outputToggles: 10, fanoutToggles: 10 } }, { cycles: 0 }), synthesis: { flipFlops: 0, dsp: 0, bram: 0 } };
    const b = { cellActivity: activity({ dsp: { fanoutToggles: 10 } }, { cycles: 0, dspPortToggles: 10 }), synthesis: { flipFlops: 0, dsp: 1, bram: 0 } };
    const k = coefficients({});
    // E(A) = 10·1 + 10·r, E(B) = 10·d + 10·r. Nominal r = d = 1: ratio 1.
    // Lowest at d = 2, r = 0.5: 15 / 25 = 0.6. Highest at d = 0.5, r = 0.5: 15 / 10 = 1.5.
    const r = energyRange(a, b, k);
    expect(r.nominal).toBeCloseTo(1, 12);
    expect(r.low).toBeCloseTo(0.6, 12);
    expect(r.high).toBeCloseTo(1.5, 12);
    expect(r.lowAt).toEqual({ dspPortToggle: 2, routing: 0.5 });
    expect(r.highAt).toEqual({ dspPortToggle: 0.5, routing: 0.5 });
    expect(withValues(k, { routing: 3 }).coefficients.routing.value).toBe(3);
  });
});

describe('loadCoefficients', () => {
  it('reads the shipped file: every coefficient with a unit, a source and a range holding its value', () => {
    const k = loadCoefficients();
    expect(Object.keys(k.coefficients).sort()).toEqual([...COEFFICIENT_NAMES].sort());
    for (const c of Object.values(k.coefficients)) {
      expect(c.range[0]).toBeLessThanOrEqual(c.value);
      expect(c.value).toBeLessThanOrEqual(c.range[1]);
    }
  });

  it('reports every broken coefficient with its line', () => {
    const good = JSON.parse(JSON.stringify({ coefficients: loadCoefficients().coefficients })) as { coefficients: Record<string, unknown> };
    delete good.coefficients.srl;
    good.coefficients.lut6 = { value: 0.5, range: [0.6, 1], unit: 'pJ', source: 's' };
    good.coefficients.rooting = { value: 1, range: [0, 2], unit: 'pJ', source: 's' };
    const file = path.join(dir, 'bad.json');
    const text = JSON.stringify(good, null, 2);
    writeFileSync(file, text);
    const line = (key: string): number => text.slice(0, text.indexOf(`"${key}"`)).split('\n').length;
    expect(() => loadCoefficients(file)).toThrow(
      [
        `${file}:${line('lut6')}:5: error: coefficient "lut6" has range [0.6, 1] that does not hold its value 0.5; it needs 0 <= low <= value <= high.`,
        `${file}:${line('coefficients')}:3: error: coefficient "srl" is missing. Add "srl": { "value": …, "range": [low, high], "unit": "…", "source": "…" }.`,
        `${file}:${line('rooting')}:5: error: "rooting" is not a coefficient of the energy model. The names are ${COEFFICIENT_NAMES.join(', ')}.`,
      ].join('\n'),
    );
  });

  it('locates a JSON syntax error and names a missing file', () => {
    const file = path.join(dir, 'syntax.json');
    writeFileSync(file, '{\n  "coefficients": {,\n}\n');
    expect(() => loadCoefficients(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: error: the energy coefficients file is not valid JSON`));
    expect(() => loadCoefficients(path.join(dir, 'none.json'))).toThrow(`Cannot read the energy coefficients file ${path.join(dir, 'none.json')}: it does not exist.`);
  });
});

describe('verilogCellNames', () => {
  it('numbers private wires, then private cells, in sorted order above public _<n>_ names', () => {
    const names = verilogCellNames({
      netnames: { '$w': { hide_name: 1, bits: [1] }, x: { hide_name: 0, bits: [2] }, _7_: { hide_name: 0, bits: [3] } },
      cells: {
        '$c2': { hide_name: 1, type: 'LUT1', connections: {} },
        u_a: { hide_name: 0, type: 'sub', connections: {} },
        '$c1': { hide_name: 1, type: 'FDRE', connections: {} },
      },
    });
    // Offset 8 (above _7_); one private wire (_08_); 11 names in all, so two digits.
    expect(Object.fromEntries(names)).toEqual({ '$c1': '_09_', '$c2': '_10_', u_a: 'u_a' });
  });
});
