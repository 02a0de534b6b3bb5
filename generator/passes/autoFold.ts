/**
 * Automatic folding: chooses PE and SIMD for every weighted layer the model leaves them open, so
 * that the network meets a target of cycles per inference with the fewest multiply lanes.
 *
 * In a streaming pipeline the slowest layer sets the pace, so each layer only has to meet the
 * target on its own, and the cheapest network is each layer's cheapest choice that does: the
 * search is per layer and exhaustive over the foldings the RTL supports (PE dividing the outputs,
 * SIMD dividing the channels or spanning whole kernel taps). Among choices of equal lanes it takes
 * the one reading fewer taps per step (a window-spanning SIMD costs a line-buffer read port per
 * tap), then the slower one (it leaves more slack to the pace-setting layer), then the smaller PE.
 *
 * Explicit values win: a PE or SIMD the model file gives is kept, and only the other is chosen.
 * Layers whose weights are fixed into logic are already unrolled and are left as they are.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../core/paths.ts';
import type { NetworkIR } from '../ir/types.ts';
import type { ConvIR } from '../layers/convEngine.ts';
import { kindOf } from '../layers/registry.ts';
import { simdChoices, simdLayout, windowCyclesPerFrame } from '../layers/window.ts';

/** Which of a layer's PE and SIMD the model file gave. */
export interface ExplicitFolding {
  readonly pe: boolean;
  readonly simd: boolean;
}

export interface FoldChoice {
  readonly layer: string;
  readonly pe: number;
  readonly simd: number;
  readonly lanes: number;
  readonly cyclesPerFrame: number;
  /** auto: chosen here; explicit: both from the model file; partly: one chosen, one given; fixed: no lanes or weights in logic. */
  readonly how: 'auto' | 'explicit' | 'partly' | 'fixed';
}

/** The divisors of n, ascending. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}


/** Per-lane and per-layer LUT cost of a conv layer for one quantisation (`pot:4`, `uniform:8`, ...). */
export interface LaneCost {
  readonly lutPerLane: number;
  readonly lutPerLayer: number;
}

/** The lane costs scripts/lane-sweep.js measured and wrote (--write), beside this file. */
export const LANE_COSTS_FILE = path.join(PACKAGE_ROOT, 'generator', 'passes', 'laneCosts.json');

/** Reads the measured lane costs. */
export function loadLaneCosts(file: string = LANE_COSTS_FILE): Record<string, LaneCost> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { costs?: Record<string, LaneCost> };
  if (!data.costs || Object.values(data.costs).some((c) => typeof c.lutPerLane !== 'number' || typeof c.lutPerLayer !== 'number')) {
    throw new PotgenError(`${file} holds no lane costs; rerun node scripts/lane-sweep.js --write ${path.relative(PACKAGE_ROOT, file)}.`);
  }
  return data.costs;
}

/** What to fold for: at most `cycles` per inference, and/or an estimated LUT budget. */
export interface FoldGoal {
  readonly cycles?: number;
  readonly lutBudget?: number;
}

export interface FoldResult {
  readonly ir: NetworkIR;
  readonly choices: FoldChoice[];
  /** The cycles the folding was chosen for (the goal's, or the fastest that fits the budget). */
  readonly targetCycles: number;
  /** The network's cycles per inference under it: its slowest layer's. */
  readonly cyclesPerFrame: number;
  /** The weighted layers' LUTs as the lane costs estimate them. */
  readonly estimatedLuts: number;
}

