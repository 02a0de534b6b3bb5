/**
 * The activity testbench of a built design: the design's own golden vectors streamed at full rate,
 * every output beat checked, and exactly one steady-state frame traced (testbench/activity_tb.v.hbs).
 *
 * The stream's shape (bus widths, beats per frame, vector frames) is read back from the design's
 * self-checking testbench, whose localparams the emitter wrote, so that a built design folder is
 * all this needs: the model file need not be loaded again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import { POTGEN_VERSION } from '../core/paths.ts';
import type { DesignManifest } from '../core/plan.ts';
import { header } from '../emit/emitLayers.ts';
import { VECTOR_FILES } from '../emit/emitTestbench.ts';
import { render, TESTBENCH_DIR } from '../emit/templates.ts';

/** The activity testbench's template, relative to testbench/. */
export const ACTIVITY_TEMPLATE = 'activity_tb.v.hbs';

/** Clock period of the activity testbench, in picoseconds (200 MHz, as the self-checking one). */
export const CLOCK_PERIOD_PS = 5000;

/** The stream a design's self-checking testbench declares. */
export interface StreamShape {
  readonly inWidth: number;
  readonly outWidth: number;
  /** Frames in the vector files. */
  readonly frames: number;
  readonly inBeats: number;
  readonly outBeats: number;
  readonly cyclesPerFrame: number;
}

export interface ActivityBenchOptions {
  /** Frames streamed before the measured one; at least 1, so the pipeline is full. Default 1. */
  readonly warmupFrames?: number;
  /** The vector frame measured (0-based, below the design's frame count). Default 0. */
  readonly frame?: number;
}

/** An activity testbench: its module name and Verilog text. */
export interface ActivityBench {
  readonly module: string;
  readonly text: string;
  readonly warmupFrames: number;
  readonly frame: number;
  readonly shape: StreamShape;
}

/** The shape of the stream of the design in `designDir`, from its self-checking testbench. */
export function readStreamShape(designDir: string, manifest: DesignManifest): StreamShape {
  const file = path.join(designDir, 'tb', `${manifest.testbench}.v`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PotgenError(`Cannot read the testbench ${file} (${(e as Error).message}); rebuild the design with \`potgen build\`.`);
  }
  const param = (name: string): number => {
    const m = new RegExp(`localparam\\s+integer\\s+${name}\\s*=\\s*(\\d+)\\s*;`).exec(text);
    if (!m) throw new PotgenError(`${file} declares no 'localparam integer ${name}'; rebuild the design with \`potgen build\`.`);
    return Number(m[1]);
  };
  const shape: StreamShape = {
    inWidth: param('IN_W'),
    outWidth: param('OUT_W'),
    frames: param('FRAMES'),
    inBeats: param('IN_BEATS'),
    outBeats: param('OUT_BEATS'),
    cyclesPerFrame: param('CYCLES_PER_FRAME'),
  };
  if (shape.cyclesPerFrame !== manifest.cyclesPerFrame || shape.frames !== manifest.frames) {
    throw new PotgenError(
      `${file} (${shape.frames} frames, ${shape.cyclesPerFrame} cycles per frame) does not match ${path.join(designDir, 'potgen.json')} (${manifest.frames}, ${manifest.cyclesPerFrame}); rebuild the design.`,
    );
  }
  return shape;
}

/** The activity testbench of the design in `designDir`; it reads the design's tb/ vector files. */
export function emitActivityBench(designDir: string, manifest: DesignManifest, options: ActivityBenchOptions = {}): ActivityBench {
  const shape = readStreamShape(designDir, manifest);
  const warmupFrames = options.warmupFrames ?? 1;
  const frame = options.frame ?? 0;
  if (!Number.isInteger(warmupFrames) || warmupFrames < 1 || warmupFrames > 64) {
    throw new PotgenError(`warm-up frames must be a whole number from 1 to 64, not ${warmupFrames}.`);
  }
  if (!Number.isInteger(frame) || frame < 0 || frame >= shape.frames) {
    throw new PotgenError(`the measured frame must be a whole number from 0 to ${shape.frames - 1} (the design has ${shape.frames} vector frames), not ${frame}.`);
  }
  const streamFrames = warmupFrames + 2;
  const module = `${manifest.design}_activity_tb`;
  const text = render(TESTBENCH_DIR, ACTIVITY_TEMPLATE, {
    ...header(`${module}.v`, { version: POTGEN_VERSION, source: manifest.source }),
    module,
    top: manifest.top,
    inWidth: shape.inWidth,
    outWidth: shape.outWidth,
    vectorFrames: shape.frames,
    inBeats: shape.inBeats,
    outBeats: shape.outBeats,
    cyclesPerFrame: shape.cyclesPerFrame,
    warmupFrames,
    streamFrames,
    // Stream frame `warmupFrames` must carry vector frame `frame`.
    frameOffset: (((frame - warmupFrames) % shape.frames) + shape.frames) % shape.frames,
    watchdog: 4 * (streamFrames + 1) * (shape.cyclesPerFrame + shape.inBeats) + 10_000,
    inputFile: VECTOR_FILES.input,
    expectedFile: VECTOR_FILES.expected,
  });
  return { module, text, warmupFrames, frame, shape };
}
