/** Folding, buffering and timing of a conv layer on its PE × SIMD array. */
import type { ConvFolding, ConvLayerIR, PoolLayerIR } from '../ir/types.ts';

/** How the layer's work maps onto the array: loops are pe-group ⊃ kernel row ⊃ kernel column ⊃ simd-group. */
export function convFolding(layer: ConvLayerIR): ConvFolding {
  const peFolds = layer.output.channels / layer.pe;
  const simdFolds = layer.input.channels / layer.simd;
  const accumulateCycles = layer.kernel * layer.kernel * simdFolds;
  return { peFolds, simdFolds, accumulateCycles, cyclesPerPixel: peFolds * accumulateCycles };
}

/** Pipeline stages from issuing a window step to writing the output FIFO (see potgen_pool_layer.v). */
export const POOL_PIPELINE_LATENCY = 2;

/** Pipeline stages from issuing a fold step to writing the output FIFO (see potgen_conv_layer.v). */
export function convPipelineLatency(simd: number): number {
  const treeLevels = Math.ceil(Math.log2(simd));
  return 1 /* buffer + ROM read */ + 1 /* products */ + treeLevels + 1 /* accumulate */ + 2 /* requantise */;
}

/**
 * Rows in the line-buffer ring: the kernel's rows, plus the rows the input writes ahead while the
 * engine still reads, plus the next frame's first rows at a frame boundary, so that neither side
 * waits for the other in steady state.
 */
export function windowBufferRows(layer: Pick<ConvLayerIR | PoolLayerIR, 'kernel' | 'stride'>): number {
  return 2 * layer.kernel + 2 * layer.stride;
}

/**
 * Output FIFO depth: the engine starts a pixel only when the FIFO has room for every pixel in
 * flight, so back-pressure never has to stop the pipeline; without back-pressure it never waits.
 */
export function outputFifoDepth(latency: number, cyclesPerPixel: number): number {
  const inFlight = Math.ceil(latency / cyclesPerPixel) + 3;
  let depth = 4;
  while (depth < inFlight) depth *= 2;
  return depth;
}

/** Steady-state cycles per frame: the input rate or the folded work, whichever is slower. */
export function windowCyclesPerFrame(layer: Pick<ConvLayerIR | PoolLayerIR, 'input' | 'output'>, cyclesPerPixel: number): number {
  const inputPixels = layer.input.height * layer.input.width;
  const outputWork = layer.output.height * layer.output.width * cyclesPerPixel;
  return Math.max(inputPixels, outputWork);
}
