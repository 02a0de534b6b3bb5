/** Dense float tensors as weight files hold them (PyTorch's layouts), and index formatting for messages. */

/** A dense, C-ordered (row-major) array of numbers. `data.length` is the product of `shape`. */
export interface NdArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/**
 * The C-order multi-dimensional index of flat position `flat` in an array of `shape`,
 * e.g. unravelIndex(25, [3, 2, 2, 3]) = [2, 0, 0, 1].
 */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    if (n === 0) break;
    index[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return index;
}

/** Formats a multi-dimensional index as `[2,0,1,1]`. */
export function formatIndex(index: readonly number[]): string {
  return `[${index.join(',')}]`;
}
