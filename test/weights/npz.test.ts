import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WeightFileError } from '../../generator/core/errors.ts';
import { writeNpy } from '../../generator/weights/npy.ts';
import { type NdArray } from '../../generator/core/tensors.ts';
import { crc32, readNpz, writeNpz, writeZip } from '../../generator/weights/npz.ts';

/** Asserts that `fn` throws a WeightFileError whose message is exactly `message`. */
function expectWeightError(fn: () => unknown, message: string): void {
  expect(fn).toThrowError(WeightFileError);
  expect(fn).toThrowError(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

const plainMap = (m: Map<string, NdArray>): Array<[string, number[], number[]]> =>
  [...m].map(([k, a]) => [k, [...a.shape], [...a.data]]);

// Both archives were written by numpy 2.4.6 (python3) from
//   {'conv1.weight': np.arange(6, dtype='<f4').reshape(2, 3) - 2.5,
//    'conv1.bias': np.array([0.5, -1.5], dtype='<f8'),
//    'fc.w': np.array([[1, -2], [3, -4]], dtype='|i1')}
// with np.savez and np.savez_compressed, and base64-encoded. numpy writes every entry with
// force_zip64=True: the local headers hold 0xFFFFFFFF sizes plus a zip64 extra field, while the
// central directory holds the real sizes.
const NUMPY_SAVEZ = fromBase64(
  'UEsDBC0AAAAAAAAAIQBtctun//////////8QABQAY29udjEud2VpZ2h0Lm5weQEAEACYAAAAAAAAAJgAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAACDAAADAvwAAAL8AAAA/AADAPwAAIEBQSwMELQAAAAAAAAAhALReY2n//////////w4AFABjb252MS5iaWFzLm5weQEAEACQAAAAAAAAAJAAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADgPwAAAAAAAPi/UEsDBC0AAAAAAAAAIQALEFhD//////////8IABQAZmMudy5ucHkBABAAhAAAAAAAAACEAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3xpMScsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAf4D/FBLAQItAy0AAAAAAAAAIQBtctunmAAAAJgAAAAQAAAAAAAAAAAAAACAAQAAAABjb252MS53ZWlnaHQubnB5UEsBAi0DLQAAAAAAAAAhALReY2mQAAAAkAAAAA4AAAAAAAAAAAAAAIAB2gAAAGNvbnYxLmJpYXMubnB5UEsBAi0DLQAAAAAAAAAhAAsQWEOEAAAAhAAAAAgAAAAAAAAAAAAAAIABqgEAAGZjLncubnB5UEsFBgAAAAADAAMAsAAAAGgCAAAAAA==',
);
const NUMPY_SAVEZ_COMPRESSED = fromBase64(
  'UEsDBC0AAAAIAAAAIQBtctun//////////8QABQAY29udjEud2VpZ2h0Lm5weQEAEACYAAAAAAAAAFkAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjoKxpo6CrUKZAMuBgaFAwwMB/YzMDCAsD2QDcQKDgBQSwMELQAAAAgAAAAhALReY2n//////////w4AFABjb252MS5iaWFzLm5weQEAEACQAAAAAAAAAE0AAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjqaOgq1ChQALgYweGAPoX/sBwBQSwMELQAAAAgAAAAhAAsQWEP//////////wgAFABmYy53Lm5weQEAEACEAAAAAAAAAEoAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgXpNpqK6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjoKRpo6CrUKZAMuxn/MfwBQSwECLQMtAAAACAAAACEAbXLbp1kAAACYAAAAEAAAAAAAAAAAAAAAgAEAAAAAY29udjEud2VpZ2h0Lm5weVBLAQItAy0AAAAIAAAAIQC0XmNpTQAAAJAAAAAOAAAAAAAAAAAAAACAAZsAAABjb252MS5iaWFzLm5weVBLAQItAy0AAAAIAAAAIQALEFhDSgAAAIQAAAAIAAAAAAAAAAAAAACAASgBAABmYy53Lm5weVBLBQYAAAAAAwADALAAAACsAQAAAAA=',
);

const NUMPY_ARRAYS: Array<[string, number[], number[]]> = [
  ['conv1.bias', [2], [0.5, -1.5]],
  ['conv1.weight', [2, 3], [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]],
  ['fc.w', [2, 2], [1, -2, 3, -4]],
];

/** A single-entry archive `a.npy` holding a 1-D float64 array, plus where its parts are. */
function oneEntry(compress: boolean, content?: Uint8Array) {
  const npy = content ?? writeNpy({ shape: [3], data: Float64Array.from([1, 2, 3]) }, '<f8');
  const bytes = writeZip([['a.npy', npy]], compress);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = bytes.length - 22;
  const cd = view.getUint32(eocd + 16, true);
  return { npy, bytes, view, eocd, cd, dataStart: 30 + 'a.npy'.length };
}

const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = new Uint8Array(1000).map((_, i) => (i * 7919) & 0xff);
    expect(crc32(bytes)).toBe(zlib.crc32(bytes));
  });
});

