/**
 * `potgen vivado`: runs a built design's vivado/ scripts in Vivado batch mode, one Vivado process
 * per step with a log each, and reads the reports back into potgen's resource, timing and power
 * figures. Nothing is written before Vivado is found and new enough: without it, the command is
 * one sentence and exit 1.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError, ToolError } from '../core/errors.ts';
import { POTGEN_VERSION } from '../core/paths.ts';
import type { DesignManifest } from '../core/plan.ts';
import { runTool } from '../run/tools.ts';
import { loadBoard } from './boards.ts';
import { parseHierarchicalUtilization, parsePower, parseTimingSummary, parseUtilization } from './reports.ts';
import { emitVivadoSettings } from './settings.ts';

/** The two flows: out of context (the design alone) or the whole board. */
export type VivadoFlow = 'ooc' | 'board';

export const FLOW_STEPS: Readonly<Record<VivadoFlow, readonly string[]>> = {
  ooc: ['synth', 'impl', 'reports'],
  board: ['project', 'bitstream', 'export'],
};

/** The oldest Vivado the scripts support (potgen_flow.tcl checks it again inside Vivado). */
export const OLDEST_VIVADO = { year: 2020, release: 2 } as const;

export interface VivadoOptions {
  readonly flow: VivadoFlow;
  /** A board file name (vivado/boards/<name>.json). */
  readonly board: string;
  /** Default: the board's clock. */
  readonly clockMhz?: number;
  readonly allowNegativeSlack: boolean;
  /** Parallel jobs for the board build's runs. */
  readonly jobs: number;
  /** Only these steps (default: all of the flow's). */
  readonly steps?: readonly string[];
  readonly progress?: (message: string) => void;
}

export interface VivadoResult {
  readonly version: string;
  readonly outDir: string;
  readonly logs: readonly string[];
  readonly utilization: ReturnType<typeof parseUtilization>;
  readonly hierarchy: ReturnType<typeof parseHierarchicalUtilization>;
  readonly timing: ReturnType<typeof parseTimingSummary>;
  readonly power: ReturnType<typeof parsePower>;
  readonly clockMhz: number;
  readonly seconds: number;
}

