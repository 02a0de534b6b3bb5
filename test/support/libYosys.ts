/**
 * Yosys (@yowasp/yosys) for the library tests, run in a child process (libYosysChild.mjs) so that
 * its WebAssembly never blocks the test worker. The script reads the files with `read_verilog
 * -defer`, so that `chparam` can set the top module's parameters before it is elaborated.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, runTool, type Params } from './libRtl.ts';

const CHILD = fileURLToPath(new URL('./libYosysChild.mjs', import.meta.url));

/** A finished Yosys run: its exit status, its log, and the cell counts of the design if it got that far. */
export interface YosysRun {
  readonly status: number;
  readonly log: string;
  /** Cells of the whole (flattened) design by type, from `stat -json`. */
  readonly cells: Readonly<Record<string, number>> | undefined;
}

/** Runs `commands` after reading `sources` and setting `params` on `top`; `stat -json` goes to stat.json. */
export async function yosys(top: string, sources: readonly string[], params: Params, commands: readonly string[]): Promise<YosysRun> {
  const names = sources.map((s) => path.basename(s));
  const set = Object.entries(params).map(([k, v]) => `-set ${k} ${v}`);
  const script = [`read_verilog -defer ${names.join(' ')}`, ...(set.length ? [`chparam ${set.join(' ')} ${top}`] : []), ...commands].join('; ');
  const r = await runTool(process.execPath, [CHILD, script, ...sources], ROOT, 600_000);
  const [log = '', json] = r.stdout.split('\n@@stat@@\n');
  let cells: Record<string, number> | undefined;
  if (json !== undefined) {
    const stat = JSON.parse(json) as { design?: { num_cells_by_type?: Record<string, number> } };
    cells = stat.design?.num_cells_by_type ?? {};
  }
  return { status: r.status, log: log + r.stderr, cells };
}

/** Word-level cells after `proc; flatten; opt -full; wreduce` (as generator/run/yosys.ts counts them): `$mul` means a multiplier. */
export function coarseCells(top: string, sources: readonly string[], params: Params): Promise<YosysRun> {
  return yosys(top, sources, params, [`hierarchy -check -top ${top}`, 'proc', 'flatten -noscopeinfo', 'opt -full', 'wreduce', 'opt_clean', 'tee -q -o stat.json stat -json']);
}

/** UltraScale+ primitives after `synth_xilinx -family xcup -noiopad`. */
export function synthXilinx(top: string, sources: readonly string[], params: Params): Promise<YosysRun> {
  return yosys(top, sources, params, [`synth_xilinx -family xcup -noiopad -top ${top}`, 'tee -q -o stat.json stat -json -tech xilinx']);
}
