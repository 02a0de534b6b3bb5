/**
 * The float model: the network as trained, in double precision with PyTorch's layouts and
 * semantics, on inputs scaled by 2^-8. Accuracy reports set it beside the integer models.
 */
import type { FeatureMap } from '../core/shapes.ts';
import type { NetworkSpec } from '../dsl/types.ts';
import { convPadding, layerInputShapes } from '../validate/shapes.ts';
import type { NdArray } from '../core/tensors.ts';

/** A float feature map, channel-major like PyTorch: data[(c·H + y)·W + x]. */
interface FloatMap {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float64Array;
}

function conv(x: FloatMap, w: ArrayLike<number>, b: ArrayLike<number> | undefined, oc: number, k: number, s: number, pad: number, relu: boolean): FloatMap {
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
  const data = new Float64Array(oc * oh * ow);
  for (let o = 0; o < oc; o++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let acc = b ? b[o]! : 0;
        for (let c = 0; c < x.channels; c++)
          for (let ky = 0; ky < k; ky++) {
            const iy = oy * s - pad + ky;
            if (iy < 0 || iy >= x.height) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox * s - pad + kx;
              if (ix < 0 || ix >= x.width) continue;
              acc += x.data[(c * x.height + iy) * x.width + ix]! * w[((o * x.channels + c) * k + ky) * k + kx]!;
            }
          }
        data[(o * oh + oy) * ow + ox] = relu ? Math.max(0, acc) : acc;
      }
  return { height: oh, width: ow, channels: oc, data };
}

function maxPool(x: FloatMap, k: number, s: number, pad: number): FloatMap {
  const oh = Math.floor((x.height + 2 * pad - k) / s) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / s) + 1;
  const data = new Float64Array(x.channels * oh * ow);
  for (let c = 0; c < x.channels; c++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * s - pad + ky;
            const ix = ox * s - pad + kx;
            if (iy >= 0 && iy < x.height && ix >= 0 && ix < x.width) best = Math.max(best, x.data[(c * x.height + iy) * x.width + ix]!);
          }
        data[(c * oh + oy) * ow + ox] = best;
      }
  return { height: oh, width: ow, channels: x.channels, data };
}

/** The float outputs of the last layer (the class index for arg-max) for an 8-bit image. */
export function runFloat(spec: NetworkSpec, tensors: ReadonlyMap<string, NdArray>, image: FeatureMap): Float64Array {
  // Channels-last integers → channel-major floats scaled by 2^-8.
  const { height, width, channels } = image;
  let x: FloatMap = { height, width, channels, data: new Float64Array(channels * height * width) };
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < height * width; i++) x.data[c * height * width + i] = image.data[i * channels + c]! / 256;
  const inputs = layerInputShapes(spec.input, spec.layers);
  spec.layers.forEach((layer, i) => {
    const w = tensors.get(`${layer.name}.weight`)?.data;
    const b = tensors.get(`${layer.name}.bias`)?.data;
    switch (layer.kind) {
      case 'conv2d':
        x = conv(x, w!, layer.bias ? b : undefined, layer.outChannels, layer.kernel, layer.stride, convPadding(layer), layer.activation === 'relu');
        break;
      case 'dense':
        // A dense layer on the channel-major map is a convolution whose kernel is the whole map.
        x = conv(x, w!, layer.bias ? b : undefined, layer.outFeatures, inputs[i]!.height, 1, 0, layer.activation === 'relu');
        break;
      case 'maxPool2d':
        x = maxPool(x, layer.kernel, layer.stride, layer.padding);
        break;
      case 'flatten':
        break;
      case 'argmax': {
        let best = 0;
        for (let j = 1; j < x.data.length; j++) if (x.data[j]! > x.data[best]!) best = j;
        x = { height: 1, width: 1, channels: 1, data: Float64Array.of(best) };
        break;
      }
    }
  });
  return x.data;
}
