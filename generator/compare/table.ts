/**
 * The comparison table: one row per quantisation variant of the same network and array sizes,
 * every figure measured in the run that made it (evaluation, synthesis, gate-level simulation),
 * and each variant's ratios to a baseline (by default uniform 8-bit with a real-valued scale).
 *
 * This module only arranges figures; it computes nothing but ratios, so that the Markdown, the
 * JSON and the HTML report can never disagree with one another.
 */

/** What one variant measured. */
export interface VariantFigures {
  /** Short label, e.g. `pot-4`, `uniform-8`. */
  readonly variant: string;
  /** Percent of the test images classified correctly by the bit-exact integer model; absent without a data set. */
  readonly accuracy?: number;
  /** Fraction of the network's weights that are zero (pruned, or below the quantiser's zero threshold). */
  readonly sparsity: number;
  /** Clock cycles between consecutive frame ends, counted in the gate-level simulation. */
  readonly cyclesPerInference: number;
  readonly luts: number;
  readonly flipFlops: number;
  readonly carry: number;
  readonly dsp: number;
  /** In 36 Kb units. */
  readonly bram: number;
  /** 0↔1 transitions of every primitive output over one inference. */
  readonly togglesPerInference: number;
  /** Energy estimate of one inference with the nominal coefficients. */
  readonly energyNanojoules: number;
  /** The energy ratio to the baseline at the corners of the DSP and routing coefficient ranges. */
  readonly energyRatioRange?: { readonly low: number; readonly high: number };
}

/** The whole comparison, as written to compare.json. */
export interface ComparisonTable {
  readonly design: string;
  readonly baseline: string;
  /** Float accuracy and how many test images every accuracy figure is over. */
  readonly floatAccuracy?: number;
  readonly images?: number;
  readonly rows: readonly (VariantFigures & { readonly ratios: Ratios })[];
  /** Accuracy against sparsity of PoT weights pruned to a range of targets (integer model only, no hardware). */
  readonly pruningCurves?: readonly PruningCurve[];
}

/** One PoT width pruned to each target sparsity in turn: what the bit-exact integer model scores. */
export interface PruningCurve {
  readonly bits: number;
  readonly points: readonly { readonly target: number; readonly sparsity: number; readonly accuracy: number }[];
}

/** A variant's figure divided by the baseline's. */
export interface Ratios {
  readonly luts: number;
  readonly flipFlops: number;
  readonly energy: number;
  readonly toggles: number;
}

/** Adds each row's ratios to the baseline row, which must be among the rows. */
export function comparisonTable(
  design: string,
  rows: readonly VariantFigures[],
  baseline: string,
  accuracy?: { readonly float: number; readonly images: number },
  pruningCurves?: readonly PruningCurve[],
): ComparisonTable {
  const base = rows.find((r) => r.variant === baseline);
  if (!base) throw new RangeError(`The baseline ${baseline} is not among the variants (${rows.map((r) => r.variant).join(', ')}).`);
  const ratio = (a: number, b: number): number => (b === 0 ? (a === 0 ? 1 : Infinity) : a / b);
  return {
    design,
    baseline,
    ...(accuracy ? { floatAccuracy: accuracy.float, images: accuracy.images } : {}),
    ...(pruningCurves?.length ? { pruningCurves } : {}),
    rows: rows.map((r) => ({
      ...r,
      ratios: {
        luts: ratio(r.luts, base.luts),
        flipFlops: ratio(r.flipFlops, base.flipFlops),
        energy: ratio(r.energyNanojoules, base.energyNanojoules),
        toggles: ratio(r.togglesPerInference, base.togglesPerInference),
      },
    })),
  };
}

/** Whole numbers with thousands separated by commas, so columns read at a glance. */
function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '∞';
}

/** The table as GitHub Markdown, with its notes and any pruning curves below it. */
export function toMarkdown(t: ComparisonTable): string {
  const hasRange = t.rows.some((r) => r.energyRatioRange);
  const notes: string[] = [];
  if (t.floatAccuracy !== undefined) notes.push(`Float model: ${t.floatAccuracy.toFixed(2)}% on ${t.images} test images (integer models on the same images).`);
  if (hasRange) notes.push('Energy ratio range: the ratio when the DSP and routing coefficients take every corner of their documented ranges.');
  return `${mainTable(t)}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}${(t.pruningCurves ?? []).map(curveMarkdown).join('')}`;
}

/** The main table alone, as Markdown lines (the text and HTML forms are made from it). */
export function mainTable(t: ComparisonTable): string {
  const hasAccuracy = t.rows.some((r) => r.accuracy !== undefined);
  const hasRange = t.rows.some((r) => r.energyRatioRange);
  const head = [
    'variant',
    ...(hasAccuracy ? ['accuracy %'] : []),
    'zero weights %',
    'cycles/inf.',
    'LUT',
    'FF',
    'CARRY4',
    'DSP',
    'BRAM36',
    'toggles/inf.',
    'energy/inf. (nJ)',
    `LUT / ${t.baseline}`,
    `energy / ${t.baseline}`,
    ...(hasRange ? ['energy ratio range'] : []),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of t.rows) {
    const cells = [
      r.variant === t.baseline ? `${r.variant} (baseline)` : r.variant,
      ...(hasAccuracy ? [r.accuracy === undefined ? '' : r.accuracy.toFixed(2)] : []),
      (100 * r.sparsity).toFixed(1),
      count(r.cyclesPerInference),
      count(r.luts),
      count(r.flipFlops),
      count(r.carry),
      count(r.dsp),
      String(r.bram),
      count(r.togglesPerInference),
      fixed(r.energyNanojoules, 2),
      `${fixed(r.ratios.luts, 2)}×`,
      `${fixed(r.ratios.energy, 2)}×`,
      ...(hasRange ? [r.energyRatioRange ? `${fixed(r.energyRatioRange.low, 2)}–${fixed(r.energyRatioRange.high, 2)}×` : ''] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** A pruning curve as a small table: target, the sparsity reached, accuracy. */
export function curveMarkdown(c: PruningCurve): string {
  const rows = c.points.map((p) => `| ${(100 * p.target).toFixed(0)} | ${(100 * p.sparsity).toFixed(1)} | ${p.accuracy.toFixed(2)} |`);
  return `\nPruning PoT-${c.bits} by whole levels (bit-exact integer model, no hardware built):\n\n| target % | zero weights % | accuracy % |\n| ---: | ---: | ---: |\n${rows.join('\n')}\n`;
}

/** The table as plain text for a terminal: the Markdown columns padded to line up. */
export function toText(t: ComparisonTable): string {
  const rows = mainTable(t)
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('|---') && !/^\| ---/.test(l))
    .map((l) => l.slice(2, -2).split(' | '));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return `${rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n')}\n`;
}
