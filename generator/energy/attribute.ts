/**
 * Attributes the toggles of a gate-level simulation to the Xilinx primitives that drive them.
 *
 * The VCD comes from simulating Yosys's `write_verilog` output of the netlist together with
 * Yosys's `cells_sim.v` models under Verilator, with the cell models left untraced (tracing their
 * internals made LeNet-5's compile and VCD far too big). A cell's output toggles are therefore
 * read from the net its output bit drives: the JSON gives every cell's connection bits and each
 * module's `netnames` name them, and a bit is one net across the hierarchy (joined through the
 * ports), so any traced name of it at any level will do. A VCD that does trace the cells' own
 * scopes (found by the JSON name or write_verilog's `_<n>_` name, see yosysJson.ts) serves as a
 * fallback for bits no net name reaches. An output bit that drives logic but is traced nowhere is
 * an error, since silently dropping it would bias the energy figure; one that drives nothing and
 * has no name is left out and counted in `unreadOutputBits`.
 *
 * Fanout comes from the netlist, across the hierarchy: the number of primitive input pins a net
 * reaches (plus one for each top-level output port it drives), which weights routing energy.
 */
import { EnergyInputError } from './errors.ts';
import type { Activity, BitActivity, SignalActivity } from './vcd.ts';
import { verilogCellNames, type YosysBit, type YosysCell, type YosysJson, type YosysModule } from './yosysJson.ts';

export type CellClass = 'lut1' | 'lut2' | 'lut3' | 'lut4' | 'lut5' | 'lut6' | 'carry' | 'ff' | 'mux' | 'lutram' | 'srl' | 'bram' | 'dsp' | 'other';

/** Every class, in report order. */
export const CELL_CLASSES: readonly CellClass[] = ['lut1', 'lut2', 'lut3', 'lut4', 'lut5', 'lut6', 'carry', 'ff', 'mux', 'lutram', 'srl', 'bram', 'dsp', 'other'];

export interface ClassActivity {
  cells: number;
  /** Σ toggles over the output-port bits of the class's cells. */
  outputToggles: number;
  /** Σ toggles × fanout of the nets those outputs drive. */
  fanoutToggles: number;
}

export interface CellActivity {
  readonly total: Readonly<Record<CellClass, ClassActivity>>;
  /** By first-level instance under the top (e.g. `u_conv1`); the top's own cells are under `(top)`. */
  readonly byInstance: Readonly<Record<string, Readonly<Record<CellClass, ClassActivity>>>>;
  /** Toggles on the A, B, C and P ports of every DSP48E2. */
  readonly dspPortToggles: number;
  /** Σ over block RAMs of the cycles their port-A read enable (ENARDEN) was high. */
  readonly bramReadCycles: number;
  /** Clock cycles in the activity window. */
  readonly cycles: number;
  /** Output bits of primitives that drive nothing and that the VCD does not trace: their toggles are left out. */
  readonly unreadOutputBits: number;
}

/** Key of `byInstance` for primitives placed directly in the top module. */
export const TOP_INSTANCE = '(top)';

export interface CellActivityOptions {
  /** Leave output bits that drive logic but are traced nowhere out instead of failing (they then count as 0 toggles). */
  readonly allowUnmatched?: boolean;
}

/** Which class a primitive type belongs to, or undefined for a type that is not a Xilinx primitive. */
export function cellClass(type: string): CellClass | undefined {
  const lut = /^LUT([1-6])$/.exec(type);
  if (lut) return `lut${lut[1]}` as CellClass;
  if (type === 'INV') return 'lut1';
  if (/^CARRY(4|8)$/.test(type)) return 'carry';
  if (/^FD[RSCP]E(_1)?$/.test(type)) return 'ff';
  if (/^MUXF[789]$/.test(type)) return 'mux';
  if (/^RAM\d+(M\d*|X\d+[SD](_1)?)$/.test(type)) return 'lutram';
  if (/^SRLC?(16|32)E(_1)?$/.test(type)) return 'srl';
  if (/^RAMB(18|36)E[12]$/.test(type)) return 'bram';
  if (/^DSP48E[12]$/.test(type)) return 'dsp';
  return undefined;
}

