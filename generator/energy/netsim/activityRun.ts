/**
 * One steady-state frame of a synthesised design, simulated at gate level by potgen's netlist
 * simulator (engine.ts) with the stimulus of the activity testbench (testbench/activity_tb.v.hbs):
 * the design's golden vectors streamed at full rate, the output always ready, every output beat
 * of the warm-up and measured frames checked bit for bit, and the window of the measured frame
 * opened on the edge that accepts the last beat of the last warm-up frame and closed on the edge
 * that accepts the measured frame's last beat (which must be the analytic cycles per frame later).
 *
 * The result is an `Activity` in the form the VCD reader gives (one signal per net name of every
 * instance, times in picoseconds), so that attribution (attribute.ts) and SAIF (saif.ts) work on
 * it unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DesignManifest } from '../../core/plan.ts';
import { linkVectorFile, VECTOR_FILES } from '../../emit/emitTestbench.ts';
import { CLOCK_PERIOD_PS, readStreamShape } from '../activityBench.ts';
import type { Activity, BitActivity, SignalActivity } from '../vcd.ts';
import type { YosysJson } from '../yosysJson.ts';
import { NetsimError } from './blockModel.ts';
import { NetlistSimulator, type BlockModels } from './engine.ts';
import { flattenNetlist, type FlatNetlist } from './flatten.ts';

/** The top-level ports every potgen design has (AXI4-Stream in and out). */
const PORTS = ['aclk', 'aresetn', 's_axis_tdata', 's_axis_tvalid', 's_axis_tready', 's_axis_tlast', 'm_axis_tdata', 'm_axis_tvalid', 'm_axis_tready', 'm_axis_tlast'] as const;

/** Edges of reset before the stream starts, as in the activity testbench. */
const RESET_EDGES = 4;

export interface NetsimActivityOptions {
  readonly warmupFrames?: number;
  readonly frame?: number;
  /** The scope name of the design's top instance in the activity (default 'TOP.netsim.dut'). */
  readonly dutScope?: string;
  readonly progress?: (message: string) => void;
}

export interface NetsimActivity {
  readonly activity: Activity;
  readonly dutScope: string;
  readonly clockPeriodUnits: number;
  readonly cycles: number;
  readonly window: { readonly start: number; readonly end: number };
  readonly beatsChecked: number;
  readonly seconds: { readonly build: number; readonly run: number };
}

/**
 * Simulates the netlist of the design in `designDir` over its warm-up frames and one measured
 * frame, checking every output beat against the golden vectors.
 * @param blockModels Models of the block RAM and DSP primitives (netsim/models.ts).
 * @throws NetsimError when an output beat differs from the golden vectors, the measured frame
 *   does not take the analytic number of cycles, the run stalls, or the netlist has a cell the
 *   simulator has no model of.
 */
