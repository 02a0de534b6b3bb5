/**
 * The pass flow from the integer IR to the hardware IR: each layer kind decides its widths,
 * folding, buffers and timing; this pass names the modules and finds the network's throughput.
 */
import type { NetworkHW, NetworkIR } from '../ir/types.ts';
import { kindOf, type LayerHW } from '../layers/registry.ts';

/** `<design>_<layer>`: every generated module of a layer starts with it. */
export function layerModuleName(design: string, layer: string): string {
  return `${design}_${layer}`;
}

/** Runs every layer's passes. */
export function lowerToHardware(ir: NetworkIR): NetworkHW {
  const layers: LayerHW[] = ir.layers.map((layer) => kindOf(layer).lower(layer, layerModuleName(ir.name, layer.name)));
  return { ...ir, layers, cyclesPerFrame: Math.max(...layers.map((l) => l.cyclesPerFrame)) };
}
