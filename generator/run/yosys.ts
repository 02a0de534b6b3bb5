/**
 * Synthesis through Yosys compiled to WebAssembly (`@yowasp/yosys`), so no native tool has to be
 * installed. Verilog goes in as an in-memory file tree; the cell counts come back as the JSON
 * written by `stat -json`. Every run happens in a Worker thread of its own (yosys-worker.ts), so the
 * WebAssembly, which runs synchronously for seconds to minutes, never blocks the caller's event loop.
 *
 * Two entry points:
 * - `synthesiseXilinx` maps a design onto UltraScale+ (`-family xcup`) primitives and reports LUTs,
 *   flip-flops, carry cells, DSPs, block RAM, LUT RAM and latches;
 * - `countCoarseCells` stops before technology mapping and counts word-level cells (`$mul`, `$add`,
 *   `$shl`, ...), which is how a design is proven to contain no multiplier.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Tree } from '@yowasp/yosys';
import { ToolError } from '../core/errors.ts';
import { runYosysInWorker } from './yosys-worker.ts';

/** The resources one synthesised top-level module uses, counted in Xilinx primitives. */
export interface SynthesisReport {
  readonly top: string;
  /** `LUT1` .. `LUT6` cells. */
  readonly luts: number;
  /** `FDRE`, `FDSE`, `FDCE`, `FDPE` cells. */
  readonly flipFlops: number;
  /** `CARRY4` / `CARRY8` cells (Yosys maps UltraScale+ adders onto `CARRY4`, four bits each). */
  readonly carry: number;
  /** `DSP48E2` cells. */
  readonly dsp: number;
  /** Block RAM in 36 Kb units: RAMB18E2 counted as 0.5, RAMB36E2 as 1. */
  readonly bram: number;
  /** Distributed-RAM cells: RAM32M, RAM32M16, RAM64M, RAM64M8, RAM32X1D, RAM64X1S, ... */
  readonly lutram: number;
  /**
   * Latches: the larger of the number of latch cells left in the netlist (`LDCE`, `LDPE`,
   * `$dlatch`, `$_DLATCH_*`, ...) and the number of "Latch inferred" lines `proc_dlatch` logged,
   * so a latch is reported even when later optimisation removes or merges its cells.
   */
  readonly latches: number;
  /** Every cell type in the flattened netlist with its count, sorted by type name. */
  readonly cells: Readonly<Record<string, number>>;
  /** Wall-clock time the Yosys run took. */
  readonly seconds: number;
}

/** Name of the JSON file `stat` writes inside the in-memory tree. */
const STAT_FILE = 'potgen-yosys-stat.json';

/** How many log lines a failure message quotes. */
const TAIL_LINES = 20;

const FAMILY = 'xcup';

/**
 * Maps `files` onto UltraScale+ primitives with `synth_xilinx -family xcup -noiopad`, flattened,
 * and counts the resulting cells.
 *
 * Yosys by default folds an adder tree into one `$macc` cell and maps it without carry chains,
 * which inflates the LUT count. The flow therefore runs `synth_xilinx` up to (not including) its
 * `coarse` step, then the `coarse` step by hand with `maccmap -unmap` right after `alumacc` (so
 * every addition is mapped to a carry chain), then the rest of `synth_xilinx` from `map_memory`.
 *
 * @param files Verilog sources, file name to text. `.v` files are read with `read_verilog`,
 *   `.sv` files with `read_verilog -sv`; any other file (an include, a `$readmemh` image) is only
 *   made available to the reads.
 * @param top The top-level module; `hierarchy -check -top` is run with it.
 * @param options `netlist: true` also returns the mapped netlist from the same run (for gate-level
 *   simulation), with private names enumerated, as Verilog and JSON; `netlist: 'json'` as JSON only
 *   (its `verilog` is empty); the plain path writes nothing extra.
 * @throws ToolError when Yosys fails; the message names `top` and quotes the end of the log.
 */
