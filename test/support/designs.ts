/** Helpers for tests that build and simulate designs in temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../generator/cli/main.ts';
import { conv2d, network, randomWeights } from '../../generator/dsl/index.ts';
import type { Conv2dOptions, InputOptions, NetworkOptions } from '../../generator/dsl/types.ts';
import { noLocations } from '../../generator/load/locations.ts';
import { buildNetwork, type BuildOptions, type BuildResult } from '../../generator/pipeline/buildDesign.ts';
import { runTool, type ToolRun } from '../../generator/run/tools.ts';
import { writePlan } from '../../generator/write/writePlan.ts';

/** A temporary folder removed after the test file. */
export function tempDir(prefix = 'potgen-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A one-layer network around a conv layer. */
export function convNetwork(name: string, input: InputOptions, layer: Omit<Conv2dOptions, 'name'>, extra: Partial<NetworkOptions> = {}) {
  return network({ name, input, weights: randomWeights(7), layers: [conv2d({ name: 'conv', ...layer })], ...extra });
}

/** Builds a DSL network (no model file) and writes it into `dir/<name>`. */
export function buildInto(dir: string, net: ReturnType<typeof network>, options: BuildOptions = {}): BuildResult & { out: string } {
  const result = buildNetwork(net, noLocations, path.join(dir, 'model.ts'), options);
  const out = path.join(dir, net.name);
  writePlan(result.plan, out);
  return { ...result, out };
}

/** Runs the potgen command as a user would, without blocking the test worker. */
export function runPotgen(...args: string[]): Promise<ToolRun> {
  return runTool(process.execPath, ['bin/potgen.js', ...args], process.cwd());
}

/** Runs `potgen ...args` in this process (the CLI's `main`), capturing what it prints: for tests of messages, not of the process. */
export async function runMain(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'potgen', ...args], { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { status, stdout, stderr };
}
