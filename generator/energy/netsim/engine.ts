/**
 * A cycle-based, zero-delay, two-state simulator of a flattened Xilinx netlist with one clock,
 * which counts the toggles and the time at 1 of every net inside a window of clock edges.
 *
 * Why not Verilator: compiling LeNet-5's 26k-LUT netlist with cells_sim.v took over ten minutes,
 * and a gate-level energy figure needs only what a cycle-based simulation gives (one settled
 * value per net per clock edge, which is also all a zero-delay VCD holds). Here the netlist is
 * read straight from Yosys's JSON: no compile step, and simulation is event-driven, so a cycle
 * costs only the cells whose inputs changed.
 *
 * Scheme, per rising edge: every sequential element samples the values settled before the edge
 * (flip-flops, LUTRAM and SRL writes, block models), all commit at once, the stimulus applies its
 * new inputs, and the combinational cells whose inputs changed are evaluated in level order
 * (levelised once, so each is evaluated at most once per edge and a net changes at most once per
 * edge). Combinational loops are refused. Asynchronous clears and presets (FDCE, FDPE) act at the
 * edge, like the synchronous ones: potgen's designs reset synchronously.
 */
import type { BlockModel, BlockModelFactory } from './blockModel.ts';
import { NetsimError, paramBits, paramNumber } from './blockModel.ts';
import { NET_0, NET_1, type FlatCell, type FlatNetlist } from './flatten.ts';

/** Models of the primitives that hold pipelines or memories, by type. */
export type BlockModels = Readonly<Record<string, BlockModelFactory>>;

/** A combinational evaluation: reads `v`, drives its outputs through `set`. */
type Eval = () => void;

/** A sequential element other than a flip-flop: samples before the edge, commits after. */
interface Sequential {
  sample(): void;
  /** Applies the sampled state; returns true when a read output may have changed. */
  commit(): boolean;
  /** The combinational node that recomputes its outputs (-1 when none). */
  readonly node: number;
}

const FF_TYPES = new Set(['FDRE', 'FDSE', 'FDCE', 'FDPE']);

export class NetlistSimulator {
  /** Settled value of every net. */
  readonly values: Uint8Array;
  /** Toggles of every net counted while `counting`. */
  readonly toggles: Float64Array;
  /** Edges spent at 1 inside the window (settled once `stopCounting` ran). */
  readonly highEdges: Float64Array;
  private readonly since: Float64Array;
  private counting = false;
  /** The current edge number (0 before the first edge). */
  edge = 0;

  private readonly evals: Eval[] = [];
  private readonly level: Int32Array;
  private readonly readers: Int32Array[];
  private readonly stamp: Int32Array;
  private readonly buckets: number[][];
  private epoch = 1;
  private readonly sequentials: Sequential[] = [];
  // Flip-flops, as parallel arrays: D, CE, reset/set pin, Q, kind (0 to 0, 1 to 1), inversions.
  private readonly ffD: Int32Array;
  private readonly ffCE: Int32Array;
  private readonly ffSR: Int32Array;
  private readonly ffQ: Int32Array;
  private readonly ffSet: Uint8Array;
  private readonly ffInvD: Uint8Array;
  private readonly ffInvSR: Uint8Array;
  private readonly ffNext: Uint8Array;

