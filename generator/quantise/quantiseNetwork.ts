/**
 * Quantisation: float tensors → integer IR. Weights become PoT or uniform codes with a per-layer
 * power-of-two scale, biases move to accumulator units, and each layer's requantisation shift is
 * calibrated on sample images run through the integer layers before it.
 */
import { convAccumulators, requantiseMap } from '../arith/conv.ts';
import { type FeatureMap } from '../core/shapes.ts';
import { calibrateShift, quantiseBias, quantisePot, quantiseUniform } from '../arith/rules.ts';
import type { NetworkSpec, WeightedSpec } from '../dsl/types.ts';
import type { ConvLayerIR, LayerIR, NetworkIR } from '../ir/types.ts';
import { runLayer } from '../arith/layers.ts';
import { convOutputShape, convPadding, layerOutputShape } from '../validate/shapes.ts';
import { type Shape } from '../core/shapes.ts';
import type { NdArray } from '../core/tensors.ts';

/** The exponent of the input image's scale: pixel X stands for X · 2^-8. */
export const INPUT_EXPONENT = -8;

/** Quantises every layer; `samples` drive shift calibration where the model gives no shift. */
export function quantiseNetwork(spec: NetworkSpec, tensors: ReadonlyMap<string, NdArray>, samples: readonly FeatureMap[], source: string): NetworkIR {
  let shape: Shape = spec.input;
  let bits: number = spec.input.bits;
  let exponent = INPUT_EXPONENT;
  let signed = false;
  let activations = samples;
  const layers: LayerIR[] = [];
  for (const layerSpec of spec.layers) {
    let layer: LayerIR | undefined;
    switch (layerSpec.kind) {
      case 'conv2d':
      case 'dense': {
        const quantised = quantiseWeighted(layerSpec, tensors, shape, bits, exponent, activations);
        layer = quantised.layer;
        exponent = layer.inputExponent + layer.weightExponent + layer.shift;
        signed = !layer.relu;
        activations = quantised.outputs;
        break;
      }
      case 'maxPool2d':
        layer = {
          kind: 'maxPool2d',
          name: layerSpec.name,
          input: shape,
          output: layerOutputShape(layerSpec, shape),
          inputBits: bits,
          outputBits: bits,
          kernel: layerSpec.kernel,
          stride: layerSpec.stride,
          pad: layerSpec.padding,
        };
        break;
      case 'argmax':
        layer = {
          kind: 'argmax',
          name: layerSpec.name,
          input: shape,
          output: { height: 1, width: 1, channels: 1 },
          inputBits: bits,
          signedInput: signed,
          outputBits: 8 * Math.ceil(Math.max(1, Math.ceil(Math.log2(shape.channels))) / 8),
        };
        break;
      case 'flatten':
        break; // the stream is already in raster order; the next dense layer reads the whole map
    }
    if (!layer) continue;
    layers.push(layer);
    if (layer.kind !== 'conv2d') {
      const current = layer;
      activations = activations.map((x) => runLayer(current, x));
    }
    shape = layer.output;
    bits = layer.outputBits;
  }
  return { kind: 'network', name: spec.name, source, input: spec.input, layers, sampleSeed: spec.sampleSeed };
}

/** Reorders a PyTorch [o][c][ky][kx] weight tensor to potgen's [o][ky][kx][c] (channels innermost). */
export function toChannelsLast(w: ArrayLike<number>, oc: number, c: number, k: number): Float64Array {
  const out = new Float64Array(oc * c * k * k);
  for (let o = 0; o < oc; o++)
    for (let ci = 0; ci < c; ci++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) out[((o * k + ky) * k + kx) * c + ci] = w[((o * c + ci) * k + ky) * k + kx]!;
  return out;
}

/**
 * A conv or dense layer's weights, bias and shift (a dense layer becomes a whole-map convolution),
 * and its outputs on the samples, requantised from the accumulators the calibration computed.
 */
function quantiseWeighted(
  spec: WeightedSpec,
  tensors: ReadonlyMap<string, NdArray>,
  input: Shape,
  inputBits: number,
  inputExponent: number,
  samples: readonly FeatureMap[],
): { layer: ConvLayerIR; outputs: FeatureMap[] } {
  const weight = tensors.get(`${spec.name}.weight`);
  if (!weight) throw new Error(`internal: tensor ${spec.name}.weight was not imported`);
  const dense = spec.kind === 'dense';
  const outChannels = dense ? spec.outFeatures : spec.outChannels;
  const kernel = dense ? input.height : spec.kernel;
  // A dense weight [out, C·H·W] in PyTorch's flatten order is a conv weight [out, C, H, W].
  const floats = toChannelsLast(weight.data, outChannels, input.channels, kernel);
  const q = spec.weights.kind === 'pot' ? quantisePot(floats, spec.weights.bits) : quantiseUniform(floats, spec.weights.bits);
  const floatBias = spec.bias ? tensors.get(`${spec.name}.bias`)?.data : undefined;
  const bias = Array.from({ length: outChannels }, (_, o) => (floatBias ? quantiseBias(floatBias[o]!, inputExponent + q.exponent) : 0));
  const layer: ConvLayerIR = {
    kind: 'conv2d',
    origin: spec.kind,
    name: spec.name,
    input,
    output: dense ? { height: 1, width: 1, channels: outChannels } : convOutputShape(spec, input),
    inputBits,
    outputBits: spec.activationBits,
    kernel,
    stride: dense ? 1 : spec.stride,
    pad: dense ? 0 : convPadding(spec),
    quant: spec.weights.kind,
    weightBits: spec.weights.bits,
    weightCodes: Array.from(q.codes),
    weightValues: Array.from(q.values),
    weightExponent: q.exponent,
    inputExponent,
    bias,
    shift: 0,
    relu: spec.activation === 'relu',
    pe: spec.pe,
    simd: spec.simd,
  };
  const accumulators = samples.map((x) => convAccumulators(x, layer));
  let shift = spec.shift;
  if (shift === undefined) {
    // Unsigned outputs fit the peak into `bits`; signed ones fit the largest magnitude into bits − 1.
    let peak = 0;
    for (const acc of accumulators) for (const v of acc.data) peak = Math.max(peak, layer.relu ? v : Math.abs(v));
    shift = calibrateShift(peak, layer.relu ? spec.activationBits : spec.activationBits - 1);
  }
  const outputs = accumulators.map((acc) => requantiseMap(acc, shift, layer.outputBits, layer.relu));
  return { layer: { ...layer, shift }, outputs };
}