export function simulateNetlistActivity(
  designDir: string,
  manifest: DesignManifest,
  netlist: YosysJson,
  blockModels: BlockModels,
  options: NetsimActivityOptions = {},
): NetsimActivity {
  const started = performance.now();
  const progress = options.progress ?? ((): void => {});
  const shape = readStreamShape(designDir, manifest);
  const warmup = options.warmupFrames ?? 1;
  const frame = options.frame ?? 0;
  const dutScope = options.dutScope ?? 'TOP.netsim.dut';
  const inputs = readHex(path.join(designDir, 'tb', VECTOR_FILES.input), shape.frames * shape.inBeats, shape.inWidth);
  const expected = readHex(path.join(designDir, 'tb', VECTOR_FILES.expected), shape.frames * shape.outBeats, shape.outWidth + 1);

  const flat = flattenNetlist(netlist, manifest.top, dutScope.split('.'));
  const port = (name: (typeof PORTS)[number]): Int32Array => {
    const p = flat.ports[name];
    if (p === undefined) throw new NetsimError(`The netlist's top module '${manifest.top}' has no port '${name}'.`);
    return p.nets;
  };
  const [clk, rstn, sData, sValid, sReady, sLast, mData, mValid, mReady, mLast] = PORTS.map(port) as Int32Array[] as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  const sim = new NetlistSimulator(flat, blockModels);
  const links = innerLinks(designDir, manifest, flat, dutScope, shape.frames);
  const build = (performance.now() - started) / 1000;
  progress(`simulating ${warmup + 1} frame(s) of the netlist (${flat.cells.length} primitives), counting one`);

  const v = sim.values;
  const drive = (nets: Int32Array, value: bigint): void => {
    for (let i = 0; i < nets.length; i++) sim.set(nets[i]!, Number((value >> BigInt(i)) & 1n));
  };
  const readBits = (nets: Int32Array): bigint => {
    let x = 0n;
    for (let i = nets.length - 1; i >= 0; i--) x = (x << 1n) | BigInt(v[nets[i]!]!);
    return x;
  };

  const streamFrames = warmup + 2;
  const frameOffset = (((frame - warmup) % shape.frames) + shape.frames) % shape.frames;
  const vectorIndex = (f: number, beat: number, beats: number): number => ((f + frameOffset) % shape.frames) * beats + beat;
  const checkedBeats = (warmup + 1) * shape.outBeats;
  const watchdog = 4 * (streamFrames + 1) * (shape.cyclesPerFrame + shape.inBeats) + 10_000;

  // The testbench's registers, updated at each edge from the values settled before it.
  let resetN = 0;
  let tValid = 0;
  let tData = 0n;
  let tLast = 0;
  let ready = 0;
  let inIdx = 0;
  let outIdx = 0;
  let passed = 0;
  const failures: string[] = [];
  let start = -1;
  let end = -1;
  const applyInputs = (): void => {
    drive(rstn, BigInt(resetN));
    drive(sValid, BigInt(tValid));
    drive(sData, tData);
    drive(sLast, BigInt(tLast));
    drive(mReady, BigInt(ready));
  };
  applyInputs(); // the clock is implicit: each call of `clock` is one rising edge

  for (let cycle = 0; end < 0; cycle++) {
    if (cycle > watchdog) throw new NetsimError(`${manifest.design}: the netlist simulation stalled: ${outIdx} of ${checkedBeats} output beats after ${cycle} cycles.`);
    // Source and sink, as the testbench's always blocks: they see the values before the edge.
    let nextValid = tValid;
    let nextData = tData;
    let nextLast = tLast;
    let nextReady = ready;
    let opens = false;
    let closes = false;
    if (!resetN) {
      nextValid = 0;
      nextData = 0n;
      nextLast = 0;
      inIdx = 0;
      nextReady = 0;
    } else {
      const accepted = tValid && v[sReady[0]!] ? 1 : 0;
      const inNext = inIdx + accepted;
      if (!tValid || v[sReady[0]!]) {
        if (inNext < streamFrames * shape.inBeats) {
          nextValid = 1;
          nextData = inputs[vectorIndex(Math.floor(inNext / shape.inBeats), inNext % shape.inBeats, shape.inBeats)]!;
          nextLast = inNext % shape.inBeats === shape.inBeats - 1 ? 1 : 0;
        } else {
          nextValid = 0;
        }
      }
      inIdx = inNext;
      nextReady = 1;
      if (v[mValid[0]!] && ready && outIdx < checkedBeats) {
        const want = expected[vectorIndex(Math.floor(outIdx / shape.outBeats), outIdx % shape.outBeats, shape.outBeats)]!;
        const got = (BigInt(v[mLast[0]!]!) << BigInt(shape.outWidth)) | readBits(mData);
        if (got === want) passed++;
        else if (failures.length < 10) {
          failures.push(`frame ${Math.floor(outIdx / shape.outBeats)} pixel ${outIdx % shape.outBeats}: expected ${want.toString(16)}, got ${got.toString(16)} ({tlast, tdata} in hex)`);
        } else failures.push('');
        opens = outIdx === warmup * shape.outBeats - 1;
        closes = outIdx === checkedBeats - 1;
        outIdx++;
      }
    }
    // The streams between layers, against the reference model's beats for the same frames.
    for (const link of links) {
      if (!v[link.valid]! || !v[link.ready]!) continue;
      const idx = link.seen++;
      if (idx >= (warmup + 1) * link.beatsPerFrame) continue;
      const want = link.golden[vectorIndex(Math.floor(idx / link.beatsPerFrame), idx % link.beatsPerFrame, link.beatsPerFrame)]!;
      const got = ((link.last >= 0 ? BigInt(v[link.last]!) : want >> BigInt(link.data.length)) << BigInt(link.data.length)) | readBits(link.data);
      if (got === want) passed++;
      else if (failures.length < 10) {
        failures.push(`${link.layer}'s output, frame ${Math.floor(idx / link.beatsPerFrame)} pixel ${idx % link.beatsPerFrame}: expected ${want.toString(16)}, got ${got.toString(16)}`);
      } else failures.push('');
    }
    tValid = nextValid;
    tData = nextData;
    tLast = nextLast;
    ready = nextReady;
    // The testbench releases reset on the 4th edge, after its always blocks have sampled it.
    if (cycle === RESET_EDGES - 1) resetN = 1;
    sim.clock(applyInputs);
    if (opens) {
      start = sim.edge;
      sim.startCounting();
    }
    if (closes) {
      end = sim.edge;
      sim.stopCounting();
    }
  }
  if (failures.length > 0) {
    throw new NetsimError(
      `${manifest.design}: the gate-level netlist simulation differs from the reference model in ${failures.length} beat(s) (${passed} passed, output and inner streams): ${failures.filter((f) => f !== '').join('; ')}.`,
    );
  }
  const cycles = end - start;
  if (cycles !== shape.cyclesPerFrame) {
    throw new NetsimError(`${manifest.design}: the measured frame took ${cycles} cycles in the netlist simulation, not the analytic ${shape.cyclesPerFrame}.`);
  }
  const activity = toActivity(flat, sim, start, end, clockNets(flat, clk));
  return {
    activity,
    dutScope,
    clockPeriodUnits: CLOCK_PERIOD_PS,
    cycles,
    window: { start: start * CLOCK_PERIOD_PS, end: end * CLOCK_PERIOD_PS },
    beatsChecked: passed,
    seconds: { build, run: (performance.now() - started) / 1000 - build },
  };
}

