/**
 * The whole pipeline in order: load → validate → import weights → quantise → passes → reference
 * vectors → emit. Returns the BuildPlan and what was decided; writing is the caller's step.
 */
import type { BuildPlan } from '../core/plan.ts';
import { POTGEN_VERSION, sourceName } from '../core/paths.ts';
import type { FeatureMap } from '../core/shapes.ts';
import type { NdArray } from '../core/tensors.ts';
import { calibrationSet, checkDataset, testSet } from '../data/datasets.ts';
import type { QuantVariant, RawNetwork } from '../dsl/types.ts';
import { emitDesign } from '../emit/emitDesign.ts';
import type { NetworkHW, NetworkIR, NetworkSpec } from '../ir/types.ts';
import { kindOf } from '../layers/registry.ts';
import { loadModel } from '../load/loadModel.ts';
import type { Locator } from '../load/locations.ts';
import { autoFold, loadLaneCosts, type ExplicitFolding, type FoldChoice } from '../passes/autoFold.ts';
import { lowerToHardware } from '../passes/lowerToHardware.ts';
import { quantiseNetwork } from '../quantise/quantiseNetwork.ts';
import { randomImages, varyingImages } from '../quantise/samples.ts';
import { chooseStimulus } from '../reference/stimulus.ts';
import { makeVectors } from '../reference/vectors.ts';
import { validateNetwork } from '../validate/validate.ts';
import { loadWeights } from '../weights/loadWeights.ts';
import { checkWork } from './workEstimate.ts';

/** How to build. */
export interface BuildOptions {
  /** Overrides every layer's weight quantisation (e.g. the uniform baseline of a PoT model). */
  readonly quant?: QuantVariant;
  /** Frames in the testbench's full-rate phase (≥ 2 to measure cycles per frame). Default 2. */
  readonly steadyFrames?: number;
  /** Frames in the testbench's random-stall phase. Default 2. */
  readonly stressFrames?: number;
  /** Test images instead of seeded random ones (their count sets the frames). */
  readonly images?: readonly FeatureMap[];
  /** Calibration images instead of seeded random ones. */
  readonly calibration?: readonly FeatureMap[];
  /** Hears of long steps (the CLI prints them). */
  readonly progress?: (message: string) => void;
  /** Minutes of reference-model work a build may take before it stops and says so. Default 2. */
  readonly timeLimitMinutes?: number;
  /** Choose PE and SIMD for this many cycles per inference where the model file leaves them open. */
  readonly targetCycles?: number;
  /** Choose PE and SIMD for the fewest cycles whose weighted layers fit this many LUTs (estimated from measured lane costs). */
  readonly lutBudget?: number;
}

/** Everything a build decided, for reports and tests. */
export interface BuildResult {
  readonly spec: NetworkSpec;
  readonly ir: NetworkIR;
  readonly hw: NetworkHW;
  readonly images: readonly FeatureMap[];
  readonly plan: BuildPlan;
  /** What the user should know about the build (e.g. test frames that cannot vary). */
  readonly notes: readonly string[];
  /** With targetCycles or lutBudget: the folding chosen, the target it was chosen for, and its LUT estimate. */
  readonly folding?: FoldSummary;
}

/** Calibration images: the first training images of the data set (test images if it has no training split), or seeded random ones. */
export const CALIBRATION_IMAGES = { dataset: 1000, random: 8 } as const;

/** Testbench frames by default: at full rate (two, to measure cycles per frame), then with random stalls. */
export const DEFAULT_FRAMES = { steady: 2, stress: 2 } as const;

/** A validated network with its float tensors: what every build variant starts from. */
export interface PreparedNetwork {
  readonly spec: NetworkSpec;
  readonly tensors: ReadonlyMap<string, NdArray>;
  /** The model file as generated headers name it (see sourceName). */
  readonly source: string;
  /** Which weighted layers' PE and SIMD the model file gave (automatic folding keeps them). */
  readonly explicitFolding: ReadonlyMap<string, ExplicitFolding>;
}

/** Builds a model file into a BuildPlan. Throws PotgenError (with locations) on bad input. */
export function buildDesign(modelPath: string, options: BuildOptions = {}): BuildResult {
  const model = loadModel(modelPath);
  return buildNetwork(model.network, model.locator, model.file, options);
}

/**
 * Validates a network, checks that building it is feasible, and imports its weights; `file`
 * anchors relative paths, `locator` places errors.
 */
