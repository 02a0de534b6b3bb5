/**
 * Pareto fronts of cycles per inference against a cost (LUT, DSP, energy). Both are to be
 * minimised: a point is on the front when no other point is at least as good in both and
 * strictly better in one. Points with the very same pair do not dominate each other, so ties
 * stay on the front together.
 */

/** One point as the front sees it: cycles and the cost. */
export interface FrontPoint {
  readonly cycles: number;
  readonly cost: number;
}

/** Whether `a` dominates `b`: no worse in both, strictly better in one. */
export function dominates(a: FrontPoint, b: FrontPoint): boolean {
  return a.cycles <= b.cycles && a.cost <= b.cost && (a.cycles < b.cycles || a.cost < b.cost);
}

/** For each point, whether it is on the front (quadratic: explorations have tens of points). */
export function paretoFront(points: readonly FrontPoint[]): boolean[] {
  return points.map((p) => !points.some((q) => dominates(q, p)));
}

/** The costs the reports draw fronts for, with the field of a point's figures each reads. */
export const FRONT_METRICS = [
  { key: 'luts', title: 'LUT' },
  { key: 'dsp', title: 'DSP' },
  { key: 'energy', title: 'energy' },
] as const;

export type FrontMetric = (typeof FRONT_METRICS)[number]['key'];
