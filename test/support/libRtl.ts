/**
 * Helpers for the tests of the hand-written RTL library (templates/lib) and its own testbenches
 * (testbench/lib): Icarus simulation, Icarus elaboration, Verilator lint, and runs against a copy
 * of the library with one line broken. Every tool runs through the project's asynchronous runner
 * (generator/run/tools.ts), so the vitest worker's event loop is never blocked; at most POTGEN_TEST_JOBS (default 2) tools run
 * at once, however many tests are waiting.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runTool as runProjectTool, type ToolRun } from '../../generator/run/tools.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The hand-written library. */
export const LIB = path.join(ROOT, 'templates/lib');
/** The library's testbenches. */
export const TB = path.join(ROOT, 'testbench/lib');

const TOOL_TIMEOUT_MS = 300_000;
const JOBS = Math.max(1, Number(process.env.POTGEN_TEST_JOBS ?? 2) || 2);

/** Module parameters by name. */
export type Params = Readonly<Record<string, number>>;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` once one of the JOBS slots is free, so that waiting tests do not start every tool at once. */
export async function withJobSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < JOBS) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** Runs `tool` with `args` in `cwd` (the project's runner: asynchronous, bounded in time), once a job slot is free. */
export function runTool(tool: string, args: readonly string[], cwd: string, timeoutMs = TOOL_TIMEOUT_MS): Promise<ToolRun> {
  return withJobSlot(() => runProjectTool(tool, args, cwd, timeoutMs));
}

/** A fresh temporary directory, removed after `use` settles. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Absolute paths of library files. */
export function libPaths(files: readonly string[]): string[] {
  return files.map((f) => path.join(LIB, f));
}

/** One testbench run under Icarus. */
export interface SimRun {
  readonly exitCode: number;
  readonly log: string;
  /** The last "N passed, N failed" line, if any. */
  readonly closing: string | undefined;
  readonly passed: number;
  readonly failed: number;
  /** Whether the closing line is the last line the testbench printed on stdout. */
  readonly closingIsLast: boolean;
}

/** Compiles testbench `tb` with `sources` and `params` under Icarus, runs `vvp -N`, and parses the closing line. */
export async function simulate(tb: string, sources: readonly string[], params: Params, seed: number): Promise<SimRun> {
  return withTempDir('potgen-lib-sim-', async (work) => {
    const vvp = path.join(work, 'x.vvp');
    const defines = Object.entries(params).map(([k, v]) => `-P${tb}.${k}=${v}`);
    const compile = await runTool('iverilog', ['-g2005', '-Wall', '-o', vvp, '-s', tb, ...defines, ...sources, path.join(TB, `${tb}.v`)], work);
    // -Wall must be silent as well as successful.
    expect(compile.stdout + compile.stderr, `iverilog ${tb} ${JSON.stringify(params)}`).toBe('');
    expect(compile.status).toBe(0);
    const sim = await runTool('vvp', ['-N', vvp, `+seed=${seed}`], work);
    const log = sim.stdout + sim.stderr;
    const closing = [...log.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
    const lines = sim.stdout.trimEnd().split('\n');
    return {
      exitCode: sim.status,
      log,
      closing: closing?.[0],
      passed: closing ? Number(closing[1]) : 0,
      failed: closing ? Number(closing[2]) : 0,
      closingIsLast: closing !== undefined && lines[lines.length - 1] === closing[0],
    };
  });
}

/** Icarus elaboration (`iverilog -g2005 -Wall`, no simulation) of module `top` with `params`. */
export async function elaborate(top: string, sources: readonly string[], params: Params): Promise<{ status: number; output: string }> {
  return withTempDir('potgen-lib-elab-', async (work) => {
    const defines = Object.entries(params).map(([k, v]) => `-P${top}.${k}=${v}`);
    const r = await runTool('iverilog', ['-g2005', '-Wall', '-o', path.join(work, 'x.vvp'), '-s', top, ...defines, ...sources], work);
    return { status: r.status, output: (r.stdout + r.stderr).trim() };
  });
}

/** `verilator --lint-only -Wall` of `top` with `params`; returns status and everything printed. */
export async function lint(top: string, sources: readonly string[], params: Params): Promise<{ status: number; output: string }> {
  return withTempDir('potgen-lib-lint-', async (work) => {
    const defines = Object.entries(params).map(([k, v]) => `-G${k}=${v}`);
    const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', top, ...defines, ...sources], work);
    return { status: r.status, output: (r.stdout + r.stderr).trim() };
  });
}

/** One line of the library broken: in `file`, the text `from` (which must occur exactly once) becomes `to`. */
export interface Mutation {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

/** Runs `tb` against copies of the library `files` in a temporary directory, with `mutation` applied. */
export async function simulateBroken(tb: string, files: readonly string[], mutation: Mutation, params: Params, seed = 1): Promise<SimRun> {
  expect(files).toContain(mutation.file);
  return withTempDir('potgen-lib-broken-', async (dir) => {
    const sources: string[] = [];
    for (const f of files) {
      let text = await readFile(path.join(LIB, f), 'utf8');
      if (f === mutation.file) {
        expect(text.split(mutation.from).length - 1, `${f} must contain ${JSON.stringify(mutation.from)} exactly once`).toBe(1);
        text = text.replace(mutation.from, () => mutation.to); // a function: no `$` patterns in the replacement
      }
      const out = path.join(dir, f);
      await writeFile(out, text);
      sources.push(out);
    }
    return simulate(tb, sources, params, seed);
  });
}

/** Every (mutation, parameter set) pair, labelled for it.each. */
export function mutationCases<P extends Params>(mutations: readonly (Mutation & { readonly sets: readonly P[] })[], show: (p: P) => string) {
  return mutations.flatMap((m) => m.sets.map((p) => [`${m.name}: ${show(p)}`, m, p] as const));
}

/** The run passed exactly `checks` checks, failed none, closed with that line and exited 0. */
export function expectPass(sim: SimRun, checks: number): void {
  expect(sim.closing, sim.log).toBe(`${checks} passed, 0 failed`);
  expect(sim.closingIsLast, sim.log).toBe(true);
  expect(sim.exitCode, sim.log).toBe(0);
}

/** The run reported failures, printed an error line and exited non-zero. */
export function expectFail(sim: SimRun): void {
  expect(sim.closing, sim.log).toMatch(/^\d+ passed, [1-9]\d* failed$/);
  expect(sim.failed).toBeGreaterThan(0);
  expect(sim.log).toMatch(/^error: /m);
  expect(sim.exitCode).not.toBe(0);
}

/** ceil(log2 n), 0 for n <= 1. */
export const clog2 = (n: number): number => (n > 1 ? Math.ceil(Math.log2(n)) : 0);

/** `A=1 B=2`. */
export const label = (p: Params): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
