import { describe, expect, it } from 'vitest';
import { htmlReport } from '../generator/compare/htmlReport.ts';
import { comparisonTable, toMarkdown, toText, type VariantFigures } from '../generator/compare/table.ts';

const row = (variant: string, luts: number, energy: number, extra: Partial<VariantFigures> = {}): VariantFigures => ({
  variant,
  sparsity: 0.25,
  cyclesPerInference: 1152,
  luts,
  flipFlops: 100,
  carry: 10,
  dsp: variant.startsWith('uniform') ? 4 : 0,
  bram: 0.5,
  togglesPerInference: energy * 1000,
  energyNanojoules: energy,
  ...extra,
});

describe('comparison table', () => {
  const rows = [row('pot-4', 1200, 3, { accuracy: 98.25 }), row('uniform-8', 600, 6, { accuracy: 98.9, energyRatioRange: { low: 1, high: 1 } })];

  it('divides every variant by the baseline', () => {
    const t = comparisonTable('net', rows, 'uniform-8', { float: 98.88, images: 100 });
    expect(t.rows[0]!.ratios).toEqual({ luts: 2, flipFlops: 1, energy: 0.5, toggles: 0.5 });
    expect(t.rows[1]!.ratios.energy).toBe(1);
  });

  it('refuses a baseline that is not a variant', () => {
    expect(() => comparisonTable('net', rows, 'uniform-4')).toThrow(/uniform-4 is not among the variants \(pot-4, uniform-8\)/);
  });

  it('writes Markdown with one row per variant, the baseline marked, and the float accuracy noted', () => {
    const md = toMarkdown(comparisonTable('net', rows, 'uniform-8', { float: 98.88, images: 100 }));
    const lines = md.split('\n');
    expect(lines[0]).toBe('| variant | accuracy % | zero weights % | cycles/inf. | LUT | FF | CARRY4 | DSP | BRAM36 | toggles/inf. | energy/inf. (nJ) | LUT / uniform-8 | energy / uniform-8 | energy ratio range |');
    expect(lines[2]).toBe('| pot-4 | 98.25 | 25.0 | 1,152 | 1,200 | 100 | 10 | 0 | 0.5 | 3,000 | 3.00 | 2.00× | 0.50× |  |');
    expect(lines[3]).toBe('| uniform-8 (baseline) | 98.90 | 25.0 | 1,152 | 600 | 100 | 10 | 4 | 0.5 | 6,000 | 6.00 | 1.00× | 1.00× | 1.00–1.00× |');
    expect(md).toContain('Float model: 98.88% on 100 test images');
  });

  it('leaves the accuracy column out without a data set, and lines up plain text', () => {
    const t = comparisonTable('net', rows.map(({ accuracy: _, ...r }) => r), 'uniform-8');
    expect(toMarkdown(t)).not.toContain('accuracy');
    const text = toText(t).trimEnd().split('\n');
    expect(text).toHaveLength(3);
    expect(new Set(text.map((l) => l.length)).size).toBe(1);
  });

  it('renders an offline HTML page with both plots as inline SVG and no script', async () => {
    const html = await htmlReport(comparisonTable('net', rows, 'uniform-8', { float: 98.88, images: 100 }), 'method <here>');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org|vega\.github\.io)/);
    expect(html).toContain('method &lt;here&gt;');
    expect(html).toContain('<td>pot-4</td>');
    // Point labels reach the SVG.
    expect(html).toMatch(/<text[^>]*>pot-4<\/text>/);
  });

  it('adds each pruning curve as a table below the main one and as a third plot, and keeps the text table to the variants', async () => {
    const curve = { bits: 4, points: [{ target: 0, sparsity: 0.02, accuracy: 98.25 }, { target: 0.3, sparsity: 0.41, accuracy: 98.1 }] };
    const t = comparisonTable('net', rows, 'uniform-8', { float: 98.88, images: 100 }, [curve]);
    const md = toMarkdown(t);
    expect(md).toContain('Pruning PoT-4 by whole levels (bit-exact integer model, no hardware built):\n\n| target % | zero weights % | accuracy % |\n| ---: | ---: | ---: |\n| 0 | 2.0 | 98.25 |\n| 30 | 41.0 | 98.10 |\n');
    expect(toText(t).trimEnd().split('\n')).toHaveLength(3);
    const html = await htmlReport(t, 'method');
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain('Accuracy against sparsity');
    expect(html.match(/<tr>/g)).toHaveLength(3); // the head and two variants: the curve is a plot here
  });
});