  constructor(netlist: FlatNetlist, blockModels: BlockModels) {
    // One net beyond the netlist's: where unconnected output bits go.
    const n = netlist.netCount + 1;
    const sink = n - 1;
    const outBit = (c: FlatCell, port: string): number => c.ports[port]?.[0] ?? sink;
    const outBits = (c: FlatCell, port: string, width: number): Int32Array => Int32Array.from({ length: width }, (_, i) => c.ports[port]?.[i] ?? sink);
    this.values = new Uint8Array(n);
    this.values[NET_1] = 1;
    this.toggles = new Float64Array(n);
    this.highEdges = new Float64Array(n);
    this.since = new Float64Array(n);

    const unsupported = new Map<string, string>();
    const ffs = netlist.cells.filter((c) => FF_TYPES.has(c.type));
    this.ffD = new Int32Array(ffs.length);
    this.ffCE = new Int32Array(ffs.length);
    this.ffSR = new Int32Array(ffs.length);
    this.ffQ = new Int32Array(ffs.length);
    this.ffSet = new Uint8Array(ffs.length);
    this.ffInvD = new Uint8Array(ffs.length);
    this.ffInvSR = new Uint8Array(ffs.length);
    this.ffNext = new Uint8Array(ffs.length);
    ffs.forEach((c, i) => {
      if (paramNumber(c.parameters, 'IS_C_INVERTED', 0) !== 0) throw new NetsimError(`${c.where}: a flip-flop on the falling clock edge (IS_C_INVERTED) is not supported.`);
      const setting = c.type === 'FDSE' || c.type === 'FDPE';
      const pin = c.type === 'FDRE' ? 'R' : c.type === 'FDSE' ? 'S' : c.type === 'FDCE' ? 'CLR' : 'PRE';
      this.ffD[i] = bit(c, 'D');
      this.ffCE[i] = c.ports.CE ? bit(c, 'CE') : NET_1;
      this.ffSR[i] = bit(c, pin);
      this.ffQ[i] = outBit(c, 'Q');
      this.ffSet[i] = setting ? 1 : 0;
      this.ffInvD[i] = paramNumber(c.parameters, 'IS_D_INVERTED', 0) & 1;
      this.ffInvSR[i] = paramNumber(c.parameters, `IS_${pin}_INVERTED`, 0) & 1;
      this.values[this.ffQ[i] as number] = paramNumber(c.parameters, 'INIT', setting ? 1 : 0) & 1;
    });

    // Combinational nodes, each with the nets it reads combinationally and the nets it drives.
    const nodeInputs: Int32Array[] = [];
    const nodeOutputs: Int32Array[] = [];
    const addNode = (inputs: readonly number[], outputs: readonly number[], evaluate: Eval): number => {
      this.evals.push(evaluate);
      nodeInputs.push(Int32Array.from(inputs));
      nodeOutputs.push(Int32Array.from(outputs));
      return this.evals.length - 1;
    };
    const v = this.values;
    const set = (net: number, value: number): void => this.set(net, value);

    for (const c of netlist.cells) {
      if (FF_TYPES.has(c.type)) continue;
      const lut = /^LUT([1-6])$/.exec(c.type);
      if (lut) {
        const k = Number(lut[1]);
        const ins = Array.from({ length: k }, (_, i) => bit(c, `I${i}`));
        const init = paramBits(c.parameters, 'INIT', 1 << k);
        const o = outBit(c, 'O');
        const [i0 = NET_0, i1 = NET_0, i2 = NET_0, i3 = NET_0, i4 = NET_0, i5 = NET_0] = ins;
        addNode(ins, [o], () => set(o, init[v[i0]! | (v[i1]! << 1) | (v[i2]! << 2) | (v[i3]! << 3) | (v[i4]! << 4) | (v[i5]! << 5)]!));
        continue;
      }
      switch (c.type) {
        case 'INV': {
          const i = bit(c, 'I');
          const o = outBit(c, 'O');
          addNode([i], [o], () => set(o, v[i]! ^ 1));
          break;
        }
        case 'BUFG':
        case 'BUFGCE':
        case 'BUF': {
          const i = bit(c, 'I');
          const o = outBit(c, 'O');
          addNode([i], [o], () => set(o, v[i]!));
          break;
        }
        case 'MUXF7':
        case 'MUXF8':
        case 'MUXF9': {
          const i0 = bit(c, 'I0');
          const i1 = bit(c, 'I1');
          const s = bit(c, 'S');
          const o = outBit(c, 'O');
          addNode([i0, i1, s], [o], () => set(o, v[s] ? v[i1]! : v[i0]!));
          break;
        }
        case 'CARRY4':
        case 'CARRY8': {
          const width = c.type === 'CARRY4' ? 4 : 8;
          const di = bits(c, 'DI', width);
          const s = bits(c, 'S', width);
          const o = outBits(c, 'O', width);
          const co = outBits(c, 'CO', width);
          const ci = bit(c, 'CI');
          const extra = c.type === 'CARRY4' ? bit(c, 'CYINIT') : bit(c, 'CI_TOP');
          const dual = c.type === 'CARRY8' && (c.parameters.CARRY_TYPE ?? '').trim() === 'DUAL_CY4';
          addNode([ci, extra, ...di, ...s], [...o, ...co], () => {
            let carry = c.type === 'CARRY4' ? v[ci]! | v[extra]! : v[ci]!;
            for (let i = 0; i < width; i++) {
              if (i === 4 && dual) carry = v[extra]!;
              const si = v[s[i]!]!;
              set(o[i]!, si ^ carry);
              carry = si ? carry : v[di[i]!]!;
              set(co[i]!, carry);
            }
          });
          break;
        }
        default: {
          const memory = lutMemory(c);
          if (memory) {
            this.addMemory(c, memory, addNode, set, outBits);
            break;
          }
          const factory = blockModels[c.type];
          if (factory) {
            this.addBlock(c, factory, addNode, set);
            break;
          }
          unsupported.set(c.type, c.where);
        }
      }
    }
    if (unsupported.size > 0) {
      throw new NetsimError(
        `The netlist simulator has no model of ${[...unsupported].map(([t, w]) => `${t} (e.g. ${w})`).join(', ')}.`,
      );
    }

    // Levelise: a node's level is one more than the highest level among the nodes driving its inputs.
    const driver = new Int32Array(n).fill(-1);
    nodeOutputs.forEach((outs, i) => {
      for (const net of outs) if (net > NET_1) driver[net] = i;
    });
    const count = this.evals.length;
    this.level = new Int32Array(count).fill(-1);
    const readersList: number[][] = Array.from({ length: n }, () => []);
    nodeInputs.forEach((ins, i) => {
      for (const net of ins) if (net > NET_1) readersList[net]!.push(i);
    });
    this.readers = readersList.map((r) => Int32Array.from(new Set(r)));
    const pending = new Int32Array(count);
    const deps: number[][] = Array.from({ length: count }, () => []);
    nodeInputs.forEach((ins, i) => {
      const from = new Set<number>();
      for (const net of ins) if (net > NET_1 && (driver[net] as number) >= 0) from.add(driver[net] as number);
      pending[i] = from.size;
      for (const f of from) deps[f]!.push(i);
    });
    const queue: number[] = [];
    for (let i = 0; i < count; i++) if (pending[i] === 0) { this.level[i] = 0; queue.push(i); }
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q]!;
      for (const d of deps[i]!) {
        this.level[d] = Math.max(this.level[d]!, this.level[i]! + 1);
        if (--pending[d]! === 0) queue.push(d);
      }
    }
    if (queue.length !== count) {
      const stuck = nodeOutputs.findIndex((_, i) => pending[i]! > 0);
      throw new NetsimError(`The netlist has a combinational loop (through node ${stuck} of ${count}); it cannot be simulated cycle by cycle.`);
    }
    const levels = count === 0 ? 0 : Math.max(...this.level) + 1;
    this.buckets = Array.from({ length: levels }, () => []);
    this.stamp = new Int32Array(count);
    for (let i = 0; i < count; i++) this.schedule(i);
    this.propagate();
  }

  /** Drives `net` to `value`, counting the toggle and scheduling its readers. */
  set(net: number, value: number): void {
    const v = this.values;
    if (v[net] === value) return;
    if (net <= NET_1) throw new NetsimError(`A cell drives the constant ${net}.`);
    v[net] = value;
    if (this.counting) {
      this.toggles[net]!++;
      if (value === 0) this.highEdges[net]! += this.edge - this.since[net]!;
      this.since[net] = this.edge;
    }
    const r = this.readers[net]!;
    for (let i = 0; i < r.length; i++) this.schedule(r[i]!);
  }

  private schedule(node: number): void {
    if (this.stamp[node] === this.epoch) return;
    this.stamp[node] = this.epoch;
    this.buckets[this.level[node]!]!.push(node);
  }

  /** Evaluates scheduled nodes in level order until nothing changes. */
  private propagate(): void {
    for (let l = 0; l < this.buckets.length; l++) {
      const b = this.buckets[l]!;
      for (let i = 0; i < b.length; i++) this.evals[b[i]!]!();
      b.length = 0;
    }
    this.epoch++;
  }

  /**
   * One rising clock edge: sequential elements sample the settled values, commit, then `inputs`
   * drives the top-level inputs for the new cycle, and the combinational logic settles.
   */
  clock(inputs: () => void): void {
    const v = this.values;
    const { ffD, ffCE, ffSR, ffQ, ffSet, ffInvD, ffInvSR, ffNext } = this;
    for (let i = 0; i < ffQ.length; i++) {
      if ((v[ffSR[i]!]! ^ ffInvSR[i]!) === 1) ffNext[i] = ffSet[i]!;
      else ffNext[i] = v[ffCE[i]!] ? v[ffD[i]!]! ^ ffInvD[i]! : v[ffQ[i]!]!;
    }
    for (const s of this.sequentials) s.sample();
    this.edge++;
    for (let i = 0; i < ffQ.length; i++) this.set(ffQ[i]!, ffNext[i]!);
    for (const s of this.sequentials) if (s.commit() && s.node >= 0) this.schedule(s.node);
    inputs();
    this.propagate();
  }

  /** Starts counting toggles and time at 1 from the current edge (changes at later edges count). */
  startCounting(): void {
    this.toggles.fill(0);
    this.highEdges.fill(0);
    this.since.fill(this.edge);
    this.counting = true;
  }

  /** Stops counting at the current edge and closes the time-at-1 of the nets still at 1. */
  stopCounting(): void {
    const v = this.values;
    for (let net = 0; net < v.length; net++) if (v[net] === 1) this.highEdges[net]! += this.edge - this.since[net]!;
    this.counting = false;
  }

  private addMemory(
    c: FlatCell,
    m: LutMemory,
    addNode: (i: readonly number[], o: readonly number[], e: Eval) => number,
    set: (net: number, value: number) => void,
    outBits: (c: FlatCell, port: string, width: number) => Int32Array,
  ): void {
    for (const p of ['IS_WCLK_INVERTED', 'IS_CLK_INVERTED']) {
      if (paramNumber(c.parameters, p, 0) !== 0) throw new NetsimError(`${c.where}: ${p} (a write on the falling clock edge) is not supported.`);
    }
    const v = this.values;
    const w = m.width;
    const mems = m.memories.map((a) => paramBits(c.parameters, a.init, m.depth * w));
    const data = m.memories.map((a) => bits(c, a.data, w));
    const reads = m.reads.map((r) => ({ mem: mems[r.memory]!, addr: addressNets(c, r.address), out: outBits(c, r.out, w) }));
    const last = c.ports.Q31 ? bit(c, 'Q31') : -1;
    const writeAddr = m.shift ? new Int32Array(0) : addressNets(c, m.writeAddress);
    const we = c.ports[m.writeEnable] ? bit(c, m.writeEnable) : NET_1;
    const readAll = (): void => {
      for (const r of reads) {
        const base = address(v, r.addr) * w;
        for (let b = 0; b < w; b++) set(r.out[b]!, r.mem[base + b]!);
      }
      if (last >= 0) set(last, mems[0]![m.depth - 1]!);
    };
    const outs = reads.flatMap((r) => [...r.out]);
    if (last >= 0) outs.push(last);
    const node = addNode(reads.flatMap((r) => [...r.addr]), outs, readAll);
    let writing = false;
    let pendingAddr = 0;
    const pendingData = new Uint8Array(mems.length * w);
    this.sequentials.push({
      node,
      sample: () => {
        writing = v[we] === 1;
        if (!writing) return;
        pendingAddr = address(v, writeAddr);
        data.forEach((d, k) => {
          for (let b = 0; b < w; b++) pendingData[k * w + b] = v[d[b]!]!;
        });
      },
      commit: () => {
        if (!writing) return false;
        mems.forEach((mem, k) => {
          if (m.shift) {
            // {r[depth-2:0], D}: every stage moves up one, D enters at stage 0.
            mem.copyWithin(1, 0, m.depth - 1);
            mem[0] = pendingData[k]!;
          } else {
            for (let b = 0; b < w; b++) mem[pendingAddr * w + b] = pendingData[k * w + b]!;
          }
        });
        return true;
      },
    });
  }

  private addBlock(c: FlatCell, factory: BlockModelFactory, addNode: (i: readonly number[], o: readonly number[], e: Eval) => number, set: (net: number, value: number) => void): void {
    const v = this.values;
    const widths: Record<string, number> = {};
    for (const [p, nets] of Object.entries(c.ports)) widths[p] = nets.length;
    const model: BlockModel = factory(c.parameters, widths, c.where);
    const empty = new Int32Array(0);
    const read = (port: string): number => {
      const nets = c.ports[port] ?? empty;
      let value = 0;
      for (let i = nets.length - 1; i >= 0; i--) value = value * 2 + v[nets[i]!]!;
      return value;
    };
    const write = (port: string, value: number): void => {
      const nets = c.ports[port];
      if (nets === undefined) return;
      const lo = value % 4294967296 >>> 0;
      const hi = Math.floor(value / 4294967296) >>> 0;
      for (let i = 0; i < nets.length; i++) set(nets[i]!, i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1);
    };
    const combInputs = model.combinationalInputs.flatMap((p) => [...(c.ports[p] ?? [])]);
    const outputs = [...c.outputs].flatMap((p) => [...(c.ports[p] ?? [])]);
    const node = addNode(combInputs, outputs, () => model.evaluate(read, write));
    this.sequentials.push({
      node,
      sample: () => model.sample(read),
      commit: () => {
        model.commit();
        return true;
      },
    });
  }
}