/** Output ports by class, for netlists whose cells carry no `port_directions`. */
const OUTPUT_PORTS: Readonly<Record<string, readonly string[]>> = {
  LUT: ['O'], INV: ['O'], CARRY: ['O', 'CO'], FD: ['Q'], MUXF: ['O'], SRL: ['Q', 'Q31'],
  RAM: ['DOA', 'DOB', 'DOC', 'DOD', 'DOE', 'DOF', 'DOG', 'DOH', 'DPO', 'SPO', 'O'],
  RAMB: ['DOUTADOUT', 'DOUTBDOUT', 'DOUTPADOUTP', 'DOUTPBDOUTP', 'CASDOUTA', 'CASDOUTB', 'CASDOUTPA', 'CASDOUTPB'],
  DSP: ['P', 'ACOUT', 'BCOUT', 'PCOUT', 'CARRYCASCOUT', 'MULTSIGNOUT', 'CARRYOUT'],
};

function fallbackOutputs(type: string): readonly string[] {
  for (const prefix of ['RAMB', 'LUT', 'INV', 'CARRY', 'FD', 'MUXF', 'SRL', 'RAM', 'DSP']) {
    if (type.startsWith(prefix)) return OUTPUT_PORTS[prefix] as readonly string[];
  }
  return ['O'];
}

function emptyClasses(): Record<CellClass, ClassActivity> {
  const r = {} as Record<CellClass, ClassActivity>;
  for (const c of CELL_CLASSES) r[c] = { cells: 0, outputToggles: 0, fanoutToggles: 0 };
  return r;
}

interface Instance {
  /** VCD scope path of the instance. */
  readonly path: readonly string[];
  readonly moduleName: string;
  readonly module: YosysModule;
  readonly group: string;
  /** Local net bit → global node. */
  readonly nodes: Map<number, number>;
}

/**
 * Groups the toggles of `activity` by the class of the primitive that drives them.
 * @param netlist Yosys `write_json` of the simulated netlist.
 * @param top The netlist's top module, the one instantiated at `dutScope`.
 * @param dutScope '.'-separated VCD scope of the top instance, e.g. 'TOP.tb.dut' (Verilator adds 'TOP').
 * @param clockPeriodUnits The clock period in VCD time units, to turn durations into cycles.
 * @throws EnergyInputError when `top` is missing, a connection bit that drives logic is traced
 *   nowhere (unless `allowUnmatched`), or a net's width disagrees between the netlist and the VCD.
 */
