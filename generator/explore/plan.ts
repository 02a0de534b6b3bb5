/**
 * Which points `potgen explore` measures: each quantisation variant folded for each target of
 * cycles per inference. Planning builds nothing; it only quantises and runs autoFold, so every
 * array task of a distributed run can redo it and arrive at the very same list, in the same order.
 */
import type { FeatureMap } from '../core/shapes.ts';
import { PotgenError } from '../core/errors.ts';
import type { QuantVariant } from '../dsl/types.ts';
import type { NetworkIR, NetworkSpec } from '../ir/types.ts';
import type { WeightedSpec } from '../layers/convEngine.ts';
import { kindOf } from '../layers/registry.ts';
import { autoFold, fastestCycles, loadLaneCosts, type ExplicitFolding, type FoldResult, type LaneCost } from '../passes/autoFold.ts';
import { compileNetwork, DEFAULT_FRAMES, testImageCandidates, type PreparedNetwork } from '../pipeline/buildDesign.ts';
import { chooseStimulus } from '../reference/stimulus.ts';
import { variantLabel } from '../report/accuracy.ts';
import { folderName } from '../core/paths.ts';

/** Targets per variant when none are given. */
export const DEFAULT_POINTS = 10;

/** One weighted layer's folding at a point. */
export interface LayerFolding {
  readonly layer: string;
  readonly pe: number;
  readonly simd: number;
  readonly lanes: number;
  readonly cyclesPerFrame: number;
  /** As autoFold says: auto, explicit, partly or fixed. */
  readonly how: string;
}

/** A variant folded for a target, before identical foldings are merged. */
export interface Candidate {
  readonly quant: string;
  readonly target: number;
  readonly folding: readonly LayerFolding[];
  /** The network's cycles per inference under the folding (its slowest layer's). */
  readonly cyclesPerFrame: number;
  /** autoFold's LUT estimate of the weighted layers, from the measured lane costs. */
  readonly estimatedLuts: number;
}

/** A point to build and measure. */
export interface PlannedPoint extends Candidate {
  readonly index: number;
  /** `<quant>_t<target>`, also the point's folder name. */
  readonly label: string;
  /** Higher targets that chose the very same folding and were merged into this point. */
  readonly merged: readonly number[];
}

/** What a plan records of a target that gave a folding another point already has. */
export interface MergedTarget {
  readonly quant: string;
  readonly target: number;
  readonly into: string;
}

/** A target no folding of a variant reaches, and autoFold's reason. */
export interface ImpossibleTarget {
  readonly quant: string;
  readonly target: number;
  readonly reason: string;
}

/** The plan: what every report and every array task agrees on. JSON-serialisable, no paths but the model's project-relative name. */
export interface ExplorePlan {
  readonly design: string;
  /** The model file as generated headers name it (relative to its project). */
  readonly model: string;
  readonly variants: readonly string[];
  /** How targets were chosen: a list given, or a geometric series of this many per variant. */
  readonly targets: { readonly list: readonly number[] } | { readonly series: number };
  /** The fewest cycles any folding of each variant reaches, and the slowest folding's. */
  readonly ranges: readonly { readonly quant: string; readonly fastest: number; readonly slowest: number }[];
  readonly points: readonly PlannedPoint[];
  readonly merged: readonly MergedTarget[];
  readonly impossible: readonly ImpossibleTarget[];
  /** What the user should know about the test frames (as a build's notes). */
  readonly notes: readonly string[];
}

/** A plan with what building its points needs beside it (not serialised). */
export interface PlanWork {
  readonly plan: ExplorePlan;
  readonly prepared: PreparedNetwork;
  /** The variant to build each quant label with (undefined: the model file's own). */
  readonly quantOf: ReadonlyMap<string, QuantVariant | undefined>;
  /** The test frames every point's testbench and measurement use, so that energies compare. */
  readonly images: readonly FeatureMap[];
}

/**
 * `count` targets from `fastest` to `slowest` in a geometric series (equal ratios, as cycles and
 * lanes trade inversely), rounded to whole cycles, ascending, without repeats; both ends exact.
 * One target is the slowest: the cheapest folding.
 */
export function geometricTargets(fastest: number, slowest: number, count: number): number[] {
  if (!(fastest >= 1 && slowest >= fastest && Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`geometricTargets(${fastest}, ${slowest}, ${count})`);
  }
  if (count === 1 || fastest === slowest) return [slowest];
  const ratio = slowest / fastest;
  const targets = Array.from({ length: count }, (_, k) => (k === 0 ? fastest : k === count - 1 ? slowest : Math.round(fastest * ratio ** (k / (count - 1)))));
  return [...new Set(targets)].sort((a, b) => a - b);
}

/**
 * The fewest cycles per inference any folding reaches and the slowest folding's: every layer at
 * its fewest lanes (target Infinity).
 */
export function foldRange(ir: NetworkIR, explicit: ReadonlyMap<string, ExplicitFolding>, costs: Readonly<Record<string, LaneCost>>): { fastest: number; slowest: number } {
  return { fastest: fastestCycles(ir, explicit), slowest: autoFold(ir, { cycles: Infinity }, explicit, costs).cyclesPerFrame };
}

/** The folding as a key: two candidates with equal keys build the same hardware. */
function foldingKey(c: Candidate): string {
  return `${c.quant}|${c.folding.map((f) => `${f.layer}:${f.pe}x${f.simd}`).join(',')}`;
}

