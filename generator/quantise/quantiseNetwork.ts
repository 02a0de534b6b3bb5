/**
 * Quantisation: float tensors → integer IR. Weights become PoT or uniform codes with a per-layer
 * power-of-two scale, biases move to accumulator units, and each layer's requantisation shift is
 * calibrated on sample images run through the integer layers before it.
 */
import { convAccumulators, requantiseMap, type FeatureMap } from '../arith/conv.ts';
import { calibrateShift, quantiseBias, quantisePot, quantiseUniform } from '../arith/rules.ts';
import type { Conv2dSpec, NetworkSpec } from '../dsl/types.ts';
import type { ConvLayerIR, NetworkIR } from '../ir/types.ts';
import { convOutputShape, convPadding, type Shape } from '../validate/shapes.ts';
import type { NdArray } from '../weights/npy.ts';

/** The exponent of the input image's scale: pixel X stands for X · 2^-8. */
export const INPUT_EXPONENT = -8;

/** Quantises every layer; `samples` drive shift calibration where the model gives no shift. */
export function quantiseNetwork(spec: NetworkSpec, tensors: ReadonlyMap<string, NdArray>, samples: readonly FeatureMap[], source: string): NetworkIR {
  let shape: Shape = spec.input;
  let bits: number = spec.input.bits;
  let exponent = INPUT_EXPONENT;
  let activations = samples;
  const layers: ConvLayerIR[] = [];
  for (const layerSpec of spec.layers) {
    const layer = quantiseConv(layerSpec, tensors, shape, bits, exponent, activations);
    layers.push(layer);
    activations = activations.map((x) => requantiseMap(convAccumulators(x, layer), layer.shift, layer.outputBits));
    shape = layer.output;
    bits = layer.outputBits;
    exponent = layer.inputExponent + layer.weightExponent + layer.shift;
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

function quantiseConv(
  spec: Conv2dSpec,
  tensors: ReadonlyMap<string, NdArray>,
  input: Shape,
  inputBits: number,
  inputExponent: number,
  samples: readonly FeatureMap[],
): ConvLayerIR {
  const weight = tensors.get(`${spec.name}.weight`);
  if (!weight) throw new Error(`internal: tensor ${spec.name}.weight was not imported`);
  const floats = toChannelsLast(weight.data, spec.outChannels, input.channels, spec.kernel);
  const q = spec.weights.kind === 'pot' ? quantisePot(floats, spec.weights.bits) : quantiseUniform(floats, spec.weights.bits);
  const floatBias = spec.bias ? tensors.get(`${spec.name}.bias`)?.data : undefined;
  const bias = Array.from({ length: spec.outChannels }, (_, o) => (floatBias ? quantiseBias(floatBias[o]!, inputExponent + q.exponent) : 0));
  const layer: ConvLayerIR = {
    kind: 'conv2d',
    name: spec.name,
    input,
    output: convOutputShape(spec, input),
    inputBits,
    outputBits: spec.activationBits,
    kernel: spec.kernel,
    stride: spec.stride,
    pad: convPadding(spec),
    quant: spec.weights.kind,
    weightBits: spec.weights.bits,
    weightCodes: Array.from(q.codes),
    weightValues: Array.from(q.values),
    weightExponent: q.exponent,
    inputExponent,
    bias,
    shift: 0,
    pe: spec.pe,
    simd: spec.simd,
  };
  if (spec.shift !== undefined) return { ...layer, shift: spec.shift };
  let peak = 0;
  for (const x of samples) for (const v of convAccumulators(x, layer).data) peak = Math.max(peak, v);
  return { ...layer, shift: calibrateShift(peak, spec.activationBits) };
}