export function cellActivity(
  netlist: YosysJson,
  top: string,
  activity: Activity,
  dutScope: string,
  clockPeriodUnits: number,
  options: CellActivityOptions = {},
): CellActivity {
  const topModule = netlist.modules[top];
  if (topModule === undefined) throw new EnergyInputError(`The netlist has no module '${top}'; its modules are ${Object.keys(netlist.modules).filter((m) => !isBlackbox(netlist.modules[m])).join(', ')}.`);
  if (!(clockPeriodUnits > 0)) throw new EnergyInputError(`The clock period must be a positive number of VCD time units, not ${clockPeriodUnits}.`);

  const signals = indexSignals(activity.signals);
  const parent: number[] = [];
  const newNode = (): number => {
    parent.push(parent.length);
    return parent.length - 1;
  };
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[x] !== r) {
      const next = parent[x] as number;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const nodeOf = (inst: Instance, bit: YosysBit): number | undefined => {
    if (typeof bit !== 'number') return undefined;
    let n = inst.nodes.get(bit);
    if (n === undefined) {
      n = newNode();
      inst.nodes.set(bit, n);
    }
    return n;
  };

  // Instances of the hierarchy, with their nets joined to their parents' through the ports.
  const instances: Instance[] = [];
  const visit = (inst: Instance, depth: number): void => {
    if (depth > 100) throw new EnergyInputError(`The netlist hierarchy under '${top}' is deeper than 100 levels (a recursive instantiation?).`);
    instances.push(inst);
    const names = verilogCellNames(inst.module);
    for (const [cellName, cell] of Object.entries(inst.module.cells ?? {})) {
      if (cellClass(cell.type) !== undefined) continue;
      const child = netlist.modules[cell.type];
      if (child === undefined || isBlackbox(child)) continue;
      const childInst: Instance = {
        path: [...inst.path, names.get(cellName) ?? cellName],
        moduleName: cell.type,
        module: child,
        group: depth === 0 ? cellName : inst.group,
        nodes: new Map(),
      };
      for (const [port, bits] of Object.entries(cell.connections)) {
        const inner = child.ports?.[port]?.bits;
        if (inner === undefined) continue;
        for (let i = 0; i < Math.min(bits.length, inner.length); i++) {
          const a = nodeOf(inst, bits[i] as YosysBit);
          const b = nodeOf(childInst, inner[i] as YosysBit);
          if (a !== undefined && b !== undefined) parent[find(a)] = find(b);
        }
      }
      visit(childInst, depth + 1);
    }
  };
  visit({ path: dutScope.split('.'), moduleName: top, module: topModule, group: TOP_INSTANCE, nodes: new Map() }, 0);

  // Sinks per net: primitive input pins, and the top's output ports.
  const sinks = new Map<number, number>();
  const addSink = (n: number | undefined): void => {
    if (n === undefined) return;
    const r = find(n);
    sinks.set(r, (sinks.get(r) ?? 0) + 1);
  };
  for (const inst of instances) {
    for (const cell of Object.values(inst.module.cells ?? {})) {
      if (cellClass(cell.type) === undefined) continue;
      const outputs = new Set(outputPorts(cell, netlist));
      for (const [port, bits] of Object.entries(cell.connections)) {
        if (outputs.has(port)) continue;
        for (const bit of bits) addSink(nodeOf(inst, bit));
      }
    }
  }
  const topInst = instances[0] as Instance;
  for (const port of Object.values(topModule.ports ?? {})) {
    if (port.direction === 'output') for (const bit of port.bits) addSink(nodeOf(topInst, bit));
  }

  // The activity of every traced net, by its node: any traced name of it at any level will do.
  const traced = new Map<number, BitActivity>();
  for (const inst of instances) {
    const refs = signals.get(inst.path.join(SEP));
    if (refs === undefined) continue;
    for (const [name, net] of Object.entries(inst.module.netnames ?? {})) {
      const signal = refs.get(name);
      if (signal === undefined) continue;
      if (signal.width !== net.bits.length) {
        throw new EnergyInputError(`Net '${name}' in ${inst.path.join('.')} is ${net.bits.length} bits wide in the netlist but ${signal.width} in the VCD.`);
      }
      net.bits.forEach((bit, i) => {
        const node = nodeOf(inst, bit);
        if (node !== undefined && !traced.has(find(node))) traced.set(find(node), signal.bits[i] as BitActivity);
      });
    }
  }
  const window = activity.end - activity.start;
  const missing: string[] = [];
  let unread = 0;
  /** The activity of one connection bit: its net's, else the cell scope's port bit; constants are steady. */
  const bitActivity = (inst: Instance, bit: YosysBit, port: SignalActivity | undefined, i: number): BitActivity | undefined => {
    if (bit === '0') return { toggles: 0, t0: window, t1: 0, tx: 0 };
    if (bit === '1') return { toggles: 0, t0: 0, t1: window, tx: 0 };
    if (typeof bit !== 'number') return { toggles: 0, t0: 0, t1: 0, tx: window };
    return traced.get(find(nodeOf(inst, bit) as number)) ?? port?.bits[i];
  };
  /** Σ toggles over the bits of an input port of a cell. */
  const portToggles = (inst: Instance, where: string, bits: readonly YosysBit[], port: SignalActivity | undefined): number => {
    let n = 0;
    bits.forEach((bit, i) => {
      const b = bitActivity(inst, bit, port, i);
      if (b === undefined) missing.push(`${where}[${i}]`);
      else n += b.toggles;
    });
    return n;
  };

  const total = emptyClasses();
  const byInstance: Record<string, Record<CellClass, ClassActivity>> = {};
  let dspPortToggles = 0;
  let bramHigh = 0;
  for (const inst of instances) {
    const names = verilogCellNames(inst.module);
    for (const [cellName, cell] of Object.entries(inst.module.cells ?? {})) {
      const cls = cellClass(cell.type);
      if (cls === undefined) {
        const child = netlist.modules[cell.type];
        if (child !== undefined && !isBlackbox(child)) continue; // a sub-module, visited above
      }
      const klass = cls ?? 'other';
      const outputs = outputPorts(cell, netlist);
      const scope = findScope(signals, inst.path, [names.get(cellName) ?? cellName, cellName], outputs);
      const where = (port: string): string => `${inst.path.join('.')}: ${cell.type} '${cellName}' ${port}`;
      const groupClasses = (byInstance[inst.group] ??= emptyClasses());
      const t = total[klass];
      const g = groupClasses[klass];
      t.cells++;
      g.cells++;
      for (const port of outputs) {
        const bits = cell.connections[port] ?? [];
        const own = scope?.get(port);
        if (own !== undefined && own.width !== bits.length) {
          throw new EnergyInputError(`Port ${port} of ${cell.type} '${cellName}' in ${inst.path.join('.')} is ${bits.length} bits wide in the netlist but ${own.width} in the VCD.`);
        }
        bits.forEach((bit, i) => {
          const node = nodeOf(inst, bit);
          const fanout = node === undefined ? 0 : (sinks.get(find(node)) ?? 0);
          const b = bitActivity(inst, bit, own, i);
          if (b === undefined) {
            if (fanout === 0) unread++;
            else missing.push(`${where(port)}[${i}]`);
            return;
          }
          t.outputToggles += b.toggles;
          g.outputToggles += b.toggles;
          t.fanoutToggles += b.toggles * fanout;
          g.fanoutToggles += b.toggles * fanout;
        });
      }
      if (klass === 'dsp') {
        for (const port of ['A', 'B', 'C', 'P']) dspPortToggles += portToggles(inst, where(port), cell.connections[port] ?? [], scope?.get(port));
      } else if (klass === 'bram') {
        const bits = cell.connections.ENARDEN ?? [];
        bits.forEach((bit, i) => {
          const b = bitActivity(inst, bit, scope?.get('ENARDEN'), i);
          if (b === undefined) missing.push(`${where('ENARDEN')}[${i}]`);
          else bramHigh += b.t1;
        });
      }
    }
  }
  if (missing.length > 0 && !options.allowUnmatched) {
    throw new EnergyInputError(
      `${missing.length} primitive connection bit(s) of the netlist that drive logic have no traced net in the VCD, for example ${missing.slice(0, 5).join('; ')}. ` +
        `Simulate the Verilog that Yosys wrote from the same netlist as the JSON (write_verilog -noattr after rename -enumerate), trace the netlist modules at every level and pass the scope of the top instance as dutScope.`,
    );
  }
  return {
    total,
    byInstance,
    dspPortToggles,
    bramReadCycles: bramHigh / clockPeriodUnits,
    cycles: (activity.end - activity.start) / clockPeriodUnits,
    unreadOutputBits: unread,
  };
}

