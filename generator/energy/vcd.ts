/**
 * Streaming VCD reader that reduces a waveform to per-bit activity: 0<->1 toggles and the time
 * spent at 0, 1 and X/Z inside a window. Gate-level VCDs of a whole network run to hundreds of
 * megabytes, so the file is read in chunks and only a few numbers per bit are kept; aliased
 * signals (several `$var`s sharing one identifier code) share one set of counters.
 *
 * Conventions (tested in test/energyVcd.test.ts):
 * - Window [start, end): durations T0/T1/TX are measured inside it, so T0+T1+TX = end-start for
 *   every bit. Values written at or before `start` only set the state; a toggle counts when its
 *   timestamp t satisfies start < t <= end. A window of N clock periods starting at a clock edge
 *   therefore counts the N edges start+T .. start+N·T, and the initial `$dumpvars` is never a toggle.
 * - Only the net change per timestamp counts: if a signal is written twice at one time (delta
 *   glitches of a zero-delay simulation), the later value wins. Zero-delay simulation has no real
 *   glitches, so counting delta cycles would only add simulator noise.
 * - Transitions to or from X/Z are not toggles; X and Z both count as TX.
 * - A range token after the reference (`q [7:0]`, `v [0:3]`, `b [5]`) gives the bit indices; a
 *   suffix glued to the name (`$0\pr[0:0]`, as Yosys names some wires) stays part of the name.
 */
import { createReadStream } from 'node:fs';
import { EnergyInputError } from './errors.ts';

/** Activity of one bit inside the window; durations are in VCD time units. */
export interface BitActivity {
  toggles: number;
  t0: number;
  t1: number;
  tx: number;
}

/** One `$var` of the VCD with the activity of each of its bits. */
export interface SignalActivity {
  /** Full hierarchical name: scopes then the reference, joined with '.'. Scope names may themselves contain '.', see `scope`. */
  readonly name: string;
  readonly width: number;
  /** bits[0] is the least significant bit (the last character of a VCD vector value). */
  readonly bits: readonly BitActivity[];
  /** The enclosing scopes, outermost first, exactly as the VCD names them. */
  readonly scope: readonly string[];
  /** The reference (signal name) without its range. */
  readonly ref: string;
  /** Declared index of the most significant bit, when the VCD gives a range. */
  readonly msb?: number;
  /** Declared index of the least significant bit (bits[0]), when the VCD gives a range. */
  readonly lsb?: number;
}

/** Every kept signal's activity inside [start, end). */
export interface Activity {
  /** Length of one VCD time unit in seconds (from `$timescale`). */
  readonly secondsPerUnit: number;
  readonly start: number;
  readonly end: number;
  readonly signals: readonly SignalActivity[];
}

export interface ReadVcdOptions {
  /** Window start in VCD time units; default the first timestamp. */
  readonly start?: number;
  /** Window end in VCD time units; default the last timestamp. Reading stops past it. */
  readonly end?: number;
  /** Keep only signals whose full name starts with this '.'-separated prefix (e.g. 'TOP.tb.dut'). */
  readonly scope?: string;
}

const V0 = 0;
const V1 = 1;
const VX = 2;

/** Per identifier code: the current value of each bit and its counters. */
interface Track {
  readonly width: number;
  readonly value: Uint8Array;
  readonly since: Float64Array;
  readonly toggles: Float64Array;
  /** Durations by value: [V0], [V1], [VX] blocks of `width` each. */
  readonly dur: Float64Array;
  /** The value last written at the current timestamp, applied when time advances. */
  next: string | undefined;
}

interface VarDecl {
  readonly code: string;
  readonly width: number;
  readonly scope: readonly string[];
  readonly ref: string;
  readonly msb?: number;
  readonly lsb?: number;
}

/** A vector value's digits (checked as read, so an error names the right line). */
const DIGITS = /^[01xXzZ]+$/;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9, ps: 1e-12, fs: 1e-15 };

/**
 * Reads `file` and returns the activity of every signal (under `options.scope`) in the window.
 * @throws EnergyInputError for a file that cannot be read, a malformed header or value change
 *   (named with its line number), or an empty window.
 */
export async function readVcdActivity(file: string, options: ReadVcdOptions = {}): Promise<Activity> {
  const parser = new VcdParser(file, options);
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let from = 0;
      let nl = text.indexOf('\n', from);
      while (nl >= 0) {
        parser.line(text.slice(from, nl));
        if (parser.done) break;
        from = nl + 1;
        nl = text.indexOf('\n', from);
      }
      if (parser.done) break;
      rest = text.slice(from);
    }
    if (!parser.done && rest.length > 0) parser.line(rest);
  } catch (error) {
    if (error instanceof EnergyInputError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new EnergyInputError(`Cannot read the VCD file ${file}: ${e.code === 'ENOENT' ? 'it does not exist' : e.message}.`, { cause: error });
  } finally {
    stream.destroy();
  }
  return parser.finish();
}

