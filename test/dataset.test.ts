/**
 * Data sets of the user's own: IDX (plain and gzipped), .npy and .npz files load into the images
 * and labels they hold, paths are relative to the model, every bad file or option is reported
 * at the `dataset` option that named it, and builds and `potgen eval` use the set.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../generator/core/errors.ts';
import type { FeatureMap } from '../generator/core/shapes.ts';
import { loadDataset } from '../generator/data/datasets.ts';
import type { DatasetSource, RawNetwork } from '../generator/dsl/types.ts';
import { loadModel } from '../generator/load/loadModel.ts';
import { buildNetwork, compileNetwork, prepareNetwork } from '../generator/pipeline/buildDesign.ts';
import { validateNetwork } from '../generator/validate/validate.ts';
import { writeNpy } from '../generator/weights/npy.ts';
import { writeZip } from '../generator/weights/npz.ts';
import { noLocations } from '../generator/load/locations.ts';
import { runMain, tempDir } from './support/designs.ts';

const root = tempDir('potgen-dataset-');
let folders = 0;

/** Writes `files` into a new folder; returns it. */
function folder(files: Record<string, string | Uint8Array>): string {
  const dir = path.join(root, `d${++folders}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

/** An IDX file written by hand (big-endian header and elements), independent of the reader. */
function idx(type: 'u8' | 'i32' | 'f32', dims: readonly number[], values: ArrayLike<number>): Uint8Array {
  const size = { u8: 1, i32: 4, f32: 4 }[type];
  const out = new Uint8Array(4 + 4 * dims.length + values.length * size);
  const view = new DataView(out.buffer);
  view.setUint8(2, { u8: 0x08, i32: 0x0c, f32: 0x0d }[type]);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const base = 4 + 4 * dims.length;
  for (let i = 0; i < values.length; i++) {
    if (type === 'u8') view.setUint8(base + i, values[i]!);
    else if (type === 'i32') view.setInt32(base + 4 * i, values[i]!);
    else view.setFloat32(base + 4 * i, values[i]!);
  }
  return out;
}

const npy = (dtype: Parameters<typeof writeNpy>[1], shape: number[], values: ArrayLike<number>): Uint8Array =>
  writeNpy({ shape, data: Float64Array.from(values) }, dtype);

/** Pixel (n, y, x, c) of the test sets: distinct enough that any layout mix-up shows. */
const pixel = (n: number, y: number, x: number, c: number): number => (n * 61 + y * 17 + x * 5 + c * 3) % 256;

/** N images of h×w×c in channels-last (file) order. */
function pixels(n: number, h: number, w: number, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out.push(pixel(i, y, x, k));
  return out;
}

/** Checks every pixel of the loaded images against `pixel`, through the FeatureMap layout data[(y·W + x)·C + c]. */
function expectPixels(maps: readonly FeatureMap[], h: number, w: number, c: number): void {
  maps.forEach((map, n) => {
    expect(map).toMatchObject({ height: h, width: w, channels: c });
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) expect(map.data[(y * w + x) * c + k], `image ${n} (${y}, ${x}, ${k})`).toBe(pixel(n, y, x, k));
  });
}

/** A validated data set of files in `dir` (paths relative to a model file there). */
function source(dir: string, dataset: object): DatasetSource {
  const net = {
    kind: 'network',
    name: 'd',
    input: { height: 1, width: 1, channels: 1 },
    weights: { kind: 'random', seed: 1 },
    layers: [{ kind: 'conv2d', name: 'c', outChannels: 1, kernel: 1 }],
    dataset,
  } as unknown as RawNetwork;
  return validateNetwork(net, noLocations, path.join(dir, 'model.ts')).dataset!;
}

describe('loading a data set', () => {
  it('reads IDX images and labels, plain and gzipped, and keeps channels last', () => {
    const dir = folder({
      'img.idx': idx('u8', [3, 2, 4, 3], pixels(3, 2, 4, 3)),
      'lab.idx': idx('u8', [3], [4, 0, 9]),
      'img.idx.gz': gzipSync(idx('u8', [2, 3, 2], pixels(2, 3, 2, 1))),
      'lab.idx.gz': gzipSync(idx('i32', [2], [7, 300])),
    });
    const rgb = loadDataset(source(dir, { kind: 'dataset', test: { images: 'img.idx', labels: 'lab.idx' } }), 'test', { height: 2, width: 4, channels: 3 });
    expect(rgb.count).toBe(3);
    expect([...rgb.labels]).toEqual([4, 0, 9]);
    expectPixels(rgb.images(), 2, 4, 3);
    expect([...rgb.each()]).toEqual(rgb.images());
    expect(rgb.images(1, 2)).toEqual([rgb.images()[1]]);
    const grey = loadDataset(source(dir, { kind: 'dataset', test: { images: 'img.idx.gz', labels: 'lab.idx.gz' } }), 'test', { height: 3, width: 2, channels: 1 });
    expect([...grey.labels]).toEqual([7, 300]);
    expectPixels(grey.images(), 3, 2, 1);
    expect(grey.name).toBe('img.idx.gz');
  });

  it('reads .npy images (N×H×W×C and N×H×W) with int64, int32 and uint8 labels', () => {
    const dir = folder({
      'x.npy': npy('|u1', [2, 3, 3, 2], pixels(2, 3, 3, 2)),
      'y.npy': npy('<i8', [2], [1, 2]),
      'g.npy': npy('|u1', [4, 2, 2], pixels(4, 2, 2, 1)),
      'gy.npy': npy('<i4', [4, 1], [3, 3, 0, 1]),
      'gz.npy': npy('|u1', [4], [5, 6, 7, 8]),
    });
    const set = loadDataset(source(dir, { kind: 'dataset', test: { images: 'x.npy', labels: 'y.npy' } }), 'test', { height: 3, width: 3, channels: 2 });
    expect([...set.labels]).toEqual([1, 2]);
    expectPixels(set.images(), 3, 3, 2);
    const grey = loadDataset(source(dir, { kind: 'dataset', test: { images: 'g.npy', labels: 'gy.npy' }, train: { images: 'g.npy', labels: 'gz.npy' } }), 'train', { height: 2, width: 2, channels: 1 });
    expect([...grey.labels]).toEqual([5, 6, 7, 8]);
    expectPixels(grey.images(), 2, 2, 1);
  });

  it('reads both splits of one .npz by Keras\'s names, or by the keys given', () => {
    const archive = writeZip(
      [
        ['x_train.npy', npy('|u1', [3, 2, 2], pixels(3, 2, 2, 1))],
        ['y_train.npy', npy('<i8', [3], [2, 1, 0])],
        ['x_test.npy', npy('|u1', [1, 2, 2], pixels(1, 2, 2, 1))],
        ['y_test.npy', npy('|u1', [1], [6])],
        ['pics.npy', npy('|u1', [2, 2, 2], pixels(2, 2, 2, 1))],
        ['cls.npy', npy('<i8', [2], [8, 9])],
      ],
      true,
    );
    const dir = folder({ 'mnist.npz': archive });
    const shape = { height: 2, width: 2, channels: 1 };
    const keras = source(dir, { kind: 'dataset', npz: './mnist.npz' });
    expect([...loadDataset(keras, 'train', shape).labels]).toEqual([2, 1, 0]);
    expect([...loadDataset(keras, 'test', shape).labels]).toEqual([6]);
    expectPixels(loadDataset(keras, 'train', shape).images(), 2, 2, 1);
    const keyed = source(dir, { kind: 'dataset', test: { images: 'mnist.npz', labels: 'mnist.npz', imagesKey: 'pics', labelsKey: 'cls' } });
    expect([...loadDataset(keyed, 'test', shape).labels]).toEqual([8, 9]);
    expectPixels(loadDataset(keyed, 'test', shape).images(), 2, 2, 1);
  });

  it('resolves paths against the model file, and a changed file is read again', () => {
    const dir = folder({ 'model.ts': 'x' });
    const spec = source(path.join(dir, 'sub'), { kind: 'dataset', test: { images: '../data/x.npy', labels: 'y.npy' } });
    expect(spec).toMatchObject({ kind: 'files', test: { images: { path: path.join(dir, 'data', 'x.npy'), option: 'test.images' }, labels: { path: path.join(dir, 'sub', 'y.npy') } } });
    const data = folder({ 'y.npy': npy('<i8', [1], [1]), 'x.npy': npy('|u1', [1, 1, 1], [9]) });
    const set = source(data, { kind: 'dataset', test: { images: 'x.npy', labels: 'y.npy' } });
    expect([...loadDataset(set, 'test', { height: 1, width: 1, channels: 1 }).labels]).toEqual([1]);
    writeFileSync(path.join(data, 'y.npy'), npy('<i8', [1], [2345]));
    expect([...loadDataset(set, 'test', { height: 1, width: 1, channels: 1 }).labels]).toEqual([2345]);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors, through a model file, so that each is placed at the option that named the file.

/** A model of a 4x4x1 input (flatten → dense 2 → argmax) in `dir`, with `datasetText` as written. */
function model(dir: string, datasetText: string): string {
  const file = path.join(dir, 'model.ts');
  writeFileSync(
    file,
    `import { argmax, dataset, dense, flatten, network, randomWeights } from 'potgen';
export default network({
  name: 'tiny',
  input: { height: 4, width: 4, channels: 1 },
  weights: randomWeights(3),
  dataset: dataset({
${datasetText}
  }),
  layers: [flatten(), dense({ name: 'fc', outFeatures: 2, activation: 'none' }), argmax()],
});
`,
  );
  return file;
}

/** Models loaded once per text (the type check is the slow part): a model's paths resolve against the folder `prepareNetwork` is given. */
const loadedModels = new Map<string, { file: string; loaded: ReturnType<typeof loadModel> }>();

/** The one diagnostic that preparing a model of `text` against the files of `dir` reports, as printed; and the model file its locations name. */
function problem(dir: string, text: string): { message: string; file: string } {
  let entry = loadedModels.get(text);
  if (!entry) {
    const file = model(dir, text);
    entry = { file, loaded: loadModel(file) };
    loadedModels.set(text, entry);
  }
  const { loaded, file } = entry;
  try {
    prepareNetwork(loaded.network, loaded.locator, path.join(dir, 'model.ts'));
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticsError);
    expect((e as DiagnosticsError).diagnostics).toHaveLength(1);
    return { message: (e as DiagnosticsError).message, file };
  }
  throw new Error('expected a DiagnosticsError');
}

const good = { 'x.npy': npy('|u1', [3, 4, 4], pixels(3, 4, 4, 1)), 'y.npy': npy('<i8', [3], [0, 1, 1]) };

describe('a bad data file is reported where the model names it', () => {
  const cases: Array<[string, Record<string, string | Uint8Array>, string, (f: string, d: string) => string]> = [
    ['a missing file', {}, `    test: { images: './nope.npy', labels: './y.npy' },`, (f, d) => `${f}:7:13: error: the data file ${d}/nope.npy does not exist. Check the path; it is relative to the model file.`],
    [
      'a missing file, with the model\'s hint',
      {},
      `    test: { images: './gone.npy', labels: './y.npy' },\n    hint: 'Run fetch.sh first.',`,
      (f, d) => `${f}:7:13: error: the data file ${d}/gone.npy does not exist. Run fetch.sh first.`,
    ],
    ['an IDX file that is not one', { 'x.idx': 'hello, world' }, `    test: { images: './x.idx', labels: './y.npy' },`, (f, d) => `${f}:7:13: error: ${d}/x.idx is not an IDX file: it does not start with the bytes 0, 0, an element type (8 for uint8) and a dimension count.`],
    ['an .npy file that is not one', { 'y.npy': 'hello, world' }, `    test: { images: './x.npy', labels: './y.npy' },`, (f, d) => `${f}:7:32: error: ${d}/y.npy is not a NumPy .npy file (bad magic bytes).`],
    ['a .gz file that is not gzip', { 'x.idx.gz': idx('u8', [1, 4, 4], pixels(1, 4, 4, 1)) }, `    test: { images: './x.idx.gz', labels: './y.npy' },`, (f, d) => `${f}:7:13: error: ${d}/x.idx.gz ends in .gz but is not a gzip file (incorrect header check).`],
    [
      'float images',
      { 'x.npy': npy('<f4', [3, 4, 4], pixels(3, 4, 4, 1)) },
      `    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:13: error: ${d}/x.npy holds float32 images; images must be uint8 (pixels 0..255). Save them as uint8, e.g. with array.astype(np.uint8).`,
    ],
    [
      'float labels',
      { 'y.idx': idx('f32', [3], [0, 1, 1]) },
      `    test: { images: './x.npy', labels: './y.idx' },`,
      (f, d) => `${f}:7:32: error: ${d}/y.idx holds float32 labels; labels must be integers (class numbers), e.g. uint8 or int64. Save them with array.astype(np.int64).`,
    ],
    [
      'images of another size',
      { 'x.npy': npy('|u1', [3, 5, 4], pixels(3, 5, 4, 1)) },
      `    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:13: error: ${d}/x.npy holds images of shape [3, 5, 4], but the network's input is 4x4x1, so they must be [N, 4, 4] or [N, 4, 4, 1].`,
    ],
    [
      'channels-first images',
      { 'x.npy': npy('|u1', [3, 1, 4, 4], pixels(3, 4, 4, 1)) },
      `    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:13: error: ${d}/x.npy holds images of shape [3, 1, 4, 4], but the network's input is 4x4x1, so they must be [N, 4, 4] or [N, 4, 4, 1]. They look channels-first (N×C×H×W, as PyTorch keeps them): save array.transpose(0, 2, 3, 1).`,
    ],
    [
      'fewer labels than images',
      { 'y.npy': npy('<i8', [2], [0, 1]) },
      `    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:32: error: ${d}/y.npy holds 2 labels, but ${d}/x.npy holds 3 images; they must pair up one to one.`,
    ],
    [
      'a negative label',
      { 'y.npy': npy('<i8', [3], [0, -1, 1]) },
      `    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:32: error: label 1 in ${d}/y.npy is -1; labels must be class numbers from 0 to 2^31-1.`,
    ],
    [
      'an empty set',
      { 'x.npy': npy('|u1', [0, 4, 4], []), 'y.npy': npy('<i8', [0], []) },
      `    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:13: error: ${d}/x.npy holds no images; a data set needs at least one.`,
    ],
    [
      'a bad training split, when the test split is good',
      { 'tx.npy': npy('|u1', [3, 4, 4, 3], pixels(3, 4, 4, 3)) },
      `    train: { images: './tx.npy', labels: './y.npy' },\n    test: { images: './x.npy', labels: './y.npy' },`,
      (f, d) => `${f}:7:14: error: ${d}/tx.npy holds images of shape [3, 4, 4, 3], but the network's input is 4x4x1, so they must be [N, 4, 4] or [N, 4, 4, 1].`,
    ],
    [
      'an .npz without the array',
      { 'd.npz': writeZip([['x_test.npy', good['x.npy']]], false) },
      `    npz: './d.npz',`,
      (f, d) => `${f}:7:5: error: ${d}/d.npz has no array 'x_train'; it holds 'x_test'. Save the arrays as x_train, y_train, x_test and y_test, or name them with train/test: { images, labels, imagesKey, labelsKey }.`,
    ],
    [
      'an .npz without the named array',
      { 'd.npz': writeZip([['x_test.npy', good['x.npy']], ['y_test.npy', good['y.npy']]], false) },
      `    test: { images: './d.npz', labels: './d.npz', labelsKey: 'labels' },`,
      (f, d) => `${f}:7:32: error: ${d}/d.npz has no array 'labels'; it holds 'x_test', 'y_test'. Set test.labelsKey to the right one.`,
    ],
  ];
  for (const [what, files, text, message] of cases) {
    it(what, () => {
      const dir = folder({ ...good, ...files });
      const { message: got, file } = problem(dir, text);
      expect(got).toBe(message(file, dir));
    });
  }
});