function isBlackbox(module: YosysModule | undefined): boolean {
  const a = module?.attributes;
  return a !== undefined && (Number.parseInt(a.blackbox ?? '0', 2) === 1 || Number.parseInt(a.whitebox ?? '0', 2) === 1);
}

/** The cell's output ports: from `port_directions`, else from its blackbox module, else by type. */
export function outputPorts(cell: YosysCell, netlist: YosysJson): readonly string[] {
  if (cell.port_directions !== undefined) {
    return Object.keys(cell.connections).filter((p) => cell.port_directions?.[p] === 'output');
  }
  const ports = netlist.modules[cell.type]?.ports;
  if (ports !== undefined) return Object.keys(cell.connections).filter((p) => ports[p]?.direction === 'output');
  return fallbackOutputs(cell.type).filter((p) => p in cell.connections);
}

const SEP = '\u0000';

/** Signals by scope path (joined with NUL, since VCD scope names may contain '.') then by reference. */
function indexSignals(signals: readonly SignalActivity[]): Map<string, Map<string, SignalActivity>> {
  const index = new Map<string, Map<string, SignalActivity>>();
  for (const s of signals) {
    const key = s.scope.join(SEP);
    let refs = index.get(key);
    if (refs === undefined) index.set(key, (refs = new Map()));
    refs.set(s.ref, s);
  }
  return index;
}

/** The first candidate child scope of `path` that holds every one of `ports`. */
function findScope(
  index: Map<string, Map<string, SignalActivity>>,
  path: readonly string[],
  candidates: readonly string[],
  ports: readonly string[],
): Map<string, SignalActivity> | undefined {
  for (const name of candidates) {
    const refs = index.get([...path, name].join(SEP));
    if (refs !== undefined && ports.every((p) => refs.has(p))) return refs;
  }
  return undefined;
}