/** The single net of a one-bit port (constant 0 when unconnected). */
function bit(c: FlatCell, port: string): number {
  return c.ports[port]?.[0] ?? NET_0;
}

/** The nets of a port, padded with constant 0 to `width`. */
function bits(c: FlatCell, port: string, width: number): Int32Array {
  const nets = c.ports[port];
  const out = new Int32Array(width);
  for (let i = 0; i < width; i++) out[i] = nets?.[i] ?? NET_0;
  return out;
}

/** An address from a vector port ('A') or from single-bit ports ('A0', 'A1', ...). */
function addressNets(c: FlatCell, spec: { readonly port: string; readonly bits: number }): Int32Array {
  if (c.ports[spec.port] !== undefined) return bits(c, spec.port, spec.bits);
  return Int32Array.from({ length: spec.bits }, (_, i) => bit(c, `${spec.port}${i}`));
}

function address(v: Uint8Array, nets: Int32Array): number {
  let a = 0;
  for (let i = nets.length - 1; i >= 0; i--) a = (a << 1) | v[nets[i]!]!;
  return a;
}

/** A LUT-based memory (LUTRAM or shift register), as Yosys's cells_sim.v models it. */
interface LutMemory {
  readonly depth: number;
  /** Bits per address. */
  readonly width: number;
  /** The memory arrays: INIT parameter and data-in port of each. */
  readonly memories: readonly { readonly init: string; readonly data: string }[];
  /** Asynchronous read ports: which array, at which address, onto which output. */
  readonly reads: readonly { readonly memory: number; readonly address: { port: string; bits: number }; readonly out: string }[];
  /** Where every array is written (all at once); unused by a shift register. */
  readonly writeAddress: { readonly port: string; readonly bits: number };
  /** WE for LUTRAM, CE for a shift register. */
  readonly writeEnable: string;
  /** A shift register: a write shifts every stage up and enters D at stage 0. */
  readonly shift?: boolean;
}

