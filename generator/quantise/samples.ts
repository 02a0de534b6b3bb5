/** Sample input images made from a seed: for calibration and test vectors when no data set is given. */
import type { FeatureMap } from '../core/shapes.ts';
import type { Shape } from '../core/shapes.ts';
import { createRng } from '../core/rng.ts';

/** `count` images of uniformly random 8-bit pixels, the same for the same seed. */
export function randomImages(shape: Shape, seed: number, count: number): FeatureMap[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const data = new Int32Array(shape.height * shape.width * shape.channels);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(0, 255);
    return { ...shape, data };
  });
}

/**
 * An endless, seeded stream of varied images for test vectors: uniform noise first (the images
 * `randomImages` gives), then images of other statistics (dim, bright, sparse, blocky, one level
 * per channel), so that a network whose outputs barely move on noise still meets inputs that
 * move them.
 */
export function* varyingImages(shape: Shape, seed: number): Generator<FeatureMap> {
  const rng = createRng(seed);
  const size = shape.height * shape.width * shape.channels;
  for (let n = 0; ; n++) {
    const data = new Int32Array(size);
    const family = n < 4 ? 0 : n % 5;
    if (family === 0) {
      for (let i = 0; i < size; i++) data[i] = rng.int(0, 255);
    } else if (family === 1) {
      // A random range: dim, bright, or narrow.
      const lo = rng.int(0, 255);
      const hi = rng.int(lo, 255);
      for (let i = 0; i < size; i++) data[i] = rng.int(lo, hi);
    } else if (family === 2) {
      // Sparse bright pixels on black, like strokes.
      const p = 0.05 + 0.4 * rng.next();
      for (let i = 0; i < size; i++) data[i] = rng.next() < p ? rng.int(128, 255) : 0;
    } else if (family === 3) {
      // Blocks of one value per channel.
      const block = rng.int(2, Math.max(2, Math.ceil(Math.min(shape.height, shape.width) / 2)));
      const levels = new Map<number, number>();
      for (let y = 0; y < shape.height; y++)
        for (let x = 0; x < shape.width; x++)
          for (let c = 0; c < shape.channels; c++) {
            const key = ((Math.floor(y / block) * 4096 + Math.floor(x / block)) * 8192 + c) | 0;
            let v = levels.get(key);
            if (v === undefined) levels.set(key, (v = rng.int(0, 255)));
            data[(y * shape.width + x) * shape.channels + c] = v;
          }
    } else {
      // One level per channel.
      const levels = Array.from({ length: shape.channels }, () => rng.int(0, 255));
      for (let i = 0; i < size; i++) data[i] = levels[i % shape.channels]!;
    }
    yield { ...shape, data };
  }
}
