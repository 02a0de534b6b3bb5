/**
 * The parts of Yosys's `write_json` netlist the energy instrument reads, and the instance names
 * Yosys's `write_verilog` gives the same cells, so that cells can be found in a VCD of the Verilog.
 */

/** A net bit: a number shared by every connection to that net, or a constant. */
export type YosysBit = number | '0' | '1' | 'x' | 'z';

export interface YosysCell {
  readonly hide_name?: number;
  readonly type: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly port_directions?: Readonly<Record<string, 'input' | 'output' | 'inout'>>;
  readonly connections: Readonly<Record<string, readonly YosysBit[]>>;
}

export interface YosysModule {
  readonly attributes?: Readonly<Record<string, string>>;
  readonly ports?: Readonly<Record<string, { readonly direction: 'input' | 'output' | 'inout'; readonly bits: readonly YosysBit[] }>>;
  readonly cells?: Readonly<Record<string, YosysCell>>;
  readonly netnames?: Readonly<Record<string, { readonly hide_name?: number; readonly bits: readonly YosysBit[] }>>;
}

/** The JSON `write_json` writes: one entry per module, the Xilinx primitives included as blackboxes or not. */
export interface YosysJson {
  readonly modules: Readonly<Record<string, YosysModule>>;
}

/**
 * The name `write_verilog` (without `-norename`) gives each cell of `module`, keyed by its JSON name.
 *
 * Yosys 0.55's Verilog backend renames every private (`$`-prefixed) wire and cell to `_<n>_`,
 * numbering the module's wires first and then its cells, each in sorted order (write_verilog sorts
 * the design first), starting above any public name already of the form `_<n>_` / `_<n>`, and
 * zero-padding `n` to the width of the largest number. Public names are written unchanged (JSON
 * gives them without the leading backslash). test/energyAttribute.test.ts checks this against a
 * real Yosys run; `cellActivity` also checks every match by the cell's port names.
 */
export function verilogCellNames(module: YosysModule): ReadonlyMap<string, string> {
  const wires = Object.entries(module.netnames ?? {});
  const cells = Object.entries(module.cells ?? {});
  let offset = 0;
  const bump = (name: string): void => {
    const m = /^_(\d+)_?$/.exec(name);
    if (m) offset = Math.max(offset, Number(m[1]) + 1);
  };
  for (const [n, w] of wires) if (!isPrivate(n, w)) bump(n);
  for (const [n, c] of cells) if (!isPrivate(n, c)) bump(n);
  for (const [, c] of cells) if (!c.type.startsWith('$')) bump(c.type);
  const privateWires = wires.filter(([n, w]) => isPrivate(n, w)).map(([n]) => n).sort(byteOrder);
  const privateCells = cells.filter(([n, c]) => isPrivate(n, c)).map(([n]) => n).sort(byteOrder);
  const total = offset + privateWires.length + privateCells.length;
  let digits = 1;
  for (let i = 10; i < total; i *= 10) digits++;
  const names = new Map<string, string>();
  let n = offset + privateWires.length;
  for (const [c] of cells) names.set(c, c);
  for (const c of privateCells) names.set(c, `_${String(n++).padStart(digits, '0')}_`);
  return names;
}

/** Whether Yosys considers a name private (`$...`); `hide_name` tells an escaped public name such as `\$x` apart. */
function isPrivate(name: string, object: { readonly hide_name?: number }): boolean {
  return object.hide_name === undefined ? name.startsWith('$') : object.hide_name === 1;
}

/** strcmp order, which is how Yosys sorts its identifiers. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