/** The measured cost for a layer's quantisation: its own, else the same kind's nearest width. */
export function laneCostFor(layer: Pick<ConvIR, 'quant' | 'weightBits'>, costs: Readonly<Record<string, LaneCost>>): LaneCost {
  const own = costs[`${layer.quant}:${layer.weightBits}`];
  if (own) return own;
  const sameKind = Object.keys(costs)
    .filter((k) => k.startsWith(`${layer.quant}:`))
    .sort((a, b) => Math.abs(Number(a.split(':')[1]) - layer.weightBits) - Math.abs(Number(b.split(':')[1]) - layer.weightBits) || a.localeCompare(b));
  const key = sameKind[0] ?? Object.keys(costs).sort()[0];
  if (!key) throw new PotgenError('No lane costs are measured (generator/passes/laneCosts.json is empty); run node scripts/lane-sweep.js --write generator/passes/laneCosts.json.');
  return costs[key]!;
}

type Choice = { pe: number; simd: number; lanes: number; taps: number; cycles: number };

/** One weighted layer's cheapest folding within `target`, or the fastest it can go. */
function foldLayer(conv: ConvIR, target: number, given: ExplicitFolding): { best?: Choice; fastest: number } {
  const fixed = conv.weightStorage === 'logic' || (given.pe && given.simd);
  const pes = fixed || given.pe ? [conv.pe] : divisors(conv.output.channels);
  const simds = fixed || given.simd ? [conv.simd] : simdChoices(conv.input.channels, conv.kernel);
  let best: Choice | undefined;
  let fastest = Infinity;
  for (const simd of simds) {
    const layout = simdLayout(simd, conv.input.channels, conv.kernel);
    if (!layout) throw new RangeError(`simd ${simd} does not fit layer ${conv.name}`);
    for (const pe of pes) {
      const cycles = windowCyclesPerFrame(conv.input, conv.output, (conv.output.channels / pe) * layout.steps);
      fastest = Math.min(fastest, cycles);
      if (cycles > target) continue;
      const c = { pe, simd, lanes: pe * simd, taps: layout.taps, cycles };
      if (!best || c.lanes < best.lanes || (c.lanes === best.lanes && (c.taps < best.taps || (c.taps === best.taps && (c.cycles > best.cycles || (c.cycles === best.cycles && c.pe < best.pe)))))) best = c;
    }
  }
  return { ...(best ? { best } : {}), fastest };
}

/** The cycles per inference of the layers without lanes (pooling, arg-max): no folding changes them. */
function fixedCycles(ir: NetworkIR): Map<string, number> {
  return new Map(ir.layers.filter((l) => !kindOf(l).weighted).map((l) => [l.name, kindOf(l).lower(l, l.name).cyclesPerFrame]));
}

/** The fewest cycles per inference any folding reaches: the slowest of each layer's own fastest. */
function fastestOf(ir: NetworkIR, explicit: ReadonlyMap<string, ExplicitFolding>, fixed: ReadonlyMap<string, number>): number {
  return Math.max(
    ...fixed.values(),
    ...ir.layers.filter((l) => kindOf(l).weighted).map((l) => foldLayer(l as ConvIR, Infinity, explicit.get(l.name) ?? { pe: false, simd: false }).fastest),
  );
}

/** The fewest cycles per inference any folding of `ir` reaches (a target below it is refused). */
export function fastestCycles(ir: NetworkIR, explicit: ReadonlyMap<string, ExplicitFolding>): number {
  return fastestOf(ir, explicit, fixedCycles(ir));
}

