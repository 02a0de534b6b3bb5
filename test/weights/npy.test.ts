import { describe, expect, it } from 'vitest';
import { WeightFileError } from '../../generator/core/errors.ts';
import { readNpy, writeNpy } from '../../generator/weights/npy.ts';
import { unravelIndex, type NdArray } from '../../generator/core/tensors.ts';

/** Asserts that `fn` throws a WeightFileError whose message is exactly `message`. */
function expectWeightError(fn: () => unknown, message: string): void {
  expect(fn).toThrowError(WeightFileError);
  expect(fn).toThrowError(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/**
 * Builds a .npy file by hand: magic, version, little-endian header length (u16 for 1.0, u32 for
 * 2.0/3.0), the header dict padded with spaces to a 64-byte boundary and a newline, then `data`.
 */
function npyFile(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const pad = (64 - ((prefix + dict.length + 1) % 64)) % 64;
  const header = new TextEncoder().encode(`${dict}${' '.repeat(pad)}\n`);
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0], 0);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(data, prefix + header.length);
  return out;
}

const dict = (descr: string, shape: string, fortran = 'False'): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

const plain = (a: NdArray): { shape: number[]; data: number[] } => ({
  shape: [...a.shape],
  data: [...a.data],
});

describe('writeNpy / readNpy round trip', () => {
  it('round-trips float64 exactly, including -0, subnormals and extremes', () => {
    const data = Float64Array.from([0.1, -0, 5e-324, 1.7976931348623157e308, -3, 2 ** -20]);
    const back = readNpy(writeNpy({ shape: [3, 2], data }, '<f8'), 'a.npy');
    expect(back.shape).toEqual([3, 2]);
    expect(Object.is(back.data[1], -0)).toBe(true);
    expect([...back.data]).toEqual([...data]);
  });

  it('round-trips float32, rounding each value to single precision', () => {
    const data = Float64Array.from([0.1, -2.5, 1e-3, 65504, 0.25, -0]);
    const back = readNpy(writeNpy({ shape: [2, 1, 3], data }, '<f4'), 'a.npy');
    expect(back.shape).toEqual([2, 1, 3]);
    expect([...back.data]).toEqual([...data].map(Math.fround));
  });

  it('round-trips a scalar (shape ()) and an empty array (shape (0, 3))', () => {
    expect(plain(readNpy(writeNpy({ shape: [], data: Float64Array.of(7.5) }, '<f8'), 's.npy'))).toEqual({
      shape: [],
      data: [7.5],
    });
    expect(plain(readNpy(writeNpy({ shape: [0, 3], data: new Float64Array(0) }, '<f4'), 'e.npy'))).toEqual({
      shape: [0, 3],
      data: [],
    });
  });

  it('pads the header so the data starts on a 64-byte boundary, as np.save does', () => {
    for (const shape of [[], [7], [2, 3], [1000, 20, 3], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = writeNpy({ shape, data: new Float64Array(count) }, '<f8');
      const headerLen = (bytes[8] as number) | ((bytes[9] as number) << 8);
      expect((10 + headerLen) % 64).toBe(0);
      expect(bytes[10 + headerLen - 1]).toBe(0x0a);
      expect(bytes.length).toBe(10 + headerLen + 8 * count);
    }
  });

  it('writes the same bytes as numpy 2.4 np.save for a (2, 3) float32 array', () => {
    // python3: np.save(f, np.arange(6, dtype='<f4').reshape(2, 3) - 2.5), base64-encoded.
    const numpy = fromBase64(
      'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAACDAAADAvwAAAL8AAAA/AADAPwAAIEA=',
    );
    const arr = { shape: [2, 3], data: Float64Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]) };
    expect(Buffer.from(writeNpy(arr, '<f4')).equals(Buffer.from(numpy))).toBe(true);
    expect(plain(readNpy(numpy, 'numpy.npy'))).toEqual({ shape: [2, 3], data: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5] });
  });
});

