/** Formatting of numbers as Verilog literals, shared by the emitters. */

/** `width'h…` for an unsigned value, zero-padded to the full width. */
export function hexLiteral(value: bigint, width: number): string {
  return `${width}'h${hexDigits(value, width)}`;
}

/** The hex digits of `value` for a `width`-bit field, as $readmemh reads them. */
export function hexDigits(value: bigint, width: number): string {
  return value.toString(16).padStart(Math.ceil(width / 4), '0');
}

/** A signed integer as its `width`-bit two's-complement pattern. */
export function twosComplement(value: number, width: number): bigint {
  const v = BigInt(value);
  return v < 0n ? (1n << BigInt(width)) + v : v;
}

/** Bits needed to address `count` entries (at least 1). */
export function addressBits(count: number): number {
  return count > 1 ? Math.ceil(Math.log2(count)) : 1;
}
