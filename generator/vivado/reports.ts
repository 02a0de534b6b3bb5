/**
 * Parsers for the text reports a batch Vivado run writes (`report_utilization`, flat and
 * hierarchical, `report_timing_summary`, `report_power`), and a formatter that prints Vivado's
 * figures beside a Yosys estimate in the style of `potgen synth`.
 *
 * Every parser is pure: report text in, typed figures out. Tables are found by their section
 * heading or header row and columns by their header name, never by position, so the layouts of
 * different Vivado versions (2019.x has no Prohibited column, URAM and DSP column names vary) read
 * alike. A report that lacks a table or value the figures need is refused with a PotgenError
 * naming the report file, never read as zero.
 *
 * The parsers target UltraScale+ reports (CLB LUTs, CARRY8, DSP48E2), which is what potgen's
 * Vivado flow builds for (xczu7ev on the ZCU104).
 */
import { PotgenError } from '../core/errors.ts';
import type { SynthesisReport } from '../run/yosys.ts';

// ------------------------------------------------------------------------------------------------
// Types

/** What `report_utilization` (flat) counts, in Vivado's site units. */
export interface Utilization {
  /** "CLB LUTs": LUT sites used, as logic or memory. */
  readonly luts: number;
  /** "LUT as Logic". */
  readonly lutLogic: number;
  /** "LUT as Memory": distributed RAM plus shift registers. */
  readonly lutMemory: number;
  /** "LUT as Distributed RAM" (0 when the report has no such row). */
  readonly lutDistributedRam: number;
  /** "LUT as Shift Register" (0 when the report has no such row). */
  readonly lutShiftRegister: number;
  /** "CLB Registers": flip-flops, latches and AND/OR registers. */
  readonly registers: number;
  /** "Register as Flip Flop". */
  readonly flipFlops: number;
  /** "Register as Latch". */
  readonly latches: number;
  /** "CARRY8": eight-bit carry chains. */
  readonly carry8: number;
  /** "Block RAM Tile": 36 Kb tiles, a RAMB18 counting half (so it may be fractional). */
  readonly bram36Tiles: number;
  /** "RAMB36/FIFO". */
  readonly ramb36: number;
  /** "RAMB18". */
  readonly ramb18: number;
  /** "URAM" (0 on a device without UltraRAM, whose report has no such row). */
  readonly uram: number;
  /** "DSPs" (DSP48E2 slices). */
  readonly dsp: number;
  /** What the device has of each resource ("Available"). */
  readonly available: {
    readonly luts: number;
    readonly lutMemory: number;
    readonly registers: number;
    readonly carry8: number;
    readonly bram36Tiles: number;
    readonly uram: number;
    readonly dsp: number;
  };
}

/** One instance of `report_utilization -hierarchical`. Counts a version's report lacks are 0. */
export interface HierarchyRow {
  /** The instance name as printed: `(name)` rows are an instance's own cells, without its children. */
  readonly instance: string;
  /** The module, `(top)` for the top instance. */
  readonly module: string;
  /** 0 for the top, 1 for its children, ... (from the instance's indentation). */
  readonly depth: number;
  readonly luts: number;
  readonly logicLuts: number;
  readonly lutrams: number;
  readonly srls: number;
  readonly ffs: number;
  readonly ramb36: number;
  readonly ramb18: number;
  readonly uram: number;
  readonly dsp: number;
}

/** One clock of the Clock Summary, with its own slack from the Intra Clock Table when it has one. */
export interface ClockTiming {
  readonly name: string;
  readonly periodNs: number;
  readonly frequencyMhz: number;
  /** Worst setup slack of paths within this clock; absent when the clock times no setup path. */
  readonly wnsNs?: number;
  /** Worst hold slack of paths within this clock; absent when the clock times no hold path. */
  readonly whsNs?: number;
}

