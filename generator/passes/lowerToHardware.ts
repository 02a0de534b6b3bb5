/** The pass flow from the integer IR to the hardware IR: widths, folding, buffers, names, timing. */
import { potMaxCode } from '../arith/rules.ts';
import type { ConvLayerHW, ConvLayerIR, NetworkHW, NetworkIR } from '../ir/types.ts';
import { convBufferRows, convCyclesPerFrame, convFifoDepth, convFolding } from './schedule.ts';
import { convWidths } from './widths.ts';

/** Runs every pass over every layer. */
export function lowerToHardware(ir: NetworkIR): NetworkHW {
  const layers = ir.layers.map((layer) => lowerConv(ir.name, layer));
  return { ...ir, layers, cyclesPerFrame: Math.max(...layers.map((l) => l.cyclesPerFrame)) };
}

function lowerConv(design: string, layer: ConvLayerIR): ConvLayerHW {
  const folding = convFolding(layer);
  return {
    ...layer,
    moduleName: `${design}_${layer.name}`,
    widths: convWidths(layer),
    folding,
    bufferRows: convBufferRows(layer),
    fifoDepth: convFifoDepth(layer, folding.cyclesPerPixel),
    maxShift: maxShift(layer),
    cyclesPerFrame: convCyclesPerFrame(layer, folding.cyclesPerPixel),
  };
}

/** The largest left shift a PoT weight of this layer applies (0 for uniform layers). */
function maxShift(layer: ConvLayerIR): number {
  if (layer.quant !== 'pot') return 0;
  const mask = potMaxCode(layer.weightBits);
  return layer.weightCodes.reduce((max, code) => Math.max(max, (code & mask) - 1), 0);
}
