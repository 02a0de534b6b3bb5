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

/**
 * Whether the window keeps its taps as a sliding register window (potgen_window's SLIDE): only
 * for the whole window a step (SIMD = C·K·K) with stride below the kernel, where it reads S·K taps
 * a pixel instead of K·K (LeNet-5's first conv: 5 read ports, not 25), and only where its
 * ceil(K/S) − 1 preload cycles a row fit in the time the input takes to bring the row's S new
 * rows, so the layer's cycles per frame stay windowCyclesPerFrame's.
 */
export function slidesWindow(geometry: WindowGeometry, input: Shape, output: Shape, layout: SimdLayout, cyclesPerPixel: number): boolean {
  const { kernel: k, stride: s } = geometry;
  if (k < 2 || s >= k || layout.tapsX !== k || layout.tapsY !== k) return false;
  const preload = Math.ceil(k / s) - 1;
  return output.width * cyclesPerPixel + preload <= s * input.width;
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

/**
 * How SIMD lanes cover the window (potgen_window.v): up to C lanes take channels of one kernel tap
 * (`channelGroups` = C / SIMD steps per tap); more lanes take T = SIMD / C whole pixels per step,
 * either T < K taps of one kernel row or T / K ≤ K whole rows, so a layer with few channels
 * (LeNet's first, or any layer meant for weights in logic) can still take the whole window in one
 * step. T need not divide K: a row's (or the kernel's) last step then runs past the kernel, and
 * its lanes there carry zeros, which is what lets a folding land close to any cycle target. Lanes
 * are in im2col order [ky][kx][c], channels innermost.
 */
export interface SimdLayout {
  /** Steps per tap: C / SIMD, or 1 when a step spans taps. */
  readonly channelGroups: number;
  /** Kernel taps per step (whole pixels): SIMD / C, or 1. */
  readonly taps: number;
  /** Taps per kernel row in one step, and kernel rows per step. */
  readonly tapsX: number;
  readonly tapsY: number;
  /** Steps along a kernel row (ceil(K / tapsX)) and down the kernel (ceil(K / tapsY)). */
  readonly stepsX: number;
  readonly stepsY: number;
  /** Steps per accumulation: stepsY · stepsX · channelGroups. */
  readonly steps: number;
}

/** The layout of `simd` lanes over a K×K window of C channels, or undefined when potgen_window cannot take it. */
export function simdLayout(simd: number, channels: number, kernel: number): SimdLayout | undefined {
  if (simd < 1) return undefined;
  if (simd <= channels) {
    if (channels % simd !== 0) return undefined;
    const channelGroups = channels / simd;
    return { channelGroups, taps: 1, tapsX: 1, tapsY: 1, stepsX: kernel, stepsY: kernel, steps: kernel * kernel * channelGroups };
  }
  if (simd % channels !== 0) return undefined;
  const taps = simd / channels;
  const tapsX = Math.min(taps, kernel);
  const tapsY = taps / tapsX;
  if (!Number.isInteger(tapsY) || tapsY > kernel) return undefined;
  const stepsX = Math.ceil(kernel / tapsX);
  const stepsY = Math.ceil(kernel / tapsY);
  return { channelGroups: 1, taps, tapsX, tapsY, stepsX, stepsY, steps: stepsY * stepsX };
}

/** Every SIMD value potgen_window takes for this window, smallest first: divisors of C, then C times the allowed tap counts. */
export function simdChoices(channels: number, kernel: number): number[] {
  const out: number[] = [];
  for (let s = 1; s <= channels * kernel * kernel; s++) if (simdLayout(s, channels, kernel)) out.push(s);
  return out;
}
