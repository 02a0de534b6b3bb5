/**
 * The network-level representations every stage after validation shares: plain readonly data,
 * tagged by `kind`, never holding rendered text. Each layer's own fields are declared by its kind
 * (generator/layers); validation gives a NetworkSpec, quantisation the integer NetworkIR, and the
 * passes the NetworkHW that the emitters read.
 */
import type { Shape } from '../core/shapes.ts';
import type { DatasetSource, WeightSource } from '../dsl/types.ts';
import type { LayerHW, LayerIR, LayerSpec } from '../layers/registry.ts';

export type { LayerHW, LayerIR, LayerSpec } from '../layers/registry.ts';

/** A validated network: every default filled in, every rule checked. Paths are absolute. */
export interface NetworkSpec {
  readonly kind: 'network';
  readonly name: string;
  readonly input: Shape & { readonly bits: 8 };
  readonly weights: WeightSource;
  readonly layers: readonly LayerSpec[];
  readonly sampleSeed: number;
  readonly dataset: DatasetSource | undefined;
}

/** A quantised network. */
export interface NetworkIR {
  readonly kind: 'network';
  readonly name: string;
  /** The model file it came from, as generated headers name it (stable wherever potgen runs). */
  readonly source: string;
  readonly input: Shape & { readonly bits: number };
  readonly layers: readonly LayerIR[];
  /** Seed of the sample images (calibration and test vectors). */
  readonly sampleSeed: number;
}

/** A network ready for emission. */
export interface NetworkHW extends Omit<NetworkIR, 'layers'> {
  readonly layers: readonly LayerHW[];
  /** Steady-state cycles per inference: the slowest layer's cycles per frame. */
  readonly cyclesPerFrame: number;
}
