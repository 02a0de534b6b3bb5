/**
 * What the emitters hand the writer, and what a built design folder says about itself. The
 * runners (sim, lint, synth) read the manifest; nothing reads the IR back from disk.
 */

import type { StreamLayout } from '../vivado/streamLayout.ts';

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
  /** Multiply lanes (PE × SIMD summed), multiply-accumulates per inference, and lanes × cycles they fill. */
  readonly lanes: { readonly lanes: number; readonly macs: number; readonly utilisation: number };
  /**
   * The board shell `<design>_dma` (the design between AXI DMA byte streams; vivado/board.tcl
   * builds it) with its own sources, not part of `rtl`, and the byte layout of its streams; or why
   * the design has none.
   */
  readonly shell: ShellManifest | { readonly unavailable: string };
}

export interface ShellManifest {
  readonly top: string;
  readonly rtl: readonly string[];
  /** Its testbench module and file (tb/<design>_dma_tb.v), reading the design's golden vectors. */
  readonly testbench: string;
  readonly tb: readonly string[];
  readonly layout: StreamLayout;
}

/** Per-layer facts for reports: the common ones, and what the layer's kind adds (weights, folding, ...). */
export interface LayerSummary {
  readonly kind: string;
  readonly name: string;
  readonly module: string;
  readonly cyclesPerFrame: number;
  readonly [fact: string]: unknown;
}
