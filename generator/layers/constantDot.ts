/**
 * Weights fixed into logic: the dot products of a layer unrolled to one step per pixel, generated
 * as constant shift-and-add trees instead of potgen_dot_array's shifters (or multipliers) reading a
 * weight ROM. Each weight is written as signed powers of two (its canonical signed-digit form), so
 *   - a PoT weight is one term: the activation, wired `shift` places up, added or subtracted;
 *   - a uniform weight is as many terms as it has nonzero signed digits (the fair baseline: the
 *     same adders, no multipliers and no DSPs);
 *   - a zero weight (pruned) is no term at all, so it costs no hardware.
 * Terms are sorted by shift and paired level by level, so terms of equal shift are summed before
 * any shifting, and each adder is only as wide as the exact range of its two operands. Every
 * level is registered (one adder per stage, as in potgen_dot_array's tree); a PE with fewer levels
 * than the deepest is delayed to the same latency. A negative root is given as its complement plus
 * a carry, which the conv layer adds on its accumulator's carry input (potgen_dot_array's contract).
 */
import { PotgenError } from '../core/errors.ts';

/** One signed power of two of a weight: ±2^shift. */
export interface SignedDigit {
  readonly shift: number;
  readonly negative: boolean;
}

/** The canonical signed-digit (non-adjacent) form of an integer: the fewest ±2^k terms summing to it. */
export function signedDigits(value: number): SignedDigit[] {
  if (!Number.isSafeInteger(value)) throw new RangeError(`weight ${value} is not a safe integer`);
  const digits: SignedDigit[] = [];
  let v = BigInt(value);
  for (let shift = 0; v !== 0n; shift++) {
    if (v & 1n) {
      const d = 2n - (((v % 4n) + 4n) % 4n); // +1 when v ≡ 1 (mod 4), −1 when v ≡ 3
      digits.push({ shift, negative: d < 0n });
      v -= d;
    }
    v >>= 1n;
  }
  return digits;
}

/** A value in the tree: stands for (negative ? −1 : 1) · (its register's value << shift). */
interface TreeNode {
  /** A Verilog expression of `width` bits: a register name, or a slice of the activations. */
  readonly name: string;
  readonly width: number;
  /** Whether the register is read as two's complement (its range goes below zero). */
  readonly signed: boolean;
  readonly lo: number;
  readonly hi: number;
  readonly shift: number;
  readonly negative: boolean;
  /** A leaf's activation lane, to slice it at another width; undefined for registers. */
  readonly lane?: number;
}

/** What the generated module needs from its layer. */
export interface ConstantDotInput {
  readonly pe: number;
  readonly simd: number;
  readonly activationBits: number;
  /** The sum's width (the accumulator's). */
  readonly sumWidth: number;
  /** weights[p][i]: the integer weight of PE p, lane i. */
  readonly weights: readonly (readonly number[])[];
}

/** The generated module's body and its figures. */
export interface ConstantDot {
  /** Cycles from in_valid to sums: the operand register plus the deepest tree. */
  readonly latency: number;
  /** Verilog lines between the port list and `endmodule`. */
  readonly body: string[];
  /** Terms (signed digits) and two-input adders over all PEs. */
  readonly terms: number;
  readonly adders: number;
}

/** Bits to hold [lo, hi]: unsigned when lo ≥ 0, else two's complement. */
function rangeWidth(lo: number, hi: number): { width: number; signed: boolean } {
  if (lo >= 0) {
    let w = 1;
    while (2 ** w - 1 < hi) w++;
    return { width: w, signed: false };
  }
  let w = 1;
  while (-(2 ** (w - 1)) > lo || 2 ** (w - 1) - 1 < hi) w++;
  return { width: w, signed: true };
}

/**
 * Bits [from, from + width) of `n`'s value as a Verilog expression of exactly `width` bits: its own
 * bits, then copies of its sign (or zeros) above its width.
 */
function field(n: TreeNode, from: number, width: number, ab: number): string {
  if (width <= 0) throw new PotgenError(`internal: a ${width}-bit operand`);
  const msb = n.lane !== undefined ? '' : `${n.name}[${n.width - 1}]`;
  const extension = (bits: number): string => (n.signed ? `{${bits}{${msb}}}` : `${bits}'d0`);
  const avail = Math.min(n.width - from, width);
  if (avail <= 0) return extension(width);
  const core =
    n.lane !== undefined
      ? `act_q[${n.lane * ab + from} +: ${avail}]`
      : from === 0 && avail === n.width
        ? n.name
        : `${n.name}[${from + avail - 1}:${from}]`;
  return avail === width ? core : `{${extension(width - avail)}, ${core}}`;
}

/** `n` · 2^by as `width` bits. */
function shifted(n: TreeNode, by: number, width: number, ab: number): string {
  if (by === 0) return field(n, 0, width, ab);
  if (by >= width) return `${width}'d0`;
  return `{${field(n, 0, width - by, ab)}, ${by}'d0}`;
}