describe('the dataset option is validated like the rest of the model', () => {
  it('places the mistakes the type checker lets through at the option', () => {
    const cases: Array<[string, (f: string) => string]> = [
      [`    npz: './d.npz',\n    test: { images: './x.npy', labels: './y.npy' },`, (f) => `${f}:7:5: error: dataset: 'npz' names both splits in one file, so 'train' and 'test' cannot be given as well. Keep either 'npz' or 'train' and 'test'.`],
      [`    test: { images: './x.npy', labels: './y.npy', imagesKey: 'x' },`, (f) => `${f}:7:51: error: dataset: 'test.imagesKey' picks an array of an .npz file, but './x.npy' is not one. Remove imagesKey.`],
      [`    npz: './d.npy',`, (f) => `${f}:7:5: error: dataset: 'npz' is './d.npy', which is not an .npz file. Name the .npz file, or use train: { images, labels } and test: { images, labels } for other files.`],
      [`    train: { images: './x.npy', labels: './y.npy' },`, (f) => `${f}:6:12: error: dataset needs 'test': the labelled images that test vectors and accuracy use. Add test: { images: './t10k-images-idx3-ubyte.gz', labels: './t10k-labels-idx1-ubyte.gz' }, or npz: './data.npz'.`],
      [`    test: { images: '', labels: './y.npy' },`, (f) => `${f}:7:13: error: dataset: 'test.images' must be the path of an IDX, .npy or .npz file, not ''.`],
    ];
    for (const [text, message] of cases) {
      const file = model(folder(good), text);
      const loaded = loadModel(file);
      expect(() => validateNetwork(loaded.network, loaded.locator, loaded.file)).toThrow(message(file));
    }
  });

  it('reports what only untyped code can write, with the fix', () => {
    const cases: Array<[unknown, string]> = [
      [{ kind: 'dataset', tests: { images: 'x.npy', labels: 'y.npy' } }, "error: dataset has no option 'tests'. Did you mean 'test'?"],
      [{ kind: 'dataset', test: { image: 'x.npy', labels: 'y.npy' } }, "error: dataset 'test' has no option 'image'. Did you mean 'images'?\nerror: dataset: 'test.images' must be the path of an IDX, .npy or .npz file, not missing."],
      [{ kind: 'dataset', test: 'x.npy' }, "error: dataset: 'test' must be { images, labels }, not 'x.npy'. Write test: { images: './images.npy', labels: './labels.npy' }."],
      [{ kind: 'dataset', test: { images: 'x.npz', labels: 'y.npy', imagesKey: 3 } }, "error: dataset: 'test.imagesKey' must be the name of an array in 'x.npz', not 3."],
      [{ kind: 'dataset', npz: 'd.npz', hint: 5 }, "error: dataset: 'hint' must be a sentence, not 5."],
      ['mnist', "error: 'dataset' is 'mnist'. Use mnist() or dataset({ train: { images, labels }, test: { images, labels } }), or leave it out for random images."],
    ];
    for (const [dataset, message] of cases) {
      expect(() => source(root, dataset as object)).toThrow(message);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Builds and eval use the set.

/** A network on 4x4x1 images that tells which of pixels 0 and 1 is brighter: flatten → dense 2 → argmax. */
const weightsJson = JSON.stringify({
  'fc.weight': { shape: [2, 16], data: Array.from({ length: 32 }, (_, i) => (i === 0 || i === 17 ? 1 : 0)) },
  'fc.bias': [0, 0],
});

describe('builds and eval use the data set', () => {
  it('takes test vectors from the test images and calibrates on the training images (or the test images without them)', () => {
    // Training images are bright and test images dim, so the calibrated shifts differ.
    const train = Array.from({ length: 5 * 16 }, (_, i) => 200 + (i % 50));
    const test = Array.from({ length: 6 * 16 }, (_, i) => (i * 7) % 40);
    const dir = folder({
      'w.json': weightsJson,
      'train-x.idx': idx('u8', [5, 4, 4], train),
      'train-y.idx': idx('u8', [5], [0, 1, 0, 1, 0]),
      'test-x.npy': npy('|u1', [6, 4, 4], test),
      'test-y.npy': npy('<i8', [6], [0, 0, 1, 1, 0, 1]),
    });
    const net = (withTrain: boolean): RawNetwork => ({
      kind: 'network',
      name: 'tinyset',
      input: { height: 4, width: 4, channels: 1 },
      weights: { kind: 'random', seed: 5 },
      dataset: { kind: 'dataset', test: { images: 'test-x.npy', labels: 'test-y.npy' }, ...(withTrain ? { train: { images: 'train-x.idx', labels: 'train-y.idx' } } : {}) },
      layers: [{ kind: 'conv2d', name: 'conv', outChannels: 2, kernel: 3, padding: 'same', pe: 2 }],
    });
    const file = path.join(dir, 'model.ts');
    const testMaps = (i: number): Int32Array => Int32Array.from(test.slice(16 * i, 16 * (i + 1)));
    const trainMaps = Array.from({ length: 5 }, (_, i) => ({ height: 4, width: 4, channels: 1, data: Int32Array.from(train.slice(16 * i, 16 * (i + 1))) }));
    const testAll = Array.from({ length: 6 }, (_, i) => ({ height: 4, width: 4, channels: 1, data: testMaps(i) }));

    const built = buildNetwork(net(true), noLocations, file, { steadyFrames: 2, stressFrames: 1 });
    // Every stimulus frame is one of the set's test images.
    expect(built.images).toHaveLength(3);
    for (const image of built.images) expect(testAll.some((t) => t.data.every((v, i) => v === image.data[i]))).toBe(true);
    // The shifts are those calibrated on the training images, not on the test images.
    const prepared = prepareNetwork(net(true), noLocations, file);
    const shifts = (ir: { layers: readonly unknown[] }) => JSON.stringify(ir.layers.map((l) => (l as { shift?: unknown }).shift));
    const onTrain = shifts(compileNetwork(prepared, { calibration: trainMaps }).ir);
    const onTest = shifts(compileNetwork(prepared, { calibration: testAll }).ir);
    expect(onTrain).not.toBe(onTest);
    expect(shifts(built.ir)).toBe(onTrain);
    expect(shifts(buildNetwork(net(false), noLocations, file, { steadyFrames: 2, stressFrames: 1 }).ir)).toBe(onTest);
  });

  it('potgen eval scores the labelled test images, as counted here', async () => {
    // Pixel 0 or pixel 1 is clearly brighter; some labels are deliberately wrong.
    const n = 20;
    const images: number[] = [];
    const labels: number[] = [];
    let right = 0;
    for (let i = 0; i < n; i++) {
      const brighter = (i * 7) % 3 === 0 ? 0 : 1;
      const image = Array.from({ length: 16 }, (_, k) => (k * 13 + i) % 50);
      image[brighter] = 150 + i;
      images.push(...image);
      const label = i % 4 === 3 ? 1 - brighter : brighter;
      labels.push(label);
      if (label === brighter) right++;
    }
    const dir = folder({ 'w.json': weightsJson, 'x.idx.gz': gzipSync(idx('u8', [n, 4, 4], images)), 'y.npy': npy('<i8', [n], labels) });
    const file = path.join(dir, 'eval.ts');
    writeFileSync(
      file,
      `import { argmax, dataset, dense, flatten, network } from 'potgen';
export default network({
  name: 'pick',
  input: { height: 4, width: 4, channels: 1 },
  weights: './w.json',
  dataset: dataset({ name: 'brightness', test: { images: './x.idx.gz', labels: './y.npy' } }),
  layers: [flatten(), dense({ name: 'fc', outFeatures: 2, activation: 'none' }), argmax()],
});
`,
    );
    const r = await runMain('eval', file);
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`pick: accuracy on ${n} brightness test images`);
    expect(lines[1]).toBe('  (the data set has no training split, so calibration used its first test images)');
    const rows = lines.slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(4); // float and three integer variants
    const expected = `${((100 * right) / n).toFixed(2)}%  ${right}/${n}`;
    expect(right).toBeLessThan(n);
    for (const row of rows) expect(row).toContain(expected);
  });
});
