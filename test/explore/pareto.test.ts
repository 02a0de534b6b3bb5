/** Pareto fronts and the report built on them, on hand-made points whose fronts are worked out by hand. */
import { describe, expect, it } from 'vitest';
import { dominates, paretoFront } from '../../generator/explore/pareto.ts';
import type { ExplorePlan } from '../../generator/explore/plan.ts';
import { exploreReport, markdownTable, toHtml, toJson, type PointFigures } from '../../generator/explore/report.ts';
import { loadCoefficients } from '../../generator/energy/model.ts';

describe('paretoFront', () => {
  it('keeps the points nothing beats in both, ties included', () => {
    const points = [
      { cycles: 100, cost: 50 }, // A: on the front
      { cycles: 200, cost: 30 }, // B: on the front
      { cycles: 200, cost: 40 }, // C: B has the same cycles and less cost
      { cycles: 300, cost: 30 }, // D: B has fewer cycles and the same cost
      { cycles: 100, cost: 50 }, // E: the very same pair as A: neither beats the other
      { cycles: 50, cost: 100 }, // F: the fastest
      { cycles: 400, cost: 60 }, // G: beaten by A, B and D at once
    ];
    expect(paretoFront(points)).toEqual([true, true, false, false, true, true, false]);
  });

  it('a single point is its own front, and equal points do not dominate each other', () => {
    expect(paretoFront([{ cycles: 7, cost: 7 }])).toEqual([true]);
    expect(dominates({ cycles: 1, cost: 1 }, { cycles: 1, cost: 1 })).toBe(false);
    expect(dominates({ cycles: 1, cost: 1 }, { cycles: 1, cost: 2 })).toBe(true);
    expect(dominates({ cycles: 1, cost: 3 }, { cycles: 2, cost: 2 })).toBe(false);
  });
});

/** A measured point with the figures a test sets; the rest fixed. */
function point(label: string, cycles: number, luts: number, dsp: number, energy: number): PointFigures {
  return {
    index: 0,
    label,
    quant: label.split('_')[0]!,
    target: cycles,
    merged: [],
    estimatedLuts: luts,
    design: `points/${label}/design`,
    folding: [{ layer: 'c', pe: 1, simd: 1, lanes: 1, cyclesPerFrame: cycles, how: 'auto', utilisation: 0.5 }],
    lanes: 1,
    utilisation: 0.5,
    analyticCycles: cycles,
    cycles,
    luts,
    lutram: 0,
    flipFlops: 10,
    carry: 1,
    dsp,
    bram: 0,
    toggles: 100,
    energyNanojoules: energy,
  };
}

function planOf(labels: string[]): ExplorePlan {
  return {
    design: 'net',
    model: 'net.ts',
    variants: ['pot-4', 'uniform-8'],
    targets: { series: 3 },
    ranges: [],
    points: labels.map((label, index) => ({ index, label, quant: label.split('_')[0]!, target: 1, folding: [], cyclesPerFrame: 1, estimatedLuts: 1, merged: [] })),
    merged: [],
    impossible: [],
    notes: [],
  };
}

describe('exploreReport', () => {
  // By cycles: p1 (100) u1 (100) p2 (200) u2 (400) p3 (400).
  // LUT: p1 900, u1 700, p2 500, u2 300, p3 400 -> u1 beats p1 (same cycles, fewer LUT); p3 loses to u2.
  // DSP: pot 0, uniform 4 -> p1 alone (fewest cycles with 0 DSP); p2 and p3 have more cycles and the same 0.
  // Energy: p1 5, u1 5, p2 6, u2 2, p3 2 -> p1 and u1 tie at (100, 5), both on the front; p2
  // (200, 6) loses to p1; u2 and p3 tie at (400, 2), both on the front.
  const measured = [point('p3_t400', 400, 400, 0, 2), point('u1_t100', 100, 700, 4, 5), point('p2_t200', 200, 500, 0, 6), point('u2_t400', 400, 300, 4, 2), point('p1_t100', 100, 900, 0, 5)];
  const report = exploreReport(planOf(['p1_t100', 'p2_t200', 'p3_t400', 'u1_t100', 'u2_t400', 'u3_t800']), measured);

  it('orders the points by cycles, then label', () => {
    expect(report.points.map((p) => p.label)).toEqual(['p1_t100', 'u1_t100', 'p2_t200', 'p3_t400', 'u2_t400']);
  });

  it('marks each front from its own figure', () => {
    expect(report.fronts).toEqual({
      luts: ['u1_t100', 'p2_t200', 'u2_t400'],
      dsp: ['p1_t100'],
      energy: ['p1_t100', 'u1_t100', 'p3_t400', 'u2_t400'],
    });
    expect(report.points.find((p) => p.label === 'p1_t100')!.fronts).toEqual(['dsp', 'energy']);
    expect(report.points.find((p) => p.label === 'p2_t200')!.fronts).toEqual(['luts']);
  });

  it('lists planned points without a result', () => {
    expect(report.missing).toEqual(['u3_t800']);
  });

  it('puts the marks in the Markdown columns of their fronts', () => {
    const lines = markdownTable(report).split('\n');
    expect(lines[0]).toMatch(/\| LUT front \| DSP front \| energy front \|$/);
    const cells = (label: string): string[] => lines.find((l) => l.startsWith(`| ${label} |`))!.slice(2, -2).split(' | ').slice(-3);
    expect(cells('p1_t100')).toEqual(['', '●', '●']);
    expect(cells('u1_t100')).toEqual(['●', '', '●']);
    expect(cells('p2_t200')).toEqual(['●', '', '']);
    expect(cells('p3_t400')).toEqual(['', '', '●']);
  });

  it('writes the same JSON for the same points in another order, and a page without scripts', async () => {
    const again = exploreReport(planOf(['p1_t100', 'p2_t200', 'p3_t400', 'u1_t100', 'u2_t400', 'u3_t800']), [...measured].reverse());
    const k = loadCoefficients();
    expect(toJson(again, 'm', k)).toBe(toJson(report, 'm', k));
    const html = await toHtml(report, 'method');
    expect(html).not.toMatch(/<script/i);
    // LUT, DSP (some point has one) and energy.
    expect(html.match(/<svg/g)).toHaveLength(3);
  });
});