/**
 * The clock's nets: the clock port and what clock buffers drive from it. The simulation does not
 * toggle them (each `clock` call is an edge); the activity gives them two toggles per cycle, as a
 * VCD of the testbench's clock would.
 */
function clockNets(flat: FlatNetlist, clk: Int32Array): Set<number> {
  const nets = new Set<number>(clk);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of flat.cells) {
      if (!/^BUFG/.test(c.type)) continue;
      const i = c.ports.I?.[0];
      const o = c.ports.O?.[0];
      if (i !== undefined && o !== undefined && nets.has(i) && !nets.has(o)) {
        nets.add(o);
        grew = true;
      }
    }
  }
  return nets;
}

/** Every net name of every instance with its bits' toggles and times, in picoseconds. */
function toActivity(flat: FlatNetlist, sim: NetlistSimulator, start: number, end: number, clocks: ReadonlySet<number>): Activity {
  const period = CLOCK_PERIOD_PS;
  const edges = end - start;
  const cache = new Map<number, BitActivity>();
  const bitActivity = (net: number): BitActivity => {
    let b = cache.get(net);
    if (b === undefined) {
      if (clocks.has(net)) {
        // High for the first half of every period of the window.
        b = { toggles: 2 * edges, t0: (edges * period) / 2, t1: (edges * period) / 2, tx: 0 };
      } else {
        const t1 = sim.highEdges[net]! * period;
        b = { toggles: sim.toggles[net]!, t0: edges * period - t1, t1, tx: 0 };
      }
      cache.set(net, b);
    }
    return b;
  };
  const signals: SignalActivity[] = [];
  for (const scope of flat.scopes) {
    for (const { name, nets } of scope.names) {
      signals.push({
        name: [...scope.path, name].join('.'),
        width: nets.length,
        bits: Array.from(nets, bitActivity),
        scope: scope.path,
        ref: name,
      });
    }
  }
  return { secondsPerUnit: 1e-12, start: start * period, end: end * period, signals };
}

