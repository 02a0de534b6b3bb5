/**
 * The engine behind maxPool2d and avgPool2d (templates/lib/potgen_pool_layer.v): potgen_window
 * walks the K·K taps of each output pixel, one per cycle, all channels at once, and a running
 * maximum or sum goes into the output FIFO on the last tap.
 */
import { formatShape, windowOutputShape, type Shape } from '../core/shapes.ts';
import type { ChainContext, LayerFile, HardwareFields, LayerIRBase, Parameter, QuantiseInput } from './kind.ts';
import { outputFifoDepth, windowBufferRows, windowCyclesPerFrame, checkWindowFits, type WindowGeometry } from './window.ts';

/** The library modules a pooling layer instantiates. */
export const POOL_LIBRARY = ['potgen_pool_layer', 'potgen_window', 'potgen_axis_fifo'] as const;

/** A pooling layer in integers: the window walk over unsigned activations, which pass through in format. */
export interface PoolIR extends LayerIRBase, WindowGeometry {}

/** A pooling layer ready for emission. */
export interface PoolHW extends PoolIR, HardwareFields {
  readonly bufferRows: number;
  readonly fifoDepth: number;
}

/** The output shape of a pool: the window walk keeps the channels. */
export function poolOutputShape(input: Shape, w: WindowGeometry): Shape {
  return windowOutputShape(input, w.kernel, w.stride, w.pad, input.channels);
}

/** The rules every pool keeps: padding at most half the window, a window that fits, unsigned inputs. */
export function checkPoolChain(ctx: ChainContext, w: WindowGeometry): void {
  if (w.pad > Math.floor(w.kernel / 2)) {
    ctx.error('padding', `${ctx.label}: padding ${w.pad} is more than half the ${w.kernel}x${w.kernel} window.`, `Use padding of at most ${Math.floor(w.kernel / 2)}.`);
  } else {
    checkWindowFits(ctx, w.kernel, w.pad);
  }
  checkUnsignedInput(ctx);
}

/** Pools work on unsigned activations: zero padding and the pooled values assume them. */
export function checkUnsignedInput(ctx: ChainContext): void {
  if (ctx.inputSigned) {
    ctx.error(undefined, `${ctx.label} follows a layer with signed outputs (activation 'none').`, "Give that layer activation 'relu'.");
  }
}

/** The integer IR fields every pool has: the format passes through unchanged. */
export function poolIR<K extends string>(kind: K, name: string, q: QuantiseInput, w: WindowGeometry): PoolIR & { readonly kind: K } {
  return {
    kind,
    name,
    input: q.input,
    output: poolOutputShape(q.input, w),
    inputBits: q.inputBits,
    outputBits: q.inputBits,
    outputSigned: false,
    inputExponent: q.inputExponent,
    outputExponent: q.inputExponent,
    kernel: w.kernel,
    stride: w.stride,
    pad: w.pad,
  };
}

/** Buffers and timing of a pool whose pipeline takes `latency` cycles from a tap to the FIFO. */
export function lowerPool<I extends PoolIR>(ir: I, moduleName: string, latency: number): I & PoolHW {
  const cyclesPerPixel = ir.kernel * ir.kernel;
  return {
    ...ir,
    moduleName,
    bufferRows: windowBufferRows(ir),
    fifoDepth: outputFifoDepth(latency, cyclesPerPixel),
    cyclesPerFrame: windowCyclesPerFrame(ir.input, ir.output, cyclesPerPixel),
  };
}

/** The wrapper that sets potgen_pool_layer's parameters; `extra` selects and configures the mode. */
export function emitPool(layer: PoolHW, what: string, extra: readonly Parameter[] = [], notes: readonly string[] = []): LayerFile[] {
  const width = layer.input.channels * layer.inputBits;
  const parameters: Parameter[] = [
    { name: 'H', value: layer.input.height },
    { name: 'W', value: layer.input.width },
    { name: 'C', value: layer.input.channels },
    { name: 'AB', value: layer.inputBits },
    { name: 'K', value: layer.kernel },
    { name: 'S', value: layer.stride },
    { name: 'PAD', value: layer.pad },
    { name: 'R', value: layer.bufferRows },
    { name: 'FIFO_DEPTH', value: layer.fifoDepth },
    ...extra,
  ];
  return [
    {
      kind: 'template',
      module: layer.moduleName,
      template: 'library_wrapper.v.hbs',
      values: {
        description: [
          `Layer ${layer.name}: ${what} ${layer.kernel}x${layer.kernel}, stride ${layer.stride}, padding ${layer.pad},`,
          `${formatShape(layer.input)} -> ${formatShape(layer.output)}, ${layer.inputBits}-bit activations,`,
          ...notes,
          `${layer.kernel * layer.kernel} cycles per output pixel, ${layer.cyclesPerFrame} cycles per frame in steady state.`,
        ],
        library: 'potgen_pool_layer',
        inWidthMsb: width - 1,
        outWidthMsb: width - 1,
        parameters,
      },
    },
  ];
}

/** A pool's line in the build summary. */
export function describePool(l: PoolHW, what: string): string {
  return `${l.name} (${what} ${l.kernel}x${l.kernel} / ${l.stride}): ${formatShape(l.input)} -> ${formatShape(l.output)}, ${l.cyclesPerFrame} cycles/frame`;
}
