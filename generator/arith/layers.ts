/**
 * One integer layer of the IR, executed exactly as the hardware computes it. Quantisation uses it
 * to calibrate each shift on the outputs of the layers before; the reference model chains it.
 */
import type { LayerIR } from '../ir/types.ts';
import { argmaxIndex, convAccumulators, maxPool, requantiseMap } from './conv.ts';
import { type FeatureMap } from '../core/shapes.ts';

/** Runs one layer on one feature map. */
export function runLayer(layer: LayerIR, x: FeatureMap): FeatureMap {
  switch (layer.kind) {
    case 'conv2d':
      return requantiseMap(convAccumulators(x, layer), layer.shift, layer.outputBits, layer.relu);
    case 'maxPool2d':
      return maxPool(x, layer.kernel, layer.stride, layer.pad);
    case 'argmax':
      return { height: 1, width: 1, channels: 1, data: Int32Array.of(argmaxIndex(x.data)) };
  }
}
