/**
 * What the emitters hand the writer, and what a built design folder says about itself. The
 * runners (sim, lint, synth) read the manifest; nothing reads the IR back from disk.
 */

/** Relative path → file text; paths use '/' and the map is sorted. */
export type BuildPlan = ReadonlyMap<string, string>;

/** potgen.json: what the `sim`, `lint` and `synth` commands need to know about a built design. */
export interface DesignManifest {
  readonly design: string;
  readonly top: string;
  readonly testbench: string;
  readonly source: string;
  readonly rtl: readonly string[];
  readonly tb: readonly string[];
  readonly frames: number;
  readonly steadyFrames: number;
  readonly cyclesPerFrame: number;
  readonly layers: readonly LayerSummary[];
}

/** Per-layer facts for reports: the common ones, and what the layer's kind adds (weights, folding, ...). */
export interface LayerSummary {
  readonly kind: string;
  readonly name: string;
  readonly module: string;
  readonly cyclesPerFrame: number;
  readonly [fact: string]: unknown;
}
