/**
 * How a design's streams sit in memory on a board: AXI DMA moves whole bytes, in stream widths of
 * 8, 16, 32, ... bits, so each pixel's beat is padded up to the next such width. The board shell
 * (`<design>_dma`), the PYNQ driver and the Vivado block design all read this one layout.
 *
 * A beat holds one pixel: channel 0 in the low bits, each channel `bits` wide (two's complement
 * when signed), the bits above the last channel zero, bytes little-endian. Frames follow each other
 * in raster order; one DMA transfer carries a whole batch of frames, and tlast marks the batch's
 * last beat (not each frame's).
 */
import type { NetworkHW } from '../ir/types.ts';

/** One direction of the stream: its feature map and where each beat's bits lie. */
export interface StreamSide {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Bits per channel value. */
  readonly bits: number;
  /** Whether channel values are two's complement. */
  readonly signed: boolean;
  /** channels × bits: the design's own stream width. */
  readonly dataBits: number;
  /** Bytes per beat on the DMA side: the smallest power of two holding dataBits. */
  readonly beatBytes: number;
  /** Beats (pixels) per frame. */
  readonly beatsPerFrame: number;
}

export interface StreamLayout {
  readonly input: StreamSide;
  readonly output: StreamSide;
}

/** The smallest AXI DMA stream width, in bytes, that holds `bits`: 1, 2, 4, ... 128. */
export function dmaBeatBytes(bits: number): number {
  let bytes = 1;
  while (bytes * 8 < bits) bytes *= 2;
  if (bytes > 128) throw new RangeError(`A ${bits}-bit beat is wider than AXI DMA's widest stream (1024 bits).`);
  return bytes;
}

function side(height: number, width: number, channels: number, bits: number, signed: boolean): StreamSide {
  const dataBits = channels * bits;
  return { height, width, channels, bits, signed, dataBits, beatBytes: dmaBeatBytes(dataBits), beatsPerFrame: height * width };
}

/** The layout of `hw`'s input and output streams in a DMA buffer. */
export function streamLayout(hw: NetworkHW): StreamLayout {
  const last = hw.layers[hw.layers.length - 1]!;
  return {
    input: side(hw.input.height, hw.input.width, hw.input.channels, hw.input.bits, false),
    output: side(last.output.height, last.output.width, last.output.channels, last.outputBits, last.outputSigned),
  };
}
