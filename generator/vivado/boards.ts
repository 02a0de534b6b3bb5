/**
 * Boards are data: each Zynq UltraScale+ board potgen can build for is one JSON file in the
 * top-level vivado/boards/ folder (part, board part, default clock, processing-system and DMA
 * settings). Adding a board is adding a file; nothing here names a board.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../core/paths.ts';

/** Where potgen's static Vivado scripts and board files live. */
export const VIVADO_DIR = path.join(PACKAGE_ROOT, 'vivado');
export const BOARD_DIR = path.join(VIVADO_DIR, 'boards');

/** The board built for when none is named. */
export const DEFAULT_BOARD = 'zcu104';

/** Parallel jobs for the board build's Vivado runs unless asked otherwise. */
export const DEFAULT_VIVADO_JOBS = 4;

export interface IpSettings {
  /** vendor:library:name, without a version, so Vivado picks its installed one. */
  readonly vlnv: string;
  /** CONFIG.* property → value, applied with set_property -dict. */
  readonly config: Readonly<Record<string, string>>;
}

export interface Board {
  readonly name: string;
  readonly title: string;
  /** The FPGA part, e.g. xczu7ev-ffvc1156-2-e. */
  readonly part: string;
  /** A get_board_parts pattern, e.g. xilinx.com:zcu104:part0:* (the newest installed wins). */
  readonly boardPart: string;
  /** The clock when none is asked for, in MHz. */
  readonly clockMhz: number;
  readonly ps: IpSettings & { /** The CONFIG property that sets pl_clk0's frequency in MHz. */ readonly clockProperty: string };
  readonly dma: IpSettings;
}

/** The boards potgen has files for, sorted. */
export function boardNames(): string[] {
  return readdirSync(BOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The board `name`, read and checked; a clear error names the boards there are. */
export function loadBoard(name: string): Board {
  const file = path.join(BOARD_DIR, `${name}.json`);
  if (!/^[a-z0-9_-]+$/i.test(name) || !existsSync(file)) {
    throw new PotgenError(`There is no board '${name}'; potgen knows ${boardNames().join(', ')} (files in ${BOARD_DIR}).`);
  }
  const bad = (why: string): PotgenError => new PotgenError(`The board file ${file} is damaged: ${why}.`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(`it is not valid JSON (${(e as Error).message})`);
  }
  const b = data as Record<string, unknown>;
  for (const key of ['name', 'title', 'part', 'boardPart'] as const) {
    if (typeof b[key] !== 'string' || b[key] === '') throw bad(`'${key}' is not a string`);
  }
  if (b.name !== name) throw bad(`its name is '${String(b.name)}', not '${name}'`);
  if (typeof b.clockMhz !== 'number' || !(b.clockMhz > 0)) throw bad("'clockMhz' is not a positive number");
  for (const key of ['ps', 'dma'] as const) {
    const ip = b[key] as Record<string, unknown> | undefined;
    if (typeof ip !== 'object' || ip === null || typeof ip.vlnv !== 'string') throw bad(`'${key}.vlnv' is not a string`);
    const config = ip.config as Record<string, unknown> | undefined;
    if (typeof config !== 'object' || config === null || Object.entries(config).some(([k, v]) => !k.startsWith('CONFIG.') || typeof v !== 'string')) {
      throw bad(`'${key}.config' is not a map of CONFIG.* names to strings`);
    }
  }
  if (typeof (b.ps as Record<string, unknown>).clockProperty !== 'string') throw bad("'ps.clockProperty' is not a string");
  return data as Board;
}
