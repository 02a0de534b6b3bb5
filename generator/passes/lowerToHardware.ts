/** The pass flow from the integer IR to the hardware IR: widths, folding, buffers, names, timing. */
import { potMaxCode } from '../arith/rules.ts';
import type { ArgmaxHW, ArgmaxIR, ConvLayerHW, ConvLayerIR, LayerHW, LayerIR, NetworkHW, NetworkIR, PoolLayerHW, PoolLayerIR } from '../ir/types.ts';
import { convFolding, convPipelineLatency, outputFifoDepth, POOL_PIPELINE_LATENCY, windowBufferRows, windowCyclesPerFrame } from './schedule.ts';
import { convWidths } from './widths.ts';

/** Runs every pass over every layer. */
export function lowerToHardware(ir: NetworkIR): NetworkHW {
  const layers = ir.layers.map((layer) => lowerLayer(ir.name, layer));
  return { ...ir, layers, cyclesPerFrame: Math.max(...layers.map((l) => l.cyclesPerFrame)) };
}

function lowerLayer(design: string, layer: LayerIR): LayerHW {
  switch (layer.kind) {
    case 'conv2d':
      return lowerConv(design, layer);
    case 'maxPool2d':
      return lowerPool(design, layer);
    case 'argmax':
      return lowerArgmax(design, layer);
  }
}

function lowerPool(design: string, layer: PoolLayerIR): PoolLayerHW {
  const cyclesPerPixel = layer.kernel * layer.kernel;
  return {
    ...layer,
    moduleName: `${design}_${layer.name}`,
    bufferRows: windowBufferRows(layer),
    fifoDepth: outputFifoDepth(POOL_PIPELINE_LATENCY, cyclesPerPixel),
    cyclesPerFrame: windowCyclesPerFrame(layer, cyclesPerPixel),
  };
}

function lowerArgmax(design: string, layer: ArgmaxIR): ArgmaxHW {
  return { ...layer, moduleName: `${design}_${layer.name}`, cyclesPerFrame: 1 };
}

function lowerConv(design: string, layer: ConvLayerIR): ConvLayerHW {
  const folding = convFolding(layer);
  return {
    ...layer,
    moduleName: `${design}_${layer.name}`,
    widths: convWidths(layer),
    folding,
    bufferRows: windowBufferRows(layer),
    fifoDepth: outputFifoDepth(convPipelineLatency(layer.simd), folding.cyclesPerPixel),
    maxShift: maxShift(layer),
    cyclesPerFrame: windowCyclesPerFrame(layer, folding.cyclesPerPixel),
  };
}

/** The largest left shift a PoT weight of this layer applies (0 for uniform layers). */
function maxShift(layer: ConvLayerIR): number {
  if (layer.quant !== 'pot') return 0;
  const mask = potMaxCode(layer.weightBits);
  return layer.weightCodes.reduce((max, code) => Math.max(max, (code & mask) - 1), 0);
}
