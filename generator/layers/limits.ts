/** The limits that more than one rule refers to: the DSL's validation, the CLI's options and the kinds. */
export const LIMITS = {
  weightBits: { min: 2, max: 8 },
  activationBits: { min: 2, max: 16 },
  kernel: { min: 1, max: 7 },
  channels: { min: 1, max: 4096 },
  imageSide: { min: 1, max: 4096 },
  /** Names become Verilog identifiers and file names (`<design>_<layer>_weights.v`): short enough for every file system. */
  nameLength: 64,
} as const;

/** All divisors of n, ascending: the choices offered when a folding factor does not divide. */
export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}
