/**
 * A minimal reader for the protocol buffers wire format, enough to decode ONNX models without a
 * schema compiler or an npm dependency. See https://protobuf.dev/programming-guides/encoding/.
 *
 * A message is decoded into its list of fields, each with the field number, wire type and raw
 * value; the helpers below interpret a field as the scalar type the schema declares. Unknown fields
 * are kept (and ignored by callers), so newer writers' extensions do not break reading.
 *
 * Malformed input throws a {@link ProtobufError} (a WeightFileError) whose message is a clause
 * such as "the data ends in the middle of a varint at byte 17"; callers wrap it with the file name.
 */

import { WeightFileError } from '../core/errors.ts';

/** The wire types of proto3 (the deprecated groups, 3 and 4, are rejected). */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const WIRE_NAMES: Record<WireType, string> = {
  0: 'varint',
  1: 'fixed64',
  2: 'length-delimited',
  5: 'fixed32',
};

/** Malformed protobuf data. The message is a lower-case clause without a final full stop. */
export class ProtobufError extends WeightFileError {
  override name = 'ProtobufError';
}

/** One field of a message as it appears on the wire. `offset` is the absolute byte of its tag. */
export type ProtoField =
  | { readonly number: number; readonly wire: 0; readonly offset: number; readonly value: bigint }
  | { readonly number: number; readonly wire: 1; readonly offset: number; readonly value: Uint8Array }
  | { readonly number: number; readonly wire: 2; readonly offset: number; readonly value: Uint8Array; readonly valueOffset: number }
  | { readonly number: number; readonly wire: 5; readonly offset: number; readonly value: Uint8Array };

/** A decoded message: its fields in wire order, with where its bytes start in the whole file. */
export interface ProtoMessage {
  readonly fields: readonly ProtoField[];
  /** Absolute offset of the message's first byte, for error messages. */
  readonly offset: number;
}

/**
 * Reads one varint starting at `pos`. Returns its value (as an unsigned 64-bit bigint) and the
 * position after it. `base` is added to positions in error messages.
 */
export function readVarint(bytes: Uint8Array, pos: number, base = 0): { value: bigint; next: number } {
  const start = pos;
  // Fast path: up to 7 bytes (49 bits) fit exactly in a double.
  let low = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= bytes.length) throw new ProtobufError(`the data ends in the middle of a varint at byte ${base + start}`);
    const b = bytes[pos++] as number;
    low += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value: BigInt(low), next: pos };
    scale *= 128;
  }
  let value = BigInt(low);
  let shift = 49n;
  for (let i = 7; i < 10; i++) {
    if (pos >= bytes.length) throw new ProtobufError(`the data ends in the middle of a varint at byte ${base + start}`);
    const b = bytes[pos++] as number;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      if (i === 9 && b > 1) break; // the tenth byte may carry only the 64th bit
      return { value, next: pos };
    }
    shift += 7n;
  }
  throw new ProtobufError(`the varint at byte ${base + start} is longer than 64 bits`);
}

/**
 * Splits `bytes` into fields. `base` is the absolute offset of `bytes[0]` in the file, so that
 * error positions and `offset`s refer to the whole file.
 */
export function decodeMessage(bytes: Uint8Array, base = 0): ProtoMessage {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const offset = base + pos;
    const tag = readVarint(bytes, pos, base);
    pos = tag.next;
    if (tag.value > 0xffffffffn) throw new ProtobufError(`the field tag at byte ${offset} is too large`);
    const key = Number(tag.value);
    const number = Math.floor(key / 8);
    const wire = key & 7;
    if (number === 0) throw new ProtobufError(`the field at byte ${offset} has the invalid field number 0`);
    switch (wire) {
      case 0: {
        const v = readVarint(bytes, pos, base);
        pos = v.next;
        fields.push({ number, wire, offset, value: v.value });
        break;
      }
      case 1:
      case 5: {
        const size = wire === 1 ? 8 : 4;
        if (pos + size > bytes.length) {
          throw new ProtobufError(
            `the data ends in the middle of field ${number} (${WIRE_NAMES[wire]}) at byte ${offset}`,
          );
        }
        fields.push({ number, wire, offset, value: bytes.subarray(pos, pos + size) });
        pos += size;
        break;
      }
      case 2: {
        const len = readVarint(bytes, pos, base);
        pos = len.next;
        const remaining = bytes.length - pos;
        if (len.value > BigInt(remaining)) {
          throw new ProtobufError(
            `field ${number} at byte ${offset} declares ${len.value} bytes but only ${remaining} follow`,
          );
        }
        const n = Number(len.value);
        fields.push({ number, wire, offset, value: bytes.subarray(pos, pos + n), valueOffset: base + pos });
        pos += n;
        break;
      }
      default:
        throw new ProtobufError(`field ${number} at byte ${offset} has the invalid wire type ${wire}`);
    }
  }
  return { fields, offset: base };
}

// ---------------------------------------------------------------------------------------------
// Interpreting fields. `what` names the field in error messages, e.g. "NodeProto.op_type".

