/**
 * Flattens a hierarchical Yosys `write_json` netlist into one numbered net space: every net bit
 * joined across module ports gets one id, constants get ids 0 and 1 ('x' and 'z' read 0, as in a
 * two-state simulator). The hierarchy is kept only as the scope of each primitive and each net
 * name, so that the activity can be handed to `cellActivity` (attribute.ts) under the very names
 * a VCD of the same netlist would carry.
 */
import { cellClass, outputPorts } from '../attribute.ts';
import { verilogCellNames, type YosysBit, type YosysCell, type YosysJson, type YosysModule } from '../yosysJson.ts';
import { NetsimError } from './blockModel.ts';

/** Net id of constant 0 (and of 'x'/'z'). */
export const NET_0 = 0;
/** Net id of constant 1. */
export const NET_1 = 1;

/** A primitive of the flattened netlist. */
export interface FlatCell {
  readonly type: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** Connected ports: net ids, index 0 the port's least significant bit. */
  readonly ports: Readonly<Record<string, Int32Array>>;
  readonly outputs: ReadonlySet<string>;
  /** Scope and name, for error messages. */
  readonly where: string;
}

/** The net names of one instance, as a VCD of the netlist would scope them. */
export interface FlatScope {
  readonly path: readonly string[];
  readonly names: readonly { readonly name: string; readonly nets: Int32Array }[];
}

export interface FlatNetlist {
  readonly netCount: number;
  readonly cells: readonly FlatCell[];
  /** The top module's ports. */
  readonly ports: Readonly<Record<string, { readonly direction: 'input' | 'output' | 'inout'; readonly nets: Int32Array }>>;
  readonly scopes: readonly FlatScope[];
}

/**
 * @param dutPath The scope of the top instance (e.g. ['TOP', 'tb', 'dut']), prefixed to every scope.
 * @throws NetsimError for a missing top, a cell of a type that is neither a primitive nor a module,
 *   or a hierarchy deeper than 100 levels.
 */
export function flattenNetlist(netlist: YosysJson, top: string, dutPath: readonly string[]): FlatNetlist {
  const topModule = netlist.modules[top];
  if (topModule === undefined) throw new NetsimError(`The netlist has no module '${top}'.`);
  const parent: number[] = [NET_0, NET_1];
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
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // Constants stay roots, so a net tied to a constant reads as that constant.
    if (rb <= NET_1) parent[ra] = rb;
    else parent[rb] = ra;
  };

  interface Instance {
    readonly path: readonly string[];
    readonly module: YosysModule;
    readonly nodes: Map<number, number>;
  }
  const node = (inst: Instance, bit: YosysBit): number => {
    if (bit === '1') return NET_1;
    if (typeof bit !== 'number') return NET_0;
    let n = inst.nodes.get(bit);
    if (n === undefined) {
      n = parent.length;
      parent.push(n);
      inst.nodes.set(bit, n);
    }
    return n;
  };

  const instances: Instance[] = [];
  const primitives: { inst: Instance; name: string; cell: YosysCell }[] = [];
  const visit = (inst: Instance, depth: number): void => {
    if (depth > 100) throw new NetsimError(`The netlist hierarchy under '${top}' is deeper than 100 levels (a recursive instantiation?).`);
    instances.push(inst);
    const names = verilogCellNames(inst.module);
    for (const [cellName, cell] of Object.entries(inst.module.cells ?? {})) {
      const child = cellClass(cell.type) === undefined && cell.type !== 'BUFG' ? netlist.modules[cell.type] : undefined;
      if (child === undefined || isBlackbox(child)) {
        primitives.push({ inst, name: names.get(cellName) ?? cellName, cell });
        continue;
      }
      const childInst: Instance = { path: [...inst.path, names.get(cellName) ?? cellName], module: child, nodes: new Map() };
      for (const [port, bits] of Object.entries(cell.connections)) {
        const inner = child.ports?.[port]?.bits;
        if (inner === undefined) continue;
        const output = child.ports?.[port]?.direction === 'output';
        for (let i = 0; i < Math.min(bits.length, inner.length); i++) {
          const outer = bits[i] as YosysBit;
          // An unconnected bit ('x', 'z', or a constant on an output) joins nothing.
          if (typeof outer !== 'number' && (output || (outer !== '0' && outer !== '1'))) continue;
          union(node(inst, outer), node(childInst, inner[i] as YosysBit));
        }
      }
      visit(childInst, depth + 1);
    }
  };
  visit({ path: dutPath, module: topModule, nodes: new Map() }, 0);

  // Compact the roots into ids 0..netCount-1, constants first.
  const id = new Map<number, number>([[NET_0, NET_0], [NET_1, NET_1]]);
  let netCount = 2;
  const netOf = (inst: Instance, bit: YosysBit): number => {
    const r = find(node(inst, bit));
    let n = id.get(r);
    if (n === undefined) id.set(r, (n = netCount++));
    return n;
  };
  const nets = (inst: Instance, bits: readonly YosysBit[]): Int32Array => Int32Array.from(bits, (b) => netOf(inst, b));

  const cells: FlatCell[] = primitives.map(({ inst, name, cell }) => {
    const outputs = new Set(outputPorts(cell, netlist));
    const ports: Record<string, Int32Array> = {};
    for (const [port, bits] of Object.entries(cell.connections)) {
      // An output bit left unconnected ('x') drives a net of its own, never a constant.
      ports[port] = outputs.has(port) ? Int32Array.from(bits, (b) => (typeof b === 'number' ? netOf(inst, b) : netCount++)) : nets(inst, bits);
    }
    return { type: cell.type, parameters: cell.parameters ?? {}, ports, outputs, where: `${inst.path.join('.')}.${name} (${cell.type})` };
  });
  const topInst = instances[0] as Instance;
  const ports: Record<string, { direction: 'input' | 'output' | 'inout'; nets: Int32Array }> = {};
  for (const [name, port] of Object.entries(topModule.ports ?? {})) ports[name] = { direction: port.direction, nets: nets(topInst, port.bits) };
  const scopes: FlatScope[] = instances.map((inst) => ({
    path: inst.path,
    names: Object.entries(inst.module.netnames ?? {}).map(([name, net]) => ({ name, nets: nets(inst, net.bits) })),
  }));
  return { netCount, cells, ports, scopes };
}

function isBlackbox(module: YosysModule): boolean {
  const a = module.attributes;
  return a !== undefined && (Number.parseInt(a.blackbox ?? '0', 2) === 1 || Number.parseInt(a.whitebox ?? '0', 2) === 1);
}
