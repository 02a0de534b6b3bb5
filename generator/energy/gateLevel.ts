/**
 * The driver of the energy measurement: a built design synthesised with Yosys, its netlist
 * simulated over exactly one steady-state frame of the design's own test vectors (every output
 * beat checked against the golden vectors), and the toggles of that frame grouped by cell class.
 *
 * - `measureActivity` synthesises and simulates the netlist with potgen's cycle-based netlist
 *   simulator (netsim/), attributes the toggles (attribute.ts), and caches the small result under
 *   a content hash of every input (cache.ts). netsim reads the JSON netlist directly: no compile
 *   step, and LeNet-5's 26k-LUT netlist runs two frames in seconds.
 * - `runGateLevel` is the independent path: the netlist's Verilog with Yosys's cells_sim.v and
 *   potgen's DSP48E2 and block RAM models under Verilator, writing a VCD (`simulator:
 *   'verilator'`). The slow tests check that both paths count the very same toggles. It also
 *   simulates the RTL (`level: 'rtl'`) for SAIF output.
 *
 * Verilator, not Icarus, for the VCD path: a gate-level netlist of conv3x3 runs in 0.3 s after a
 * 25-35 s compile under Verilator, against 53 s in Icarus; but compiling LeNet-5's netlist took
 * Verilator over ten minutes, which is why netsim exists.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PotgenError, ToolError } from '../core/errors.ts';
import { VECTOR_FILES } from '../emit/emitTestbench.ts';
import { TESTBENCH_DIR } from '../emit/templates.ts';
import { readManifest, readRtlFiles } from '../run/manifest.ts';
import { runTool } from '../run/tools.ts';
import { synthesiseXilinx, type SynthesisReport } from '../run/yosys.ts';
import { ACTIVITY_TEMPLATE, CLOCK_PERIOD_PS, emitActivityBench } from './activityBench.ts';
import { CELL_CLASSES, cellActivity, type CellActivity } from './attribute.ts';
import { contentKey, readCached, writeCached } from './cache.ts';
import { readVcdActivity } from './vcd.ts';
import { writeSaif } from './saif.ts';
import type { YosysBit, YosysJson } from './yosysJson.ts';
import { simulateNetlistActivity, type NetsimActivity } from './netsim/activityRun.ts';
import { NetsimError } from './netsim/blockModel.ts';
import { BLOCK_MODELS } from './netsim/models.ts';

/** potgen's DSP48E2 simulation model (Yosys's cells_sim.v has none). */
export const DSP_MODEL = path.join(TESTBENCH_DIR, 'cells', 'DSP48E2.v');

/** potgen's block RAM simulation models (cells_sim.v has only blackboxes for them). */
export const BRAM_MODELS = [path.join(TESTBENCH_DIR, 'cells', 'RAMB18E2.v'), path.join(TESTBENCH_DIR, 'cells', 'RAMB36E2.v')];

/** Yosys's Xilinx cell models, shipped inside @yowasp/yosys. */
export function cellsSimFile(): string {
  const entry = createRequire(import.meta.url).resolve('@yowasp/yosys');
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const file = path.join(dir, 'gen', 'share', 'xilinx', 'cells_sim.v');
  if (!existsSync(file)) throw new ToolError(`Yosys's Xilinx cell models are missing (${file}); reinstall the npm packages (npm ci).`);
  return file;
}

/**
 * Verilator's flags. Default Verilator optimisation (it inlines the cell modules; `-O0` compiles
 * every LUT as a class of its own, several times slower) and unoptimised C++ (the run is one
 * frame, so compile time is what counts). The cell models are left untraced (`untracedCopies`).
 */
const VERILATOR_FLAGS = [
  '--binary',
  '--timing',
  '--trace',
  '-Wno-fatal',
  '-Wno-lint',
  '-Wno-style',
  '-Wno-TIMESCALEMOD',
  '-j',
  '2',
  '-MAKEFLAGS',
  'OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0',
] as const;