/** The Design Timing Summary of `report_timing_summary`. */
export interface TimingSummary {
  /** Worst negative (setup) slack; `Infinity` when no path is constrained (Vivado prints `inf` or `NA`). */
  readonly wnsNs: number;
  /** Total negative slack (0 when Vivado prints `NA`). */
  readonly tnsNs: number;
  /** Endpoints failing setup. */
  readonly failingEndpoints: number;
  /** Endpoints timed for setup. */
  readonly totalEndpoints: number;
  /** Worst hold slack; `Infinity` when no path is constrained. */
  readonly whsNs: number;
  /** Total hold slack (0 when Vivado prints `NA`). */
  readonly thsNs: number;
  /** Vivado's verdict: "All user specified timing constraints are met." (or there are none). */
  readonly met: boolean;
  /** False when Vivado says "There are no user specified timing constraints." */
  readonly constrained: boolean;
  readonly clocks: readonly ClockTiming[];
}

/** The Summary and On-Chip Components of `report_power`. */
export interface PowerSummary {
  readonly totalW: number;
  readonly dynamicW: number;
  /** "Device Static (W)". */
  readonly staticW: number;
  /** "Low", "Medium" or "High": how much of the switching activity came from simulation. */
  readonly confidence: string;
  /** "Junction Temperature (C)", when the report has it. */
  readonly junctionC?: number;
  /** "Design Power Budget (W)", absent when Unspecified. */
  readonly budgetW?: number;
  /** "Simulation Activity File" (a SAIF), absent when none was read (`---`). */
  readonly activityFile?: string;
  /** "Design Nets Matched", e.g. `71%   (41322/58201)`, absent when NA. */
  readonly netsMatched?: string;
  /**
   * Power of each top-level On-Chip Components row (Clocks, CLB Logic, Signals, Block RAM, DSPs,
   * PS8, Static Power, ...), without the Total row. A value Vivado prints as `<0.001` is 0 here
   * and its component is listed in `belowResolution`.
   */
  readonly components: Readonly<Record<string, number>>;
  /** Components whose power Vivado printed as below its resolution (`<0.001`). */
  readonly belowResolution: readonly string[];
}

// ------------------------------------------------------------------------------------------------
// Pipe tables (+----+ borders, | cells |)

interface PipeRow {
  /** Cells as printed, spaces kept (indentation tells depth). */
  readonly raw: readonly string[];
  /** Cells trimmed. */
  readonly cells: readonly string[];
  /** 0-based line number in the report. */
  readonly line: number;
}

interface PipeTable {
  /** Header cells, trimmed; absent for a table without a header row (power's Summary). */
  readonly header?: readonly string[];
  readonly rows: readonly PipeRow[];
  readonly line: number;
}

const isBorder = (line: string): boolean => /^\+[-+]+\+\s*$/.test(line);

function splitRow(line: string): string[] {
  const body = line.trimEnd();
  const inner = body.endsWith('|') ? body.slice(1, -1) : body.slice(1);
  return inner.split('|');
}

/**
 * Every run of lines that start with `+` or `|`, as a table. A table whose first row sits alone
 * between the first two borders, with rows after them, has that row as its header.
 */
function pipeTables(lines: readonly string[]): PipeTable[] {
  const tables: PipeTable[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!/^[+|]/.test(lines[i]!)) {
      i++;
      continue;
    }
    const start = i;
    const block: { line: number; border: boolean; text: string }[] = [];
    while (i < lines.length && /^[+|]/.test(lines[i]!)) {
      block.push({ line: i, border: isBorder(lines[i]!), text: lines[i]! });
      i++;
    }
    const toRow = (b: { line: number; text: string }): PipeRow => {
      const raw = splitRow(b.text);
      return { raw, cells: raw.map((c) => c.trim()), line: b.line };
    };
    const borders = block.map((b, k) => (b.border ? k : -1)).filter((k) => k >= 0);
    const [b0, b1] = borders;
    if (b0 === 0 && b1 === 2 && !block[1]!.border) {
      tables.push({ header: toRow(block[1]!).cells, rows: block.slice(3).filter((b) => !b.border).map(toRow), line: start });
    } else {
      tables.push({ rows: block.filter((b) => !b.border).map(toRow), line: start });
    }
  }
  return tables;
}

/** The indentation depth of a first cell: Vivado indents each level by two spaces after `| `. */
function cellDepth(raw: string): number {
  const spaces = raw.length - raw.trimStart().length;
  return Math.max(0, Math.floor((spaces - 1) / 2));
}

