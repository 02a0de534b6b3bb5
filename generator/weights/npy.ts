/**
 * Reader and writer for NumPy's `.npy` format (versions 1.0, 2.0 and 3.0), as written by `np.save`.
 * See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html for the layout.
 */

import { WeightFileError } from '../core/errors.ts';
import type { NdArray } from '../core/tensors.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

type Kind = 'f' | 'i' | 'u' | 'b';

interface DType {
  readonly kind: Kind;
  readonly size: number;
  readonly littleEndian: boolean;
}

/** The dtypes this reader understands, as numpy writes them on a little-endian machine. */
const SUPPORTED_LIST = '<f2, <f4, <f8, |i1, <i2, <i4, <i8, |u1, <u2, <u4, <u8 and |b1';

/** Parses a `descr` string such as `<f4` into a dtype, or returns undefined when unsupported. */
function parseDescr(descr: string): DType | undefined {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const order = m[1] as string;
  const kind = m[2] as Kind;
  const size = Number(m[3]);
  const sizes: Record<Kind, readonly number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (!sizes[kind].includes(size)) return undefined;
  if (size === 1) return { kind, size, littleEndian: true }; // byte order is irrelevant
  // '|' (not applicable) is meaningless for multi-byte types; '=' is native, which numpy never
  // writes to a file because the file must be portable.
  if (order !== '<' && order !== '>') return undefined;
  return { kind, size, littleEndian: order === '<' };
}

/** Decodes an IEEE 754 binary16 value. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function formatShape(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// A parser for the tiny subset of Python literal syntax that .npy headers use:
// dicts, tuples, lists, strings, integers, True, False and None.

type PyValue = string | number | boolean | null | PyValue[] | PyDict;
interface PyDict {
  readonly kind: 'dict';
  readonly entries: Map<string, PyValue>;
}

class HeaderSyntaxError extends Error {}

function isDict(v: PyValue): v is PyDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const skipWs = (): void => {
    while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
  };
  const fail = (what: string): never => {
    throw new HeaderSyntaxError(
      pos >= text.length ? `${what} before the end of the header` : `${what} at character ${pos + 1}`,
    );
  };
  const parseValue = (): PyValue => {
    skipWs();
    const c = text[pos];
    if (c === undefined) return fail('expected a value');
    if (c === '{') {
      pos++;
      const entries = new Map<string, PyValue>();
      for (;;) {
        skipWs();
        if (text[pos] === '}') {
          pos++;
          return { kind: 'dict', entries };
        }
        const key = parseValue();
        if (typeof key !== 'string') fail('expected a string key');
        skipWs();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        entries.set(key as string, parseValue());
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      pos++;
      const items: PyValue[] = [];
      for (;;) {
        skipWs();
        if (text[pos] === close) {
          pos++;
          return items;
        }
        items.push(parseValue());
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      if (s.includes('\\')) fail('escape sequences in strings are not supported');
      pos = end + 1;
      return s;
    }
    const word = /^(?:[-+]?\d+L?|True|False|None)/.exec(text.slice(pos));
    if (!word) return fail(`unexpected character '${c}'`);
    pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  };
  const value = parseValue();
  skipWs();
  if (pos !== text.length) fail('unexpected text after the header dictionary');
  return value;
}

function describePy(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(describePy).join(', ')}]`;
  return `{${[...v.entries].map(([k, x]) => `'${k}': ${describePy(x)}`).join(', ')}}`;
}

// ---------------------------------------------------------------------------------------------

/** A checked `.npy` header: the dtype, the shape, and where the (complete) array data starts. */
export interface NpyHeader {
  /** The dtype as numpy wrote it, e.g. `|u1` or `<i8`. */
  readonly descr: string;
  /** f: float, i: signed, u: unsigned integer, b: bool. */
  readonly kind: 'f' | 'i' | 'u' | 'b';
  /** Bytes per element. */
  readonly size: number;
  readonly littleEndian: boolean;
  readonly shape: readonly number[];
  readonly dataStart: number;
}

/**
 * Parses and checks a `.npy` file's header (magic, version, dtype, order, and that the data is
 * exactly as long as the shape says), without decoding the data: callers that want raw bytes
 * (e.g. uint8 images) use it directly. `where` names the file in error messages.
 */