/** Generates the constant dot products of an unrolled layer. */
export function constantDot(input: ConstantDotInput): ConstantDot {
  const ab = input.activationBits;
  const amax = 2 ** ab - 1;
  const declarations: string[] = [];
  const updates: string[] = [];
  const outputs: string[] = [];
  const carries: number[] = [];
  let terms = 0;
  let adders = 0;

  // Build each PE's levels first: the deepest sets the latency every PE is delayed to.
  const trees = input.weights.map((row) => {
    const leaves: TreeNode[] = [];
    row.forEach((w, lane) => {
      for (const d of signedDigits(w)) leaves.push({ name: '', width: ab, signed: false, lo: 0, hi: amax, shift: d.shift, negative: d.negative, lane });
    });
    leaves.sort((a, b) => a.shift - b.shift || Number(a.negative) - Number(b.negative) || a.lane! - b.lane!);
    terms += leaves.length;
    return leaves;
  });
  const depth = Math.max(0, ...trees.map((l) => (l.length > 1 ? Math.ceil(Math.log2(l.length)) : 0)));

  trees.forEach((leaves, p) => {
    let level = leaves;
    let stage = 0;
    const reg = (index: number, lo: number, hi: number, shift: number, negative: boolean, value: (w: number) => string): TreeNode => {
      const { width, signed } = rangeWidth(lo, hi);
      const name = `p${p}_l${stage}_${index}`;
      declarations.push(`    reg [${width - 1}:0] ${name};`);
      updates.push(`        ${name} <= ${value(width)};`);
      return { name, width, signed, lo, hi, shift, negative };
    };
    while (stage < depth && level.length > 0) {
      stage++;
      const next: TreeNode[] = [];
      for (let k = 0; k < level.length; k += 2) {
        const a = level[k]!;
        const b = level[k + 1];
        if (!b) {
          next.push(reg(next.length, a.lo, a.hi, a.shift, a.negative, (w) => field(a, 0, w, ab)));
          continue;
        }
        // a.shift <= b.shift (sorted); the sum keeps a's shift and sign, b joins by its difference.
        const d = b.shift - a.shift;
        const same = a.negative === b.negative;
        const lo = same ? a.lo + b.lo * 2 ** d : a.lo - b.hi * 2 ** d;
        const hi = same ? a.hi + b.hi * 2 ** d : a.hi - b.lo * 2 ** d;
        adders++;
        // The low d bits of the sum are a's own (b·2^d has none): wiring, so the adder is only w − d wide.
        const op = same ? '+' : '-';
        next.push(
          reg(next.length, lo, hi, a.shift, a.negative, (w) =>
            d === 0 ? `${field(a, 0, w, ab)} ${op} ${field(b, 0, w, ab)}` : d >= w ? field(a, 0, w, ab) : `{${field(a, d, w - d, ab)} ${op} ${field(b, 0, w - d, ab)}, ${field(a, 0, d, ab)}}`,
          ),
        );
      }
      level = next;
    }
    const sw = input.sumWidth;
    const slice = `sums_r[${p * sw} +: ${sw}]`;
    const root = level[0];
    if (!root) {
      outputs.push(`        ${slice} = ${sw}'d0;  // every weight of this PE is zero`);
      carries.push(0);
      return;
    }
    if (level.length !== 1) throw new PotgenError(`internal: PE ${p} tree did not reduce (${level.length} nodes at depth ${depth})`);
    const value = shifted(root, root.shift, sw, ab);
    // −x = ~x + 1: the + 1 is the carry the accumulator adds.
    outputs.push(`        ${slice} = ${root.negative ? `~${value}` : value};`);
    carries.push(root.negative ? 1 : 0);
  });

  const body = [
    `    // Operand register: loads only on in_valid, so idle and padding steps cause no toggling.`,
    `    /* verilator lint_off UNUSEDSIGNAL */`,
    `    reg [${input.simd * ab - 1}:0] act_q;  // lanes whose weights are all zero are never read`,
    `    /* verilator lint_on UNUSEDSIGNAL */`,
    `    always @(posedge clk) if (in_valid) act_q <= act;`,
    ``,
    ...(declarations.length ? [`    // Adder tree levels, p<PE>_l<level>_<index>: each the exact width of its range.`, ...declarations, `    always @(posedge clk) begin`, ...updates, `    end`, ``] : []),
    `    reg [${input.pe * input.sumWidth - 1}:0] sums_r;`,
    `    always @* begin`,
    ...outputs,
    `    end`,
    `    assign sums    = sums_r;`,
    `    assign carries = ${input.pe}'b${carries.slice().reverse().join('')};`,
  ];
  return { latency: 1 + depth, body, terms, adders };
}
