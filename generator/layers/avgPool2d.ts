/**
 * The avgPool2d kind: average pooling of unsigned activations, as PyTorch's AvgPool2d with its
 * default count_include_pad=True (zeros in the padding count, the divisor is always N = K·K), and
 * global average pooling as the whole-map case (`global: true`, AdaptiveAvgPool2d(1) in PyTorch,
 * GlobalAveragePool in ONNX).
 *
 * Arithmetic (rules.ts): the window sum, then its rounded mean through a fixed-point reciprocal,
 * y = (sum · M + 2^(q−1)) >> q, equal to round-half-up(sum / N) for every reachable sum. When N is
 * a power of two this is a plain rounding shift; otherwise the hardware multiplies by the constant
 * M with shifted additions, so even the PoT design contains no multiplier.
 */
import { poolSums } from '../arith/conv.ts';
import { floatAvgPool } from '../arith/float.ts';
import { applyReciprocal, averageReciprocal } from '../arith/rules.ts';
import type { Shape } from '../core/shapes.ts';
import type { ChainContext, LayerKind, LayerSpecBase } from './kind.ts';
import { LIMITS } from './limits.ts';
import { POOL_LIBRARY, checkPoolChain, checkUnsignedInput, describePool, emitPool, lowerPool, poolIR, poolOutputShape, type PoolHW, type PoolIR } from './poolEngine.ts';
import type { WindowGeometry } from './window.ts';

/** A validated average-pooling layer; a global one has no kernel of its own (it is the map's side). */
export interface AvgPool2dSpec extends LayerSpecBase {
  readonly kind: 'avgPool2d';
  readonly global: boolean;
  readonly kernel: number | undefined;
  readonly stride: number | undefined;
  readonly padding: number | undefined;
}

/** Average pooling in integers. */
export interface AvgPoolIR extends PoolIR {
  readonly kind: 'avgPool2d';
  readonly global: boolean;
  /** N = K·K, the values averaged. */
  readonly divisor: number;
  /** The fixed-point reciprocal of N: y = (sum · multiplier + 2^(shift−1)) >> shift. */
  readonly multiplier: number;
  readonly reciprocalShift: number;
}

/**
 * Pipeline stages from a window step to the FIFO write (see potgen_pool_layer.v): read, sum,
 * and the constant multiply registered before the FIFO.
 */
const AVG_POOL_LATENCY = 3;

/** The window of a layer: the whole (square) map for global pooling. */
function geometry(spec: AvgPool2dSpec, input: Shape): WindowGeometry {
  if (spec.global) return { kernel: input.height, stride: 1, pad: 0 };
  return { kernel: spec.kernel!, stride: spec.stride ?? spec.kernel!, pad: spec.padding ?? 0 };
}

function checkChain(spec: AvgPool2dSpec, ctx: ChainContext): void {
  if (spec.global) {
    for (const key of ['kernel', 'stride', 'padding'] as const) {
      if (spec[key] !== undefined) {
        ctx.error(key, `${ctx.label}: global average pooling takes the whole map, so it has no '${key}'.`, `Leave out '${key}', or set global: false.`);
      }
    }
    if (ctx.input && ctx.input.height !== ctx.input.width) {
      ctx.error(undefined, `${ctx.label}: global average pooling needs a square map (potgen's window is square), not ${ctx.input.height}x${ctx.input.width}.`);
    }
    checkUnsignedInput(ctx);
    return;
  }
  if (spec.kernel === undefined) {
    ctx.error(undefined, `${ctx.label} needs 'kernel'.`, 'Give kernel (and optionally stride and padding), or global: true for global average pooling.');
    return;
  }
  if (ctx.input) checkPoolChain(ctx, geometry(spec, ctx.input));
}

