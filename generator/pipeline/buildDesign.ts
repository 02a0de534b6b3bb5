/**
 * The whole pipeline in order: load → validate → import weights → quantise → passes → reference
 * vectors → emit. Returns the BuildPlan and what was decided; writing is the caller's step.
 */
import { readFileSync } from 'node:fs';
import type { FeatureMap } from '../arith/conv.ts';
import type { NetworkSpec, RawNetwork, WeightQuantOptions } from '../dsl/types.ts';
import { emitDesign, type BuildPlan } from '../emit/emitDesign.ts';
import type { NetworkHW, NetworkIR } from '../ir/types.ts';
import { displayPath, loadModel } from '../load/loadModel.ts';
import type { Locator } from '../load/locations.ts';
import { lowerToHardware } from '../passes/lowerToHardware.ts';
import { quantiseNetwork } from '../quantise/quantiseNetwork.ts';
import { randomImages } from '../quantise/samples.ts';
import { makeVectors } from '../reference/vectors.ts';
import { validateNetwork } from '../validate/validate.ts';
import { loadWeights } from '../weights/loadWeights.ts';

/** potgen's version, named in every generated file. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** How to build. */
export interface BuildOptions {
  /** Overrides every layer's weight quantisation (e.g. the uniform baseline of a PoT model). */
  readonly quant?: WeightQuantOptions;
  /** Frames in the testbench's full-rate phase (≥ 2 to measure cycles per frame). Default 2. */
  readonly steadyFrames?: number;
  /** Frames in the testbench's random-stall phase. Default 2. */
  readonly stressFrames?: number;
  /** Test images instead of seeded random ones (their count sets the frames). */
  readonly images?: readonly FeatureMap[];
  /** Calibration images instead of seeded random ones. */
  readonly calibration?: readonly FeatureMap[];
}

/** Everything a build decided, for reports and tests. */
export interface BuildResult {
  readonly spec: NetworkSpec;
  readonly ir: NetworkIR;
  readonly hw: NetworkHW;
  readonly images: readonly FeatureMap[];
  readonly plan: BuildPlan;
}

/** Calibration images when the model gives none. */
const CALIBRATION_IMAGES = 8;

/** Builds a model file into a BuildPlan. Throws PotgenError (with locations) on bad input. */
export function buildDesign(modelPath: string, options: BuildOptions = {}): BuildResult {
  const model = loadModel(modelPath);
  return buildNetwork(model.network, model.locator, model.file, options);
}

/**
 * Builds a network the DSL made, from validation on. `file` anchors relative weight paths and
 * names the source in generated headers; `locator` places errors (noLocations if none).
 */
export function buildNetwork(network: RawNetwork, locator: Locator, file: string, options: BuildOptions = {}): BuildResult {
  const model = { network, locator, file };
  const validated = validateNetwork(model.network, model.locator, model.file);
  const spec: NetworkSpec = options.quant
    ? { ...validated, layers: validated.layers.map((l) => ({ ...l, weights: options.quant! })) }
    : validated;
  const tensors = loadWeights(spec, model.network, model.locator);
  const source = displayPath(model.file);
  const calibration = options.calibration ?? randomImages(spec.input, spec.sampleSeed, CALIBRATION_IMAGES);
  const ir = quantiseNetwork(spec, tensors, calibration, source);
  const hw = lowerToHardware(ir);
  const steadyFrames = options.steadyFrames ?? 2;
  const images = options.images ?? randomImages(spec.input, spec.sampleSeed + 1, steadyFrames + (options.stressFrames ?? 2));
  const vectors = makeVectors(hw, images);
  const plan = emitDesign(hw, vectors, Math.min(steadyFrames, images.length), { version: VERSION, source });
  return { spec, ir, hw, images, plan };
}