describe('readNpy dtypes', () => {
  it('reads a real numpy int16 file', () => {
    // python3: np.save(f, np.array([[1, -2, 3], [-4, 5, -6]], dtype='<i2')), base64-encoded.
    const numpy = fromBase64(
      'k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAP7/AwD8/wUA+v8=',
    );
    expect(plain(readNpy(numpy, 'i2.npy'))).toEqual({ shape: [2, 3], data: [1, -2, 3, -4, 5, -6] });
  });

  const cases: Array<[descr: string, hex: string, values: number[]]> = [
    ['|i1', '01 ff 80 7f', [1, -1, -128, 127]],
    ['<i2', '0100 ffff 0080 ff7f', [1, -1, -32768, 32767]],
    ['<i4', '01000000 ffffffff 00000080 ffffff7f', [1, -1, -2147483648, 2147483647]],
    ['<i8', '0100000000000000 ffffffffffffffff 0000000000ffffff 00000000ff000000', [1, -1, -(2 ** 40), 2 ** 40 - 2 ** 32]],
    ['|u1', '00 01 80 ff', [0, 1, 128, 255]],
    ['<u2', '0000 0100 0080 ffff', [0, 1, 32768, 65535]],
    ['<u4', '00000000 01000000 00000080 ffffffff', [0, 1, 2147483648, 4294967295]],
    ['<u8', '0000000000000000 0100000000000000 0000000000000080 ffffffffffff1f00', [0, 1, 2 ** 63, 2 ** 53 - 1]],
    ['|b1', '00 01 02 00', [0, 1, 1, 0]],
    // Bytes of np.array([1.5, -0.1, 65504, 6e-8], dtype='<f2'); values as numpy converts them to float.
    ['<f2', '003e 66ae ff7b 0100', [1.5, -0.0999755859375, 65504, 5.960464477539063e-8]],
    // Big-endian bytes of np.array([1, -2, 3, -4], dtype='>i4') etc.
    ['>i4', '00000001 fffffffe 00000003 fffffffc', [1, -2, 3, -4]],
    ['>f4', '3fc00000 c0000000 00000000 80000000', [1.5, -2, 0, -0]],
    ['>f8', '3fb999999999999a c000000000000000 0000000000000000 3ff0000000000000', [0.1, -2, 0, 1]],
    ['>u2', '0001 ffff 8000 0000', [1, 65535, 32768, 0]],
  ];
  it.each(cases)('reads %s', (descr, hex, values) => {
    const arr = readNpy(npyFile(dict(descr, '(2, 2)'), fromHex(hex)), 'a.npy');
    expect(plain(arr)).toEqual({ shape: [2, 2], data: values });
  });

  it('decodes float16 infinities and NaN (rejecting them is checkFinite’s job)', () => {
    const arr = readNpy(npyFile(dict('<f2', '(3,)'), fromHex('007c 00fc 007e')), 'h.npy');
    expect([...arr.data]).toEqual([Infinity, -Infinity, NaN]);
  });

  it('reads a version 2.0 header (u32 header length)', () => {
    const bytes = npyFile(dict('<i4', '(3,)'), fromHex('07000000 f9ffffff 00000000'), 2);
    expect(bytes[6]).toBe(2);
    expect(plain(readNpy(bytes, 'v2.npy'))).toEqual({ shape: [3], data: [7, -7, 0] });
  });

  it('reads a version 3.0 header (UTF-8) and a double-quoted, unpadded header', () => {
    const bytes = npyFile(dict('<f8', '()'), fromHex('000000000000f03f'), 3);
    expect(plain(readNpy(bytes, 'v3.npy'))).toEqual({ shape: [], data: [1] });
    const tight = npyFile(`{"shape":(2,),"fortran_order":False,"descr":"|u1"}`, fromHex('0509'));
    expect(plain(readNpy(tight, 't.npy'))).toEqual({ shape: [2], data: [5, 9] });
  });

  it('accepts fortran_order True when at most one axis is longer than 1 (same layout as C order)', () => {
    const arr = readNpy(npyFile(dict('|i1', '(1, 3)', 'True'), fromHex('010203')), 'f.npy');
    expect(plain(arr)).toEqual({ shape: [1, 3], data: [1, 2, 3] });
  });
});

