/** Feature-map shapes through the network, shared by validation, passes and the reference model. */
import type { Shape } from '../core/shapes.ts';
import type { Conv2dSpec, LayerSpec } from '../dsl/types.ts';

/** Zero padding on each side: (kernel-1)/2 for `same` (PyTorch's symmetric padding), 0 for `valid`. */
export function convPadding(layer: Pick<Conv2dSpec, 'padding' | 'kernel'>): number {
  return layer.padding === 'same' ? (layer.kernel - 1) / 2 : 0;
}

/** Output side of a convolution: floor((in + 2·pad − kernel) / stride) + 1. */
export function convOutputSide(inSide: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((inSide + 2 * pad - kernel) / stride) + 1;
}

/** The output shape of a conv layer. */
export function convOutputShape(layer: Pick<Conv2dSpec, 'padding' | 'kernel' | 'stride' | 'outChannels'>, input: Shape): Shape {
  const pad = convPadding(layer);
  return {
    height: convOutputSide(input.height, layer.kernel, layer.stride, pad),
    width: convOutputSide(input.width, layer.kernel, layer.stride, pad),
    channels: layer.outChannels,
  };
}

/** The output shape of any validated layer. */
export function layerOutputShape(layer: LayerSpec, input: Shape): Shape {
  switch (layer.kind) {
    case 'conv2d':
      return convOutputShape(layer, input);
    case 'dense':
      return { height: 1, width: 1, channels: layer.outFeatures };
    case 'maxPool2d':
      return {
        height: convOutputSide(input.height, layer.kernel, layer.stride, layer.padding),
        width: convOutputSide(input.width, layer.kernel, layer.stride, layer.padding),
        channels: input.channels,
      };
    case 'flatten':
      return input;
    case 'argmax':
      return { height: 1, width: 1, channels: 1 };
  }
}

/** The input shape of every layer, in order. */
export function layerInputShapes(input: Shape, layers: readonly LayerSpec[]): Shape[] {
  const shapes: Shape[] = [];
  let shape = input;
  for (const layer of layers) {
    shapes.push(shape);
    shape = layerOutputShape(layer, shape);
  }
  return shapes;
}