export async function synthesiseXilinx(files: Readonly<Record<string, string>>, top: string): Promise<SynthesisReport>;
export async function synthesiseXilinx(
  files: Readonly<Record<string, string>>,
  top: string,
  options: { readonly netlist: true | 'json' },
): Promise<SynthesisReport & { readonly netlist: SynthesisNetlist }>;
export async function synthesiseXilinx(
  files: Readonly<Record<string, string>>,
  top: string,
  options: { readonly netlist?: boolean | 'json' } = {},
): Promise<SynthesisReport & { readonly netlist?: SynthesisNetlist }> {
  const synth = `synth_xilinx -family ${FAMILY} -noiopad -top ${top}`;
  const commands = [
    ...readCommands(files),
    `${synth} -run :coarse`,
    // synth_xilinx's `coarse` step, with `maccmap -unmap` inserted after `alumacc`.
    'techmap -map +/cmp2lut.v -map +/cmp2lcu.v -D LUT_WIDTH=6',
    'alumacc',
    'maccmap -unmap',
    'share',
    'opt',
    'memory -nomap',
    'opt_clean',
    // synth_xilinx's `map_memory` step, as it runs for xcup (`echo on` prints it), with the block
    // RAM map file replaced by a corrected copy (see bramMapFiles); then the rest from `map_ffram`.
    'memory_libmap -logic-cost-rom 0.015625 -lib +/xilinx/lutrams_xcu.txt -lib +/xilinx/brams_xc4v.txt -D HAS_SIZE_36 -D HAS_MIXWIDTH_SDP -D HAS_ADDRCE -lib +/xilinx/urams.txt -no-auto-huge',
    'techmap -map +/xilinx/lutrams_xc5v_map.v',
    `techmap -map ${BRAM_MAP_FILE}`,
    'techmap -map +/xilinx/urams_map.v',
    `${synth} -run map_ffram:`,
    `tee -q -o ${STAT_FILE} stat -json -tech xilinx`,
    ...(options.netlist === true ? [...NETLIST_COMMANDS, `write_verilog -noattr ${NETLIST_VERILOG}`] : options.netlist ? NETLIST_COMMANDS : []),
    ...(options.netlist ? [`log ${JSON_BEGIN}`, 'write_json', `log ${JSON_END}`] : []),
  ];
  const outputs = options.netlist === true ? [NETLIST_VERILOG] : [];
  const run = await runScript({ ...files, ...(await bramMapFiles()) }, top, commands, 'synthesis for UltraScale+', outputs, options.netlist !== undefined && options.netlist !== false);
  const cells = cellCounts(run.stat, top);

  let luts = 0;
  let flipFlops = 0;
  let carry = 0;
  let dsp = 0;
  let bram = 0;
  let lutram = 0;
  let latchCells = 0;
  for (const [type, count] of Object.entries(cells)) {
    if (/^LUT[1-6]$/.test(type)) luts += count;
    else if (/^FD[RSCP]E(_1)?$/.test(type)) flipFlops += count;
    else if (/^CARRY(4|8)$/.test(type)) carry += count;
    else if (/^DSP48E[12]$/.test(type)) dsp += count;
    else if (/^RAMB18/.test(type)) bram += 0.5 * count;
    else if (/^RAMB36/.test(type)) bram += count;
    else if (/^RAM\d+(M\d*|X\d+[SD](_1)?)$/.test(type)) lutram += count;
    else if (isLatchCell(type)) latchCells += count;
  }
  return {
    top,
    luts,
    flipFlops,
    carry,
    dsp,
    bram,
    lutram,
    latches: Math.max(latchCells, run.latchesInferred),
    cells,
    seconds: run.seconds,
    ...(options.netlist ? { netlist: { verilog: run.outputs[NETLIST_VERILOG] ?? '', json: netlistJson(run.stdout ?? '', top) } } : {}),
  };
}

/** The mapped netlist of one synthesis run, as Yosys wrote it. */
export interface SynthesisNetlist {
  /** `write_verilog -noattr`: the hierarchical netlist of Xilinx primitives, for simulation with cells_sim.v ('' when only JSON was asked for). */
  readonly verilog: string;
  /** `write_json` of the same netlist: cells, their types, parameters and connections. */
  readonly json: string;
}

/** The corrected block RAM map file's name in the in-memory tree (not `.v`: only techmap reads it). */
const BRAM_MAP_FILE = 'potgen_brams_xcu_map.vmap';

/** The line of Yosys 0.55's brams_xcu_map.v that is wrong, and what it should read. */
const BRAM_MAP_BUG = '.DINPBDINP(PORT_W_WIDTH == 71 ? DIP[7:4] : DIP[3:0]),';
const BRAM_MAP_FIX = '.DINPBDINP(PORT_W_WIDTH == 72 ? DIP[7:4] : DIP[3:0]),';

let bramMap: Promise<Record<string, string>> | undefined;

