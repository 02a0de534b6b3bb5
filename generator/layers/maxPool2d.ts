/** The maxPool2d kind: max pooling of unsigned activations (zero padding never beats a real value). */
import { maxPool } from '../arith/conv.ts';
import { floatMaxPool } from '../arith/float.ts';
import type { LayerKind, LayerSpecBase } from './kind.ts';
import { LIMITS } from './limits.ts';
import { POOL_LIBRARY, checkPoolChain, describePool, emitPool, lowerPool, poolIR, poolOutputShape, type PoolHW, type PoolIR } from './poolEngine.ts';

/** A validated max-pooling layer. */
export interface MaxPool2dSpec extends LayerSpecBase {
  readonly kind: 'maxPool2d';
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
}

/** Max pooling in integers. */
export interface MaxPoolIR extends PoolIR {
  readonly kind: 'maxPool2d';
}

/** Pipeline stages from a window step to the FIFO write (see potgen_pool_layer.v). */
const MAX_POOL_LATENCY = 2;

const geometry = (spec: MaxPool2dSpec) => ({ kernel: spec.kernel, stride: spec.stride, pad: spec.padding });

export const maxPool2d: LayerKind<MaxPool2dSpec, MaxPoolIR, MaxPoolIR & PoolHW> = {
  kind: 'maxPool2d',
  summary: 'max pooling',
  attributes: {
    name: { type: 'identifier' },
    kernel: { type: 'int', ...LIMITS.kernel },
    stride: { type: 'int', min: 1, max: 7, optional: true },
    padding: { type: 'int', min: 0, max: 3, default: 0 },
  },
  weighted: false,
  library: POOL_LIBRARY,

  complete: (v) => ({ ...v, stride: v.stride ?? v.kernel }) as MaxPool2dSpec,
  checkChain: (spec, ctx) => checkPoolChain(ctx, geometry(spec)),
  outputShape: (spec, input) => poolOutputShape(input, geometry(spec)),
  outputSigned: () => false,

  onnx: {
    ops: ['MaxPool'],
    import(node, layer) {
      node.noAutoPad();
      if (!node.has('kernel_shape')) node.fail(`${node.label} has no kernel_shape attribute.`);
      node.checkKernel(node.ints('kernel_shape', []), layer.kernel, layer.name);
      node.check2d('strides', layer.stride, (s) => `has strides ${s} but layer '${layer.name}' declares stride ${layer.stride}.`);
      node.checkPads(layer.padding, layer.name);
      const ceil = node.int('ceil_mode', 0);
      if (ceil !== 0) {
        node.fail(`${node.label} has ceil_mode ${ceil}, but layer '${layer.name}' rounds its output size down (ceil_mode 0); export with ceil_mode=False.`);
      }
      node.check2d('dilations', 1, (d) => `has dilations ${d} but potgen supports only dilation 1 (layer '${layer.name}').`);
      return {};
    },
  },
  runFloat: (spec, x) => floatMaxPool(x, spec.kernel, spec.stride, spec.padding),

  quantise: (spec, q) => ({ ir: poolIR('maxPool2d', spec.name, q, geometry(spec)) }),
  run: (ir, x) => maxPool(x, ir.kernel, ir.stride, ir.pad),
  lower: (ir, moduleName) => lowerPool(ir, moduleName, MAX_POOL_LATENCY),
  emit: (hw) => emitPool(hw, 'max pooling'),
  describe: (hw) => describePool(hw, 'max pool'),
  manifest: () => ({}),
};
