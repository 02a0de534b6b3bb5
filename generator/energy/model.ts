/**
 * The energy arithmetic: toggles grouped by cell class, times per-event coefficients, plus clock
 * energy per clocked element per cycle.
 *
 *   E = Σ_class k_class · outputToggles_class           (LUTn, CARRY, FF, MUXF, LUTRAM, SRL)
 *     + k_bramRead · bramReadCycles + k_dspPortToggle · dspPortToggles
 *     + k_routing · Σ_class toggles × fanout            (every class but 'other')
 *     + cycles · (k_clockPerFlipFlop · FFs + k_clockPerBram · BRAMs + k_clockPerDsp · DSPs)
 *
 * 'other' cells (BUFG and the like) carry the clock; the clock terms cover them.
 * The coefficients and their sources live in coefficients.json, beside this file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticsError, type Diagnostic } from '../core/errors.ts';
import { displayPath, PACKAGE_ROOT } from '../core/paths.ts';
import { CELL_CLASSES, type CellActivity, type CellClass } from './attribute.ts';
import { EnergyInputError } from './errors.ts';

/** Every coefficient the model uses, in the order reports list them. */
export const COEFFICIENT_NAMES = [
  'lut1', 'lut2', 'lut3', 'lut4', 'lut5', 'lut6', 'carry', 'ff', 'mux', 'lutram', 'srl',
  'bramRead', 'dspPortToggle', 'routing', 'clockPerFlipFlop', 'clockPerBram', 'clockPerDsp',
] as const;
export type CoefficientName = (typeof COEFFICIENT_NAMES)[number];

/** Classes whose energy is k × output toggles. */
const TOGGLE_CLASSES = ['lut1', 'lut2', 'lut3', 'lut4', 'lut5', 'lut6', 'carry', 'ff', 'mux', 'lutram', 'srl'] as const satisfies readonly (CellClass & CoefficientName)[];

export interface Coefficient {
  /** Nominal value in picojoules per the event `unit` names. */
  readonly value: number;
  /** Plausible [low, high] for the nominal value. */
  readonly range: readonly [number, number];
  readonly unit: string;
  /** Where the value comes from, or how it was estimated. */
  readonly source: string;
}

export interface EnergyCoefficients {
  /** The file they were read from (absolute). */
  readonly file: string;
  /** The file as reports name it (relative to the working directory when below it). */
  readonly source: string;
  readonly coefficients: Readonly<Record<CoefficientName, Coefficient>>;
}

export interface EnergyEstimate {
  readonly totalPicojoules: number;
  /** Energy by cell class (lut1..srl by output toggles, bram by read cycles, dsp by port toggles), pJ. */
  readonly byClass: Readonly<Record<string, number>>;
  readonly clockPicojoules: number;
  readonly routingPicojoules: number;
  readonly coefficients: EnergyCoefficients;
}

/** Resources the clock terms need, as synthesis counts them (BRAM in 36 Kb units). */
export interface ResourceCounts {
  readonly flipFlops: number;
  readonly dsp: number;
  readonly bram: number;
}

/** The coefficients shipped with potgen. */
export const DEFAULT_COEFFICIENTS_FILE = path.join(PACKAGE_ROOT, 'generator', 'energy', 'coefficients.json');

/**
 * Reads and checks a coefficients file (default: generator/energy/coefficients.json).
 * @throws EnergyInputError when the file cannot be read or is not JSON (with line and column);
 *   DiagnosticsError listing every missing, unknown or malformed coefficient, each located.
 */
