/** Datapath widths from exact worst-case bounds over the layer's actual weights: never guessed. */
import { roundingOffset, signedBits } from '../arith/rules.ts';
import { PotgenError } from '../core/errors.ts';
import type { ConvLayerIR, ConvWidths } from '../ir/types.ts';

/** The exact reference model computes in doubles; wider accumulators would lose bits. */
export const MAX_ACCUMULATOR_BITS = 52;

/** Widths of products, accumulator and requantisation sum for a conv layer. */
export function convWidths(layer: ConvLayerIR): ConvWidths {
  const amax = 2 ** layer.inputBits - 1;
  const fanIn = layer.kernel * layer.kernel * layer.input.channels;
  let maxWeight = 0;
  let accBound = 0;
  let requantBound = 0;
  for (let o = 0; o < layer.output.channels; o++) {
    let sum = 0;
    for (let i = 0; i < fanIn; i++) {
      const v = Math.abs(layer.weightValues[o * fanIn + i]!);
      maxWeight = Math.max(maxWeight, v);
      sum += v * amax;
    }
    accBound = Math.max(accBound, sum);
    requantBound = Math.max(requantBound, sum + Math.abs(layer.bias[o]!) + roundingOffset(layer.shift));
  }
  const widths = {
    product: signedBits(amax * maxWeight),
    accumulator: signedBits(accBound),
    requant: signedBits(requantBound),
  };
  if (widths.requant > MAX_ACCUMULATOR_BITS) {
    throw new PotgenError(
      `Layer ${layer.name} needs a ${widths.requant}-bit accumulator (its weights span too many power-of-two levels); ` +
        `potgen supports at most ${MAX_ACCUMULATOR_BITS} bits. Use fewer weight bits or prune the smallest weights.`,
    );
  }
  return widths;
}