export const avgPool2d: LayerKind<AvgPool2dSpec, AvgPoolIR, AvgPoolIR & PoolHW> = {
  kind: 'avgPool2d',
  summary: 'average pooling',
  attributes: {
    name: { type: 'identifier' },
    kernel: { type: 'int', ...LIMITS.kernel, optional: true },
    stride: { type: 'int', min: 1, max: 7, optional: true },
    padding: { type: 'int', min: 0, max: 3, optional: true },
    global: { type: 'bool', default: false },
  },
  weighted: false,
  library: POOL_LIBRARY,

  checkChain,
  outputShape: (spec, input) => poolOutputShape(input, geometry(spec, input)),
  outputSigned: () => false,

  onnx: {
    ops: ['AveragePool', 'GlobalAveragePool'],
    foldsPad: true,
    import(node, layer, input) {
      if (node.opType === 'GlobalAveragePool') {
        if (!layer.global) {
          node.fail(`${node.label} averages the whole map, but layer '${layer.name}' declares a ${layer.kernel}x${layer.kernel} window; use avgPool2d({ name: '${layer.name}', global: true }).`);
        }
        node.checkPads(0, layer.name);
        return {};
      }
      const w = geometry(layer, input);
      node.noAutoPad();
      if (!node.has('kernel_shape')) node.fail(`${node.label} has no kernel_shape attribute.`);
      node.checkKernel(node.ints('kernel_shape', []), w.kernel, layer.name);
      if (!layer.global) {
        node.check2d('strides', w.stride, (s) => `has strides ${s} but layer '${layer.name}' declares stride ${w.stride}.`);
      }
      node.checkPads(w.pad, layer.name);
      const ceil = node.int('ceil_mode', 0);
      if (ceil !== 0) {
        node.fail(`${node.label} has ceil_mode ${ceil}, but layer '${layer.name}' rounds its output size down (ceil_mode 0); export with ceil_mode=False.`);
      }
      // Padding from a Pad node is real zeros; the node's own padding counts only with count_include_pad.
      if (node.ownPadding() && node.int('count_include_pad', 0) !== 1) {
        node.fail(`${node.label} leaves the padding out of its averages (count_include_pad 0), but layer '${layer.name}' divides by the whole ${w.kernel}x${w.kernel} window, as PyTorch's AvgPool2d does by default; export with count_include_pad=True.`);
      }
      node.check2d('dilations', 1, (d) => `has dilations ${d} but potgen supports only dilation 1 (layer '${layer.name}').`);
      return {};
    },
  },
  runFloat(spec, x) {
    const w = geometry(spec, x);
    return floatAvgPool(x, w.kernel, w.stride, w.pad);
  },

  quantise(spec, q) {
    const w = geometry(spec, q.input);
    const divisor = w.kernel * w.kernel;
    const r = averageReciprocal(divisor, divisor * (2 ** q.inputBits - 1));
    return { ir: { ...poolIR('avgPool2d', spec.name, q, w), global: spec.global, divisor, multiplier: r.multiplier, reciprocalShift: r.shift } };
  },
  run(ir, x) {
    const sums = poolSums(x, ir.kernel, ir.stride, ir.pad);
    const r = { multiplier: ir.multiplier, shift: ir.reciprocalShift };
    return { ...sums, data: sums.data.map((s) => applyReciprocal(s, r)) };
  },
  lower: (ir, moduleName) => lowerPool(ir, moduleName, AVG_POOL_LATENCY),
  emit: (hw) =>
    emitPool(
      hw,
      hw.global ? 'global average pooling' : 'average pooling',
      [
        { name: 'MODE', value: 1 },
        { name: 'RECIP', value: hw.multiplier },
        { name: 'RSHIFT', value: hw.reciprocalShift },
      ],
      [
        hw.reciprocalShift > 0
          ? `mean of ${hw.divisor} values rounded half up: (sum * ${hw.multiplier} + 2^${hw.reciprocalShift - 1}) >> ${hw.reciprocalShift},`
          : 'a 1x1 window: the value itself,',
      ],
    ),
  describe: (hw) => describePool(hw, hw.global ? 'global average pool' : 'average pool'),
  manifest: (hw) => ({ divisor: hw.divisor, multiplier: hw.multiplier, reciprocalShift: hw.reciprocalShift }),
};