/**
 * Copies of the cell models whose first line is Verilator's `tracing_off` metacomment, so that only the
 * netlist's own nets are traced (attribute.ts reads each cell's output from the net it drives).
 * Tracing every LUT's internals made conv3x3's compile 30-125 s and its VCD 15-27 MB a frame,
 * which does not scale. (A configuration file's `tracing_off -file` did not take effect here.)
 */
const TRACING_OFF = '/' + '*verilator tracing_off*' + '/';

function untracedCopies(work: string, cellModels: readonly string[]): string[] {
  return cellModels.map((f, i) => {
    const copy = path.join(work, `untraced-${i}-${path.basename(f)}`);
    writeFileSync(copy, `${TRACING_OFF}\n${readFileSync(f, 'utf8')}`);
    return copy;
  });
}

/** How many log lines a failure quotes. */
const TAIL_LINES = 25;

export interface GateLevelOptions {
  /** 'netlist' (default): the Yosys netlist with cell models; 'rtl': the design's own Verilog. */
  readonly level?: 'netlist' | 'rtl';
  /** Frames streamed before the measured one (default 1). */
  readonly warmupFrames?: number;
  /** The vector frame measured (default 0). */
  readonly frame?: number;
  /** Where the VCD goes; default `<designDir>/power/<level>.vcd`. */
  readonly vcdFile?: string;
  /** Synthesis already done for this design (netlist level), to skip running it again. */
  readonly synthesised?: { readonly report: SynthesisReport; readonly verilog: string; readonly json: string };
  readonly progress?: (message: string) => void;
}

/** One traced frame. Times are in VCD time units. */
export interface GateLevelRun {
  readonly level: 'netlist' | 'rtl';
  readonly vcdFile: string;
  /** The measured frame: toggles at times t with start < t <= end belong to it. */
  readonly window: { readonly start: number; readonly end: number };
  readonly secondsPerUnit: number;
  readonly clockPeriodUnits: number;
  /** Clock cycles in the window: the design's cycles per frame (checked by the testbench). */
  readonly cycles: number;
  /** '.'-separated VCD scope of the design's top instance, e.g. 'TOP.conv3x3_activity_tb.dut'. */
  readonly dutScope: string;
  /** The design's top module. */
  readonly top: string;
  /** The synthesised netlist (netlist level only). */
  readonly netlistJson?: YosysJson;
  readonly synthesis?: SynthesisReport;
  /** Output beats compared with the golden vectors (all passed, or this threw). */
  readonly beatsChecked: number;
  readonly seconds: { readonly synthesis: number; readonly compile: number; readonly run: number; readonly total: number };
}

/**
 * Simulates one steady-state frame of the design in `designDir` and writes its VCD.
 * @throws ToolError when synthesis, compilation or the simulation fails (a failed output
 *   comparison included), quoting the end of the log; PotgenError for a design folder that is not
 *   sound or a netlist that uses DSP48E2 features the model does not implement.
 */
