/** The board shell `<design>_dma`: the design between AXI DMA streams of whole bytes, batches ended by the host's tlast. */
import { dmaShellModuleName, dmaTestbenchModuleName, topModuleName } from '../core/names.ts';
import { header, type Origin } from '../emit/emitLayers.ts';
import { VECTOR_FILES } from '../emit/emitTestbench.ts';
import { render, TEMPLATE_DIR, TESTBENCH_DIR } from '../emit/templates.ts';
import type { NetworkHW } from '../ir/types.ts';
import type { Vectors } from '../reference/vectors.ts';
import type { StreamLayout } from './streamLayout.ts';

/** Frames the shell lets into the pipeline before the oldest one's output has left it. */
export const SHELL_FRAMES_IN_FLIGHT = 8;

/** The library modules the shell adds to the design's own. */
export const SHELL_LIBRARY = ['potgen_axis_batch'] as const;

/** `<design>_dma.v`. */
export function emitShell(hw: NetworkHW, layout: StreamLayout, origin: Origin): string {
  const module = dmaShellModuleName(hw.name);
  const { input, output } = layout;
  return render(TEMPLATE_DIR, 'dma_shell.v.hbs', {
    ...header(`${module}.v`, origin),
    module,
    design: hw.name,
    top: topModuleName(hw.name),
    inH: input.height,
    inW: input.width,
    inBits: input.dataBits,
    inBytes: input.beatBytes,
    inBeats: input.beatsPerFrame,
    inMsb: input.dataBits - 1,
    inDmaMsb: input.beatBytes * 8 - 1,
    inPadded: input.beatBytes * 8 > input.dataBits,
    outBits: output.dataBits,
    outBytes: output.beatBytes,
    outMsb: output.dataBits - 1,
    outDmaMsb: output.beatBytes * 8 - 1,
    outPadded: output.beatBytes * 8 > output.dataBits,
    outPadBits: output.beatBytes * 8 - output.dataBits,
    depth: SHELL_FRAMES_IN_FLIGHT,
    cyclesPerFrame: hw.cyclesPerFrame,
  });
}

/**
 * Where the shell's testbench ends its DMA transfers: after the first frame, then after the last,
 * so that a one-frame batch and a longer one both end with tlast where they must.
 */
export function shellBatchEnds(frames: number): number[] {
  return frames > 1 ? [1, frames] : [1];
}

/** `tb/<design>_dma_tb.v`: the shell driven as AXI DMA drives it, over the design's golden vectors. */
export function emitShellTestbench(hw: NetworkHW, vectors: Vectors, layout: StreamLayout, origin: Origin): string {
  const module = dmaTestbenchModuleName(hw.name);
  const batchEnds = shellBatchEnds(vectors.frames);
  return render(TESTBENCH_DIR, 'dma_tb.v.hbs', {
    ...header(`${module}.v`, origin),
    module,
    shell: dmaShellModuleName(hw.name),
    inWidth: vectors.inputWidth,
    outWidth: vectors.outputWidth,
    inDmaWidth: layout.input.beatBytes * 8,
    outDmaWidth: layout.output.beatBytes * 8,
    outBytes: layout.output.beatBytes,
    frames: vectors.frames,
    inBeats: layout.input.beatsPerFrame,
    outBeats: layout.output.beatsPerFrame,
    batchEnds,
    batchCount: batchEnds.length,
    batchList: batchEnds.map((end, i) => end - (i === 0 ? 0 : batchEnds[i - 1]!)).join(' and '),
    // Bubbles and back-pressure may slow it 4x; add room for the pipeline's fill.
    watchdog: 8 * (vectors.frames + 1) * (hw.cyclesPerFrame + layout.input.beatsPerFrame) + 10_000,
    inputFile: VECTOR_FILES.input,
    expectedFile: VECTOR_FILES.expected,
  });
}
