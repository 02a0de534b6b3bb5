/**
 * Yosys (@yowasp/yosys) for the library tests, in a worker thread through the project's own
 * runner (generator/run/yosys-worker.ts), so that its WebAssembly never blocks the test worker.
 * The script reads the files with `read_verilog -defer`, so that `chparam` can set the top
 * module's parameters before it is elaborated.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runYosysInWorker, YosysExit } from '../../generator/run/yosys-worker.ts';
import { withJobSlot, type Params } from './libRtl.ts';

/** A finished Yosys run: its exit status, its log, and the cell counts of the design if it got that far. */
export interface YosysRun {
  readonly status: number;
  readonly log: string;
  /** Cells of the whole (flattened) design by type, from `stat -json`. */
  readonly cells: Readonly<Record<string, number>> | undefined;
}

/** Runs `commands` after reading `sources` and setting `params` on `top`; `stat -json` goes to stat.json. */
export function yosys(top: string, sources: readonly string[], params: Params, commands: readonly string[]): Promise<YosysRun> {
  const files = Object.fromEntries(sources.map((s) => [path.basename(s), readFileSync(s, 'utf8')]));
  const set = Object.entries(params).map(([k, v]) => `-set ${k} ${v}`);
  const script = [`read_verilog -defer ${Object.keys(files).join(' ')}`, ...(set.length ? [`chparam ${set.join(' ')} ${top}`] : []), ...commands].join('; ');
  return withJobSlot(async () => {
    const decoder = new TextDecoder();
    let log = '';
    const write = (bytes: Uint8Array): void => {
      log += decoder.decode(bytes, { stream: true });
    };
    try {
      const out = await runYosysInWorker(['-p', script], files, { stdout: write, stderr: write });
      const stat = out['stat.json'];
      if (stat === undefined) return { status: 0, log, cells: undefined };
      const json = JSON.parse(typeof stat === 'string' ? stat : new TextDecoder().decode(stat as Uint8Array)) as { design?: { num_cells_by_type?: Record<string, number> } };
      return { status: 0, log, cells: json.design?.num_cells_by_type ?? {} };
    } catch (error) {
      if (error instanceof YosysExit) return { status: error.code, log, cells: undefined };
      throw error;
    }
  });
}

/** Word-level cells after `proc; flatten; opt -full; wreduce` (as generator/run/yosys.ts counts them): `$mul` means a multiplier. */
export function coarseCells(top: string, sources: readonly string[], params: Params): Promise<YosysRun> {
  return yosys(top, sources, params, [`hierarchy -check -top ${top}`, 'proc', 'flatten -noscopeinfo', 'opt -full', 'wreduce', 'opt_clean', 'tee -q -o stat.json stat -json']);
}

/** UltraScale+ primitives after `synth_xilinx -family xcup -noiopad`. */
export function synthXilinx(top: string, sources: readonly string[], params: Params): Promise<YosysRun> {
  return yosys(top, sources, params, [`synth_xilinx -family xcup -noiopad -top ${top}`, 'tee -q -o stat.json stat -json -tech xilinx']);
}
