/**
 * The bit-exact integer reference model: the oracle for every simulation. It chains each layer
 * kind's integer execution exactly as the RTL computes it.
 */
import type { FeatureMap } from '../core/shapes.ts';
import type { NetworkIR } from '../ir/types.ts';
import { kindOf } from '../layers/registry.ts';

/** Runs the whole network; returns every layer's output, the last one being the network's. */
export function runNetwork(ir: Pick<NetworkIR, 'layers'>, image: FeatureMap): FeatureMap[] {
  const outputs: FeatureMap[] = [];
  let x = image;
  for (const layer of ir.layers) {
    x = kindOf(layer).run(layer, x);
    outputs.push(x);
  }
  return outputs;
}
