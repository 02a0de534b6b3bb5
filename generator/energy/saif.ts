/**
 * SAIF 2.0 "backward" writer, so that a gate-level simulation's activity can be read by Vivado
 * (`read_saif [-strip_path tb/dut] file.saif` before `report_power`), which reads no VCD.
 *
 * Layout, as Synopsys vcd2saif and Vivado's simulator write it:
 *
 *   (SAIFILE
 *   (SAIFVERSION "2.0")
 *   (DIRECTION "backward")
 *   (DESIGN "…") (DATE "…") (VENDOR "…") (PROGRAM_NAME "…") (VERSION "…")
 *   (DIVIDER / )
 *   (TIMESCALE 1 ps)
 *   (DURATION 80000)
 *   (INSTANCE tb
 *     (INSTANCE dut
 *       (NET
 *         (q\[0\] (T0 40000) (T1 40000) (TX 0) (TC 8) (IG 0))
 *       )
 *       (INSTANCE …)))
 *   )
 *
 * Every net is one bit; a vector bit is named `name\[i\]` with the index its declared range gives.
 * Characters other than letters, digits and '_' are escaped with a backslash, as SAIF identifiers
 * require (Yosys names such as `$abc$12$…` become `\$abc\$12\$…`). Scopes and nets are sorted by
 * name and the date is the caller's, so the same activity always gives the same text.
 */
import { POTGEN_VERSION } from '../core/paths.ts';
import { EnergyInputError } from './errors.ts';
import type { Activity, SignalActivity } from './vcd.ts';

export interface SaifOptions {
  /** The design name written in (DESIGN "…"). */
  readonly design: string;
  /** '.'-separated scope to write, e.g. 'TOP.tb.dut'; everything below it is written. */
  readonly instance: string;
  /**
   * When true, only the instance's last scope name heads the hierarchy (`(INSTANCE dut …)`);
   * otherwise every scope of `instance` is written as nested INSTANCEs (TOP, tb, dut), to be
   * stripped with `read_saif -strip_path`.
   */
  readonly stripPrefix?: boolean;
  /** The (DATE "…") text; fixed by the caller for byte-identical output. Default: none written. */
  readonly date?: string;
}

interface ScopeNode {
  readonly children: Map<string, ScopeNode>;
  readonly nets: SignalActivity[];
}

const UNITS: readonly [string, number][] = [['s', 1], ['ms', 1e-3], ['us', 1e-6], ['ns', 1e-9], ['ps', 1e-12], ['fs', 1e-15]];

/**
 * The SAIF text of every signal under `options.instance` in `activity`.
 * @throws EnergyInputError when no signal lies under the instance, or the time unit is not 1, 10
 *   or 100 of s..fs.
 */
export function writeSaif(activity: Activity, options: SaifOptions): string {
  const prefix = options.instance.split('.').filter((s) => s !== '');
  const root: ScopeNode = { children: new Map(), nets: [] };
  let count = 0;
  for (const s of activity.signals) {
    if (s.scope.length < prefix.length || !prefix.every((p, i) => s.scope[i] === p)) continue;
    const below = options.stripPrefix ? s.scope.slice(prefix.length - 1) : s.scope;
    let node = root;
    for (const name of below) {
      let next = node.children.get(name);
      if (next === undefined) node.children.set(name, (next = { children: new Map(), nets: [] }));
      node = next;
    }
    node.nets.push(s);
    count++;
  }
  if (count === 0) throw new EnergyInputError(`No signal of the activity lies under the instance '${options.instance}', so there is nothing to write to the SAIF file.`);

  const duration = activity.end - activity.start;
  const out: string[] = [
    '(SAIFILE',
    '(SAIFVERSION "2.0")',
    '(DIRECTION "backward")',
    `(DESIGN ${quote(options.design)})`,
    ...(options.date === undefined ? [] : [`(DATE ${quote(options.date)})`]),
    '(VENDOR "potgen")',
    '(PROGRAM_NAME "potgen energy")',
    `(VERSION ${quote(POTGEN_VERSION)})`,
    '(DIVIDER / )',
    `(TIMESCALE ${timescale(activity.secondsPerUnit)})`,
    `(DURATION ${number(duration)})`,
  ];
  writeChildren(root, 0, out);
  out.push(')');
  return out.join('\n') + '\n';
}

function writeChildren(node: ScopeNode, depth: number, out: string[]): void {
  for (const name of [...node.children.keys()].sort(byName)) {
    const child = node.children.get(name) as ScopeNode;
    const pad = '  '.repeat(depth);
    out.push(`${pad}(INSTANCE ${escapeSaif(name)}`);
    if (child.nets.length > 0) {
      out.push(`${pad}  (NET`);
      const lines: [string, string][] = [];
      for (const s of child.nets) {
        s.bits.forEach((b, i) => {
          const net = netName(s, i);
          lines.push([net, `${pad}    (${net} (T0 ${number(b.t0)}) (T1 ${number(b.t1)}) (TX ${number(b.tx)}) (TC ${number(b.toggles)}) (IG 0))`]);
        });
      }
      lines.sort((x, y) => byName(x[0], y[0]));
      for (const [, line] of lines) out.push(line);
      out.push(`${pad}  )`);
    }
    writeChildren(child, depth + 1, out);
    out.push(`${pad})`);
  }
}

/** The SAIF name of bit i (bits[0] = LSB) of a signal: `name\[index\]` for vectors. */
function netName(s: SignalActivity, i: number): string {
  const base = escapeSaif(s.ref);
  if (s.msb === undefined || s.lsb === undefined) return s.width === 1 ? base : `${base}\\[${i}\\]`;
  const index = s.msb >= s.lsb ? s.lsb + i : s.lsb - i;
  return `${base}\\[${index}\\]`;
}

/** Escapes every character that may not appear bare in a SAIF identifier. */
export function escapeSaif(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Integers as integers; fractional durations (a window not on time-unit boundaries) with up to 6 decimals. */
function number(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(6)));
}

function timescale(secondsPerUnit: number): string {
  for (const [unit, seconds] of UNITS) {
    for (const n of [1, 10, 100]) {
      if (Math.abs(secondsPerUnit - n * seconds) <= 1e-9 * n * seconds) return `${n} ${unit}`;
    }
  }
  throw new EnergyInputError(`The VCD time unit of ${secondsPerUnit} s is not 1, 10 or 100 of s, ms, us, ns, ps or fs, so SAIF cannot express it.`);
}
