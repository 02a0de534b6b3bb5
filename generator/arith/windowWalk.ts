/** Index arithmetic the scatter kernels of conv.ts and float.ts share. */

/**
 * The first kernel offset at or below `hi` (and at or above `lo`) for which `at − offset` is a
 * multiple of the stride `s`, or −1: which kernel taps of a strided window reach input position `at`.
 */
export function firstOffset(at: number, lo: number, hi: number, s: number): number {
  const r = (at - hi) % s;
  const first = r === 0 ? hi : hi - (s - r);
  return first >= lo ? first : -1;
}