/** A row's label with Vivado's footnote marks (`CLB LUTs*`, `RAMB36/FIFO*`) taken off. */
const label = (cell: string): string => cell.replace(/\*+$/, '').trim();

const lineSplit = (text: string): string[] => text.replace(/\r\n?/g, '\n').split('\n');

function refuseEmpty(text: string, file: string, what: string): void {
  if (text.trim() === '') throw new PotgenError(`${file} is empty; expected the output of ${what}. Did the Vivado run stop before writing it?`);
}

/**
 * A report number: `1187`, `1.5`, `-0.318`, `1,187`, with an optional trailing note such as
 * `(0.52%)`, `(MET)` or `(Junction temp exceeded!)`. Undefined for anything else.
 */
function reportNumber(cell: string): number | undefined {
  const m = /^(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)(?:\s*\(.*\))?$/.exec(cell.trim());
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
}

// ------------------------------------------------------------------------------------------------
// report_utilization (flat)

/** The first table after a numbered section heading (`3. BLOCKRAM` underlined with dashes). */
function sectionTable(lines: readonly string[], tables: readonly PipeTable[], title: string): PipeTable | undefined {
  const heading = new RegExp(`^\\d+(\\.\\d+)*\\.?\\s+${title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`);
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!heading.test(lines[i]!.trim()) || !/^-{3,}\s*$/.test(lines[i + 1]!)) continue;
    return tables.find((t) => t.line > i && t.header !== undefined);
  }
  return undefined;
}

/**
 * Reads `report_utilization` (flat) of an UltraScale+ design: the CLB Logic, BLOCKRAM and
 * ARITHMETIC tables, by their section headings, columns by header (Used, Available), with or
 * without the Prohibited column.
 * @param file The report's file name, for error messages.
 * @throws PotgenError when a table, row or value the figures need is missing or not a number.
 */
export function parseUtilization(text: string, file: string): Utilization {
  refuseEmpty(text, file, 'report_utilization');
  const lines = lineSplit(text);
  const tables = pipeTables(lines);

  const table = (title: string): { used: (row: string) => number; available: (row: string) => number; has: (row: string) => boolean } => {
    const t = sectionTable(lines, tables, title);
    if (!t) {
      throw new PotgenError(
        `${file} has no "${title}" table; expected the output of report_utilization for an UltraScale+ part (was the report cut short, or written for another device family?).`,
      );
    }
    const header = t.header!;
    const column = (name: string): number => {
      const k = header.indexOf(name);
      if (k < 0) throw new PotgenError(`${file}: the "${title}" table has no "${name}" column (its columns are ${header.join(', ')}).`);
      return k;
    };
    const find = (row: string): PipeRow | undefined => t.rows.find((r) => label(r.cells[0] ?? '') === row);
    const value = (row: string, col: string): number => {
      const r = find(row);
      if (!r) throw new PotgenError(`${file}: the "${title}" table has no "${row}" row.`);
      const cell = r.cells[column(col)] ?? '';
      const n = reportNumber(cell);
      if (n === undefined) throw new PotgenError(`${file}: "${row}" in the "${title}" table has ${cell === '' ? 'no' : `"${cell}" as its`} ${col} value, not a number.`);
      return n;
    };
    return { used: (row) => value(row, 'Used'), available: (row) => value(row, 'Available'), has: (row) => find(row) !== undefined };
  };

  const clb = table('CLB Logic');
  const bram = table('BLOCKRAM');
  const arith = table('ARITHMETIC');
  const optional = (t: typeof clb, row: string, of: 'used' | 'available'): number => (t.has(row) ? t[of](row) : 0);
  return {
    luts: clb.used('CLB LUTs'),
    lutLogic: clb.used('LUT as Logic'),
    lutMemory: clb.used('LUT as Memory'),
    lutDistributedRam: optional(clb, 'LUT as Distributed RAM', 'used'),
    lutShiftRegister: optional(clb, 'LUT as Shift Register', 'used'),
    registers: clb.used('CLB Registers'),
    flipFlops: clb.used('Register as Flip Flop'),
    latches: clb.used('Register as Latch'),
    carry8: clb.used('CARRY8'),
    bram36Tiles: bram.used('Block RAM Tile'),
    ramb36: bram.used('RAMB36/FIFO'),
    ramb18: bram.used('RAMB18'),
    uram: optional(bram, 'URAM', 'used'),
    dsp: arith.used('DSPs'),
    available: {
      luts: clb.available('CLB LUTs'),
      lutMemory: clb.available('LUT as Memory'),
      registers: clb.available('CLB Registers'),
      carry8: clb.available('CARRY8'),
      bram36Tiles: bram.available('Block RAM Tile'),
      uram: optional(bram, 'URAM', 'available'),
      dsp: arith.available('DSPs'),
    },
  };
}