/**
 * Yosys's UltraScale block RAM map file with one line corrected. In Yosys 0.55 a RAMB36E2 write
 * port 72 bits wide takes its upper parity bits (DINPBDINP) from the lower ones, DIP[3:0], since
 * the test reads `PORT_W_WIDTH == 71` where the data bits beside it read `== 72`. A memory 37 to
 * 72 bits wide then stores a wrong bit wherever the upper parity holds data: LeNet-5's line
 * buffers do, and its netlist computed wrong pixels (its class outputs happened to survive).
 * Read from @yowasp/yosys's own resources, so the rest of the file is the installed version's;
 * a version with the line fixed is used as it is, and one with neither line is refused.
 */
async function bramMapFiles(): Promise<Record<string, string>> {
  bramMap ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@yowasp/yosys');
    const resources = path.join(path.dirname(entry), 'resources-yosys.js');
    const module = (await import(pathToFileURL(resources).href)) as { default?: unknown; filesystem?: unknown };
    const root = (module.default ?? module) as { filesystem?: { share?: { xilinx?: Record<string, unknown> } } };
    const share = (name: string): string => {
      const text = root.filesystem?.share?.xilinx?.[name];
      if (typeof text !== 'string') throw new ToolError(`Cannot find share/xilinx/${name} in ${resources}; reinstall the npm packages (npm ci).`);
      return text;
    };
    const text = share('brams_xcu_map.v');
    // The map file includes brams_defs.vh from its own folder: it goes beside the copy.
    const files = (map: string): Record<string, string> => ({ [BRAM_MAP_FILE]: map, 'brams_defs.vh': share('brams_defs.vh') });
    if (text.split(BRAM_MAP_BUG).length === 2) return files(text.replace(BRAM_MAP_BUG, BRAM_MAP_FIX));
    if (text.includes(BRAM_MAP_FIX)) return files(text);
    throw new ToolError(`This Yosys's brams_xcu_map.v has neither the known faulty DINPBDINP line nor its fix; check its 72-bit RAMB36E2 mapping and update potgen's synthesis flow (generator/run/yosys.ts).`);
  })();
  return bramMap;
}

/** The file the Verilog netlist is written to in the in-memory tree. */
const NETLIST_VERILOG = 'potgen-netlist.v';

/**
 * Lines that enclose the JSON netlist in the log. The JSON goes to standard output, not to a file:
 * the in-memory file system of @yowasp/yosys grows a file by copying it at every buffered write,
 * so writing LeNet-5's 42 MB JSON took 376 of a 520-second synthesis; through stdout it takes
 * seconds. Yosys's log and its backends share one stream (std::cout), so the order is kept.
 */
const JSON_BEGIN = 'POTGEN-NETLIST-JSON-BEGIN';
const JSON_END = 'POTGEN-NETLIST-JSON-END';

/** The JSON between the markers of a captured log. */
function netlistJson(stdout: string, top: string): string {
  const begin = stdout.lastIndexOf(`\n${JSON_BEGIN}\n`);
  const end = stdout.lastIndexOf(`\n${JSON_END}\n`);
  const open = begin < 0 ? -1 : stdout.indexOf('\n{', begin);
  const close = end < 0 ? -1 : stdout.lastIndexOf('\n}', end);
  if (begin < 0 || end < begin || open < 0 || open > end || close < open) {
    throw new ToolError(`Yosys synthesis of top module '${top}' finished but its log holds no JSON netlist between ${JSON_BEGIN} and ${JSON_END}.`);
  }
  return stdout.slice(open + 1, close + 2);
}

/**
 * Written after `stat`, so the counts are those of the plain flow. `rename -enumerate` gives every
 * cell and wire with a private name (`$abc$123$auto$...`) the name `n<k>_`, unique in its module,
 * in both files alike: `write_verilog` would otherwise invent `_<k>_` names the JSON lacks, and
 * Verilator neither traces names that begin with an underscore nor writes escaped names
 * unmangled. Public names stay as they are; those of generate blocks (`g_pe[0].u_tree`) are
 * escaped identifiers, which a VCD writes verbatim as one scope or signal name containing '.'.
 * (Yosys 0.55 has no `rename -unescape`.)
 */
const NETLIST_COMMANDS = ['rename -enumerate -pattern n%_'];

/**
 * Counts the word-level cells of `top` after `proc; flatten -noscopeinfo; opt -full; wreduce; opt_clean`,
 * without any technology mapping: `$mul`, `$add`, `$sub`, `$shl`, `$sshl`, `$shr`, `$dff`, ...
 * A design whose result has no `$mul` contains no multiplier.
 *
 * @throws ToolError when Yosys fails; the message names `top` and quotes the end of the log.
 */