export function prepareNetwork(network: RawNetwork, locator: Locator, file: string, options: Pick<BuildOptions, 'progress' | 'timeLimitMinutes' | 'steadyFrames' | 'stressFrames'> = {}): PreparedNetwork {
  const spec = validateNetwork(network, locator, file);
  const frames = (options.steadyFrames ?? DEFAULT_FRAMES.steady) + (options.stressFrames ?? DEFAULT_FRAMES.stress);
  checkWork(spec, { images: calibrationCount(spec) + frames, timeLimitMinutes: options.timeLimitMinutes ?? 2, ...(options.progress ? { progress: options.progress } : {}) });
  const tensors = loadWeights(spec, network, locator);
  checkDataset(spec, network, locator);
  const explicitFolding = new Map(
    network.layers.flatMap((raw) => {
      const r = raw as { name?: unknown; pe?: unknown; simd?: unknown };
      return typeof r.name === 'string' ? [[r.name, { pe: r.pe !== undefined, simd: r.simd !== undefined }] as const] : [];
    }),
  );
  return { spec, tensors, source: sourceName(file), explicitFolding };
}

/**
 * The same network with every weighted layer quantised as `quant` (e.g. the uniform baseline),
 * and its weights stored as `quant.storage` says, when it says.
 */
export function withQuant(spec: NetworkSpec, quant: QuantVariant | undefined): NetworkSpec {
  if (!quant) return spec;
  const { storage, ...weights } = quant;
  return { ...spec, layers: spec.layers.map((l) => (kindOf(l).weighted ? { ...l, weights, ...(storage ? { weightStorage: storage } : {}) } : l)) };
}

/** How many images calibration runs through the network. */
function calibrationCount(spec: NetworkSpec): number {
  return spec.dataset ? CALIBRATION_IMAGES.dataset : CALIBRATION_IMAGES.random;
}

/** Images to calibrate shifts on: the data set's first training images (test images without a training split), else seeded random ones. */
export function calibrationImages(spec: NetworkSpec): readonly FeatureMap[] {
  if (spec.dataset) return calibrationSet(spec).images(0, CALIBRATION_IMAGES.dataset);
  return randomImages(spec.input, spec.sampleSeed, CALIBRATION_IMAGES.random);
}

/** Candidate images for test vectors, in order: the data set's test images, else seeded varied ones. */
export function testImageCandidates(spec: NetworkSpec): Iterable<FeatureMap> {
  if (spec.dataset) return testSet(spec).each();
  return varyingImages(spec.input, spec.sampleSeed + 1);
}

/** Quantises and lowers a prepared network. */
export function compileNetwork(
  prepared: PreparedNetwork,
  options: Pick<BuildOptions, 'quant' | 'calibration' | 'targetCycles' | 'lutBudget'> = {},
): { spec: NetworkSpec; ir: NetworkIR; hw: NetworkHW; folding?: FoldSummary } {
  const spec = withQuant(prepared.spec, options.quant);
  const quantised = quantiseNetwork(spec, prepared.tensors, options.calibration ?? calibrationImages(spec), prepared.source);
  if (options.targetCycles === undefined && options.lutBudget === undefined) return { spec, ir: quantised, hw: lowerToHardware(quantised) };
  const goal = { ...(options.targetCycles !== undefined ? { cycles: options.targetCycles } : {}), ...(options.lutBudget !== undefined ? { lutBudget: options.lutBudget } : {}) };
  const { ir, choices, targetCycles, estimatedLuts } = autoFold(quantised, goal, prepared.explicitFolding, loadLaneCosts());
  return { spec, ir, hw: lowerToHardware(ir), folding: { choices, targetCycles, estimatedLuts } };
}

/** The folding automatic sizing chose. */
export interface FoldSummary {
  readonly choices: readonly FoldChoice[];
  readonly targetCycles: number;
  readonly estimatedLuts: number;
}

/**
 * Builds a network the DSL made, from validation on. `file` anchors relative weight paths and
 * names the source in generated headers; `locator` places errors (noLocations if none).
 */
export function buildNetwork(network: RawNetwork, locator: Locator, file: string, options: BuildOptions = {}): BuildResult {
  return buildPrepared(prepareNetwork(network, locator, file, options), options);
}

/** Builds one variant of a prepared network: `compare` prepares once and builds every variant from it. */
export function buildPrepared(prepared: PreparedNetwork, options: BuildOptions = {}): BuildResult {
  const { spec, ir, hw, folding } = compileNetwork(prepared, options);
  const steadyFrames = options.steadyFrames ?? DEFAULT_FRAMES.steady;
  const notes: string[] = [];
  let images = options.images;
  if (!images) {
    const stimulus = chooseStimulus(ir, testImageCandidates(spec), steadyFrames + (options.stressFrames ?? DEFAULT_FRAMES.stress));
    images = stimulus.images;
    if (stimulus.note) notes.push(stimulus.note);
  }
  const vectors = makeVectors(hw, images);
  const plan = emitDesign(hw, vectors, Math.min(steadyFrames, images.length), { version: POTGEN_VERSION, source: prepared.source });
  return { spec, ir, hw, images, plan, notes, ...(folding ? { folding } : {}) };
}
