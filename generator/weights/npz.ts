/**
 * Reader and writer for NumPy's `.npz` archives: zip files holding one `.npy` file per array, as
 * written by `np.savez` (stored) and `np.savez_compressed` (deflated).
 *
 * Sizes and offsets are taken from the central directory, never from the local file headers:
 * numpy writes every entry with `force_zip64=True`, so its local headers hold 0xFFFFFFFF sizes and
 * a zip64 extra field even for tiny arrays, while the central directory holds the real values.
 */

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { WeightFileError } from '../core/errors.ts';
import { readNpy, writeNpy } from './npy.ts';
import { type NdArray } from '../core/tensors.ts';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as used by zip, gzip and PNG. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface CentralEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/**
 * Reads every array of an `.npz` archive. Keys are the entry names without their `.npy` suffix;
 * the map is sorted by key. `where` names the archive in error messages.
 */
export function readNpz(bytes: Uint8Array, where: string): Map<string, NdArray> {
  return new Map([...readNpzEntries(bytes, where)].map(([key, e]) => [key, readNpy(e.bytes, e.where)]));
}

/** One array of an archive, still in `.npy` form, and how messages name it. */
export interface NpzEntry {
  readonly bytes: Uint8Array;
  readonly where: string;
}

/**
 * The `.npy` files of an `.npz` archive, checked (CRC, sizes) but not decoded, sorted by key:
 * for callers that decode only the arrays they need, or keep uint8 data as bytes.
 */
