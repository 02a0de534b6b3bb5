/** Simulation of a built design's self-checking testbench under Icarus Verilog or Verilator. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PotgenError, ToolError } from '../core/errors.ts';
import type { DesignManifest } from '../core/plan.ts';
import { readManifest } from './manifest.ts';
import { isInstalled, runTool } from './tools.ts';

/** What a testbench run reported. */
export interface SimulationResult {
  readonly passed: number;
  readonly failed: number;
  /** vvp's exit status: non-zero after $fatal. */
  readonly exitCode: number;
  /** True when vvp exited 0 and the testbench printed its closing line with 0 failed. */
  readonly ok: boolean;
  /** Cycles between consecutive frame ends in the full-rate phase. */
  readonly measuredCyclesPerFrame: readonly number[];
  readonly analyticCyclesPerFrame: number;
  readonly latency: number | undefined;
  readonly seconds: number;
  readonly log: string;
  /** The closing `N passed, N failed` line; undefined when the testbench stopped before it (missing vectors, a crash). */
  readonly closing: string | undefined;
  /** The `error: ...` lines the testbench printed. */
  readonly errors: readonly string[];
}

/** The simulators a testbench runs under. */
export type Simulator = 'icarus' | 'verilator';

/** How messages name each simulator. */
export const SIMULATOR_NAMES: Readonly<Record<Simulator, string>> = { icarus: 'Icarus Verilog', verilator: 'Verilator' };

/**
 * Icarus's cost per simulated cycle, fitted on this project's 2-core machines: about 18 µs per
 * layer (window, FIFO, stream handshakes) plus 1.05 µs per multiply lane that is busy, a layer's
 * lanes being busy for its share of the frame (conv3x3: 12 lanes, 31 µs a cycle; a PE 15 x
 * SIMD 5 layer: 97 µs; LeNet-5, whose layers mostly wait for conv1: 129 µs). Verilator pays about
 * 20 s of compilation for a network of LeNet-5's size, then runs about 100x faster: it wins when
 * Icarus would take longer than that.
 */
const ICARUS_SECONDS_PER_LAYER_CYCLE = 18e-6;
const ICARUS_SECONDS_PER_LANE_CYCLE = 1.05e-6;
const VERILATOR_WORTH_IT_SECONDS = 20;

/** Icarus's run time for a design's testbench, about. */
export function icarusSeconds(manifest: DesignManifest): number {
  const busyLanes = manifest.layers.reduce(
    (sum, l) => sum + (typeof l.pe === 'number' && typeof l.simd === 'number' ? (l.pe * l.simd * l.cyclesPerFrame) / manifest.cyclesPerFrame : 0),
    0,
  );
  const perCycle = ICARUS_SECONDS_PER_LAYER_CYCLE * manifest.layers.length + ICARUS_SECONDS_PER_LANE_CYCLE * busyLanes;
  return perCycle * simulatedCycles(manifest);
}

/** Cycles a testbench run takes, about: stalls in the stress frames slow them down by about 2x. */
function simulatedCycles(manifest: DesignManifest): number {
  return (manifest.steadyFrames + 2 * (manifest.frames - manifest.steadyFrames) + 1) * manifest.cyclesPerFrame;
}

/**
 * Below this many simulated cycles, Verilator compiles without optimisation (-O0, and -O0 for
 * the C++): LeNet-5 compiles in 21 s instead of 37 s here and runs 4 frames in 1.1 s instead of
 * 0.2 s, so the faster compile wins until a run reaches millions of cycles.
 */
const VERILATOR_OPTIMISE_CYCLES = 5_000_000;

/** The fastest simulator installed for a design, and why it was chosen. */
export async function chooseSimulator(manifest: DesignManifest): Promise<{ simulator: Simulator; reason: string }> {
  const seconds = icarusSeconds(manifest);
  if (seconds < VERILATOR_WORTH_IT_SECONDS) return { simulator: 'icarus', reason: `about ${Math.max(1, Math.round(seconds))} s; --simulator verilator to compile instead` };
  if (await isInstalled('verilator')) return { simulator: 'verilator', reason: `Icarus would take about ${Math.round(seconds)} s; --simulator icarus to use it anyway` };
  return { simulator: 'icarus', reason: `about ${Math.round(seconds)} s; install Verilator (apt-get install -y verilator) to simulate large designs far faster` };
}

/**
 * Compiles the design and its testbench and runs it: Icarus (`iverilog`, then `vvp -N`) by
 * default; Verilator (`--binary --timing`) compiles for longer but runs whole networks far faster.
 */
export async function simulate(designDir: string, options: { seed?: number; simulator?: Simulator; shell?: boolean } = {}): Promise<SimulationResult> {
  const manifest = readManifest(designDir);
  designDir = path.resolve(designDir);
  const bench = options.shell ? shellBench(manifest) : { testbench: manifest.testbench, files: [...manifest.rtl, ...manifest.tb] };
  const work = mkdtempSync(path.join(os.tmpdir(), 'potgen-sim-'));
  try {
    const sources = bench.files.map((f) => path.join(designDir, f));
    const seed = `+seed=${options.seed ?? 1}`;
    let compile;
    let command: [string, string[]];
    if (options.simulator === 'verilator') {
      const obj = path.join(work, 'obj');
      compile = await runTool(
        'verilator',
        ['--binary', '--timing', ...(simulatedCycles(manifest) > VERILATOR_OPTIMISE_CYCLES ? ['-O2'] : ['-O0', '-CFLAGS', '-O0']), '-j', '2', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', bench.testbench, '--Mdir', obj, '-o', 'sim', ...sources],
        designDir,
      );
      command = [path.join(obj, 'sim'), [seed]];
    } else {
      compile = await runTool('iverilog', ['-g2005', '-Wall', '-Wno-timescale', '-o', path.join(work, 'sim.vvp'), '-s', bench.testbench, ...sources], designDir);
      command = ['vvp', ['-N', path.join(work, 'sim.vvp'), seed]];
    }
    if (compile.status !== 0) {
      throw new ToolError(`${options.simulator ?? 'icarus'} could not compile ${manifest.design}:\n${(compile.stderr + compile.stdout).trim()}`);
    }
    const run = await runTool(command[0], command[1], path.join(designDir, 'tb'));
    const log = run.stdout + run.stderr;
    const closing = [...log.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
    const errors = log.split('\n').filter((l) => l.startsWith('error: '));
    const passed = closing ? Number(closing[1]) : 0;
    const failed = closing ? Number(closing[2]) : 0;
    const measured = [...log.matchAll(/^cycles per frame: measured (\d+)/gm)].map((m) => Number(m[1]));
    const latency = /^latency: .*: (\d+) cycles$/m.exec(log);
    return {
      passed,
      failed,
      exitCode: run.status,
      ok: run.status === 0 && closing !== undefined && failed === 0,
      measuredCyclesPerFrame: measured,
      analyticCyclesPerFrame: manifest.cyclesPerFrame,
      latency: latency ? Number(latency[1]) : undefined,
      seconds: compile.seconds + run.seconds,
      log,
      closing: closing?.[0],
      errors,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The board shell's testbench and the files it compiles, or a clear error when the design has none. */
function shellBench(manifest: DesignManifest): { testbench: string; files: string[] } {
  const shell = manifest.shell;
  if (!shell || 'unavailable' in shell) {
    throw new PotgenError(`${manifest.design} has no board shell: ${shell ? shell.unavailable : 'it was built by an older potgen; rebuild it'}.`);
  }
  return { testbench: shell.testbench, files: [...manifest.rtl, ...shell.rtl, ...shell.tb] };
}
