/**
 * The comparison as one self-contained HTML page: the table, an accuracy-versus-energy plot and a
 * LUT-versus-energy plot. The plots are Vega-Lite specifications rendered to SVG here, in Node,
 * and inlined, so the page opens offline with no script at all.
 */
import type { ComparisonTable } from './table.ts';
import { mainTable } from './table.ts';
import { escapeHtml, htmlPage, renderSvg } from '../report/html.ts';

/** One scatter plot of the variants: `y` against energy per inference, points labelled by variant. */
function scatterSpec(t: ComparisonTable, y: { field: 'accuracy' | 'luts'; title: string }): Record<string, unknown> {
  const values = t.rows
    .filter((r) => r[y.field] !== undefined)
    .map((r) => ({ variant: r.variant, energy: r.energyNanojoules, [y.field]: r[y.field], baseline: r.variant === t.baseline }));
  const encoding = {
    x: { field: 'energy', type: 'quantitative', title: 'energy per inference (nJ, nominal coefficients)', scale: { zero: false, padding: 20 } },
    y: { field: y.field, type: 'quantitative', title: y.title, scale: { zero: false, padding: 20 } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 420,
    height: 280,
    data: { values },
    encoding,
    layer: [
      { mark: { type: 'point', filled: true, size: 90 }, encoding: { color: { field: 'variant', type: 'nominal', legend: null }, shape: { field: 'baseline', type: 'nominal', legend: null } } },
      { mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 12 }, encoding: { text: { field: 'variant' } } },
    ],
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  };
}

/** Accuracy against the sparsity reached, one line per pruned PoT width. */
function pruningSpec(t: ComparisonTable): Record<string, unknown> {
  const values = (t.pruningCurves ?? []).flatMap((c) => c.points.map((p) => ({ weights: `PoT-${c.bits}`, sparsity: 100 * p.sparsity, accuracy: p.accuracy })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 420,
    height: 280,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'sparsity', type: 'quantitative', title: 'zero weights (%)', scale: { domain: [0, 100] } },
      y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
      color: { field: 'weights', type: 'nominal', title: null },
    },
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  };
}

/** The Markdown table as an HTML table (the same cells, so the page and compare.md agree). */
function htmlTable(t: ComparisonTable): string {
  const rows = mainTable(t)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
    .map((l) => l.slice(2, -2).split(' | '));
  const [head, ...body] = rows;
  const cell = (tag: string, c: string, i: number): string => `<${tag}${i > 0 ? ' class="n"' : ''}>${escapeHtml(c)}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${head!.map((c, i) => cell('th', c, i)).join('')}</tr></thead>`,
    `<tbody>${body.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/**
 * The page. `method` is a paragraph of plain text saying how the figures were obtained; it is
 * printed under the table.
 */
export async function htmlReport(t: ComparisonTable, method: string): Promise<string> {
  const plots: string[] = [];
  if (t.rows.some((r) => r.accuracy !== undefined)) {
    plots.push(`<figure>${await renderSvg(scatterSpec(t, { field: 'accuracy', title: 'test accuracy (%)' }))}<figcaption>Accuracy against energy per inference</figcaption></figure>`);
  }
  plots.push(`<figure>${await renderSvg(scatterSpec(t, { field: 'luts', title: 'LUTs' }))}<figcaption>LUTs against energy per inference</figcaption></figure>`);
  if (t.pruningCurves?.length) {
    plots.push(`<figure>${await renderSvg(pruningSpec(t))}<figcaption>Accuracy against sparsity, PoT weights pruned by whole levels</figcaption></figure>`);
  }
  return htmlPage({
    title: `potgen compare: ${t.design}`,
    heading: `${t.design}: power-of-two beside uniform`,
    sections: [htmlTable(t), `<p>${escapeHtml(method)}</p>`, plots.join('\n')],
  });
}
