/** Running the external tools potgen relies on, with clear errors when one is missing. */
import { spawnSync } from 'node:child_process';
import { ToolError } from '../errors.ts';

/** How to install each Debian-packaged tool. */
const INSTALL_HINT: Readonly<Record<string, string>> = {
  iverilog: 'Icarus Verilog is not installed: run `apt-get install -y iverilog` (npm start does this for you).',
  vvp: 'Icarus Verilog (vvp) is not installed: run `apt-get install -y iverilog` (npm start does this for you).',
  verilator: 'Verilator is not installed: run `apt-get install -y verilator` (npm start does this for you).',
};

/** What a finished tool run printed. */
export interface ToolRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `tool args…` in `cwd`; throws ToolError only when the tool cannot be started. */
export function runTool(tool: string, args: readonly string[], cwd: string, timeoutMs = 30 * 60_000): ToolRun {
  const start = performance.now();
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ToolError(INSTALL_HINT[tool] ?? `${tool} is not installed.`);
    if (code === 'ETIMEDOUT') throw new ToolError(`${tool} did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    throw new ToolError(`${tool} could not run: ${r.error.message}`);
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - start) / 1000 };
}
