/** The check every weight reader shares: every value is a finite number. */

import { WeightFileError } from '../core/errors.ts';
import { formatIndex, unravelIndex, type NdArray } from '../core/tensors.ts';

/**
 * Throws a WeightFileError naming the tensor, the flat index and the multi-dimensional index of
 * the first NaN or infinity in `arr`, e.g. "weights.json: tensor conv1.weight holds NaN at index
 * [2,0,1,1] (flat index 25); every weight must be a finite number."
 */
export function checkFinite(name: string, arr: NdArray, where: string): void {
  const { data } = arr;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      throw new WeightFileError(
        `${where}: tensor ${name} holds ${v} at index ${formatIndex(unravelIndex(i, arr.shape))} (flat index ${i}); every weight must be a finite number.`,
      );
    }
  }
}
