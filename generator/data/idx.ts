/**
 * Reader for IDX files, the format MNIST and Fashion-MNIST ship in: a 4-byte magic (0, 0, element
 * type, dimension count), big-endian uint32 dimensions, then the elements in C order, big-endian.
 * See http://yann.lecun.com/exdb/mnist/ for the layout.
 */
import { PotgenError } from '../core/errors.ts';

/** The element types the format defines, by their type byte. */
const TYPES: Readonly<Record<number, { readonly name: string; readonly size: number; readonly integer: boolean }>> = {
  0x08: { name: 'uint8', size: 1, integer: true },
  0x09: { name: 'int8', size: 1, integer: true },
  0x0b: { name: 'int16', size: 2, integer: true },
  0x0c: { name: 'int32', size: 4, integer: true },
  0x0d: { name: 'float32', size: 4, integer: false },
  0x0e: { name: 'float64', size: 8, integer: false },
};

/** A parsed IDX file: its dimensions, element type, and the element bytes (not decoded). */
export interface IdxArray {
  readonly dims: readonly number[];
  /** `uint8`, `int8`, `int16`, `int32`, `float32` or `float64`. */
  readonly dtype: string;
  readonly integer: boolean;
  /** The element bytes, big-endian; for uint8 these are the values. */
  readonly data: Uint8Array;
  /** Element i as a number. */
  value(i: number): number;
}

/** Parses an IDX file; `where` names it in error messages. */
export function readIdx(bytes: Uint8Array, where: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes.length >= 4 && view.getUint16(0) === 0 ? TYPES[view.getUint8(2)] : undefined;
  if (!type) {
    throw new PotgenError(`${where} is not an IDX file: it does not start with the bytes 0, 0, an element type (8 for uint8) and a dimension count.`);
  }
  const ndim = view.getUint8(3);
  const offset = 4 + 4 * ndim;
  if (bytes.length < offset) throw new PotgenError(`${where} is truncated: its header promises ${ndim} dimensions but the file ends after ${bytes.length} bytes.`);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1) * type.size;
  if (bytes.length !== offset + size) throw new PotgenError(`${where} holds ${bytes.length - offset} bytes of data; its header promises ${size}.`);
  const data = bytes.subarray(offset);
  const at = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read: Record<string, (i: number) => number> = {
    uint8: (i) => data[i]!,
    int8: (i) => at.getInt8(i),
    int16: (i) => at.getInt16(2 * i),
    int32: (i) => at.getInt32(4 * i),
    float32: (i) => at.getFloat32(4 * i),
    float64: (i) => at.getFloat64(8 * i),
  };
  return { dims, dtype: type.name, integer: type.integer, data, value: read[type.name]! };
}
