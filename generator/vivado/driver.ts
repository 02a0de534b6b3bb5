/**
 * The PYNQ host driver a design folder carries as driver/<design>_driver.py: Python 3 and numpy,
 * packing frames into the DMA's bytes and back (the layout of streamLayout.ts, bit for bit what
 * the golden vectors hold), running them through the board's AXI DMA, and measuring throughput
 * and power. Only the design's constants vary; the code is templates/driver.py.hbs.
 */
import { header, type Origin } from '../emit/emitLayers.ts';
import { render, TEMPLATE_DIR } from '../emit/templates.ts';
import type { NetworkHW } from '../ir/types.ts';
import { streamLayout, type StreamSide } from './streamLayout.ts';

/**
 * Width of the AXI DMA's buffer length register in the block design (c_sg_length_width): one
 * simple-mode transfer moves at most 2^26 − 1 bytes, so the driver splits longer batches.
 */
export const DMA_LENGTH_BITS = 26;

/** The driver's file name inside the design folder's driver/. */
export function driverFileName(design: string): string {
  return `${design}_driver.py`;
}

/** The text of driver/<design>_driver.py. Deterministic: the same design gives the same bytes. */
export function emitDriver(hw: NetworkHW, origin: Origin): string {
  const layout = streamLayout(hw);
  return render(TEMPLATE_DIR, 'driver.py.hbs', {
    ...header(driverFileName(hw.name), origin),
    design: hw.name,
    designLiteral: pythonString(hw.name),
    sourceLiteral: pythonString(origin.source),
    input: pythonSide(layout.input),
    output: pythonSide(layout.output),
    cyclesPerFrame: hw.cyclesPerFrame,
    lengthBits: DMA_LENGTH_BITS,
    maxTransferBytes: `2**${DMA_LENGTH_BITS} - 1`,
  });
}

/** A StreamSide's numbers as Python literals. */
function pythonSide(side: StreamSide): Record<string, string | number> {
  return {
    height: side.height,
    width: side.width,
    channels: side.channels,
    bits: side.bits,
    signed: side.signed ? 'True' : 'False',
    beatBytes: side.beatBytes,
    beatsPerFrame: side.beatsPerFrame,
  };
}

/** A Python string literal: JSON's escapes (\", \\, \n, \uXXXX) mean the same in Python. */
function pythonString(text: string): string {
  return JSON.stringify(text);
}
