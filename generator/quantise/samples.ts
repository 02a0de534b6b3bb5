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