function wrongWire(field: ProtoField, expected: string, what: string): ProtobufError {
  return new ProtobufError(
    `${what} (field ${field.number} at byte ${field.offset}) is ${WIRE_NAMES[field.wire as WireType]} where ${expected} was expected`,
  );
}

/** All fields numbered `n`, in wire order. */
export function fieldsNumbered(msg: ProtoMessage, n: number): ProtoField[] {
  return msg.fields.filter((f) => f.number === n);
}

/** The last field numbered `n` (protobuf's rule for a repeated singular field), or undefined. */
export function lastField(msg: ProtoMessage, n: number): ProtoField | undefined {
  for (let i = msg.fields.length - 1; i >= 0; i--) {
    const f = msg.fields[i] as ProtoField;
    if (f.number === n) return f;
  }
  return undefined;
}

/** A length-delimited field's bytes and their absolute offset. */
export function bytesOf(field: ProtoField, what: string): { bytes: Uint8Array; offset: number } {
  if (field.wire !== 2) throw wrongWire(field, 'length-delimited data', what);
  return { bytes: field.value, offset: field.valueOffset };
}

/** An embedded message. */
export function messageOf(field: ProtoField, what: string): ProtoMessage {
  const { bytes, offset } = bytesOf(field, what);
  return decodeMessage(bytes, offset);
}

/** A UTF-8 string field. Invalid UTF-8 is rejected. */
export function stringOf(field: ProtoField, what: string): string {
  const { bytes } = bytesOf(field, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ProtobufError(`${what} (field ${field.number} at byte ${field.offset}) is not valid UTF-8`);
  }
}

/** A varint field as an unsigned 64-bit bigint. */
export function varintOf(field: ProtoField, what: string): bigint {
  if (field.wire !== 0) throw wrongWire(field, 'a varint', what);
  return field.value;
}

/**
 * An int64/int32 varint field as a number. Negative values (sign-extended to 64 bits on the wire)
 * are decoded; magnitudes beyond 2^53 are rejected rather than silently rounded.
 */
export function intOf(field: ProtoField, what: string): number {
  return toSafeInt(BigInt.asIntN(64, varintOf(field, what)), field, what);
}

function toSafeInt(v: bigint, field: ProtoField, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufError(
      `${what} (field ${field.number} at byte ${field.offset}) holds ${v}, which is too large to handle exactly`,
    );
  }
  return Number(v);
}

/** A `float` (fixed32) field. */
export function floatOf(field: ProtoField, what: string): number {
  if (field.wire !== 5) throw wrongWire(field, 'a fixed32 float', what);
  return new DataView(field.value.buffer, field.value.byteOffset, 4).getFloat32(0, true);
}

/** A `double` (fixed64) field. */
export function doubleOf(field: ProtoField, what: string): number {
  if (field.wire !== 1) throw wrongWire(field, 'a fixed64 double', what);
  return new DataView(field.value.buffer, field.value.byteOffset, 8).getFloat64(0, true);
}

/**
 * A repeated int64/int32 field, which writers may emit packed (one length-delimited field holding
 * concatenated varints) or unpacked (one varint field per element), or even a mix of both.
 */
export function repeatedInts(msg: ProtoMessage, n: number, what: string): number[] {
  return repeatedVarints(msg, n, what).map(([v, field]) => toSafeInt(BigInt.asIntN(64, v), field, what));
}

/**
 * A repeated varint field, packed or unpacked, as raw unsigned 64-bit values, each with the field
 * it came from. Use `BigInt.asIntN(64, v)` for int64/int32 fields.
 */
export function repeatedVarints(msg: ProtoMessage, n: number, what: string): Array<[bigint, ProtoField]> {
  const out: Array<[bigint, ProtoField]> = [];
  for (const field of fieldsNumbered(msg, n)) {
    if (field.wire === 2) {
      const bytes = field.value;
      let pos = 0;
      while (pos < bytes.length) {
        const v = readVarint(bytes, pos, field.valueOffset);
        pos = v.next;
        out.push([v.value, field]);
      }
    } else {
      out.push([varintOf(field, what), field]);
    }
  }
  return out;
}

/**
 * A repeated fixed-width field (`float` with width 4, `double` with width 8), packed or unpacked.
 * Values are read little-endian, as protobuf always stores them.
 */
export function repeatedFixed(msg: ProtoMessage, n: number, width: 4 | 8, what: string): number[] {
  const out: number[] = [];
  for (const field of fieldsNumbered(msg, n)) {
    if (field.wire === 2) {
      const bytes = field.value;
      if (bytes.length % width !== 0) {
        throw new ProtobufError(
          `${what} (field ${n} at byte ${field.offset}) holds ${bytes.length} bytes, not a multiple of ${width}`,
        );
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let off = 0; off < bytes.length; off += width) {
        out.push(width === 4 ? view.getFloat32(off, true) : view.getFloat64(off, true));
      }
    } else {
      out.push(width === 4 ? floatOf(field, what) : doubleOf(field, what));
    }
  }
  return out;
}
