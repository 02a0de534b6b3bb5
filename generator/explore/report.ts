/**
 * The exploration's reports: every measured point with the Pareto fronts it is on, as Markdown,
 * JSON and a self-contained HTML page. They are made from the plan and the points' result.json
 * contents alone, so a local run and a `--collect` of array tasks write the same bytes.
 */
import type { EnergyCoefficients } from '../energy/model.ts';
import { FRONT_METRICS, paretoFront, type FrontMetric } from './pareto.ts';
import { escapeHtml, htmlPage, renderSvg } from '../report/html.ts';
import type { ExplorePlan, LayerFolding, PlannedPoint } from './plan.ts';

/** What one point measured: its result.json holds it beside the plan. */
export interface PointFigures extends Omit<PlannedPoint, 'folding' | 'cyclesPerFrame'> {
  /** The design folder, relative to the exploration's folder. */
  readonly design: string;
  readonly folding: readonly (LayerFolding & { readonly utilisation: number })[];
  /** Σ PE × SIMD over the weighted layers. */
  readonly lanes: number;
  /** Multiply-accumulates ÷ (lanes × cycles per inference), see passes/laneUse.ts. */
  readonly utilisation: number;
  /** Cycles per inference of the built design, as the hardware IR computes them. */
  readonly analyticCycles: number;
  /** Cycles per inference counted in the gate-level simulation. */
  readonly cycles: number;
  readonly luts: number;
  /** LUTs used as distributed RAM (Yosys's LUTRAM cells), not in `luts`. */
  readonly lutram: number;
  readonly flipFlops: number;
  readonly carry: number;
  readonly dsp: number;
  /** In 36 Kb units. */
  readonly bram: number;
  readonly toggles: number;
  readonly energyNanojoules: number;
}

/** The content of `points/<label>/result.json`. */
export interface PointResult {
  readonly plan: ExplorePlan;
  readonly point: PointFigures;
}

/** A measured point in the report, with the fronts it is on. */
export type ReportPoint = PointFigures & { readonly fronts: readonly FrontMetric[] };

/** The whole exploration as explore.json holds it (without the method and coefficients). */
export interface ExploreReport extends Omit<ExplorePlan, 'points'> {
  /** Measured points by cycles per inference, then label. */
  readonly points: readonly ReportPoint[];
  /** For each cost, the labels on its front, by cycles. */
  readonly fronts: Readonly<Record<FrontMetric, readonly string[]>>;
  /** Planned points without a result. */
  readonly missing: readonly string[];
}

/** A point's figure for a front. */
export function frontCost(p: PointFigures, metric: FrontMetric): number {
  return metric === 'luts' ? p.luts : metric === 'dsp' ? p.dsp : p.energyNanojoules;
}

