/** The conv2d kind: a 2-D convolution with bias, requantisation and ReLU, on the conv engine. */
import { floatConv } from '../arith/float.ts';
import { windowOutputShape, type Shape } from '../core/shapes.ts';
import {
  CONV_HELPER_MODULES,
  WEIGHTED_ATTRIBUTES,
  checkWeightedChain,
  describeConv,
  emitConv,
  floatBias,
  lowerConv,
  manifestConv,
  quantiseConv,
  runConv,
  type ConvHW,
  type ConvIR,
  type WeightedSpec,
} from './convEngine.ts';
import type { LayerKind } from './kind.ts';
import { LIMITS } from './limits.ts';
import { checkWindowFits } from './window.ts';

/** A validated conv2d layer: every default filled in, every rule checked. */
export interface Conv2dSpec extends WeightedSpec {
  readonly kind: 'conv2d';
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: 'valid' | 'same';
}

/** Zero padding on each side: (kernel-1)/2 for `same` (PyTorch's symmetric padding), 0 for `valid`. */
export function convPadding(layer: Pick<Conv2dSpec, 'padding' | 'kernel'>): number {
  return layer.padding === 'same' ? (layer.kernel - 1) / 2 : 0;
}

function outputShape(spec: Conv2dSpec, input: Shape): Shape {
  return windowOutputShape(input, spec.kernel, spec.stride, convPadding(spec), spec.outChannels);
}

export const conv2d: LayerKind<Conv2dSpec, ConvIR, ConvHW> = {
  kind: 'conv2d',
  summary: 'a 2-D convolution',
  attributes: {
    name: { type: 'identifier' },
    outChannels: { type: 'int', ...LIMITS.channels },
    kernel: { type: 'int', ...LIMITS.kernel },
    stride: { type: 'int', min: 1, max: 7, default: 1 },
    padding: { type: 'enum', values: ['valid', 'same'], default: 'valid' },
    ...WEIGHTED_ATTRIBUTES,
  },
  weighted: true,
  library: ['potgen_conv_layer', 'potgen_window', 'potgen_dot_array', 'potgen_adder_tree', 'potgen_axis_fifo'],

  checkChain(spec, ctx) {
    checkWeightedChain(spec, spec.outChannels, 'outChannels', spec.kernel, ctx);
    if (spec.padding === 'same' && spec.kernel % 2 === 0) {
      ctx.error('padding', `${ctx.label}: 'same' padding needs an odd kernel, but the kernel is ${spec.kernel}.`, `Use kernel ${spec.kernel + 1} or padding 'valid'.`);
      return;
    }
    checkWindowFits(ctx, spec.kernel, convPadding(spec));
  },
  outputShape,
  outputSigned: (spec) => spec.activation === 'none',
  helperModules: () => CONV_HELPER_MODULES,

  tensors(spec, input) {
    const k = spec.kernel;
    return [
      { role: 'weight', shape: [spec.outChannels, input.channels, k, k], meaning: '(out channels, in channels, kernel, kernel)' },
      ...(spec.bias ? [{ role: 'bias' as const, shape: [spec.outChannels], meaning: '(out channels)' }] : []),
    ];
  },
  onnx: {
    ops: ['Conv'],
    import(node, layer, input) {
      node.noAutoPad();
      const group = node.int('group', 1);
      if (group !== 1) {
        node.fail(`${node.label} has group ${group} (a grouped convolution) but layer '${layer.name}' is an ordinary convolution; potgen imports only group 1.`);
      }
      const w = node.constantInput(1, 'weight');
      node.check2d('dilations', 1, (d) => `has dilations ${d} but potgen supports only dilation 1 (layer '${layer.name}').`);
      node.checkKernel(node.ints('kernel_shape', w.value.shape.slice(2)), layer.kernel, layer.name);
      node.check2d('strides', layer.stride, (s) => `has strides ${s} but layer '${layer.name}' declares stride ${layer.stride}.`);
      node.checkPads(convPadding(layer), layer.name);
      const need = [layer.outChannels, input.channels, layer.kernel, layer.kernel];
      if (w.value.shape.length !== 4 || w.value.shape.some((d, i) => d !== need[i])) {
        node.fail(`${node.label} has weight '${w.name}' of shape [${w.value.shape.join(', ')}] but layer '${layer.name}' needs [${need.join(', ')}] (out channels, in channels, kernel, kernel).`);
      }
      const bias = node.bias(layer.outChannels, layer.bias, 'out channels');
      return { weight: { shape: need, data: Float64Array.from(w.value.data) }, ...(bias ? { bias } : {}) };
    },
  },
  runFloat: (spec, x, t) =>
    floatConv(x, t.weight!.data, floatBias(spec, t.bias), spec.outChannels, spec.kernel, spec.stride, convPadding(spec), spec.activation === 'relu'),

  quantise: (spec, q) =>
    quantiseConv(spec, q, { outChannels: spec.outChannels, kernel: spec.kernel, stride: spec.stride, pad: convPadding(spec) }),
  run: runConv,
  lower: lowerConv,
  emit: (hw) => emitConv(hw, `conv2d ${hw.kernel}x${hw.kernel}`),
  describe: describeConv,
  manifest: manifestConv,
};
