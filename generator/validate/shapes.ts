/** Feature-map shapes through the network, shared by validation, passes and the reference model. */
import type { Conv2dSpec } from '../dsl/types.ts';

/** A feature map: height × width × channels, channels innermost in memory and on the stream. */
export interface Shape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

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