export function loadCoefficients(file: string = DEFAULT_COEFFICIENTS_FILE): EnergyCoefficients {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new EnergyInputError(`Cannot read the energy coefficients file ${file}: ${e.code === 'ENOENT' ? 'it does not exist' : e.message}.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const m = /position (\d+)/.exec((error as Error).message);
    const where = m ? `:${lineColumn(text, Number(m[1]))}` : '';
    throw new EnergyInputError(`${file}${where}: error: the energy coefficients file is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
  const problems: Diagnostic[] = [];
  const at = (key: string | undefined): Diagnostic['location'] => {
    const index = key === undefined ? 0 : Math.max(0, text.indexOf(`"${key}"`));
    const [line, column] = lineColumn(text, index).split(':').map(Number) as [number, number];
    return { file, line, column };
  };
  const table = isObject(json) ? json.coefficients : undefined;
  if (!isObject(table)) {
    throw new DiagnosticsError([{ location: at('coefficients'), message: 'the file needs an object "coefficients" mapping each coefficient name to { value, range, unit, source }.' }]);
  }
  const coefficients = {} as Record<CoefficientName, Coefficient>;
  for (const name of COEFFICIENT_NAMES) {
    const c = table[name];
    if (c === undefined) {
      problems.push({ location: at('coefficients'), message: `coefficient "${name}" is missing.`, fix: `Add "${name}": { "value": …, "range": [low, high], "unit": "…", "source": "…" }.` });
      continue;
    }
    const bad = checkCoefficient(c);
    if (bad !== undefined) {
      problems.push({ location: at(name), message: `coefficient "${name}" ${bad}` });
      continue;
    }
    coefficients[name] = c as Coefficient;
  }
  for (const name of Object.keys(table)) {
    if (!(COEFFICIENT_NAMES as readonly string[]).includes(name)) {
      problems.push({ location: at(name), message: `"${name}" is not a coefficient of the energy model.`, fix: `The names are ${COEFFICIENT_NAMES.join(', ')}.` });
    }
  }
  if (problems.length > 0) throw new DiagnosticsError(problems);
  return { file: path.resolve(file), source: displayPath(file), coefficients };
}

/** Why a coefficient entry is malformed, or undefined when it is fine. */
function checkCoefficient(c: unknown): string | undefined {
  if (!isObject(c)) return 'must be an object { value, range, unit, source }.';
  const { value, range, unit, source } = c;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `has value ${JSON.stringify(value)}; it must be a finite number of picojoules, 0 or more.`;
  if (!Array.isArray(range) || range.length !== 2 || !range.every((x) => typeof x === 'number' && Number.isFinite(x))) return `has range ${JSON.stringify(range)}; it must be [low, high] in picojoules.`;
  const [low, high] = range as [number, number];
  if (!(low >= 0 && low <= value && value <= high)) return `has range [${low}, ${high}] that does not hold its value ${value}; it needs 0 <= low <= value <= high.`;
  if (typeof unit !== 'string' || unit.trim() === '') return 'needs a "unit" saying what event the picojoules are per.';
  if (typeof source !== 'string' || source.trim() === '') return 'needs a "source" saying where the value comes from or how it was estimated.';
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** 1-based `line:column` of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

/** Energy of one simulated window (e.g. one inference) from its cell activity and resource counts. */
export function estimateEnergy(a: CellActivity, counts: ResourceCounts, k: EnergyCoefficients): EnergyEstimate {
  const v = (name: CoefficientName): number => k.coefficients[name].value;
  const byClass: Record<string, number> = {};
  let total = 0;
  for (const c of TOGGLE_CLASSES) {
    byClass[c] = v(c) * a.total[c].outputToggles;
    total += byClass[c];
  }
  byClass.bram = v('bramRead') * a.bramReadCycles;
  byClass.dsp = v('dspPortToggle') * a.dspPortToggles;
  total += byClass.bram + byClass.dsp;
  let fanoutToggles = 0;
  for (const c of CELL_CLASSES) if (c !== 'other') fanoutToggles += a.total[c].fanoutToggles;
  const routingPicojoules = v('routing') * fanoutToggles;
  const clockPicojoules = a.cycles * (v('clockPerFlipFlop') * counts.flipFlops + v('clockPerBram') * counts.bram + v('clockPerDsp') * counts.dsp);
  return { totalPicojoules: total + routingPicojoules + clockPicojoules, byClass, clockPicojoules, routingPicojoules, coefficients: k };
}

/** One design's inputs to the model: its cell activity and its synthesis counts (the shape of a gate-level measurement). */
export interface EnergyInput {
  readonly cellActivity: CellActivity;
  readonly synthesis: ResourceCounts;
}

/** How the ratio E(A)/E(B) moves when some coefficients sweep their ranges. */
export interface RatioRange {
  /** The ratio with every coefficient at its nominal value. */
  readonly nominal: number;
  /** The smallest ratio over the swept ranges. */
  readonly low: number;
  /** The largest ratio over the swept ranges. */
  readonly high: number;
  /** Values of the swept coefficients where the low and high ratios were found. */
  readonly lowAt: Readonly<Partial<Record<CoefficientName, number>>>;
  readonly highAt: Readonly<Partial<Record<CoefficientName, number>>>;
}

/** Coefficients whose uncertainty matters most when PoT (no DSP) is compared with uniform (DSPs). */
export const DEFAULT_SWEEP: readonly CoefficientName[] = ['dspPortToggle', 'routing'];

/**
 * The ratio E(a)/E(b) at nominal coefficients and its extremes while `sweep` coefficients range
 * independently over their [low, high]. Each energy is linear in every coefficient, so the ratio
 * is a linear-fractional function of them and its extremes over the box lie at its corners, which
 * are all evaluated (2^n for n swept coefficients; at most 12).
 */
export function energyRange(a: EnergyInput, b: EnergyInput, k: EnergyCoefficients, sweep: readonly CoefficientName[] = DEFAULT_SWEEP): RatioRange {
  if (sweep.length > 12) throw new EnergyInputError(`energyRange sweeps at most 12 coefficients (4096 corners), not ${sweep.length}.`);
  const ratio = (kk: EnergyCoefficients): number =>
    estimateEnergy(a.cellActivity, a.synthesis, kk).totalPicojoules / estimateEnergy(b.cellActivity, b.synthesis, kk).totalPicojoules;
  const nominal = ratio(k);
  let low = Infinity;
  let high = -Infinity;
  let lowAt: Partial<Record<CoefficientName, number>> = {};
  let highAt: Partial<Record<CoefficientName, number>> = {};
  for (let corner = 0; corner < 1 << sweep.length; corner++) {
    const at: Partial<Record<CoefficientName, number>> = {};
    sweep.forEach((name, i) => {
      at[name] = k.coefficients[name].range[(corner >> i) & 1] as number;
    });
    const r = ratio(withValues(k, at));
    if (r < low) [low, lowAt] = [r, at];
    if (r > high) [high, highAt] = [r, at];
  }
  return { nominal, low, high, lowAt, highAt };
}

/** `k` with some coefficients' values replaced. */
export function withValues(k: EnergyCoefficients, values: Readonly<Partial<Record<CoefficientName, number>>>): EnergyCoefficients {
  const coefficients = { ...k.coefficients };
  for (const [name, value] of Object.entries(values) as [CoefficientName, number][]) coefficients[name] = { ...coefficients[name], value };
  return { file: k.file, source: k.source, coefficients };
}