export function readNpzEntries(bytes: Uint8Array, where: string): Map<string, NpzEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (off: number): number => view.getUint16(off, true);
  const u32 = (off: number): number => view.getUint32(off, true);

  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 65535 bytes.
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - 0xffff);
  for (let off = bytes.length - EOCD_SIZE; off >= lowest; off--) {
    if (u32(off) === SIG_EOCD && off + EOCD_SIZE + u16(off + 20) === bytes.length) {
      eocd = off;
      break;
    }
  }
  if (eocd < 0) {
    const hint = bytes.length >= 4 && u32(0) === SIG_LOCAL ? ' (it may be truncated)' : '';
    throw new WeightFileError(
      `${where} is not a NumPy .npz file: no zip end-of-central-directory record was found${hint}.`,
    );
  }
  const diskEntries = u16(eocd + 8);
  const totalEntries = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (
    (eocd >= 20 && u32(eocd - 20) === SIG_ZIP64_LOCATOR) ||
    totalEntries === 0xffff ||
    cdSize === 0xffffffff ||
    cdOffset === 0xffffffff
  ) {
    throw new WeightFileError(
      `${where} is a zip64 archive, which is not supported; keep the archive below 4 GiB and 65535 arrays.`,
    );
  }
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0 || diskEntries !== totalEntries) {
    throw new WeightFileError(`${where} is a multi-disk zip archive, which is not supported.`);
  }
  if (cdOffset + cdSize > eocd) {
    throw new WeightFileError(
      `${where} is corrupt: its central directory (offset ${cdOffset}, ${cdSize} bytes) lies outside the file.`,
    );
  }

  const entries: CentralEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < totalEntries; i++) {
    if (p + 46 > cdOffset + cdSize || u32(p) !== SIG_CENTRAL) {
      throw new WeightFileError(
        `${where} is corrupt: central directory record ${i + 1} of ${totalEntries} is malformed.`,
      );
    }
    const flags = u16(p + 8);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    if (p + 46 + nameLen + extraLen + commentLen > cdOffset + cdSize) {
      throw new WeightFileError(
        `${where} is corrupt: central directory record ${i + 1} of ${totalEntries} is malformed.`,
      );
    }
    const nameBytes = bytes.subarray(p + 46, p + 46 + nameLen);
    // Bit 11 marks UTF-8 names; others are CP437, which agrees with UTF-8 on the ASCII names numpy writes.
    const name = new TextDecoder('utf-8').decode(nameBytes);
    const entry: CentralEntry = {
      name,
      flags,
      method: u16(p + 10),
      crc: u32(p + 16),
      compressedSize: u32(p + 20),
      size: u32(p + 24),
      localOffset: u32(p + 42),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localOffset === 0xffffffff) {
      throw new WeightFileError(
        `${where} entry '${name}' uses zip64 sizes, which are not supported; keep every array below 4 GiB.`,
      );
    }
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }

  const arrays = new Map<string, NpzEntry>();
  for (const e of entries) {
    if (e.name.endsWith('/')) continue; // a directory entry holds no data
    const entryWhere = `${where} entry '${e.name}'`;
    if (!e.name.endsWith('.npy')) {
      throw new WeightFileError(
        `${entryWhere} is not a .npy file; a weights archive must hold only arrays saved by np.savez.`,
      );
    }
    if (e.flags & 0x1) {
      throw new WeightFileError(`${entryWhere} is encrypted, which is not supported.`);
    }
    const lh = e.localOffset;
    if (lh + 30 > bytes.length || u32(lh) !== SIG_LOCAL) {
      throw new WeightFileError(
        `${entryWhere} is corrupt: no local file header at offset ${lh}.`,
      );
    }
    const dataStart = lh + 30 + u16(lh + 26) + u16(lh + 28);
    const dataEnd = dataStart + e.compressedSize;
    if (dataEnd > bytes.length) {
      throw new WeightFileError(
        `${entryWhere} is truncated: expected ${e.compressedSize} bytes of stored data, found ${Math.max(0, bytes.length - dataStart)}.`,
      );
    }
    const raw = bytes.subarray(dataStart, dataEnd);
    let content: Uint8Array;
    if (e.method === 0) {
      content = raw;
    } else if (e.method === 8) {
      try {
        content = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new WeightFileError(
            `${entryWhere} is corrupt: it decompresses to more than the ${e.size} bytes the archive declares.`,
          );
        }
        const detail = err instanceof Error ? err.message : String(err);
        throw new WeightFileError(`${entryWhere} could not be decompressed: ${detail}.`);
      }
    } else {
      throw new WeightFileError(
        `${entryWhere} uses zip compression method ${e.method}, which is not supported; only stored (0) and deflate (8) are, as written by np.savez and np.savez_compressed.`,
      );
    }
    if (content.length !== e.size) {
      throw new WeightFileError(
        `${entryWhere} is corrupt: it decompresses to ${content.length} bytes but the archive declares ${e.size}.`,
      );
    }
    const crc = crc32(content);
    if (crc !== e.crc) {
      throw new WeightFileError(
        `${entryWhere} is corrupt: its CRC-32 is ${hex32(crc)} but the archive declares ${hex32(e.crc)}.`,
      );
    }
    const key = e.name.slice(0, -'.npy'.length);
    if (arrays.has(key)) {
      throw new WeightFileError(`${where} holds the array '${key}' twice.`);
    }
    arrays.set(key, { bytes: content, where: entryWhere });
  }
  return new Map([...arrays].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Writes arrays as an `.npz` archive (float64 `.npy` entries named `<key>.npy`, sorted by key,
 * deflated when `compress` is set). Used to build test fixtures.
 */
export function writeNpz(entries: Map<string, NdArray>, compress: boolean): Uint8Array {
  const keys = [...entries.keys()].sort();
  return writeZip(
    keys.map((key) => [`${key}.npy`, writeNpy(entries.get(key) as NdArray, '<f8')] as const),
    compress,
  );
}

/**
 * Writes files, in the order given, as a zip archive without zip64 extensions, stored or deflated.
 * Timestamps are fixed at 1980-01-01 00:00 so the output is reproducible. Used to build fixtures.
 */
export function writeZip(
  files: ReadonlyArray<readonly [name: string, content: Uint8Array]>,
  compress: boolean,
): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const [fileName, content] of files) {
    const name = encoder.encode(fileName);
    const data = compress ? new Uint8Array(deflateRawSync(content)) : content;
    const crc = crc32(content);
    const flags = /^[\x20-\x7e]*$/.test(fileName) ? 0 : 0x800; // bit 11: the name is UTF-8
    const method = compress ? 8 : 0;

    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(6, flags, true);
    lv.setUint16(8, method, true);
    lv.setUint16(10, 0, true); // time
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, content.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, 30);

    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    cv.setUint16(8, flags, true);
    cv.setUint16(10, method, true);
    cv.setUint16(12, 0, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, content.length, true);
    cv.setUint16(28, name.length, true);
    // extra length, comment length, disk number, internal and external attributes stay 0
    cv.setUint32(42, offset, true);
    cd.set(name, 46);

    chunks.push(local, data);
    central.push(cd);
    offset += local.length + data.length;
  }
  if (files.length > 0xfffe || offset > 0xfffffffe) {
    throw new RangeError('writeZip: the archive would need zip64, which is not implemented.');
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(EOCD_SIZE);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);

  const all = [...chunks, ...central, eocd];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