/** One stream between two layers, watched at the top module's `link<k>` wires. */
interface InnerLink {
  readonly layer: string;
  readonly data: Int32Array;
  readonly valid: number;
  readonly ready: number;
  /** -1 when the netlist kept no tlast net (nothing reads it): the data alone is compared. */
  readonly last: number;
  readonly golden: readonly bigint[];
  readonly beatsPerFrame: number;
  seen: number;
}

/**
 * The streams between layers with their golden beats (tb/link<k>.hex, written by `potgen build`).
 * A network's last output can survive a fault upstream (LeNet-5's class did, with a block RAM
 * mapped wrongly), so the netlist is held to the reference model at every layer boundary.
 */
function innerLinks(designDir: string, manifest: DesignManifest, flat: FlatNetlist, dutScope: string, frames: number): InnerLink[] {
  const top = flat.scopes.find((s) => s.path.join('.') === dutScope);
  const names = new Map(top?.names.map((n) => [n.name, n.nets]) ?? []);
  return manifest.layers.slice(0, -1).map((layer, i) => {
    const wire = `link${i + 1}`;
    const data = names.get(`${wire}_tdata`);
    const valid = names.get(`${wire}_tvalid`)?.[0];
    const ready = names.get(`${wire}_tready`)?.[0];
    if (data === undefined || valid === undefined || ready === undefined) {
      throw new NetsimError(`${manifest.design}: the netlist's top module has no ${wire}_tdata/_tvalid/_tready nets, so ${layer.name}'s output stream cannot be checked.`);
    }
    const file = path.join(designDir, 'tb', linkVectorFile(i + 1));
    const text = existsSync(file) ? undefined : `${file} is missing; rebuild the design with \`potgen build\`.`;
    if (text) throw new NetsimError(text);
    const count = readFileSync(file, 'utf8').split(/\s+/).filter((w) => w !== '').length;
    if (count % frames !== 0) throw new NetsimError(`${file} holds ${count} beats, not a whole number of beats for each of ${frames} frames; rebuild the design.`);
    return {
      layer: layer.name,
      data,
      valid,
      ready,
      last: names.get(`${wire}_tlast`)?.[0] ?? -1,
      golden: readHex(file, count, data.length + 1),
      beatsPerFrame: count / frames,
      seen: 0,
    };
  });
}

/** A `$readmemh` file of `count` words of `width` bits. */
function readHex(file: string, count: number, width: number): bigint[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NetsimError(`Cannot read the vector file ${file} (${(e as Error).message}); rebuild the design with \`potgen build\`.`);
  }
  const words = text.replace(/\/\/[^\n]*/g, '').split(/\s+/).filter((w) => w !== '');
  if (words.length < count) throw new NetsimError(`${file} holds ${words.length} words, not the ${count} the testbench declares; rebuild the design.`);
  const mask = (1n << BigInt(width)) - 1n;
  return words.slice(0, count).map((w, i) => {
    if (!/^[0-9a-fA-F_]+$/.test(w)) throw new NetsimError(`${file}: word ${i + 1} '${w}' is not hexadecimal.`);
    return BigInt(`0x${w.replace(/_/g, '')}`) & mask;
  });
}