describe('readNpz', () => {
  it('reads an archive written by np.savez (stored, zip64 local headers)', () => {
    expect(plainMap(readNpz(NUMPY_SAVEZ, 'w.npz'))).toEqual(NUMPY_ARRAYS);
  });

  it('reads an archive written by np.savez_compressed (deflated)', () => {
    expect(plainMap(readNpz(NUMPY_SAVEZ_COMPRESSED, 'w.npz'))).toEqual(NUMPY_ARRAYS);
  });

  it.each([
    ['stored', false],
    ['deflated', true],
  ])('round-trips writeNpz -> readNpz (%s), sorting keys', (_label, compress) => {
    const entries = new Map<string, NdArray>([
      ['fc.weight', { shape: [2, 2], data: Float64Array.from([0.1, -0.2, 1e-30, -0]) }],
      ['conv1.weight', { shape: [1, 1, 3, 3], data: Float64Array.from({ length: 9 }, (_, i) => i / 7) }],
      ['empty', { shape: [0], data: new Float64Array(0) }],
      ['ünïcode', { shape: [], data: Float64Array.of(42) }],
    ]);
    const back = readNpz(writeNpz(entries, compress), 'w.npz');
    expect([...back.keys()]).toEqual(['conv1.weight', 'empty', 'fc.weight', 'ünïcode']);
    for (const [key, arr] of entries) {
      expect(back.get(key)?.shape).toEqual(arr.shape);
      expect([...(back.get(key)?.data ?? [])]).toEqual([...arr.data]);
    }
    expect(Object.is(back.get('fc.weight')?.data[3], -0)).toBe(true);
  });

  it('reads an empty archive, an archive comment and skips directory entries', () => {
    expect(readNpz(writeNpz(new Map(), false), 'w.npz').size).toBe(0);
    const { bytes, npy } = oneEntry(false);
    const comment = new TextEncoder().encode('saved by a test');
    const withComment = new Uint8Array(bytes.length + comment.length);
    withComment.set(bytes);
    withComment.set(comment, bytes.length);
    new DataView(withComment.buffer).setUint16(bytes.length - 2, comment.length, true);
    expect(plainMap(readNpz(withComment, 'w.npz'))).toEqual([['a', [3], [1, 2, 3]]]);
    const withDir = writeZip([['layers/', new Uint8Array(0)], ['layers/a.npy', npy]], true);
    expect(plainMap(readNpz(withDir, 'w.npz'))).toEqual([['layers/a', [3], [1, 2, 3]]]);
  });
});