/** Every layer folded for `target` cycles, or the first layer that cannot meet it. */
function foldAll(
  ir: NetworkIR,
  target: number,
  explicit: ReadonlyMap<string, ExplicitFolding>,
  costs: Readonly<Record<string, LaneCost>>,
  fixed: ReadonlyMap<string, number>,
): FoldResult {
  const choices: FoldChoice[] = [];
  let estimatedLuts = 0;
  let networkCycles = 0;
  const layers = ir.layers.map((layer) => {
    if (!kindOf(layer).weighted) {
      const cycles = fixed.get(layer.name)!;
      networkCycles = Math.max(networkCycles, cycles);
      if (cycles > target) {
        throw new PotgenError(`No folding reaches ${target} cycles per inference: layer ${layer.name} (${layer.kind}) takes ${cycles}, one input pixel a cycle. Aim for at least ${cycles}.`);
      }
      return layer;
    }
    const conv = layer as ConvIR;
    const given = explicit.get(conv.name) ?? { pe: false, simd: false };
    const { best, fastest } = foldLayer(conv, target, given);
    if (!best) {
      const why = conv.weightStorage === 'logic' ? 'its weights are in logic, unrolled' : given.pe && given.simd ? `the model file fixes pe ${conv.pe} and simd ${conv.simd}` : given.pe ? `the model file fixes pe ${conv.pe}` : given.simd ? `the model file fixes simd ${conv.simd}` : 'even fully unrolled';
      throw new PotgenError(
        `No folding reaches ${target} cycles per inference: layer ${conv.name} takes at least ${fastest} (${why}). Aim for at least ${fastest}${given.pe || given.simd ? ', or leave its pe and simd out of the model file' : ''}.`,
      );
    }
    const how = conv.weightStorage === 'logic' ? 'fixed' : given.pe && given.simd ? 'explicit' : given.pe || given.simd ? 'partly' : 'auto';
    choices.push({ layer: conv.name, pe: best.pe, simd: best.simd, lanes: best.lanes, cyclesPerFrame: best.cycles, how });
    networkCycles = Math.max(networkCycles, best.cycles);
    const cost = laneCostFor(conv, costs);
    estimatedLuts += cost.lutPerLayer + cost.lutPerLane * best.lanes;
    return { ...conv, pe: best.pe, simd: best.simd };
  });
  return { ir: { ...ir, layers: layers as NetworkIR['layers'] }, choices, targetCycles: target, cyclesPerFrame: networkCycles, estimatedLuts: Math.round(estimatedLuts) };
}

/**
 * The IR with PE and SIMD chosen for `goal`: for a cycle target, each layer's fewest lanes that
 * meet it; for a LUT budget, the fewest cycles whose folding the lane costs estimate within it
 * (found by bisection: fewer cycles never need fewer lanes); for both, the target, checked
 * against the budget. `explicit` names the values the model file gave, by layer name.
 * @throws PotgenError when no folding meets the goal, saying what the nearest one would need.
 */
export function autoFold(ir: NetworkIR, goal: FoldGoal, explicit: ReadonlyMap<string, ExplicitFolding>, costs: Readonly<Record<string, LaneCost>>): FoldResult {
  const fixed = fixedCycles(ir);
  const fold = (target: number): FoldResult => foldAll(ir, target, explicit, costs, fixed);
  if (goal.cycles !== undefined) {
    const folded = fold(goal.cycles);
    if (goal.lutBudget !== undefined && folded.estimatedLuts > goal.lutBudget) {
      throw new PotgenError(
        `Folding for ${goal.cycles} cycles per inference needs about ${folded.estimatedLuts} LUT in its weighted layers, over the budget of ${goal.lutBudget}; raise the budget or the target.`,
      );
    }
    return folded;
  }
  if (goal.lutBudget === undefined) throw new RangeError('autoFold needs a cycle target or a LUT budget');
  // The slowest folding: every layer at its fewest lanes.
  const slowest = fold(Infinity);
  if (slowest.estimatedLuts > goal.lutBudget) {
    throw new PotgenError(
      `A budget of ${goal.lutBudget} LUT is too small: the smallest folding (${slowest.choices.map((c) => `${c.layer} ${c.pe}x${c.simd}`).join(', ')}) needs about ${slowest.estimatedLuts} LUT in its weighted layers.`,
    );
  }
  // Bisect between the fastest any folding reaches, whatever it costs, and the slowest.
  let low = fastestOf(ir, explicit, fixed);
  let high = slowest.cyclesPerFrame;
  let best = fold(high);
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const trial = fold(mid);
    if (trial.estimatedLuts <= goal.lutBudget) {
      best = trial;
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  return best;
}