export async function countCoarseCells(
  files: Readonly<Record<string, string>>,
  top: string,
): Promise<Readonly<Record<string, number>>> {
  const commands = [
    ...readCommands(files),
    `hierarchy -check -top ${top}`,
    'proc',
    'flatten -noscopeinfo',
    'opt -full',
    'wreduce',
    'opt_clean',
    `tee -q -o ${STAT_FILE} stat -json`,
  ];
  const run = await runScript({ ...files, ...(await bramMapFiles()) }, top, commands, 'coarse-cell count');
  return cellCounts(run.stat, top);
}

/** Whether a cell type is a level-sensitive latch, generic or Xilinx. */
function isLatchCell(type: string): boolean {
  return /^(LDCE|LDPE)(_1)?$|^\$(dlatch|adlatch|dlatchsr)$|^\$_DLATCH/.test(type);
}

/** The `read_verilog` commands for `files`, in the order they were given. */
function readCommands(files: Readonly<Record<string, string>>): string[] {
  const reads: string[] = [];
  for (const name of Object.keys(files)) {
    if (name.endsWith('.v')) reads.push(`read_verilog ${name}`);
    else if (name.endsWith('.sv')) reads.push(`read_verilog -sv ${name}`);
  }
  return reads;
}

interface RunResult {
  readonly stat: unknown;
  /** The text of each file of `outputs` the script wrote. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly latchesInferred: number;
  readonly seconds: number;
  /** The whole standard output, when it was asked to be kept. */
  readonly stdout?: string;
}

/**
 * Runs Yosys on `commands` with `files` in its working directory and returns the parsed `stat`
 * JSON, the number of "Latch inferred" log lines and the elapsed time.
 */