export function readNpyHeader(bytes: Uint8Array, where: string): NpyHeader {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new WeightFileError(`${where} is not a NumPy .npy file (bad magic bytes).`);
  }
  if (bytes.length < 10) {
    throw new WeightFileError(
      `${where} is truncated: it holds ${bytes.length} bytes, too few for a .npy header.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  let headerLen: number;
  let headerStart: number;
  if (major === 1 && minor === 0) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if ((major === 2 || major === 3) && minor === 0) {
    if (bytes.length < 12) {
      throw new WeightFileError(
        `${where} is truncated: it holds ${bytes.length} bytes, too few for a .npy header.`,
      );
    }
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new WeightFileError(
      `${where} uses .npy format version ${major}.${minor}, which is not supported; supported versions are 1.0, 2.0 and 3.0.`,
    );
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new WeightFileError(
      `${where} is truncated: its header declares ${headerLen} bytes but only ${bytes.length - headerStart} follow.`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  // Version 3.0 headers are UTF-8; 1.0 and 2.0 headers are latin-1, of which we only need ASCII.
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);

  const malformed = (detail: string): WeightFileError =>
    new WeightFileError(`${where} has a malformed .npy header: ${detail}.`);

  let header: PyValue;
  try {
    header = parsePyLiteral(headerText);
  } catch (e) {
    if (e instanceof HeaderSyntaxError) throw malformed(e.message);
    throw e;
  }
  if (!isDict(header)) throw malformed('it is not a dictionary');
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!header.entries.has(key)) throw malformed(`key '${key}' is missing`);
  }
  const descr = header.entries.get('descr') as PyValue;
  const fortran = header.entries.get('fortran_order') as PyValue;
  const shapeValue = header.entries.get('shape') as PyValue;

  if (typeof descr !== 'string') {
    throw new WeightFileError(
      `${where} holds a structured array (descr ${describePy(descr)}), which is not supported; save a plain numeric array.`,
    );
  }
  if (/^[<>|=]?O\d*$/.test(descr)) {
    throw new WeightFileError(
      `${where} holds a NumPy object array (dtype '${descr}'), which cannot be read without pickle; convert it to a numeric array, e.g. with array.astype(np.float32), before saving.`,
    );
  }
  const dtype = parseDescr(descr);
  if (!dtype) {
    throw new WeightFileError(
      `${where} has unsupported dtype '${descr}'; supported dtypes are ${SUPPORTED_LIST} (multi-byte types also big-endian, e.g. >f4).`,
    );
  }
  if (typeof fortran !== 'boolean') {
    throw malformed(`'fortran_order' must be True or False, not ${describePy(fortran)}`);
  }
  if (!Array.isArray(shapeValue) || shapeValue.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw malformed(`'shape' must be a tuple of non-negative integers, not ${describePy(shapeValue)}`);
  }
  const shape = shapeValue as number[];
  if (fortran && shape.filter((d) => d > 1).length > 1) {
    // A Fortran-ordered array with at most one non-trivial axis has the same layout as C order.
    throw new WeightFileError(
      `${where} stores its array in Fortran (column-major) order, which is not supported; save it in C order with np.save(path, np.ascontiguousarray(array)).`,
    );
  }

  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * dtype.size;
  const found = bytes.length - dataStart;
  if (found < expected) {
    throw new WeightFileError(
      `${where} is truncated: expected ${expected} bytes of array data for shape ${formatShape(shape)} with dtype ${descr}, found ${found}.`,
    );
  }
  if (found > expected) {
    throw new WeightFileError(
      `${where} has ${found - expected} unexpected bytes after its array data; shape ${formatShape(shape)} with dtype ${descr} needs exactly ${expected} bytes.`,
    );
  }

  return { descr, ...dtype, shape, dataStart };
}

/**
 * Parses a `.npy` file. `where` names the file (or archive entry) in error messages.
 * Integer and boolean arrays are converted to numbers; 64-bit integers beyond ±2^53 are rounded
 * to the nearest double.
 */
export function readNpy(bytes: Uint8Array, where: string): NdArray {
  const { shape, dataStart, kind, size, littleEndian: le } = readNpyHeader(bytes, where);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count);
  const base = dataStart;
  for (let i = 0; i < count; i++) {
    const off = base + i * size;
    let v: number;
    if (kind === 'f') {
      v = size === 8 ? view.getFloat64(off, le) : size === 4 ? view.getFloat32(off, le) : halfToNumber(view.getUint16(off, le));
    } else if (kind === 'i') {
      v =
        size === 1
          ? view.getInt8(off)
          : size === 2
            ? view.getInt16(off, le)
            : size === 4
              ? view.getInt32(off, le)
              : Number(view.getBigInt64(off, le));
    } else if (kind === 'u') {
      v =
        size === 1
          ? view.getUint8(off)
          : size === 2
            ? view.getUint16(off, le)
            : size === 4
              ? view.getUint32(off, le)
              : Number(view.getBigUint64(off, le));
    } else {
      v = view.getUint8(off) !== 0 ? 1 : 0;
    }
    data[i] = v;
  }
  return { shape: [...shape], data };
}

/**
 * Serialises an array as a version 1.0 `.npy` file, with the header padded with spaces so the data
 * starts at a multiple of 64 bytes, exactly as `np.save` does. Used to build test fixtures.
 */
export function writeNpy(arr: NdArray, dtype: '<f4' | '<f8' | '|u1' | '<i4' | '<i8'): Uint8Array {
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || count !== arr.data.length) {
    throw new RangeError(
      `writeNpy: shape ${formatShape(arr.shape)} does not describe ${arr.data.length} elements.`,
    );
  }
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${formatShape(arr.shape)}, }`;
  const unpadded = 10 + header.length + 1; // magic+version+length, dict, trailing newline
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new RangeError('writeNpy: the header is too long for format 1.0.');
  const size = { '<f4': 4, '<f8': 8, '|u1': 1, '<i4': 4, '<i8': 8 }[dtype];
  const out = new Uint8Array(10 + header.length + count * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const base = 10 + header.length;
  for (let i = 0; i < count; i++) {
    const v = arr.data[i] as number;
    const at = base + i * size;
    if (dtype === '<f4') view.setFloat32(at, v, true);
    else if (dtype === '<f8') view.setFloat64(at, v, true);
    else if (dtype === '|u1') view.setUint8(at, v);
    else if (dtype === '<i4') view.setInt32(at, v, true);
    else view.setBigInt64(at, BigInt(v), true);
  }
  return out;
}
