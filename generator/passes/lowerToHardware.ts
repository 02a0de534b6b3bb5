/**
 * The pass flow from the integer IR to the hardware IR: each layer kind decides its widths,
 * folding, buffers and timing; this pass names the modules and finds the network's throughput.
 */
import { layerModuleName } from '../core/names.ts';
import type { NetworkHW, NetworkIR } from '../ir/types.ts';
import { kindOf, type LayerHW } from '../layers/registry.ts';

/** Runs every layer's passes. */
export function lowerToHardware(ir: NetworkIR): NetworkHW {
  const layers: LayerHW[] = ir.layers.map((layer) => kindOf(layer).lower(layer, layerModuleName(ir.name, layer.name)));
  return { ...ir, layers, cyclesPerFrame: Math.max(...layers.map((l) => l.cyclesPerFrame)) };
}