async function runScript(
  files: Readonly<Record<string, string>>,
  top: string,
  commands: readonly string[],
  what: string,
  outputs: readonly string[] = [],
  keepStdout = false,
): Promise<RunResult> {
  checkInputs(files, top, what);
  const log = new LogWatcher();
  const kept: Uint8Array[] = [];
  const started = performance.now();
  let result: Tree | undefined;
  try {
    result = await runYosysInWorker(['-p', commands.join('; ')], buildTree(files), {
      stdout: (bytes) => {
        // The runtime may reuse its buffer: keep a copy.
        if (keepStdout && bytes !== null) kept.push(bytes.slice());
        log.write('stdout', bytes);
      },
      stderr: (bytes) => log.write('stderr', bytes),
    });
  } catch (error) {
    log.finish();
    const status =
      error !== null && typeof error === 'object' && 'code' in error ? ` with status ${String(error.code)}` : '';
    const reason = error instanceof Error && !('code' in error) ? ` (${error.message})` : '';
    throw new ToolError(
      `Yosys ${what} of top module '${top}' failed${status}${reason}. The end of the Yosys log reads:\n${log.tail()}`,
      { cause: error },
    );
  }
  log.finish();
  const seconds = (performance.now() - started) / 1000;

  const text = result?.[STAT_FILE];
  if (typeof text !== 'string' && !(text instanceof Uint8Array)) {
    throw new ToolError(
      `Yosys ${what} of top module '${top}' finished but wrote no ${STAT_FILE}. The end of the Yosys log reads:\n${log.tail()}`,
    );
  }
  const json = typeof text === 'string' ? text : new TextDecoder().decode(text);
  let stat: unknown;
  try {
    stat = JSON.parse(json);
  } catch (error) {
    throw new ToolError(
      `Yosys ${what} of top module '${top}' wrote a ${STAT_FILE} that is not valid JSON: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  const written: Record<string, string> = {};
  for (const name of outputs) {
    const out = result?.[name];
    if (typeof out !== 'string' && !(out instanceof Uint8Array)) {
      throw new ToolError(`Yosys ${what} of top module '${top}' finished but wrote no ${name}. The end of the Yosys log reads:\n${log.tail()}`);
    }
    written[name] = typeof out === 'string' ? out : new TextDecoder().decode(out);
  }
  const stdout = keepStdout ? Buffer.concat(kept).toString('utf8') : undefined;
  return { stat, outputs: written, latchesInferred: log.latchesInferred, seconds, ...(stdout !== undefined ? { stdout } : {}) };
}

/** Rejects a top name or file name that could not be passed safely on a Yosys command line. */
function checkInputs(files: Readonly<Record<string, string>>, top: string, what: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(top)) {
    throw new ToolError(
      `Cannot run Yosys ${what}: the top module name '${top}' is not a plain Verilog identifier.`,
    );
  }
  const names = Object.keys(files);
  for (const name of names) {
    const parts = name.split('/');
    if (
      !/^[A-Za-z0-9_.+\-/]+$/.test(name) ||
      parts.some((p) => p === '' || p === '.' || p === '..') ||
      name === STAT_FILE ||
      name === NETLIST_VERILOG
    ) {
      throw new ToolError(
        `Cannot run Yosys ${what} of top module '${top}': the file name '${name}' must be a relative path of letters, digits, '_', '.', '+', '-' and '/' without '.' or '..' components.`,
      );
    }
  }
  if (!names.some((n) => n.endsWith('.v') || n.endsWith('.sv'))) {
    throw new ToolError(
      `Cannot run Yosys ${what} of top module '${top}': no Verilog file (.v or .sv) was given.`,
    );
  }
}

/** Turns `a/b.v → text` into the nested tree `{ a: { 'b.v': text } }` Yosys expects. */
function buildTree(files: Readonly<Record<string, string>>): Tree {
  const root: Tree = {};
  for (const [name, text] of Object.entries(files)) {
    const parts = name.split('/');
    const leaf = parts.pop() as string;
    let dir = root;
    for (const part of parts) {
      const next = dir[part];
      if (next === undefined) {
        const made: Tree = {};
        dir[part] = made;
        dir = made;
      } else if (typeof next === 'string' || next instanceof Uint8Array) {
        throw new ToolError(`Cannot give Yosys both a file and a directory named '${part}'.`);
      } else {
        dir = next;
      }
    }
    dir[leaf] = text;
  }
  return root;
}

/**
 * Follows Yosys's stdout and stderr line by line, keeping the last lines for error messages and
 * counting `proc_dlatch`'s "Latch inferred" lines, without holding the whole log in memory.
 */
class LogWatcher {
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  private readonly partial = { stdout: '', stderr: '' };
  private readonly lines: string[] = [];
  latchesInferred = 0;

  /** Takes one chunk of output; `null` is the runtime's flush signal, not the end of the stream. */
  write(stream: 'stdout' | 'stderr', bytes: Uint8Array | null): void {
    if (bytes === null) return;
    const pieces = (this.partial[stream] + this.decoders[stream].decode(bytes, { stream: true })).split('\n');
    this.partial[stream] = pieces.pop() ?? '';
    for (const line of pieces) this.line(line);
  }

  finish(): void {
    this.flush('stdout');
    this.flush('stderr');
  }

  /** The last lines of the log, trailing blank lines dropped. */
  tail(): string {
    const kept = [...this.lines];
    while (kept.length > 0 && kept[kept.length - 1]?.trim() === '') kept.pop();
    return kept.slice(-TAIL_LINES).join('\n');
  }

  private flush(stream: 'stdout' | 'stderr'): void {
    const rest = this.partial[stream] + this.decoders[stream].decode();
    this.partial[stream] = '';
    if (rest !== '') this.line(rest);
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('Latch inferred for signal')) this.latchesInferred += 1;
    this.lines.push(line);
    if (this.lines.length > 4 * TAIL_LINES) this.lines.splice(0, this.lines.length - 2 * TAIL_LINES);
  }
}

/**
 * The cell counts of the design from `stat -json` output, sorted by type name. Uses the `design`
 * totals (which include submodules when hierarchy is kept) and falls back to the top module.
 */
function cellCounts(stat: unknown, top: string): Record<string, number> {
  const root = asObject(stat);
  const design = asObject(root?.['design']);
  const modules = asObject(root?.['modules']);
  const module = design ?? asObject(modules?.[`\\${top}`]) ?? asObject(modules?.[top]);
  const byType = asObject(module?.['num_cells_by_type']);
  if (module === undefined) {
    throw new ToolError(`Yosys statistics for top module '${top}' contain neither the design nor the module.`);
  }
  const sorted: Record<string, number> = {};
  for (const type of Object.keys(byType ?? {}).sort()) {
    const count = byType?.[type];
    if (typeof count !== 'number' || !Number.isFinite(count)) {
      throw new ToolError(`Yosys statistics for top module '${top}' give a non-numeric count for cell type '${type}'.`);
    }
    sorted[type] = count;
  }
  return sorted;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