describe('readNpy errors', () => {
  const good = npyFile(dict('<i2', '(2, 3)'), new Uint8Array(12));

  it('rejects bad magic bytes', () => {
    expectWeightError(
      () => readNpy(new TextEncoder().encode('{"conv1.weight": [1, 2]}'), 'w.npy'),
      'w.npy is not a NumPy .npy file (bad magic bytes).',
    );
    expectWeightError(() => readNpy(new Uint8Array(0), 'empty.npy'), 'empty.npy is not a NumPy .npy file (bad magic bytes).');
  });

  it('rejects a file cut inside the preamble or the header', () => {
    expectWeightError(
      () => readNpy(good.subarray(0, 8), 'w.npy'),
      'w.npy is truncated: it holds 8 bytes, too few for a .npy header.',
    );
    expectWeightError(
      () => readNpy(good.subarray(0, 50), 'w.npy'),
      'w.npy is truncated: its header declares 118 bytes but only 40 follow.',
    );
  });

  it('rejects an unknown format version', () => {
    const bytes = good.slice();
    bytes[6] = 4;
    expectWeightError(
      () => readNpy(bytes, 'w.npy'),
      'w.npy uses .npy format version 4.0, which is not supported; supported versions are 1.0, 2.0 and 3.0.',
    );
  });

  it('rejects malformed headers', () => {
    const data = new Uint8Array(2);
    expectWeightError(
      () => readNpy(npyFile(`{'descr': '|u1', 'shape': (2,), }`, data), 'w.npy'),
      "w.npy has a malformed .npy header: key 'fortran_order' is missing.",
    );
    expectWeightError(
      () => readNpy(npyFile(`{'descr': '|u1', 'fortran_order': False, 'shape': (2,)`, data), 'w.npy'),
      "w.npy has a malformed .npy header: expected ',' or '}' before the end of the header.",
    );
    expectWeightError(
      () => readNpy(npyFile(`{'descr': '|u1', 'fortran_order': False, 'shape': (2,), } junk`, data), 'w.npy'),
      'w.npy has a malformed .npy header: unexpected text after the header dictionary at character 59.',
    );
    expectWeightError(
      () => readNpy(npyFile(`{'descr': '|u1', 'fortran_order': False, 'shape': <2>, }`, data), 'w.npy'),
      "w.npy has a malformed .npy header: unexpected character '<' at character 51.",
    );
    expectWeightError(
      () => readNpy(npyFile(`['descr', '|u1']`, data), 'w.npy'),
      'w.npy has a malformed .npy header: it is not a dictionary.',
    );
    expectWeightError(
      () => readNpy(npyFile(dict('|u1', '(2, -1)'), data), 'w.npy'),
      "w.npy has a malformed .npy header: 'shape' must be a tuple of non-negative integers, not [2, -1].",
    );
    expectWeightError(
      () => readNpy(npyFile(dict('|u1', '(2,)', "'no'"), data), 'w.npy'),
      "w.npy has a malformed .npy header: 'fortran_order' must be True or False, not 'no'.",
    );
  });

  it('rejects unsupported dtypes, naming them and listing the supported ones', () => {
    expectWeightError(
      () => readNpy(npyFile(dict('<c8', '(1,)'), new Uint8Array(8)), 'w.npy'),
      "w.npy has unsupported dtype '<c8'; supported dtypes are <f2, <f4, <f8, |i1, <i2, <i4, <i8, |u1, <u2, <u4, <u8 and |b1 (multi-byte types also big-endian, e.g. >f4).",
    );
    expectWeightError(
      () => readNpy(npyFile(dict('<U5', '(1,)'), new Uint8Array(20)), 'w.npy'),
      "w.npy has unsupported dtype '<U5'; supported dtypes are <f2, <f4, <f8, |i1, <i2, <i4, <i8, |u1, <u2, <u4, <u8 and |b1 (multi-byte types also big-endian, e.g. >f4).",
    );
  });

  it('rejects object arrays and structured arrays', () => {
    expectWeightError(
      () => readNpy(npyFile(dict('|O', '(2,)'), new Uint8Array(16)), 'w.npy'),
      "w.npy holds a NumPy object array (dtype '|O'), which cannot be read without pickle; convert it to a numeric array, e.g. with array.astype(np.float32), before saving.",
    );
    expectWeightError(
      () =>
        readNpy(
          npyFile(`{'descr': [('w', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(8)),
          'w.npy',
        ),
      "w.npy holds a structured array (descr [['w', '<f4'], ['b', '<f4']]), which is not supported; save a plain numeric array.",
    );
  });

  it('rejects Fortran-ordered arrays with a hint to use np.ascontiguousarray', () => {
    expectWeightError(
      () => readNpy(npyFile(dict('<f8', '(2, 2)', 'True'), new Uint8Array(32)), 'w.npy'),
      'w.npy stores its array in Fortran (column-major) order, which is not supported; save it in C order with np.save(path, np.ascontiguousarray(array)).',
    );
  });

  it('rejects truncated data and trailing bytes', () => {
    expectWeightError(
      () => readNpy(good.subarray(0, good.length - 2), 'w.npy'),
      'w.npy is truncated: expected 12 bytes of array data for shape (2, 3) with dtype <i2, found 10.',
    );
    const long = new Uint8Array(good.length + 3);
    long.set(good);
    expectWeightError(
      () => readNpy(long, 'w.npy'),
      'w.npy has 3 unexpected bytes after its array data; shape (2, 3) with dtype <i2 needs exactly 12 bytes.',
    );
  });
});

describe('writeNpy misuse and unravelIndex', () => {
  it('refuses a shape that does not match the data length', () => {
    expect(() => writeNpy({ shape: [2, 2], data: new Float64Array(3) }, '<f8')).toThrowError(
      /^writeNpy: shape \(2, 2\) does not describe 3 elements\.$/,
    );
  });

  it('unravels flat indices in C order', () => {
    expect(unravelIndex(25, [3, 2, 2, 3])).toEqual([2, 0, 0, 1]);
    expect(unravelIndex(0, [])).toEqual([]);
    expect(unravelIndex(5, [6])).toEqual([5]);
  });
});