class VcdParser {
  done = false;
  private lineNo = 0;
  private inHeader = true;
  private headerTokens: string[] = [];
  private headerCommand: string | undefined;
  private scopes: string[] = [];
  private readonly vars: VarDecl[] = [];
  private secondsPerUnit: number | undefined;
  private readonly tracks = new Map<string, Track>();
  private inComment = false;
  private time: number | undefined;
  private start: number | undefined;
  private lastTime: number | undefined;
  /** Tracks written at the current timestamp, applied when time advances (net change per timestamp). */
  private readonly touched: Track[] = [];

  constructor(
    private readonly file: string,
    private readonly options: ReadVcdOptions,
  ) {
    if (options.start !== undefined && options.end !== undefined && !(options.end > options.start)) {
      throw new EnergyInputError(`The activity window of ${file} is empty: end ${options.end} is not after start ${options.start}.`);
    }
    this.start = options.start;
  }

  line(raw: string): void {
    this.lineNo++;
    if (this.inHeader) {
      this.headerLine(raw);
      return;
    }
    const line = raw.length > 0 && raw.charCodeAt(raw.length - 1) > 32 && raw.charCodeAt(0) > 32 ? raw : raw.trim();
    if (line.length === 0) return;
    if (this.inComment) {
      if (line.includes('$end')) this.inComment = false;
      return;
    }
    const c = line.charCodeAt(0);
    if (c === 35 /* # */) {
      this.timestamp(line);
      return;
    }
    if (c === 36 /* $ */ || line.includes(' ')) {
      this.tokens(line.split(/\s+/));
      return;
    }
    this.change(line);
  }