/** The first `vivado` on the PATH, or undefined. */
export function findOnPath(tool: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** "2023.2" from `vivado -version`'s first line ("Vivado v2023.2 (64-bit)"). */
export function parseVivadoVersion(text: string): { year: number; release: number; text: string } | undefined {
  const m = /^\s*Vivado v(\d{4})\.(\d+)(\S*)/m.exec(text);
  return m ? { year: Number(m[1]), release: Number(m[2]), text: `${m[1]}.${m[2]}${m[3]}` } : undefined;
}

/** Runs Vivado on the design in `designDir`; throws PotgenError with the failing step's message and log. */
export async function runVivado(designDir: string, manifest: DesignManifest, options: VivadoOptions): Promise<VivadoResult> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const vivado = findOnPath('vivado');
  if (!vivado) {
    throw new PotgenError(
      "Vivado is not on the PATH: source its settings first (e.g. `source /tools/Xilinx/Vivado/2023.2/settings64.sh`), or run the scripts in the design's vivado/ folder on a machine that has it.",
    );
  }
  const versionRun = await runTool(vivado, ['-version'], designDir, 120_000);
  const version = parseVivadoVersion(versionRun.stdout);
  if (versionRun.status !== 0 || !version) {
    throw new PotgenError(`${vivado} -version did not print a Vivado version (exit ${versionRun.status}): ${firstLine(versionRun.stdout + versionRun.stderr)}`);
  }
  if (version.year < OLDEST_VIVADO.year || (version.year === OLDEST_VIVADO.year && version.release < OLDEST_VIVADO.release)) {
    throw new PotgenError(`Vivado ${version.text} is older than ${OLDEST_VIVADO.year}.${OLDEST_VIVADO.release}, the oldest potgen's scripts support.`);
  }
  const shell = manifest.shell;
  if (!shell || 'unavailable' in shell) {
    throw new PotgenError(`${manifest.design} has no Vivado scripts: ${shell ? shell.unavailable : 'it was built by an older potgen; rebuild it'}.`);
  }
  const steps = options.steps ?? FLOW_STEPS[options.flow];
  for (const s of steps) {
    if (!FLOW_STEPS[options.flow].includes(s)) throw new PotgenError(`'${s}' is not a step of the ${options.flow} flow; its steps are ${FLOW_STEPS[options.flow].join(', ')}.`);
  }
  const board = loadBoard(options.board);
  const clockMhz = options.clockMhz ?? board.clockMhz;
  const vivadoDir = path.join(designDir, 'vivado');
  const script = path.join(vivadoDir, `${options.flow}.tcl`);
  if (!existsSync(script)) throw new PotgenError(`${script} is missing; rebuild the design with potgen build.`);

  // The settings as asked for (board, clock, slack): the only file potgen rewrites.
  writeFileSync(
    path.join(vivadoDir, 'settings.tcl'),
    emitVivadoSettings({ ...manifest, shell }, { board, clockMhz, allowNegativeSlack: options.allowNegativeSlack, jobs: options.jobs }, { version: POTGEN_VERSION, source: manifest.source }),
  );
  const outDir = path.join(vivadoDir, options.flow);
  mkdirSync(outDir, { recursive: true });
  const logs: string[] = [];
  for (const step of steps) {
    const log = path.join(outDir, `${step}.log`);
    logs.push(log);
    progress(`vivado ${options.flow} ${step} (log: ${log})`);
    const run = await runStreaming(vivado, ['-mode', 'batch', '-nojournal', '-log', log, '-source', script, '-tclargs', step], outDir, progress, `${options.flow} ${step}`);
    if (run.status !== 0) {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : run.output;
      throw new PotgenError(`Vivado's ${options.flow} step '${step}' failed: ${failureLine(text) ?? `exit status ${run.status}`}. Log: ${log}`);
    }
  }
  const report = (name: string): string => {
    const file = path.join(outDir, name);
    if (!existsSync(file)) throw new PotgenError(`Vivado finished but wrote no ${file}; run the '${FLOW_STEPS[options.flow].at(-1)}' step.`);
    return readFileSync(file, 'utf8');
  };
  return {
    version: version.text,
    outDir,
    logs,
    utilization: parseUtilization(report('utilization.rpt'), path.join(outDir, 'utilization.rpt')),
    hierarchy: parseHierarchicalUtilization(report('utilization_hier.rpt'), path.join(outDir, 'utilization_hier.rpt')),
    timing: parseTimingSummary(report('timing_summary.rpt'), path.join(outDir, 'timing_summary.rpt')),
    power: parsePower(report('power.rpt'), path.join(outDir, 'power.rpt')),
    clockMhz,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The line that says why a run failed: our own "potgen: ERROR:", else Vivado's first ERROR. */
export function failureLine(log: string): string | undefined {
  const lines = log.split('\n');
  const ours = lines.find((l) => l.startsWith('potgen: ERROR:'));
  if (ours) return ours.slice('potgen: ERROR:'.length).trim();
  return lines.find((l) => /^ERROR:/.test(l))?.trim();
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * Runs a Vivado step, passing its "potgen:" lines and errors on as progress, with a line every
 * minute so that an hour of place and route does not look like a hang.
 */
function runStreaming(tool: string, args: readonly string[], cwd: string, progress: (m: string) => void, title: string): Promise<{ status: number; output: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    const onData = (b: Buffer): void => {
      const text = b.toString('utf8');
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) if (/^(potgen:|ERROR:|CRITICAL WARNING:)/.test(l)) progress(`  ${l.replace(/^potgen: /, '')}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => progress(`  ${title}: still running, ${((performance.now() - started) / 60_000).toFixed(0)} min`), 60_000);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(new ToolError(`${tool} could not run: ${e.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ status: code ?? 1, output });
    });
  });
}