// ------------------------------------------------------------------------------------------------
// report_utilization -hierarchical

/** Header names of each count, first match wins (older versions print "DSP48 Blocks"). */
const HIERARCHY_COLUMNS = {
  luts: ['Total LUTs'],
  logicLuts: ['Logic LUTs'],
  lutrams: ['LUTRAMs'],
  srls: ['SRLs'],
  ffs: ['FFs'],
  ramb36: ['RAMB36'],
  ramb18: ['RAMB18'],
  uram: ['URAM'],
  dsp: ['DSP Blocks', 'DSP48 Blocks', 'DSPs'],
} as const satisfies Record<string, readonly string[]>;

/** The counts a hierarchical report must have; the others are 0 when a version lacks them. */
const HIERARCHY_REQUIRED = new Set<keyof typeof HIERARCHY_COLUMNS>(['luts', 'ffs']);

/**
 * Reads `report_utilization -hierarchical`: one row per instance, in the report's order, depth
 * from the indentation of the instance name. Columns are found by header; counts the report has
 * no column for (URAM before UltraScale+, ...) are 0.
 * @throws PotgenError when there is no Instance/Module table, it has no rows, it lacks the Total
 *   LUTs or FFs column, or a count is not a number.
 */
export function parseHierarchicalUtilization(text: string, file: string): HierarchyRow[] {
  refuseEmpty(text, file, 'report_utilization -hierarchical');
  const tables = pipeTables(lineSplit(text));
  const t = tables.find((x) => x.header?.[0] === 'Instance' && x.header[1] === 'Module');
  if (!t) {
    throw new PotgenError(
      `${file} has no hierarchical utilization table (a header row "| Instance | Module | Total LUTs | ..."); expected the output of report_utilization -hierarchical.`,
    );
  }
  const header = t.header!;
  const index = {} as Record<keyof typeof HIERARCHY_COLUMNS, number>;
  for (const [key, names] of Object.entries(HIERARCHY_COLUMNS) as [keyof typeof HIERARCHY_COLUMNS, readonly string[]][]) {
    index[key] = header.findIndex((h) => names.includes(h));
    if (index[key] < 0 && HIERARCHY_REQUIRED.has(key)) {
      throw new PotgenError(`${file}: the hierarchical utilization table has no "${names[0]}" column (its columns are ${header.join(', ')}).`);
    }
  }
  if (t.rows.length === 0) throw new PotgenError(`${file}: the hierarchical utilization table has no rows (was the report cut short?).`);
  return t.rows.map((r) => {
    const instance = r.cells[0] ?? '';
    const count = (key: keyof typeof HIERARCHY_COLUMNS): number => {
      const k = index[key];
      if (k < 0) return 0;
      const cell = r.cells[k] ?? '';
      const n = reportNumber(cell);
      if (n === undefined) {
        throw new PotgenError(`${file}: instance ${instance} has ${cell === '' ? 'no' : `"${cell}" as its`} ${header[k]} value, not a number (line ${r.line + 1}).`);
      }
      return n;
    };
    return {
      instance,
      module: r.cells[1] ?? '',
      depth: cellDepth(r.raw[0] ?? ''),
      luts: count('luts'),
      logicLuts: count('logicLuts'),
      lutrams: count('lutrams'),
      srls: count('srls'),
      ffs: count('ffs'),
      ramb36: count('ramb36'),
      ramb18: count('ramb18'),
      uram: count('uram'),
      dsp: count('dsp'),
    };
  });
}

// ------------------------------------------------------------------------------------------------
// report_timing_summary

const TIMING_MET = 'All user specified timing constraints are met.';
const TIMING_NOT_MET = 'Timing constraints are not met.';
const TIMING_NONE = 'There are no user specified timing constraints.';

