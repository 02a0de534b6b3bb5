/**
 * The float model: the network as trained, in double precision with PyTorch's layouts and
 * semantics, on inputs scaled by 2^-8. Accuracy reports set it beside the integer models.
 */
import type { FeatureMap, FloatMap } from '../core/shapes.ts';
import type { NdArray } from '../core/tensors.ts';
import type { NetworkSpec } from '../ir/types.ts';
import { kindOf } from '../layers/registry.ts';

/** An 8-bit image (channels last) as the float model sees it: channel-major, scaled by 2^-8. */
export function floatImage(image: FeatureMap): FloatMap {
  const { height, width, channels } = image;
  const data = new Float64Array(channels * height * width);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < height * width; i++) data[c * height * width + i] = image.data[i * channels + c]! / 256;
  return { height, width, channels, data };
}

/** The float outputs of the last layer (the class index for arg-max) for an 8-bit image. */
export function runFloat(spec: NetworkSpec, tensors: ReadonlyMap<string, NdArray>, image: FeatureMap): Float64Array {
  let x = floatImage(image);
  for (const layer of spec.layers) {
    const weight = tensors.get(`${layer.name}.weight`);
    const bias = tensors.get(`${layer.name}.bias`);
    x = kindOf(layer).runFloat(layer, x, { ...(weight ? { weight } : {}), ...(bias ? { bias } : {}) });
  }
  return x.data;
}
