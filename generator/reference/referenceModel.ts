/**
 * The bit-exact integer reference model: the oracle for every simulation. It runs the integer
 * IR layer by layer with the shared arithmetic in ../arith, exactly as the RTL computes.
 */
import { convAccumulators, requantiseMap, type FeatureMap } from '../arith/conv.ts';
import type { LayerIR, NetworkIR } from '../ir/types.ts';

/** Runs one layer on one feature map. */
export function runLayer(layer: LayerIR, x: FeatureMap): FeatureMap {
  return requantiseMap(convAccumulators(x, layer), layer.shift, layer.outputBits);
}

/** Runs the whole network; returns every layer's output, the last one being the network's. */
export function runNetwork(ir: Pick<NetworkIR, 'layers'>, image: FeatureMap): FeatureMap[] {
  const outputs: FeatureMap[] = [];
  let x = image;
  for (const layer of ir.layers) {
    x = runLayer(layer, x);
    outputs.push(x);
  }
  return outputs;
}