/** The point's label and folder name. */
export function pointLabel(quant: string, target: number): string {
  return `${folderName(quant)}_t${target}`;
}

/**
 * Merges candidates of the same variant whose foldings are identical on every layer: the one with
 * the lowest target stays (in the order the candidates came), the others are recorded as merged
 * into it.
 */
export function mergeIdentical(candidates: readonly Candidate[]): { kept: (Candidate & { merged: number[] })[]; merged: MergedTarget[] } {
  const lowest = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = foldingKey(c);
    const seen = lowest.get(key);
    if (!seen || c.target < seen.target) lowest.set(key, c);
  }
  const kept: (Candidate & { merged: number[] })[] = [];
  const merged: MergedTarget[] = [];
  for (const c of candidates) {
    const keep = lowest.get(foldingKey(c))!;
    if (keep === c) {
      kept.push({ ...c, merged: candidates.filter((o) => o !== c && foldingKey(o) === foldingKey(c)).map((o) => o.target).sort((a, b) => a - b) });
    } else {
      merged.push({ quant: c.quant, target: c.target, into: pointLabel(keep.quant, keep.target) });
    }
  }
  return { kept, merged };
}

/**
 * The model file's own quantisation as a label: the variant label its weighted layers share, or
 * `model` when they differ.
 */
export function ownQuantLabel(spec: NetworkSpec): string {
  const labels = new Set(
    spec.layers
      .filter((l) => kindOf(l).weighted)
      .map((l) => {
        const w = l as WeightedSpec;
        return variantLabel({ ...w.weights, ...(w.weightStorage === 'logic' ? { storage: 'logic' as const } : {}) });
      }),
  );
  return labels.size === 1 ? [...labels][0]! : 'model';
}

export interface PlanOptions {
  /** Quantisation variants; undefined in the list (or no list) means the model file's own. */
  readonly variants?: readonly (QuantVariant | undefined)[];
  /** Explicit targets; else a geometric series of `points` per variant. */
  readonly targets?: readonly number[];
  readonly points?: number;
  readonly progress?: (message: string) => void;
}

/** Plans the points of an exploration of a prepared network. */
export function planExplore(prepared: PreparedNetwork, options: PlanOptions = {}): PlanWork {
  const progress = options.progress ?? ((): void => {});
  const variants = options.variants?.length ? options.variants : [undefined];
  const labels = variants.map((q) => (q ? variantLabel(q) : ownQuantLabel(prepared.spec)));
  const duplicate = labels.find((l, i) => labels.indexOf(l) !== i);
  if (duplicate) throw new PotgenError(`The variant ${duplicate} is named twice.`);
  const points = options.points ?? DEFAULT_POINTS;
  const costs = loadLaneCosts();

  const irs: NetworkIR[] = [];
  const ranges: { quant: string; fastest: number; slowest: number }[] = [];
  const candidates: Candidate[] = [];
  const impossible: ImpossibleTarget[] = [];
  const given = options.targets ? [...new Set(options.targets)].sort((a, b) => a - b) : undefined;
  variants.forEach((q, i) => {
    const quant = labels[i]!;
    progress(`planning ${quant}: quantising`);
    const { ir } = compileNetwork(prepared, q ? { quant: q } : {});
    irs.push(ir);
    const range = foldRange(ir, prepared.explicitFolding, costs);
    ranges.push({ quant, ...range });
    const targets = given ?? geometricTargets(range.fastest, range.slowest, points);
    progress(`planning ${quant}: foldings reach ${range.fastest} to ${range.slowest} cycles per inference; targets ${targets.join(', ')}`);
    for (const target of targets) {
      let folded: FoldResult;
      try {
        folded = autoFold(ir, { cycles: target }, prepared.explicitFolding, costs);
      } catch (e) {
        if (!(e instanceof PotgenError)) throw e;
        impossible.push({ quant, target, reason: e.message });
        continue;
      }
      candidates.push({
        quant,
        target,
        folding: folded.choices.map((c) => ({ layer: c.layer, pe: c.pe, simd: c.simd, lanes: c.lanes, cyclesPerFrame: c.cyclesPerFrame, how: c.how })),
        cyclesPerFrame: folded.cyclesPerFrame,
        estimatedLuts: folded.estimatedLuts,
      });
    }
  });
  if (candidates.length === 0) {
    throw new PotgenError(`No target can be reached, so there is nothing to measure:\n${impossible.map((t) => `  ${t.quant} at ${t.target}: ${t.reason}`).join('\n')}`);
  }
  const { kept, merged } = mergeIdentical(candidates);
  // Every point's testbench streams the same frames, chosen as a lone build of the first variant would.
  const stimulus = chooseStimulus(irs[0]!, testImageCandidates(prepared.spec), DEFAULT_FRAMES.steady + DEFAULT_FRAMES.stress);
  const plan: ExplorePlan = {
    design: prepared.spec.name,
    model: prepared.source,
    variants: labels,
    targets: given ? { list: given } : { series: points },
    ranges,
    points: kept.map((c, index) => ({ index, label: pointLabel(c.quant, c.target), ...c })),
    merged,
    impossible,
    notes: stimulus.note ? [stimulus.note] : [],
  };
  return { plan, prepared, quantOf: new Map(labels.map((l, i) => [l, variants[i]])), images: stimulus.images };
}