/** The report of `plan` with the points measured so far. */
export function exploreReport(plan: ExplorePlan, measured: readonly PointFigures[]): ExploreReport {
  const have = new Set(measured.map((p) => p.label));
  const sorted = [...measured].sort((a, b) => a.cycles - b.cycles || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const on = new Map(FRONT_METRICS.map(({ key }) => [key, paretoFront(sorted.map((p) => ({ cycles: p.cycles, cost: frontCost(p, key) })))]));
  const points = sorted.map((p, i) => ({ ...p, fronts: FRONT_METRICS.filter(({ key }) => on.get(key)![i]).map(({ key }) => key) }));
  const { points: _planned, ...rest } = plan;
  return {
    ...rest,
    points,
    fronts: Object.fromEntries(FRONT_METRICS.map(({ key }) => [key, points.filter((p) => p.fronts.includes(key)).map((p) => p.label)])) as Record<FrontMetric, string[]>,
    missing: plan.points.filter((p) => !have.has(p.label)).map((p) => p.label),
  };
}

/** Whole numbers with thousands separated by commas. */
function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The folding as `layer PE×SIMD`, layer by layer. */
export function foldingText(p: Pick<PointFigures, 'folding'>): string {
  return p.folding.map((f) => `${f.layer} ${f.pe}×${f.simd}`).join(', ') || '(no weighted layers)';
}

/** The table's header and cells, shared by the Markdown and the HTML so that they agree. */
export function tableCells(r: ExploreReport): { head: string[]; rows: string[][] } {
  const head = ['point', 'weights', 'target', 'folding (PE×SIMD)', 'lanes', 'lanes busy %', 'cycles/inf.', 'LUT (est.)', 'LUT', 'LUTRAM', 'FF', 'DSP', 'BRAM36', 'energy/inf. (nJ)', ...FRONT_METRICS.map((m) => `${m.title} front`)];
  const rows = r.points.map((p) => [
    p.label,
    p.quant,
    count(p.target),
    foldingText(p),
    count(p.lanes),
    (100 * p.utilisation).toFixed(1),
    p.cycles === p.analyticCycles ? count(p.cycles) : `${count(p.cycles)} (analytic ${count(p.analyticCycles)})`,
    count(p.estimatedLuts),
    count(p.luts),
    count(p.lutram),
    count(p.flipFlops),
    count(p.dsp),
    String(p.bram),
    p.energyNanojoules.toFixed(2),
    ...FRONT_METRICS.map((m) => (p.fronts.includes(m.key) ? '●' : '')),
  ]);
  return { head, rows };
}

/** The table as GitHub Markdown. */
export function markdownTable(r: ExploreReport): string {
  const { head, rows } = tableCells(r);
  const numeric = (i: number): boolean => i !== 0 && i !== 1 && i !== 3;
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (numeric(i) ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

/** The lines under the table: what the marks mean, merged and unreachable targets, missing points. */
export function reportNotes(r: ExploreReport): string[] {
  const notes = [
    '● on the Pareto front of cycles per inference against that figure: no other point has at most its cycles and at most its figure, with one of the two smaller.',
  ];
  for (const m of r.merged) notes.push(`${m.quant} at ${count(m.target)} cycles: the same folding as ${m.into}, merged into it.`);
  for (const t of r.impossible) notes.push(`${t.quant} at ${count(t.target)} cycles: not reachable. ${t.reason}`);
  if (r.missing.length) notes.push(`Missing (no result.json yet): ${r.missing.join(', ')}.`);
  for (const n of r.notes) notes.push(`Note: ${n}.`);
  return notes;
}

/** explore.md. */
export function toMarkdown(r: ExploreReport, method: string): string {
  const ranges = r.ranges.map((x) => `${x.quant} ${count(x.fastest)}–${count(x.slowest)}`).join(', ');
  const how = 'list' in r.targets ? `targets ${r.targets.list.map(count).join(', ')}` : `${r.targets.series} targets per variant in a geometric series over its range`;
  return `# ${r.design}: cycles against resources and energy\n\nModel ${r.model}; ${r.points.length} points measured (${how}). Cycles per inference that foldings reach: ${ranges}.\n\n${markdownTable(r)}\n\n${reportNotes(r).join('\n\n')}\n\n${method}\n`;
}

/** explore.json: only what the inputs determine (no timings, no absolute paths). */
export function toJson(r: ExploreReport, method: string, coefficients: EnergyCoefficients): string {
  return `${JSON.stringify(
    {
      ...r,
      method,
      // The values used, not the file's path (which depends on where potgen is installed).
      coefficients: Object.fromEntries(Object.entries(coefficients.coefficients).map(([name, c]) => [name, { value: c.value, range: c.range, unit: c.unit }])),
    },
    null,
    2,
  )}\n`;
}

/** One scatter plot: cycles per inference against a figure, the front's points joined in order of cycles. */
function frontSpec(r: ExploreReport, metric: (typeof FRONT_METRICS)[number], title: string): Record<string, unknown> {
  const values = r.points.map((p) => ({ label: p.label, weights: p.quant, cycles: p.cycles, value: frontCost(p, metric.key), front: p.fronts.includes(metric.key) }));
  const cycles = r.points.map((p) => p.cycles);
  // Geometric targets spread evenly on a log axis; a narrow range reads better on a linear one.
  const logX = Math.max(...cycles) >= 10 * Math.min(...cycles);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 460,
    height: 300,
    data: { values },
    encoding: {
      x: { field: 'cycles', type: 'quantitative', title: 'cycles per inference', scale: logX ? { type: 'log' } : { zero: false, padding: 20 } },
      y: { field: 'value', type: 'quantitative', title, scale: { zero: false, padding: 20 } },
    },
    layer: [
      { transform: [{ filter: 'datum.front' }], mark: { type: 'line', color: '#999', strokeDash: [4, 3] }, encoding: { order: { field: 'cycles', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: { color: { field: 'weights', type: 'nominal', title: 'weights' }, shape: { field: 'front', type: 'nominal', title: 'on the front' } },
      },
      { transform: [{ filter: 'datum.front' }], mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11 }, encoding: { text: { field: 'label' } } },
    ],
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  };
}

/** explore.html: the table, its notes and the plots, with no script. */
export async function toHtml(r: ExploreReport, method: string): Promise<string> {
  const { head, rows } = tableCells(r);
  const cell = (tag: string, c: string, i: number): string => `<${tag}${i === 0 || i === 1 || i === 3 ? '' : ' class="n"'}>${escapeHtml(c)}</${tag}>`;
  const table = [
    '<table>',
    `<thead><tr>${head.map((c, i) => cell('th', c, i)).join('')}</tr></thead>`,
    `<tbody>${rows.map((row, j) => `<tr${r.points[j]!.fronts.length ? ' class="front"' : ''}>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
  const plots: string[] = [];
  if (r.points.length) {
    const titles: Record<FrontMetric, string> = { luts: 'LUTs', dsp: 'DSP48E2 slices', energy: 'energy per inference (nJ, nominal coefficients)' };
    for (const metric of FRONT_METRICS) {
      // DSP only when some point uses one: a PoT design has none, and a flat line says nothing.
      if (metric.key === 'dsp' && r.points.every((p) => p.dsp === 0)) continue;
      plots.push(`<figure>${await renderSvg(frontSpec(r, metric, titles[metric.key]))}<figcaption>${escapeHtml(titles[metric.key])} against cycles per inference; the dashed line joins the Pareto front</figcaption></figure>`);
    }
  }
  return htmlPage({
    title: `potgen explore: ${r.design}`,
    heading: `${r.design}: cycles against resources and energy`,
    extraStyle: ['tr.front td:first-child { font-weight: bold; }'],
    sections: [table, reportNotes(r).map((n) => `<p>${escapeHtml(n)}</p>`).join('\n'), `<p>${escapeHtml(method)}</p>`, plots.join('\n')],
  });
}

/** How the figures were obtained, printed under every table. */
export const EXPLORE_METHOD =
  'Folding: for each target, every weighted layer takes the fewest multiply lanes (PE × SIMD) that meet it (potgen build --target-cycles); targets that chose the same folding are measured once. ' +
  'Resources: Yosys synth_xilinx -family xcup (UltraScale+ primitives), not Vivado; LUT (est.) is the folding\'s estimate from measured per-lane costs. ' +
  'Cycles, toggles and energy: the whole Yosys netlist simulated cycle by cycle over one steady-state frame of the same test images for every point, every output checked; ' +
  'toggles weighted by per-cell-type coefficients, plus routing and clock energy (generator/energy/coefficients.json).';
