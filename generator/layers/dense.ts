/**
 * The dense kind: a fully connected layer with bias, requantisation and ReLU (or signed outputs).
 * In hardware it is a convolution whose kernel covers the whole (square) input map, so its weight
 * [out, C·H·W], in PyTorch's flatten order, is read as a conv weight [out, C, H, W].
 */
import { floatConv } from '../arith/float.ts';
import type { Shape } from '../core/shapes.ts';
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

/** A validated dense layer. */
export interface DenseSpec extends WeightedSpec {
  readonly kind: 'dense';
  readonly outFeatures: number;
}

const features = (input: Shape): number => input.height * input.width * input.channels;

export const dense: LayerKind<DenseSpec, ConvIR, ConvHW> = {
  kind: 'dense',
  summary: 'a fully connected layer',
  attributes: {
    name: { type: 'identifier' },
    outFeatures: { type: 'int', ...LIMITS.channels },
    ...WEIGHTED_ATTRIBUTES,
  },
  weighted: true,
  library: ['potgen_conv_layer', 'potgen_window', 'potgen_dot_array', 'potgen_adder_tree', 'potgen_axis_fifo'],

  checkChain(spec, ctx) {
    checkWeightedChain(spec, spec.outFeatures, 'outFeatures', ctx.input && ctx.input.height === ctx.input.width ? ctx.input.height : undefined, ctx);
    const input = ctx.input;
    if (!input) return;
    if (ctx.previous?.kind !== 'flatten' && (input.height !== 1 || input.width !== 1)) {
      ctx.error(undefined, `${ctx.label} receives a ${input.height}x${input.width}x${input.channels} feature map.`, 'Put flatten() before it.');
    } else if (input.height !== input.width) {
      ctx.error(undefined, `${ctx.label}: potgen's dense engine needs a square map before flatten(), not ${input.height}x${input.width}.`);
    }
  },
  outputShape: (spec) => ({ height: 1, width: 1, channels: spec.outFeatures }),
  outputSigned: (spec) => spec.activation === 'none',
  helperModules: () => CONV_HELPER_MODULES,

  tensors(spec, input) {
    return [
      { role: 'weight', shape: [spec.outFeatures, features(input)], meaning: '(out features, in features)' },
      ...(spec.bias ? [{ role: 'bias' as const, shape: [spec.outFeatures], meaning: '(out features)' }] : []),
    ];
  },
  onnx: {
    ops: ['Gemm', 'MatMul'],
    import(node, layer, input) {
      const w = node.constantInput(1, 'weight');
      let transposed: boolean; // whether the stored weight is [in, out]
      let note = '';
      if (node.opType === 'Gemm') {
        const transA = node.int('transA', 0);
        if (transA !== 0) node.fail(`${node.label} has transA ${transA}, which potgen does not import (layer '${layer.name}').`);
        const alpha = node.float('alpha', 1);
        const beta = node.float('beta', 1);
        if (alpha !== 1 || beta !== 1) {
          node.fail(`${node.label} has alpha ${alpha} and beta ${beta}; potgen imports Gemm only with alpha = beta = 1 (layer '${layer.name}').`);
        }
        const transB = node.int('transB', 0);
        transposed = transB === 0;
        note = ` (transB = ${transB})`;
      } else {
        transposed = true;
      }
      const inFeatures = features(input);
      const s = w.value.shape;
      const [rows, cols] = [s[0] ?? 0, s[1] ?? 0];
      const [inF, outF] = transposed ? [rows, cols] : [cols, rows];
      if (s.length !== 2 || inF !== inFeatures || outF !== layer.outFeatures) {
        const io = s.length === 2 ? `, i.e. ${inF} inputs and ${outF} outputs${note},` : '';
        node.fail(`${node.label} has weight '${w.name}' of shape [${s.join(', ')}]${io} but layer '${layer.name}' declares inFeatures ${inFeatures} and outFeatures ${layer.outFeatures}.`);
      }
      const data = new Float64Array(outF * inF);
      for (let o = 0; o < outF; o++) {
        for (let i = 0; i < inF; i++) data[o * inF + i] = w.value.data[transposed ? i * outF + o : o * inF + i]!;
      }
      const bias = node.bias(outF, layer.bias, 'out features');
      return { weight: { shape: [outF, inF], data }, ...(bias ? { bias } : {}) };
    },
  },
  // On the channel-major map, a dense layer is a convolution whose kernel is the whole map.
  runFloat: (spec, x, t) => floatConv(x, t.weight!.data, floatBias(spec, t.bias), spec.outFeatures, x.height, 1, 0, spec.activation === 'relu'),

  quantise: (spec, q) =>
    quantiseConv(spec, q, { outChannels: spec.outFeatures, kernel: q.input.height, stride: 1, pad: 0 }),
  run: runConv,
  lower: lowerConv,
  emit: (hw) => emitConv(hw, `dense (a ${hw.kernel}x${hw.kernel} convolution over the whole map)`),
  describe: describeConv,
  manifest: manifestConv,
};