export async function runGateLevel(designDir: string, options: GateLevelOptions = {}): Promise<GateLevelRun> {
  const started = performance.now();
  const level = options.level ?? 'netlist';
  const progress = options.progress ?? ((): void => {});
  const manifest = readManifest(designDir);
  designDir = path.resolve(designDir);
  const bench = emitActivityBench(designDir, manifest, {
    ...(options.warmupFrames !== undefined ? { warmupFrames: options.warmupFrames } : {}),
    ...(options.frame !== undefined ? { frame: options.frame } : {}),
  });
  const vcdFile = path.resolve(options.vcdFile ?? path.join(designDir, 'power', `${level}.vcd`));
  mkdirSync(path.dirname(vcdFile), { recursive: true });
  rmSync(vcdFile, { force: true });

  const work = mkdtempSync(path.join(os.tmpdir(), 'potgen-gl-'));
  try {
    let sources: string[];
    let synthesis: SynthesisReport | undefined;
    let netlistJson: YosysJson | undefined;
    let synthesisSeconds = 0;
    if (level === 'netlist') {
      let synthesised = options.synthesised;
      if (!synthesised) {
        progress('synthesising with Yosys');
        const r = await synthesiseXilinx(readRtlFiles(designDir, manifest), manifest.top, { netlist: true });
        synthesised = { report: r, verilog: r.netlist.verilog, json: r.netlist.json };
      }
      synthesis = stripNetlist(synthesised.report);
      synthesisSeconds = synthesis.seconds;
      netlistJson = JSON.parse(synthesised.json) as YosysJson;
      checkDspCells(netlistJson, manifest.design);
      const netlist = path.join(work, 'netlist.v');
      writeFileSync(netlist, synthesised.verilog);
      sources = [netlist, ...untracedCopies(work, [cellsSimFile(), DSP_MODEL, ...BRAM_MODELS])];
    } else {
      sources = manifest.rtl.map((f) => path.join(designDir, f));
    }
    const benchFile = path.join(work, `${bench.module}.v`);
    writeFileSync(benchFile, bench.text);

    progress(`compiling the ${level === 'rtl' ? 'RTL' : 'gate-level'} simulation with Verilator`);
    const obj = path.join(work, 'obj');
    const compile = await runTool('verilator', [...VERILATOR_FLAGS, '--top-module', bench.module, '--Mdir', obj, '-o', 'sim', ...sources, benchFile], work);
    if (compile.status !== 0) {
      throw new ToolError(`Verilator could not compile the ${level} simulation of ${manifest.design}. The end of its log reads:\n${tail(compile.stderr + compile.stdout)}`);
    }
    progress(`simulating ${bench.warmupFrames + 1} frame(s), tracing one`);
    const run = await runTool(path.join(obj, 'sim'), [`+vcd=${vcdFile}`], path.join(designDir, 'tb'));
    const log = run.stdout + run.stderr;
    const closing = [...log.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
    const window = /^window: start (\d+) end (\d+) cycles (\d+) period (\d+)$/m.exec(log);
    if (run.status !== 0 || !closing || closing[2] !== '0' || !window) {
      rmSync(vcdFile, { force: true });
      throw new ToolError(
        `The ${level} simulation of ${manifest.design} failed (exit status ${run.status}${closing ? `, ${closing[0]}` : ''}): its outputs must match the golden vectors bit for bit. The end of its log reads:\n${tail(log)}`,
      );
    }
    const header = await readVcdHeader(vcdFile);
    const dutScope = `TOP.${bench.module}.dut`;
    if (!header.scopes.has(dutScope)) {
      throw new ToolError(`The VCD ${vcdFile} has no scope ${dutScope}; its scopes begin ${[...header.scopes].slice(0, 5).join(', ')}.`);
    }
    const psPerUnit = header.secondsPerUnit / 1e-12;
    const toUnits = (ps: number): number => ps / psPerUnit;
    const cycles = Number(window[3]);
    if (Number(window[4]) !== CLOCK_PERIOD_PS || cycles !== manifest.cyclesPerFrame) {
      throw new ToolError(`The ${level} simulation of ${manifest.design} traced ${cycles} cycles of ${window[4]} ps, not ${manifest.cyclesPerFrame} of ${CLOCK_PERIOD_PS} ps.`);
    }
    return {
      level,
      vcdFile,
      window: { start: toUnits(Number(window[1])), end: toUnits(Number(window[2])) },
      secondsPerUnit: header.secondsPerUnit,
      clockPeriodUnits: toUnits(CLOCK_PERIOD_PS),
      cycles,
      dutScope,
      top: manifest.top,
      ...(netlistJson ? { netlistJson } : {}),
      ...(synthesis ? { synthesis } : {}),
      beatsChecked: Number(closing[1]),
      seconds: { synthesis: synthesisSeconds, compile: compile.seconds, run: run.seconds, total: (performance.now() - started) / 1000 },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** What `measureActivity` returns: small, JSON-serialisable, and what the cache stores. */
export interface ActivityMeasurement {
  readonly design: string;
  readonly cellActivity: CellActivity;
  readonly synthesis: SynthesisReport;
  readonly window: { readonly start: number; readonly end: number };
  readonly secondsPerUnit: number;
  readonly clockPeriodUnits: number;
  /** Clock cycles of the measured frame (= cycles per inference). */
  readonly cycles: number;
  /** Σ output toggles of every primitive in the frame. */
  readonly toggles: number;
  readonly warmupFrames: number;
  readonly frame: number;
  /** The SAIF file written, when asked for. */
  readonly saifFile?: string;
  /** Where the VCD was kept, when asked for. */
  readonly vcdFile?: string;
  /** True when served from the cache (then `seconds` are those of the run that filled it). */
  readonly cached: boolean;
  /** Seconds per step of the run that measured it: synthesis; compile (Verilator) or netlist set-up (netsim); simulation; parse (VCD reading and attribution, or attribution alone); SAIF. */
  readonly seconds: { readonly synthesis: number; readonly compile: number; readonly run: number; readonly parse: number; readonly saif: number; readonly total: number };
  /** Size of the gate-level VCD in bytes. */
  readonly vcdBytes: number;
}

export interface MeasureOptions {
  readonly warmupFrames?: number;
  readonly frame?: number;
  /** Also simulate the RTL over the same frame and write `<designDir>/power/<design>.saif`. */
  readonly saif?: boolean;
  /** Keep the gate-level VCD (`<designDir>/power/netlist.vcd`) instead of deleting it; bypasses the cache. */
  readonly keepVcd?: boolean;
  /** Use and fill the cache (default true). */
  readonly cache?: boolean;
  /**
   * The gate-level simulator: 'netsim' (default), potgen's cycle-based netlist simulator, which
   * needs no compile step and runs LeNet-5's netlist in seconds; or 'verilator', the netlist's
   * Verilog with Yosys's cell models under Verilator (a VCD; kept as the independent check).
   */
  readonly simulator?: 'netsim' | 'verilator';
  readonly progress?: (message: string) => void;
}

/** Version of what the cache stores; bump it when the entry's meaning changes. */
const ENTRY_VERSION = 'potgen-activity-3';

/**
 * The toggles per cell class of one steady-state frame of the design in `designDir`, measured on
 * its gate-level netlist (see `runGateLevel`), or read from the cache when nothing that decides
 * them has changed.
 */
export async function measureActivity(designDir: string, options: MeasureOptions = {}): Promise<ActivityMeasurement> {
  const started = performance.now();
  const progress = options.progress ?? ((): void => {});
  const manifest = readManifest(designDir);
  const warmupFrames = options.warmupFrames ?? 1;
  const frame = options.frame ?? 0;
  const saifFile = path.join(path.resolve(designDir), 'power', `${manifest.design}.saif`);
  const useCache = options.cache !== false && !options.keepVcd;
  const key = useCache ? await activityCacheKey(designDir, options) : '';

  if (useCache) {
    const stored = readCached(key);
    const saifText = options.saif ? readCached(key, '.saif') : undefined;
    if (stored !== undefined && (!options.saif || saifText !== undefined)) {
      try {
        const entry = JSON.parse(stored) as Omit<ActivityMeasurement, 'cached'>;
        if (saifText !== undefined) {
          mkdirSync(path.dirname(saifFile), { recursive: true });
          writeFileSync(saifFile, saifText);
        }
        progress('activity read from the cache');
        return { ...entry, ...(options.saif ? { saifFile } : {}), cached: true };
      } catch {
        // A damaged entry is measured again and overwritten.
      }
    }
  }

  const simulator = options.simulator ?? 'netsim';
  let gl: Pick<GateLevelRun, 'window' | 'secondsPerUnit' | 'clockPeriodUnits' | 'cycles' | 'synthesis' | 'seconds'> & { vcdFile?: string };
  let vcdBytes = 0;
  let cells: CellActivity;
  let parseSeconds: number;
  if (simulator === 'netsim') {
    const run = await runNetsim(designDir, { warmupFrames, frame, progress });
    gl = run;
    cells = run.cells;
    parseSeconds = run.attributeSeconds;
  } else {
    const parseStarted = performance.now();
    const vl = await runGateLevel(designDir, { warmupFrames, frame, progress });
    gl = vl;
    try {
      progress('reading the VCD');
      vcdBytes = statSync(vl.vcdFile).size;
      const activity = await readVcdActivity(vl.vcdFile, { start: vl.window.start, end: vl.window.end, scope: vl.dutScope });
      cells = cellActivity(vl.netlistJson!, vl.top, activity, vl.dutScope, vl.clockPeriodUnits);
    } finally {
      if (!options.keepVcd) rmSync(vl.vcdFile, { force: true });
    }
    parseSeconds = (performance.now() - parseStarted) / 1000;
  }

  let saifSeconds = 0;
  let saifText: string | undefined;
  if (options.saif) {
    const saifStarted = performance.now();
    progress('simulating the RTL over the same frame for SAIF');
    const rtl = await runGateLevel(designDir, { level: 'rtl', warmupFrames, frame, progress });
    try {
      const activity = await readVcdActivity(rtl.vcdFile, { start: rtl.window.start, end: rtl.window.end, scope: rtl.dutScope });
      saifText = writeSaif(activity, { design: manifest.design, instance: rtl.dutScope, date: 'potgen activity window' });
    } finally {
      if (!options.keepVcd) rmSync(rtl.vcdFile, { force: true });
    }
    mkdirSync(path.dirname(saifFile), { recursive: true });
    writeFileSync(saifFile, saifText);
    saifSeconds = (performance.now() - saifStarted) / 1000;
  }

  const toggles = CELL_CLASSES.reduce((sum, c) => sum + cells.total[c].outputToggles, 0);
  const entry: Omit<ActivityMeasurement, 'cached'> = {
    design: manifest.design,
    cellActivity: cells,
    synthesis: gl.synthesis!,
    window: gl.window,
    secondsPerUnit: gl.secondsPerUnit,
    clockPeriodUnits: gl.clockPeriodUnits,
    cycles: gl.cycles,
    toggles,
    warmupFrames,
    frame,
    seconds: {
      synthesis: gl.seconds.synthesis,
      compile: gl.seconds.compile,
      run: gl.seconds.run,
      parse: parseSeconds,
      saif: saifSeconds,
      total: (performance.now() - started) / 1000,
    },
    vcdBytes,
  };
  if (useCache) {
    if (saifText !== undefined) writeCached(key, saifText, '.saif');
    writeCached(key, JSON.stringify(entry));
  }
  return { ...entry, ...(options.saif ? { saifFile } : {}), ...(options.keepVcd && gl.vcdFile ? { vcdFile: gl.vcdFile } : {}), cached: false };
}

/**
 * The cache key of a measurement: the design's files (RTL, testbench, vectors, manifest), the
 * activity testbench template, the cell models, the tool versions and flags, the options that
 * change the result, and potgen's own code that synthesises, simulates and counts.
 */
export async function activityCacheKey(designDir: string, options: Pick<MeasureOptions, 'warmupFrames' | 'frame' | 'saif' | 'simulator'>): Promise<string> {
  const manifest = readManifest(designDir);
  const simulator = options.simulator ?? 'netsim';
  const decided = { warmupFrames: options.warmupFrames ?? 1, frame: options.frame ?? 0, saif: options.saif === true, simulator };
  const parts: (string | Uint8Array)[] = [ENTRY_VERSION, JSON.stringify(decided), VERILATOR_FLAGS.join(' ')];
  const file = (f: string): void => {
    parts.push(path.basename(f), readFileSync(f));
  };
  file(path.join(designDir, 'potgen.json'));
  for (const f of [...manifest.rtl, ...manifest.tb].sort()) file(path.join(designDir, f));
  for (const f of [VECTOR_FILES.input, VECTOR_FILES.expected]) file(path.join(designDir, 'tb', f));
  file(path.join(TESTBENCH_DIR, ACTIVITY_TEMPLATE));
  file(cellsSimFile());
  file(DSP_MODEL);
  for (const f of BRAM_MODELS) file(f);
  if (simulator === 'verilator' || options.saif) parts.push(await toolVersion('verilator'));
  file(path.join(path.dirname(cellsSimFile()), '..', '..', '..', 'package.json'));
  for (const source of ['./gateLevel.ts', './activityBench.ts', './vcd.ts', './attribute.ts', './yosysJson.ts', './saif.ts', '../run/yosys.ts', ...NETSIM_SOURCES]) {
    try {
      parts.push(source, readFileSync(fileURLToPath(new URL(source, import.meta.url))));
    } catch {
      // In the bundle, these modules are part of this file.
      parts.push(readFileSync(fileURLToPath(import.meta.url)));
    }
  }
  return contentKey(parts);
}

const versions = new Map<string, Promise<string>>();
/** `tool --version`, asked once per process. */
function toolVersion(tool: string): Promise<string> {
  let v = versions.get(tool);
  if (!v) {
    v = runTool(tool, ['--version'], process.cwd(), 30_000).then((r) => r.stdout.trim());
    versions.set(tool, v);
  }
  return v;
}

/** The netlist simulator's sources, part of the cache key. */
const NETSIM_SOURCES = ['./netsim/engine.ts', './netsim/flatten.ts', './netsim/activityRun.ts', './netsim/blockModel.ts', './netsim/blockRam.ts', './netsim/dsp48e2.ts', './netsim/models.ts'];

/** Synthesis, then one frame of the netlist in potgen's netlist simulator, attributed to cell classes. */
async function runNetsim(
  designDir: string,
  options: { readonly warmupFrames: number; readonly frame: number; readonly progress: (message: string) => void },
): Promise<Pick<GateLevelRun, 'window' | 'secondsPerUnit' | 'clockPeriodUnits' | 'cycles' | 'seconds'> & { synthesis: SynthesisReport; cells: CellActivity; attributeSeconds: number }> {
  const started = performance.now();
  const manifest = readManifest(designDir);
  options.progress('synthesising with Yosys');
  const report = await synthesiseXilinx(readRtlFiles(designDir, manifest), manifest.top, { netlist: 'json' });
  const netlist = JSON.parse(report.netlist.json) as YosysJson;
  checkDspCells(netlist, manifest.design);
  let run: NetsimActivity;
  try {
    run = simulateNetlistActivity(designDir, manifest, netlist, BLOCK_MODELS, options);
  } catch (e) {
    if (e instanceof NetsimError) throw new ToolError(`The gate-level simulation of ${manifest.design} failed: ${e.message}`, { cause: e });
    throw e;
  }
  const attributing = performance.now();
  const cells = cellActivity(netlist, manifest.top, run.activity, run.dutScope, run.clockPeriodUnits);
  const attributeSeconds = (performance.now() - attributing) / 1000;
  const synthesis = stripNetlist(report);
  return {
    window: run.window,
    secondsPerUnit: run.activity.secondsPerUnit,
    clockPeriodUnits: run.clockPeriodUnits,
    cycles: run.cycles,
    synthesis,
    cells,
    attributeSeconds,
    seconds: { synthesis: synthesis.seconds, compile: run.seconds.build, run: run.seconds.run, total: (performance.now() - started) / 1000 },
  };
}

/** The report without the netlist text, small enough to keep and cache. */
function stripNetlist(report: SynthesisReport): SynthesisReport {
  const { netlist: _netlist, ...rest } = report as SynthesisReport & { netlist?: unknown };
  void _netlist;
  return rest;
}

function tail(log: string): string {
  const lines = log.trimEnd().split('\n');
  return lines.slice(-TAIL_LINES).join('\n');
}

/** The `$timescale` and the scope paths of a VCD, read from its header only. */
async function readVcdHeader(file: string): Promise<{ secondsPerUnit: number; scopes: Set<string> }> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let text = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    text += chunk;
    if (text.includes('$enddefinitions')) break;
  }
  stream.destroy();
  const ts = /\$timescale\s+(\d+)\s*(s|ms|us|ns|ps|fs)\s+\$end/.exec(text);
  if (!ts) throw new ToolError(`The VCD ${file} has no readable $timescale.`);
  const unit = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9, ps: 1e-12, fs: 1e-15 }[ts[2] as 's'];
  const scopes = new Set<string>();
  const stack: string[] = [];
  for (const m of text.matchAll(/\$(scope)\s+\S+\s+(\S+)\s+\$end|\$(upscope)\s+\$end/g)) {
    if (m[1]) {
      stack.push(m[2]!);
      scopes.add(stack.join('.'));
    } else {
      stack.pop();
    }
  }
  return { secondsPerUnit: Number(ts[1]) * unit, scopes };
}

/** DSP48E2 outputs the model drives with 0 instead of modelling them. */
const UNMODELLED_DSP_OUTPUTS = ['CARRYCASCOUT', 'CARRYOUT', 'MULTSIGNOUT', 'OVERFLOW', 'UNDERFLOW', 'PATTERNDETECT', 'PATTERNBDETECT', 'XOROUT'];

/**
 * Refuses a netlist the DSP48E2 model would simulate wrongly without noticing: a slice whose
 * unmodelled outputs are read, or an unclocked slice (whose control inputs the model can only
 * check at clock edges) with control inputs that are not constants the model supports.
 */
export function checkDspCells(netlist: YosysJson, design: string): void {
  for (const [moduleName, module] of Object.entries(netlist.modules)) {
    const read = new Set<YosysBit>();
    for (const cell of Object.values(module.cells ?? {})) {
      for (const [port, bits] of Object.entries(cell.connections)) {
        if (cell.port_directions?.[port] !== 'output') for (const b of bits) read.add(b);
      }
    }
    for (const port of Object.values(module.ports ?? {})) if (port.direction !== 'input') for (const b of port.bits) read.add(b);
    for (const [cellName, cell] of Object.entries(module.cells ?? {})) {
      if (cell.type !== 'DSP48E2') continue;
      const where = `${design}: DSP48E2 ${cellName} in ${moduleName}`;
      for (const port of UNMODELLED_DSP_OUTPUTS) {
        if ((cell.connections[port] ?? []).some((b) => typeof b === 'number' && read.has(b))) {
          throw new PotgenError(`${where} reads its ${port} output, which potgen's DSP48E2 model (testbench/cells/DSP48E2.v) does not model.`);
        }
      }
      const clock = cell.connections['CLK'] ?? [];
      if (clock.some((b) => typeof b === 'number')) continue;
      const param = (name: string): number => parseInt(cell.parameters?.[name] ?? '0', 2) || 0;
      const constant = (port: string, width: number): number | undefined => {
        const bits = cell.connections[port] ?? [];
        if (bits.some((b) => typeof b === 'number' || b === 'x' || b === 'z')) return undefined;
        let v = 0;
        for (let i = 0; i < width; i++) if (bits[i] === '1') v |= 1 << i;
        return v;
      };
      const opmode = constant('OPMODE', 9);
      const alumode = constant('ALUMODE', 4);
      const inmode = constant('INMODE', 5);
      const carryinsel = constant('CARRYINSEL', 3);
      if (opmode === undefined || alumode === undefined || inmode === undefined || carryinsel === undefined) {
        throw new PotgenError(`${where} has no clock but OPMODE, ALUMODE, INMODE or CARRYINSEL driven by logic; potgen's DSP48E2 model cannot check those.`);
      }
      const x = opmode & 3;
      const y = (opmode >> 2) & 3;
      const z = (opmode >> 4) & 7;
      const w = (opmode >> 7) & 3;
      const problems: string[] = [];
      if (z === 4 || z === 7) problems.push('OPMODE Z mux 100/111');
      if ((x === 1) !== (y === 1)) problems.push('OPMODE selects M in only one of X and Y');
      if (x === 2 || z === 2 || z === 6 || w === 1) problems.push('P feedback without a clock');
      if (carryinsel !== 0) problems.push('CARRYINSEL other than 000');
      if (alumode > 3) problems.push('a logic-unit ALUMODE');
      if ((inmode & 1) !== 0 && param('AREG') !== 2) problems.push('INMODE[0] with AREG != 2');
      if ((inmode & 16) !== 0 && param('BREG') !== 2) problems.push('INMODE[4] with BREG != 2');
      if (problems.length > 0) throw new PotgenError(`${where} uses what potgen's DSP48E2 model does not implement: ${problems.join(', ')}.`);
    }
  }
}