/** The line index of a `| Title` section banner, or -1. */
function banner(lines: readonly string[], title: string): number {
  return lines.findIndex((l) => /^\|\s/.test(l) && l.slice(1).trim() === title);
}

/** Header names of a space-aligned table (separated by two or more spaces), with where each ends. */
function spacedHeader(line: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push({ name: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** A slack: a number, or `inf` / `NA` (nothing constrained) as Infinity. */
function slack(cell: string): number | undefined {
  if (/^(inf|NA)$/i.test(cell)) return Infinity;
  if (/^-inf$/i.test(cell)) return -Infinity;
  return reportNumber(cell);
}

/** A total or count: a number, or `NA` as 0. */
function total(cell: string): number | undefined {
  return /^NA$/i.test(cell) ? 0 : reportNumber(cell);
}

/**
 * Reads `report_timing_summary`: the Design Timing Summary (columns by header name), Vivado's
 * verdict line, the Clock Summary and, where present, each clock's slack from the Intra Clock Table.
 * @throws PotgenError when the Design Timing Summary or its values are missing, the verdict line is
 *   missing, or WNS is finite but no clock is listed.
 */
export function parseTimingSummary(text: string, file: string): TimingSummary {
  refuseEmpty(text, file, 'report_timing_summary');
  const lines = lineSplit(text);

  const at = banner(lines, 'Design Timing Summary');
  if (at < 0) throw new PotgenError(`${file} has no "Design Timing Summary" section; expected the output of report_timing_summary (was the report cut short?).`);
  const h = lines.findIndex((l, k) => k > at && /WNS\(ns\)/.test(l));
  const dashes = h < 0 ? -1 : lines.findIndex((l, k) => k > h && l.trim() !== '');
  const v = dashes < 0 ? -1 : lines.findIndex((l, k) => k > dashes && l.trim() !== '');
  if (h < 0 || dashes < 0 || !/^[-\s]+$/.test(lines[dashes]!) || v < 0) {
    throw new PotgenError(`${file}: the Design Timing Summary has no "WNS(ns) TNS(ns) ..." header with a line of values under it.`);
  }
  const names = lines[h]!.trim().split(/\s{2,}/);
  const values = lines[v]!.trim().split(/\s+/);
  if (values.length !== names.length) {
    throw new PotgenError(`${file}: the Design Timing Summary has ${names.length} columns but ${values.length} values ("${lines[v]!.trim()}").`);
  }
  const field = (name: string, read: (cell: string) => number | undefined): number => {
    const k = names.indexOf(name);
    if (k < 0) throw new PotgenError(`${file}: the Design Timing Summary has no "${name}" column.`);
    const n = read(values[k]!);
    if (n === undefined) throw new PotgenError(`${file}: the Design Timing Summary's ${name} is "${values[k]}", not a number.`);
    return n;
  };
  const wnsNs = field('WNS(ns)', slack);
  const tnsNs = field('TNS(ns)', total);
  const failingEndpoints = field('TNS Failing Endpoints', total);
  const totalEndpoints = field('TNS Total Endpoints', total);
  const whsNs = field('WHS(ns)', slack);
  const thsNs = field('THS(ns)', total);

  const has = (sentence: string): boolean => lines.some((l) => l.trim() === sentence);
  const notMet = has(TIMING_NOT_MET);
  const none = has(TIMING_NONE);
  if (!notMet && !none && !has(TIMING_MET)) {
    throw new PotgenError(`${file} says neither "${TIMING_MET}" nor "${TIMING_NOT_MET}" (was the report cut short?).`);
  }

  const clocks = clockSummary(lines, file);
  if (clocks.length === 0 && Number.isFinite(wnsNs)) {
    throw new PotgenError(`${file} has a finite WNS (${wnsNs} ns) but no clock in its Clock Summary (was the report cut short?).`);
  }
  return { wnsNs, tnsNs, failingEndpoints, totalEndpoints, whsNs, thsNs, met: !notMet, constrained: !none, clocks };
}

/** The Clock Summary's clocks, each with its Intra Clock Table slacks when it has any. */
function clockSummary(lines: readonly string[], file: string): ClockTiming[] {
  const at = banner(lines, 'Clock Summary');
  if (at < 0) return [];
  const clocks: ClockTiming[] = [];
  const h = lines.findIndex((l, k) => k > at && /^Clock\s+Waveform\(ns\)\s+Period\(ns\)\s+Frequency\(MHz\)/.test(l));
  if (h < 0) return [];
  for (let k = h + 2; k < lines.length && lines[k]!.trim() !== '' && !lines[k]!.startsWith('-'); k++) {
    const m = /^\s*(\S+)\s+\{[^}]*\}\s+(\S+)\s+(\S+)/.exec(lines[k]!);
    const period = m ? reportNumber(m[2]!) : undefined;
    const frequency = m ? reportNumber(m[3]!) : undefined;
    if (!m || period === undefined || frequency === undefined) {
      throw new PotgenError(`${file}: cannot read the Clock Summary line "${lines[k]!.trim()}" (expected name, {waveform}, period, frequency).`);
    }
    clocks.push({ name: m[1]!, periodNs: period, frequencyMhz: frequency });
  }

  const slacks = intraClockSlacks(lines, file);
  return clocks.map((c) => {
    const s = slacks.get(c.name);
    return {
      ...c,
      ...(s?.wnsNs !== undefined ? { wnsNs: s.wnsNs } : {}),
      ...(s?.whsNs !== undefined ? { whsNs: s.whsNs } : {}),
    };
  });
}

/**
 * WNS and WHS of each clock in the Intra Clock Table. Its cells may be blank (a clock with only
 * pulse-width checks), so they are cut by the header's column ends (the values are right-aligned
 * under their headers), not split on spaces.
 */
function intraClockSlacks(lines: readonly string[], file: string): Map<string, { wnsNs?: number; whsNs?: number }> {
  const out = new Map<string, { wnsNs?: number; whsNs?: number }>();
  const at = banner(lines, 'Intra Clock Table');
  if (at < 0) return out;
  const h = lines.findIndex((l, k) => k > at && /^Clock\s+WNS\(ns\)/.test(l));
  if (h < 0) return out;
  const columns = spacedHeader(lines[h]!);
  const wns = columns.findIndex((c) => c.name === 'WNS(ns)');
  const whs = columns.findIndex((c) => c.name === 'WHS(ns)');
  for (let k = h + 2; k < lines.length && lines[k]!.trim() !== '' && !lines[k]!.startsWith('-'); k++) {
    const line = lines[k]!;
    // A generated clock is indented under its master.
    const m = /^(\s*)(\S+)/.exec(line);
    if (!m) continue;
    const name = m[2]!;
    const cell = (c: number): number | undefined => {
      if (c < 0) return undefined;
      const from = Math.max(m[0].length, columns[c - 1]!.end);
      const text = line.slice(from, columns[c]!.end).trim();
      if (text === '') return undefined;
      const n = slack(text);
      if (n === undefined) throw new PotgenError(`${file}: the Intra Clock Table's ${columns[c]!.name} for ${name} is "${text}", not a number.`);
      return n;
    };
    const wnsNs = cell(wns);
    const whsNs = cell(whs);
    out.set(name, { ...(wnsNs !== undefined ? { wnsNs } : {}), ...(whsNs !== undefined ? { whsNs } : {}) });
  }
  return out;
}

/**
 * The highest clock frequency the timed paths of a clock would allow, `1000 / (period − WNS)`,
 * with the clock it is for: `clock` when named, else the clock with the worst setup slack (the
 * Intra Clock Table's), else the only clock. Undefined when no path is constrained or the clock
 * cannot be told.
 */
export function fmax(timing: TimingSummary, clock?: string): { readonly clock: ClockTiming; readonly wnsNs: number; readonly mhz: number } | undefined {
  let c: ClockTiming | undefined;
  if (clock !== undefined) c = timing.clocks.find((x) => x.name === clock);
  else {
    const timed = timing.clocks.filter((x) => x.wnsNs !== undefined);
    c = timed.length > 0 ? timed.reduce((a, b) => (b.wnsNs! < a.wnsNs! ? b : a)) : timing.clocks.length === 1 ? timing.clocks[0] : undefined;
  }
  if (!c) return undefined;
  const wnsNs = c.wnsNs ?? (timing.clocks.length === 1 ? timing.wnsNs : undefined);
  if (wnsNs === undefined || !Number.isFinite(wnsNs) || c.periodNs - wnsNs <= 0) return undefined;
  return { clock: c, wnsNs, mhz: 1000 / (c.periodNs - wnsNs) };
}

// ------------------------------------------------------------------------------------------------
// report_power

/**
 * Reads `report_power`: the Summary (total, dynamic, device static, confidence, junction
 * temperature, budget, activity file) and the top-level rows of the On-Chip Components table.
 * @throws PotgenError when a Summary value the figures need or the On-Chip Components table is
 *   missing, or a power is not a number.
 */
export function parsePower(text: string, file: string): PowerSummary {
  refuseEmpty(text, file, 'report_power');
  const tables = pipeTables(lineSplit(text));
  const summaryRows = tables.filter((t) => t.header === undefined).flatMap((t) => t.rows).filter((r) => r.cells.length === 2);
  const summary = (name: string): string | undefined => summaryRows.find((r) => r.cells[0] === name)?.cells[1];
  const required = (name: string): string => {
    const v = summary(name);
    if (v === undefined || v === '') {
      throw new PotgenError(`${file} has no "${name}" row in its Summary table; expected the output of report_power (was the report cut short?).`);
    }
    return v;
  };
  const watts = (name: string): number => {
    const v = required(name);
    const n = reportNumber(v);
    if (n === undefined) throw new PotgenError(`${file}: the Summary's "${name}" is "${v}", not a number.`);
    return n;
  };
  const totalW = watts('Total On-Chip Power (W)');
  const dynamicW = watts('Dynamic (W)');
  const staticW = watts('Device Static (W)');
  const confidence = required('Confidence Level');
  const junction = summary('Junction Temperature (C)');
  const budget = summary('Design Power Budget (W)');
  const activity = summary('Simulation Activity File');
  const matched = summary('Design Nets Matched');
  const junctionC = junction === undefined ? undefined : reportNumber(junction);
  const budgetW = budget === undefined ? undefined : reportNumber(budget);

  const onChip = tables.find((t) => t.header?.[0] === 'On-Chip');
  if (!onChip) throw new PotgenError(`${file} has no "On-Chip Components" table (a header row "| On-Chip | Power (W) | ...").`);
  const p = onChip.header!.indexOf('Power (W)');
  if (p < 0) throw new PotgenError(`${file}: the On-Chip Components table has no "Power (W)" column.`);
  const components: Record<string, number> = {};
  const belowResolution: string[] = [];
  for (const r of onChip.rows) {
    const name = r.cells[0] ?? '';
    if (cellDepth(r.raw[0] ?? '') > 0 || name === 'Total' || name === '') continue;
    const cell = r.cells[p] ?? '';
    if (/^<\s*\d*\.?\d+$/.test(cell)) {
      components[name] = 0;
      belowResolution.push(name);
      continue;
    }
    const n = reportNumber(cell);
    if (n === undefined) throw new PotgenError(`${file}: the On-Chip Components row "${name}" has "${cell}" as its power, not a number.`);
    components[name] = n;
  }
  return {
    totalW,
    dynamicW,
    staticW,
    confidence,
    ...(junctionC !== undefined ? { junctionC } : {}),
    ...(budgetW !== undefined ? { budgetW } : {}),
    ...(activity !== undefined && activity !== '' && activity !== '---' ? { activityFile: activity } : {}),
    ...(matched !== undefined && matched !== '' && matched !== 'NA' ? { netsMatched: matched } : {}),
    components,
    belowResolution,
  };
}

// ------------------------------------------------------------------------------------------------
// The side-by-side table

/** The Yosys figures the table compares: what `synthesiseXilinx` returns (or any part of it with these). */
export type YosysEstimate = Pick<SynthesisReport, 'luts' | 'flipFlops' | 'carry' | 'dsp' | 'bram' | 'lutram' | 'latches'>;

/** Vivado's figures of one run; timing and power are absent when the run did not report them. */
export interface VivadoFigures {
  readonly utilization: Utilization;
  readonly timing?: TimingSummary;
  readonly power?: PowerSummary;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3))));
