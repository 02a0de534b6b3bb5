/**
 * Quantisation: float tensors → integer IR. Each layer kind quantises itself (weights to PoT or
 * uniform codes with a power-of-two scale, biases to accumulator units, the requantisation shift
 * calibrated on sample images); this loop carries the stream's format and the calibration
 * activations from each layer to the next, through the integer layers exactly as the RTL computes.
 */
import type { FeatureMap, Shape } from '../core/shapes.ts';
import type { NdArray } from '../core/tensors.ts';
import type { NetworkIR, NetworkSpec } from '../ir/types.ts';
import type { Quantised } from '../layers/kind.ts';
import { kindOf, type LayerIR } from '../layers/registry.ts';

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
  spec.layers.forEach((layerSpec, index) => {
    const kind = kindOf(layerSpec);
    const weight = tensors.get(`${layerSpec.name}.weight`);
    const bias = tensors.get(`${layerSpec.name}.bias`);
    const quantised: Quantised<LayerIR> | undefined = kind.quantise(layerSpec, {
      input: shape,
      inputBits: bits,
      inputExponent: exponent,
      inputSigned: signed,
      tensors: { ...(weight ? { weight } : {}), ...(bias ? { bias } : {}) },
      samples: activations,
    });
    if (!quantised) return;
    const { ir } = quantised;
    layers.push(ir);
    if (index < spec.layers.length - 1) activations = quantised.outputs ?? activations.map((x) => kind.run(ir, x));
    shape = ir.output;
    bits = ir.outputBits;
    exponent = ir.outputExponent;
    signed = ir.outputSigned;
  });
  return { kind: 'network', name: spec.name, source, input: spec.input, layers, sampleSeed: spec.sampleSeed };
}
