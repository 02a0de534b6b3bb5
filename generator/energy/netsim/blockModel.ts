/**
 * The interface between potgen's netlist simulator (netsim/simulate.ts) and its models of the
 * Xilinx primitives that hold pipelines or memories (block RAM, DSP48E2). Small cells (LUT,
 * carry, flip-flop, LUTRAM, SRL) are built into the simulator; these models are ports of potgen's
 * Verilog models in testbench/cells/, cycle for cycle, and are checked against them.
 *
 * A port's value is an unsigned integer of the port's width (every port here is at most 48 bits
 * wide, so a JavaScript number holds it exactly), bit 0 being the port's least significant bit.
 * An unconnected input port reads 0.
 *
 * One clock edge runs `sample` on every model (all read the values settled before the edge),
 * then `commit` on every model, then `evaluate` wherever outputs may have changed.
 */
export interface BlockModel {
  /** Input ports on which an output depends within the same cycle (for levelisation); [] when every output is registered. */
  readonly combinationalInputs: readonly string[];
  /** Writes every output port from the current inputs and state. */
  evaluate(read: (port: string) => number, write: (port: string, value: number) => void): void;
  /** At a rising clock edge: computes the next state from the inputs settled before the edge. */
  sample(read: (port: string) => number): void;
  /** Makes the next state current. */
  commit(): void;
}

/**
 * Builds the model of one cell. `parameters` are as Yosys's write_json gives them: bit-vector
 * parameters as strings of '0'/'1' (and 'x'), most significant bit first; string parameters as
 * the string (a trailing space is appended by Yosys when the string would read as binary).
 * `widths` gives the width of every connected port. `where` names the cell in error messages.
 * @throws NetsimError for a configuration the model does not implement, naming the parameter.
 */
export type BlockModelFactory = (
  parameters: Readonly<Record<string, string>>,
  widths: Readonly<Record<string, number>>,
  where: string,
) => BlockModel;

/** A netlist or configuration the simulator cannot simulate faithfully. */
export class NetsimError extends Error {
  override readonly name = 'NetsimError';
}

/** A bit-vector parameter as a number ('x' bits read 0); for at most 48 bits. */
export function paramNumber(parameters: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const v = parameters[name];
  if (v === undefined) return fallback;
  if (/^[01xz]+$/.test(v)) {
    let n = 0;
    for (const c of v.length > 48 ? v.slice(v.length - 48) : v) n = n * 2 + (c === '1' ? 1 : 0);
    return n;
  }
  const d = Number(v.trim());
  return Number.isFinite(d) ? d : fallback;
}

/** A string parameter without Yosys's trailing space. */
export function paramString(parameters: Readonly<Record<string, string>>, name: string, fallback: string): string {
  const v = parameters[name];
  return v === undefined ? fallback : v.replace(/ $/, '');
}

/** A bit-vector parameter as bits, index 0 the least significant ('x' reads 0), padded to `width`. */
export function paramBits(parameters: Readonly<Record<string, string>>, name: string, width: number): Uint8Array {
  const out = new Uint8Array(width);
  const v = parameters[name];
  if (v === undefined) return out;
  for (let i = 0; i < width && i < v.length; i++) out[i] = v[v.length - 1 - i] === '1' ? 1 : 0;
  return out;
}
