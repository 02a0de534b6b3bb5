/** Running the external tools potgen relies on, with clear errors when one is missing. */
import { spawn } from 'node:child_process';
import { ToolError } from '../core/errors.ts';

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

/**
 * Runs `tool args…` in `cwd`; throws ToolError only when the tool cannot be started or times out.
 * Asynchronous, so that long simulations never block the caller's event loop.
 */
export function runTool(tool: string, args: readonly string[], cwd: string, timeoutMs = 30 * 60_000): Promise<ToolRun> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ToolError(`${tool} did not finish within ${Math.round(timeoutMs / 1000)} s.`));
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ToolError(e.code === 'ENOENT' ? (INSTALL_HINT[tool] ?? `${tool} is not installed.`) : `${tool} could not run: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        status: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        seconds: (performance.now() - start) / 1000,
      });
    });
  });
}

/** Whether `tool` is on the PATH. */
export async function isInstalled(tool: string): Promise<boolean> {
  try {
    const r = await runTool('sh', ['-c', `command -v ${tool}`], process.cwd(), 10_000);
    return r.status === 0;
  } catch {
    return false;
  }
}