  /** A body line holding several tokens: keywords ($dumpvars, $end, ...) and vector changes. */
  private tokens(tokens: readonly string[]): void {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      if (t === '') continue;
      if (t === '$comment') {
        const endAt = tokens.indexOf('$end', i + 1);
        if (endAt < 0) this.inComment = true;
        i = endAt < 0 ? tokens.length : endAt;
        continue;
      }
      if (t.startsWith('$')) continue;
      if (t.startsWith('#')) {
        this.timestamp(t);
        if (this.done) return;
        continue;
      }
      const k = t.charCodeAt(0) | 0x20;
      if (k === 98 /* b */ || k === 114 /* r */ || k === 115 /* s */) {
        const code = tokens[i + 1];
        if (code === undefined) this.fail(`the value change '${t}' has no identifier code`);
        this.vector(t, code);
        i++;
      } else {
        this.change(t);
      }
    }
  }

  private timestamp(token: string): void {
    const t = Number(token.slice(1));
    if (!Number.isFinite(t) || token.length < 2) this.fail(`'${token}' is not a timestamp`);
    if (this.lastTime !== undefined && t < this.lastTime) this.fail(`timestamp #${t} goes back in time (after #${this.lastTime})`);
    if (this.start === undefined) this.start = t;
    this.commit();
    if (this.options.end !== undefined && t > this.options.end) {
      this.done = true;
      return;
    }
    this.time = t;
    this.lastTime = t;
  }

  /** A scalar change `0!`, `1!`, `x!`, `z!`. */
  private change(token: string): void {
    const v = token.charCodeAt(0) | 0x20;
    if (v !== 48 && v !== 49 && v !== 120 && v !== 122) this.fail(`'${token}' is not a value change`);
    const code = token.slice(1);
    if (code.length === 0) this.fail(`the value change '${token}' has no identifier code`);
    const track = this.tracks.get(code);
    if (track !== undefined) this.write(track, token.charAt(0));
  }

  /** A vector (`b0101 !`), real (`r1.5 !`) or string change; reals and strings carry no bit activity. */
  private vector(value: string, code: string): void {
    const k = value.charCodeAt(0) | 0x20;
    if (k !== 98 /* b */) return;
    const digits = value.slice(1);
    if (!DIGITS.test(digits)) this.fail(`'${value} ${code}' holds a digit that is not 0, 1, x or z`);
    const track = this.tracks.get(code);
    if (track !== undefined) this.write(track, digits);
  }

  private write(track: Track, digits: string): void {
    if (track.next === undefined) this.touched.push(track);
    track.next = digits;
  }

  /** Applies the changes written at the current timestamp. */
  private commit(): void {
    if (this.touched.length === 0) return;
    const t = this.time ?? (this.start as number);
    const start = this.start as number;
    const counting = t > start;
    const clipped = Math.max(t, start);
    for (const track of this.touched) {
      const digits = track.next as string;
      track.next = undefined;
      const w = track.width;
      const n = digits.length;
      const lead = digits.charCodeAt(0) | 0x20;
      const pad = lead === 120 || lead === 122 ? VX : V0;
      for (let i = 0; i < w; i++) {
        const ch = i < n ? digits.charCodeAt(n - 1 - i) | 0x20 : -1;
        const next = ch === -1 ? pad : ch === 48 ? V0 : ch === 49 ? V1 : VX;
        const prev = track.value[i] as number;
        if (next === prev) continue;
        const since = track.since[i] as number;
        track.dur[prev * w + i] = (track.dur[prev * w + i] as number) + (clipped - Math.max(since, start));
        track.since[i] = clipped;
        track.value[i] = next;
        if (counting && prev !== VX && next !== VX) track.toggles[i] = (track.toggles[i] as number) + 1;
      }
    }
    this.touched.length = 0;
  }

  finish(): Activity {
    if (this.inHeader) this.fail('the header never ends ($enddefinitions is missing)');
    this.commit();
    const start = this.start;
    if (start === undefined) throw new EnergyInputError(`The VCD file ${this.file} holds no timestamp, so it has no activity window.`);
    const end = this.options.end ?? this.lastTime ?? start;
    if (!(end > start)) {
      throw new EnergyInputError(`The activity window of ${this.file} is empty: it ends at ${end}, which is not after its start ${start}.`);
    }
    const bitsByCode = new Map<string, BitActivity[]>();
    for (const [code, track] of this.tracks) {
      const w = track.width;
      const bits: BitActivity[] = [];
      for (let i = 0; i < w; i++) {
        const v = track.value[i] as number;
        track.dur[v * w + i] = (track.dur[v * w + i] as number) + (end - Math.max(track.since[i] as number, start));
        bits.push({ toggles: track.toggles[i] as number, t0: track.dur[i] as number, t1: track.dur[w + i] as number, tx: track.dur[2 * w + i] as number });
      }
      bitsByCode.set(code, bits);
    }
    const signals: SignalActivity[] = this.vars.map((v) => {
      const bits = bitsByCode.get(v.code) as BitActivity[];
      const s: SignalActivity = { name: [...v.scope, v.ref].join('.'), width: v.width, bits, scope: v.scope, ref: v.ref };
      return v.msb === undefined ? s : { ...s, msb: v.msb, lsb: v.lsb };
    });
    return { secondsPerUnit: this.secondsPerUnit ?? 1, start, end, signals };
  }

  // ---- header ----

  private headerLine(raw: string): void {
    for (const token of raw.split(/\s+/)) {
      if (token === '') continue;
      if (this.headerCommand === undefined) {
        if (!token.startsWith('$')) this.fail(`'${token}' appears outside a header command`);
        this.headerCommand = token;
        this.headerTokens = [];
        continue;
      }
      if (token === '$end') {
        this.headerEnd(this.headerCommand, this.headerTokens);
        this.headerCommand = undefined;
        if (!this.inHeader) return;
        continue;
      }
      this.headerTokens.push(token);
    }
  }

  private headerEnd(command: string, args: readonly string[]): void {
    switch (command) {
      case '$timescale': {
        const m = /^(1|10|100)\s*(s|ms|us|ns|ps|fs)$/.exec(args.join(''));
        if (!m) this.fail(`'$timescale ${args.join(' ')}' is not a VCD time scale such as '1ps' or '10 ns'`);
        this.secondsPerUnit = Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
        return;
      }
      case '$scope':
        if (args.length < 2) this.fail(`'$scope ${args.join(' ')}' needs a kind and a name`);
        this.scopes.push(args.slice(1).join(' '));
        return;
      case '$upscope':
        if (this.scopes.length === 0) this.fail('$upscope has no matching $scope');
        this.scopes.pop();
        return;
      case '$var':
        this.declare(args);
        return;
      case '$enddefinitions':
        this.inHeader = false;
        return;
      default:
        return; // $date, $version, $comment: nothing to keep
    }
  }

  private declare(args: readonly string[]): void {
    const [, size, code, ref, range] = args;
    const width = Number(size);
    if (code === undefined || ref === undefined || !Number.isInteger(width) || width < 1) {
      this.fail(`'$var ${args.join(' ')}' is not '$var <type> <size> <code> <name> [range]'`);
    }
    let msb: number | undefined;
    let lsb: number | undefined;
    if (range !== undefined) {
      const m = /^\[(-?\d+)(?::(-?\d+))?\]$/.exec(range);
      if (!m) this.fail(`the range '${range}' of '${ref}' is not [msb:lsb] or [index]`);
      msb = Number(m[1]);
      lsb = m[2] === undefined ? msb : Number(m[2]);
      if (Math.abs(msb - lsb) + 1 !== width) this.fail(`'${ref}' is declared ${width} bits wide but its range ${range} spans ${Math.abs(msb - lsb) + 1}`);
    }
    const full = [...this.scopes, ref].join('.');
    const prefix = this.options.scope;
    if (prefix !== undefined && prefix !== '' && !full.startsWith(prefix + '.')) return;
    const known = this.tracks.get(code);
    if (known === undefined) {
      this.tracks.set(code, {
        width,
        value: new Uint8Array(width).fill(VX),
        since: new Float64Array(width).fill(-Infinity),
        toggles: new Float64Array(width),
        dur: new Float64Array(3 * width),
        next: undefined,
      });
    } else if (known.width !== width) {
      this.fail(`'${ref}' reuses the identifier code '${code}' with width ${width}, but it was declared ${known.width} bits wide`);
    }
    this.vars.push({ code, width, scope: [...this.scopes], ref, ...(msb === undefined ? {} : { msb, lsb }) });
  }

  private fail(detail: string): never {
    throw new EnergyInputError(`${this.file}:${this.lineNo}: ${detail}.`);
  }
}
