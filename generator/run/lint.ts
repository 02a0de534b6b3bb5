/** Verilator lint of a built design's RTL: `-Wall`, every warning counts. */
import path from 'node:path';
import { readManifest } from './manifest.ts';
import { runTool } from './tools.ts';

/** The outcome of a lint run. */
export interface LintResult {
  readonly clean: boolean;
  readonly warnings: readonly string[];
  readonly log: string;
}

/** Runs `verilator --lint-only -Wall` on the design's RTL with its top module. */
export async function lint(designDir: string): Promise<LintResult> {
  const manifest = readManifest(designDir);
  designDir = path.resolve(designDir);
  const sources = manifest.rtl.map((f) => path.join(designDir, f));
  const run = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', manifest.top, ...sources], designDir);
  const log = (run.stderr + run.stdout).trim();
  const warnings = log.split('\n').filter((l) => /^%(Warning|Error)/.test(l));
  return { clean: run.status === 0 && warnings.length === 0, warnings, log };
}
