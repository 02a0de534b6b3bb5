/**
 * The bit-exact integer reference model: the oracle for every simulation. It chains the integer
 * layers of ../arith exactly as the RTL computes them.
 */
import type { FeatureMap } from '../core/shapes.ts';
import { runLayer } from '../arith/layers.ts';
import type { NetworkIR } from '../ir/types.ts';

export { runLayer };

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