const ns = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(3)} ns` : n > 0 ? 'inf' : '-inf');

/**
 * Vivado's figures as a small aligned text table, beside a Yosys estimate when one is given:
 *
 * ```
 * resource  Yosys estimate  Vivado  available
 * LUT                 1203    1119     230400
 * ...
 * timing met: WNS 0.412 ns, WHS 0.021 ns at aclk (4.000 ns, 250.000 MHz): Fmax ≈ 278.7 MHz
 * power 0.693 W (dynamic 0.095 W, static 0.598 W), confidence Low, vectorless
 * ```
 *
 * Rows: LUT (Vivado's "LUT as Logic" sites against Yosys's LUT1–LUT6 cells), FF, CARRY (Yosys
 * counts CARRY4 cells of 4 bits, Vivado CARRY8 of 8), DSP, BRAM36 (36 Kb tiles), LUTRAM (Vivado's
 * LUTs used as distributed RAM against Yosys's distributed-RAM cells, each of several LUTs) and
 * latches. A note line says so whenever the Yosys column is present.
 * @param options.clock The clock to give Fmax at (default: the clock with the worst setup slack).
 */
export function vivadoSummaryTable(vivado: VivadoFigures, yosys?: YosysEstimate, options: { readonly clock?: string } = {}): string {
  const u = vivado.utilization;
  const rows: [string, number | undefined, number, number | undefined][] = [
    ['LUT', yosys?.luts, u.lutLogic, u.available.luts],
    ['FF', yosys?.flipFlops, u.flipFlops, u.available.registers],
    ['CARRY', yosys?.carry, u.carry8, u.available.carry8],
    ['DSP', yosys?.dsp, u.dsp, u.available.dsp],
    ['BRAM36', yosys?.bram, u.bram36Tiles, u.available.bram36Tiles],
    ['LUTRAM', yosys?.lutram, u.lutDistributedRam, u.available.lutMemory],
    ['latches', yosys?.latches, u.latches, undefined],
  ];
  const header = ['resource', ...(yosys ? ['Yosys estimate'] : []), 'Vivado', 'available'];
  const body = rows.map(([name, y, v, a]) => [name, ...(yosys ? [y === undefined ? '' : fmt(y)] : []), fmt(v), a === undefined ? '' : fmt(a)]);
  const widths = header.map((h, k) => Math.max(h.length, ...body.map((r) => r[k]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd();
  const out = [line(header), ...body.map(line)];
  if (yosys) out.push('(Yosys counts LUT cells, CARRY4 and distributed-RAM cells; Vivado LUT sites, CARRY8 and LUTs used as RAM.)');

  const t = vivado.timing;
  if (t) {
    const verdict = !t.constrained ? 'timing unconstrained' : t.met ? 'timing met' : 'timing NOT met';
    const slacks = `WNS ${ns(t.wnsNs)}, WHS ${ns(t.whsNs)}`;
    const failing = t.failingEndpoints > 0 ? ` (TNS ${ns(t.tnsNs)}, ${t.failingEndpoints} failing endpoint${t.failingEndpoints === 1 ? '' : 's'})` : '';
    const f = fmax(t, options.clock);
    if (f) {
      out.push(`${verdict}: ${slacks}${failing} at ${f.clock.name} (${f.clock.periodNs.toFixed(3)} ns, ${f.clock.frequencyMhz.toFixed(3)} MHz): Fmax ≈ ${f.mhz.toFixed(1)} MHz`);
    } else {
      const why = options.clock !== undefined && !t.clocks.some((c) => c.name === options.clock) ? `no clock ${options.clock} in the report` : 'no constrained path';
      out.push(`${verdict}: ${slacks}${failing}; Fmax unknown (${why})`);
    }
  }

  const p = vivado.power;
  if (p) {
    const source = p.activityFile ? `activity from ${p.activityFile}${p.netsMatched ? `, ${p.netsMatched.replace(/\s+/g, ' ')} nets matched` : ''}` : 'vectorless';
    out.push(`power ${p.totalW.toFixed(3)} W (dynamic ${p.dynamicW.toFixed(3)} W, static ${p.staticW.toFixed(3)} W), confidence ${p.confidence}, ${source}`);
  }
  return out.join('\n');
}
