/** Icarus Verilog simulation of a built design's self-checking testbench. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ToolError } from '../core/errors.ts';
import { readManifest } from './manifest.ts';
import { runTool } from './tools.ts';

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
}

/** The simulators a testbench runs under. */
export type Simulator = 'icarus' | 'verilator';

/**
 * Compiles the design and its testbench and runs it: Icarus (`iverilog`, then `vvp -N`) by
 * default; Verilator (`--binary --timing`) compiles for longer but runs whole networks far faster.
 */
export async function simulate(designDir: string, options: { seed?: number; simulator?: Simulator } = {}): Promise<SimulationResult> {
  const manifest = readManifest(designDir);
  designDir = path.resolve(designDir);
  const work = mkdtempSync(path.join(os.tmpdir(), 'potgen-sim-'));
  try {
    const sources = [...manifest.rtl, ...manifest.tb].map((f) => path.join(designDir, f));
    const seed = `+seed=${options.seed ?? 1}`;
    let compile;
    let command: [string, string[]];
    if (options.simulator === 'verilator') {
      const obj = path.join(work, 'obj');
      compile = await runTool(
        'verilator',
        ['--binary', '--timing', '-O2', '-j', '2', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', manifest.testbench, '--Mdir', obj, '-o', 'sim', ...sources],
        designDir,
      );
      command = [path.join(obj, 'sim'), [seed]];
    } else {
      compile = await runTool('iverilog', ['-g2005', '-Wall', '-Wno-timescale', '-o', path.join(work, 'sim.vvp'), '-s', manifest.testbench, ...sources], designDir);
      command = ['vvp', ['-N', path.join(work, 'sim.vvp'), seed]];
    }
    if (compile.status !== 0) {
      throw new ToolError(`${options.simulator ?? 'icarus'} could not compile ${manifest.design}:\n${(compile.stderr + compile.stdout).trim()}`);
    }
    const run = await runTool(command[0], command[1], path.join(designDir, 'tb'));
    const log = run.stdout + run.stderr;
    const closing = [...log.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
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
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
