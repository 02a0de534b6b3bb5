/**
 * What every layer built on potgen_window shares: the line-buffer size, the output FIFO depth that
 * keeps back-pressure from stalling the pipeline, the steady-state cycles per frame, and the rule
 * that the window fits its (padded) input.
 */
import type { Shape } from '../core/shapes.ts';
import type { ChainContext } from './kind.ts';

/** A window walk: square kernel, stride and zero padding on every side. */
export interface WindowGeometry {
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
}

/**
 * Rows in the line-buffer ring: the kernel's rows, plus the rows the input writes ahead while the
 * engine still reads, plus the next frame's first rows at a frame boundary, so that neither side
 * waits for the other in steady state.
 */
export function windowBufferRows(w: Pick<WindowGeometry, 'kernel' | 'stride'>): number {
  return 2 * w.kernel + 2 * w.stride;
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
export function windowCyclesPerFrame(input: Shape, output: Shape, cyclesPerPixel: number): number {
  return Math.max(input.height * input.width, output.height * output.width * cyclesPerPixel);
}

/** Reports a kernel larger than its padded input. */
export function checkWindowFits(ctx: ChainContext, kernel: number, pad: number): void {
  const input = ctx.input;
  if (!input) return;
  const side = Math.min(input.height, input.width) + 2 * pad;
  if (kernel > side) {
    ctx.error(
      'kernel',
      `${ctx.label}: the kernel (${kernel}x${kernel}) is larger than its ${input.height}x${input.width} input${pad ? ` padded by ${pad}` : ''}.`,
      `Use a kernel of at most ${side}.`,
    );
  }
}