describe('readNpz errors', () => {
  it('rejects files that are not zip archives, or are truncated', () => {
    const notZip = 'w.npz is not a NumPy .npz file: no zip end-of-central-directory record was found.';
    expectWeightError(() => readNpz(new TextEncoder().encode('hello'), 'w.npz'), notZip);
    expectWeightError(() => readNpz(new Uint8Array(0), 'w.npz'), notZip);
    expectWeightError(
      () => readNpz(writeNpy({ shape: [1], data: Float64Array.of(1) }, '<f8'), 'w.npz'),
      notZip,
    );
    expectWeightError(
      () => readNpz(NUMPY_SAVEZ.subarray(0, NUMPY_SAVEZ.length - 10), 'w.npz'),
      'w.npz is not a NumPy .npz file: no zip end-of-central-directory record was found (it may be truncated).',
    );
  });

  it('rejects zip64 archives and entries', () => {
    const { bytes, eocd, cd } = oneEntry(false);
    const locator = new Uint8Array(20);
    new DataView(locator.buffer).setUint32(0, 0x07064b50, true);
    const zip64 = new Uint8Array(bytes.length + 20);
    zip64.set(bytes.subarray(0, eocd));
    zip64.set(locator, eocd);
    zip64.set(bytes.subarray(eocd), eocd + 20);
    expectWeightError(
      () => readNpz(zip64, 'w.npz'),
      'w.npz is a zip64 archive, which is not supported; keep the archive below 4 GiB and 65535 arrays.',
    );
    const big = bytes.slice();
    new DataView(big.buffer).setUint32(cd + 24, 0xffffffff, true);
    expectWeightError(
      () => readNpz(big, 'w.npz'),
      "w.npz entry 'a.npy' uses zip64 sizes, which are not supported; keep every array below 4 GiB.",
    );
  });

  it('rejects multi-disk archives and a central directory outside the file', () => {
    const { bytes, eocd } = oneEntry(false);
    const multi = bytes.slice();
    new DataView(multi.buffer).setUint16(eocd + 4, 1, true);
    expectWeightError(() => readNpz(multi, 'w.npz'), 'w.npz is a multi-disk zip archive, which is not supported.');
    const outside = bytes.slice();
    new DataView(outside.buffer).setUint32(eocd + 16, 5000, true);
    expectWeightError(
      () => readNpz(outside, 'w.npz'),
      'w.npz is corrupt: its central directory (offset 5000, 51 bytes) lies outside the file.',
    );
  });

  it('rejects a malformed central directory record and a missing local header', () => {
    const { bytes, cd } = oneEntry(false);
    const badRecord = bytes.slice();
    badRecord[cd] = 0;
    expectWeightError(() => readNpz(badRecord, 'w.npz'), 'w.npz is corrupt: central directory record 1 of 1 is malformed.');
    const badOffset = bytes.slice();
    new DataView(badOffset.buffer).setUint32(cd + 42, 7, true);
    expectWeightError(() => readNpz(badOffset, 'w.npz'), "w.npz entry 'a.npy' is corrupt: no local file header at offset 7.");
  });

  it('rejects entries that are not .npy files, duplicated arrays and bad .npy content', () => {
    const { npy } = oneEntry(false);
    expectWeightError(
      () => readNpz(writeZip([['readme.txt', new TextEncoder().encode('hi')]], false), 'w.npz'),
      "w.npz entry 'readme.txt' is not a .npy file; a weights archive must hold only arrays saved by np.savez.",
    );
    expectWeightError(
      () => readNpz(writeZip([['a.npy', npy], ['a.npy', npy]], false), 'w.npz'),
      "w.npz holds the array 'a' twice.",
    );
    expectWeightError(
      () => readNpz(writeZip([['conv1.weight.npy', new TextEncoder().encode('hello')]], true), 'w.npz'),
      "w.npz entry 'conv1.weight.npy' is not a NumPy .npy file (bad magic bytes).",
    );
    expectWeightError(
      () => readNpz(writeZip([['a.npy', npy.subarray(0, npy.length - 8)]], true), 'w.npz'),
      "w.npz entry 'a.npy' is truncated: expected 24 bytes of array data for shape (3,) with dtype <f8, found 16.",
    );
  });

  it('rejects unsupported compression methods and encrypted entries', () => {
    const { bytes, cd } = oneEntry(false);
    const bzip2 = bytes.slice();
    new DataView(bzip2.buffer).setUint16(cd + 10, 12, true);
    expectWeightError(
      () => readNpz(bzip2, 'w.npz'),
      "w.npz entry 'a.npy' uses zip compression method 12, which is not supported; only stored (0) and deflate (8) are, as written by np.savez and np.savez_compressed.",
    );
    const encrypted = bytes.slice();
    new DataView(encrypted.buffer).setUint16(cd + 8, 1, true);
    expectWeightError(() => readNpz(encrypted, 'w.npz'), "w.npz entry 'a.npy' is encrypted, which is not supported.");
  });

  it('rejects corrupt data: bad CRC, wrong sizes, undecodable deflate streams, truncation', () => {
    const stored = oneEntry(false);
    const flipped = stored.bytes.slice();
    const last = stored.dataStart + stored.npy.length - 1;
    flipped[last] = (flipped[last] as number) ^ 0xff;
    const changed = flipped.slice(stored.dataStart, stored.dataStart + stored.npy.length);
    expectWeightError(
      () => readNpz(flipped, 'w.npz'),
      `w.npz entry 'a.npy' is corrupt: its CRC-32 is ${hex32(crc32(changed))} but the archive declares ${hex32(crc32(stored.npy))}.`,
    );

    const wrongSize = stored.bytes.slice();
    new DataView(wrongSize.buffer).setUint32(stored.cd + 24, 100, true);
    expectWeightError(
      () => readNpz(wrongSize, 'w.npz'),
      `w.npz entry 'a.npy' is corrupt: it decompresses to ${stored.npy.length} bytes but the archive declares 100.`,
    );

    const deflated = oneEntry(true);
    const tooBig = deflated.bytes.slice();
    new DataView(tooBig.buffer).setUint32(deflated.cd + 24, 10, true);
    expectWeightError(
      () => readNpz(tooBig, 'w.npz'),
      "w.npz entry 'a.npy' is corrupt: it decompresses to more than the 10 bytes the archive declares.",
    );

    // Bytes 01 02 03 04 05 claim a final stored block whose length (0x0302) and its complement
    // (0x0504) disagree, which zlib reports as "invalid stored block lengths".
    const garbage = oneEntry(false, Uint8Array.of(1, 2, 3, 4, 5));
    const notDeflate = garbage.bytes.slice();
    new DataView(notDeflate.buffer).setUint16(garbage.cd + 10, 8, true);
    expectWeightError(
      () => readNpz(notDeflate, 'w.npz'),
      "w.npz entry 'a.npy' could not be decompressed: invalid stored block lengths.",
    );

    const truncated = stored.bytes.slice();
    new DataView(truncated.buffer).setUint32(stored.cd + 20, 100000, true);
    expectWeightError(
      () => readNpz(truncated, 'w.npz'),
      `w.npz entry 'a.npy' is truncated: expected 100000 bytes of stored data, found ${stored.bytes.length - stored.dataStart}.`,
    );
  });
});
