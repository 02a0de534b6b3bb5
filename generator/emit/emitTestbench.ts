/** The self-checking testbench `<design>_tb` and its golden vectors as $readmemh files. */
import { testbenchModuleName, topModuleName } from '../core/names.ts';
import { hexDigits } from '../core/verilog.ts';
import type { NetworkHW } from '../ir/types.ts';
import type { Vectors } from '../reference/vectors.ts';
import { header, type Origin } from './emitLayers.ts';
import { render, TESTBENCH_DIR } from './templates.ts';

/** The vector files the testbench reads by default, relative to tb/. */
export const VECTOR_FILES = { input: 'input.hex', expected: 'expected.hex' } as const;

/** The golden beats ({tlast, tdata}) of the top module's wire `link<k>`, the output of layer k (1-based), under tb/. */
export function linkVectorFile(k: number): string {
  return `link${k}.hex`;
}

/** The testbench; the first `steadyFrames` of the vectors run at full rate, the rest with random stalls. */
export function emitTestbench(hw: NetworkHW, vectors: Vectors, steadyFrames: number, origin: Origin): string {
  const first = hw.layers[0]!;
  const last = hw.layers[hw.layers.length - 1]!;
  const inBeats = first.input.height * first.input.width;
  const outBeats = last.output.height * last.output.width;
  // Phase 2 may run 4x slower (bubbles, back-pressure); add room for the pipeline's fill.
  const watchdog = 8 * (vectors.frames + 1) * (hw.cyclesPerFrame + inBeats) + 10_000;
  const module = testbenchModuleName(hw.name);
  return render(TESTBENCH_DIR, 'tb.v.hbs', {
    ...header(`${module}.v`, origin),
    module,
    top: topModuleName(hw.name),
    inWidth: vectors.inputWidth,
    outWidth: vectors.outputWidth,
    steadyFrames,
    stressFrames: vectors.frames - steadyFrames,
    frames: vectors.frames,
    inBeats,
    outBeats,
    cyclesPerFrame: hw.cyclesPerFrame,
    watchdog,
    inputFile: VECTOR_FILES.input,
    expectedFile: VECTOR_FILES.expected,
  });
}

/** One beat per line as $readmemh reads it; expected beats carry tlast above the data. */
export function beatsHex(beats: Vectors['input'], width: number, withLast: boolean): string {
  const w = withLast ? width + 1 : width;
  return beats.map((b) => hexDigits(withLast ? (BigInt(b.last) << BigInt(width)) | b.data : b.data, w)).join('\n') + '\n';
}
