/**
 * Feature maps and their shapes: the vocabulary every stage shares. Maps are height × width ×
 * channels with channels innermost (the order pixels travel on the stream), except `FloatMap`,
 * which keeps PyTorch's channel-major order because the float model mirrors training.
 */

/** A feature map's shape: height × width × channels. */
export interface Shape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** An integer feature map, channels innermost: data[(y·W + x)·C + c]. */
export interface FeatureMap extends Shape {
  readonly data: Int32Array;
}

/** A float feature map, channel-major like PyTorch: data[(c·H + y)·W + x]. */
export interface FloatMap extends Shape {
  readonly data: Float64Array;
}

/**
 * Output side of a window walked over an input side with zero padding `pad` on both ends:
 * floor((in + 2·pad − kernel) / stride) + 1. The one formula for convolution and pooling alike.
 */
export function windowOutputSide(inSide: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((inSide + 2 * pad - kernel) / stride) + 1;
}

/** The output shape of a square window over `input`. */
export function windowOutputShape(input: Shape, kernel: number, stride: number, pad: number, channels: number): Shape {
  return {
    height: windowOutputSide(input.height, kernel, stride, pad),
    width: windowOutputSide(input.width, kernel, stride, pad),
    channels,
  };
}

/** Values in one map of this shape. */
export function shapeSize(shape: Shape): number {
  return shape.height * shape.width * shape.channels;
}

/** `HxWxC`, as messages and generated headers print a shape. */
export function formatShape(shape: Shape): string {
  return `${shape.height}x${shape.width}x${shape.channels}`;
}