function lutMemory(c: FlatCell): LutMemory | undefined {
  const multi = /^RAM(32|64)M(8|16)?$/.exec(c.type);
  if (multi) {
    const depth = Number(multi[1]);
    const lanes = multi[2] ? 8 : 4;
    const letters = 'ABCDEFGH'.slice(0, lanes).split('');
    const bitsA = depth === 32 ? 5 : 6;
    return {
      depth,
      width: depth === 32 ? 2 : 1,
      memories: letters.map((l) => ({ init: `INIT_${l}`, data: `DI${l}` })),
      reads: letters.map((l, k) => ({ memory: k, address: { port: `ADDR${l}`, bits: bitsA }, out: `DO${l}` })),
      writeAddress: { port: `ADDR${letters[letters.length - 1]!}`, bits: bitsA },
      writeEnable: 'WE',
    };
  }
  const single = /^RAM(32|64|128|256|512)X1([SD])$/.exec(c.type);
  if (single) {
    const depth = Number(single[1]);
    const bitsA = Math.log2(depth);
    const reads = single[2] === 'S'
      ? [{ memory: 0, address: { port: 'A', bits: bitsA }, out: 'O' }]
      : [{ memory: 0, address: { port: 'A', bits: bitsA }, out: 'SPO' }, { memory: 0, address: { port: 'DPRA', bits: bitsA }, out: 'DPO' }];
    return { depth, width: 1, memories: [{ init: 'INIT', data: 'D' }], reads, writeAddress: { port: 'A', bits: bitsA }, writeEnable: 'WE' };
  }
  if (c.type === 'SRL16E' || c.type === 'SRLC32E') {
    const depth = c.type === 'SRL16E' ? 16 : 32;
    const bitsA = Math.log2(depth);
    return {
      depth,
      width: 1,
      memories: [{ init: 'INIT', data: 'D' }],
      reads: [{ memory: 0, address: { port: 'A', bits: bitsA }, out: 'Q' }],
      writeAddress: { port: 'A', bits: bitsA },
      writeEnable: 'CE',
      shift: true,
    };
  }
  return undefined;
}
