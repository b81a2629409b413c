/**
 * Deletion vectors: which row indexes of a data file are deleted. Decodes the descriptor (Z85
 * UUID path for storage type `u`, inline Z85 data for `i`, absolute path for `p`), the DV file
 * framing (version byte, then per vector a big-endian size, the bitmap, a big-endian CRC-32), and
 * the bitmap itself: the Delta magic followed by a portable 64-bit RoaringBitmap (buckets keyed by
 * the high 32 bits, each a standard 32-bit Roaring bitmap with array, bitmap and run containers).
 */
import { crc32 } from 'node:zlib';
import type { DeletionVectorDescriptor } from './actions.js';
import { DeltaError } from './errors.js';
import { isAbsolutePath } from './table-path.js';

/** A deletion vector is missing, truncated or fails its checksum. */
export class DeltaDeletionVectorError extends DeltaError {
  constructor(
    message: string,
    readonly file: string,
    table?: string,
  ) {
    super(message, table);
  }
}

const Z85_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < Z85_CHARS.length; i++) Z85_VALUE[Z85_CHARS.charCodeAt(i)] = i;

export const DV_MAGIC = 1681511377;
const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;

/** Decodes Z85 text (length a multiple of 5) into bytes. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new Error(`Z85 text length ${text.length} is not a multiple of 5`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? Z85_VALUE[code]! : -1;
      if (digit < 0) throw new Error(`invalid Z85 character ${JSON.stringify(text[i + j])}`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new Error('Z85 group out of range');
    out[o] = (value >>> 24) & 0xff;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

/** Encodes bytes (length a multiple of 4) as Z85 text. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new Error(`Z85 input length ${bytes.length} is not a multiple of 4`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    const chunk: string[] = [];
    for (let j = 0; j < 5; j++) {
      chunk.unshift(Z85_CHARS[value % 85]!);
      value = Math.floor(value / 85);
    }
    out += chunk.join('');
  }
  return out;
}

/** The file a `u` or `p` descriptor points to, relative to the table root (or absolute for `p`). */
export function deletionVectorPath(dv: DeletionVectorDescriptor): string {
  if (dv.storageType === 'p') return dv.pathOrInlineDv;
  if (dv.storageType !== 'u') throw new Error(`deletion vector storage type ${dv.storageType} has no file`);
  const encoded = dv.pathOrInlineDv;
  if (encoded.length < 20) throw new Error(`deletion vector path ${JSON.stringify(encoded)} is shorter than a Z85 UUID`);
  const prefix = encoded.slice(0, encoded.length - 20);
  const hex = Buffer.from(z85Decode(encoded.slice(-20))).toString('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return `${prefix === '' ? '' : `${prefix}/`}deletion_vector_${uuid}.bin`;
}

/** Reads bytes of a file by table-relative path, and (optionally) by absolute path or URI. */
export interface DvFileReader {
  read(path: string): Promise<Uint8Array>;
  readAbsolute?(path: string): Promise<Uint8Array>;
}

/** The deleted row indexes of one descriptor, ascending. `cache` shares file reads across calls. */
export async function loadDeletionVector(
  dv: DeletionVectorDescriptor,
  files: DvFileReader,
  options: { table?: string; dataFile?: string; cache?: Map<string, Promise<Uint8Array>> } = {},
): Promise<number[]> {
  const label = `deletion vector of ${options.dataFile ?? 'a data file'}`;
  if (dv.storageType === 'i') {
    const bytes = z85Decode(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes);
    return checkCardinality(decodeBitmap(bytes, label, options.table), dv, label, options.table);
  }
  const path = deletionVectorPath(dv);
  const absolute = dv.storageType === 'p' || isAbsolutePath(path);
  const read = (): Promise<Uint8Array> => {
    if (!absolute) return files.read(path);
    if (!files.readAbsolute) throw new DeltaDeletionVectorError(`${label}: absolute deletion vector paths are not readable here`, path, options.table);
    return files.readAbsolute(path);
  };
  let pending = options.cache?.get(path);
  if (!pending) {
    pending = read();
    options.cache?.set(path, pending);
  }
  let file: Uint8Array;
  try {
    file = await pending;
  } catch (error) {
    throw new DeltaDeletionVectorError(`${label}: cannot read ${path} (${(error as Error).message})`, path, options.table);
  }
  const offset = dv.offset ?? 1;
  if (offset === 1 && file[0] !== 1) {
    throw new DeltaDeletionVectorError(`${label}: ${path} has format version ${file[0]}, expected 1`, path, options.table);
  }
  if (offset + 4 + dv.sizeInBytes + 4 > file.byteLength) {
    throw new DeltaDeletionVectorError(`${label}: ${path} is truncated (needs ${offset + dv.sizeInBytes + 8} bytes, has ${file.byteLength})`, path, options.table);
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const size = view.getUint32(offset, false);
  if (size !== dv.sizeInBytes) {
    throw new DeltaDeletionVectorError(`${label}: ${path} at offset ${offset} holds ${size} bytes, the log says ${dv.sizeInBytes}`, path, options.table);
  }
  const bitmap = file.subarray(offset + 4, offset + 4 + size);
  const expected = view.getUint32(offset + 4 + size, false);
  if ((crc32(bitmap) >>> 0) !== expected) {
    throw new DeltaDeletionVectorError(`${label}: ${path} fails its CRC-32 check`, path, options.table);
  }
  return checkCardinality(decodeBitmap(bitmap, `${label} (${path})`, options.table), dv, label, options.table);
}

function checkCardinality(rows: number[], dv: DeletionVectorDescriptor, label: string, table?: string): number[] {
  if (rows.length !== dv.cardinality) {
    throw new DeltaDeletionVectorError(`${label}: bitmap holds ${rows.length} rows, the log says ${dv.cardinality}`, dv.pathOrInlineDv, table);
  }
  return rows;
}

/** Decodes the magic plus portable 64-bit RoaringBitmap into ascending row indexes. */
export function decodeBitmap(bytes: Uint8Array, label = 'deletion vector', table?: string): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new DeltaDeletionVectorError(`${label}: ${why}`, label, table);
  };
  if (bytes.byteLength < 12) fail('bitmap is truncated');
  if (view.getUint32(0, true) !== DV_MAGIC) fail(`bitmap has magic ${view.getUint32(0, true)}, expected ${DV_MAGIC}`);
  const buckets = Number(view.getBigUint64(4, true));
  let pos = 12;
  const rows: number[] = [];
  for (let b = 0; b < buckets; b++) {
    if (pos + 4 > bytes.byteLength) fail('bitmap is truncated');
    const high = view.getUint32(pos, true) * 2 ** 32;
    pos = decodeRoaring32(view, pos + 4, high, rows, fail);
  }
  return rows;
}

/** One standard (32-bit) portable Roaring bitmap at `pos`; returns the position after it. */
function decodeRoaring32(view: DataView, start: number, high: number, rows: number[], fail: (why: string) => never): number {
  let pos = start;
  const need = (n: number): void => {
    if (pos + n > view.byteLength) fail('bitmap is truncated');
  };
  need(4);
  const cookie = view.getUint32(pos, true);
  pos += 4;
  let size: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const flagBytes = Math.ceil(size / 8);
    need(flagBytes);
    runFlags = new Uint8Array(view.buffer, view.byteOffset + pos, flagBytes);
    pos += flagBytes;
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    need(4);
    size = view.getUint32(pos, true);
    pos += 4;
  } else {
    return fail(`unknown Roaring cookie ${cookie}`);
  }
  need(size * 4);
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(view.getUint16(pos, true));
    cards.push(view.getUint16(pos + 2, true) + 1);
    pos += 4;
  }
  // Offsets are present unless run containers are flagged and there are fewer than 4 containers.
  if (!runFlags || size >= 4) {
    need(size * 4);
    pos += size * 4;
  }
  for (let i = 0; i < size; i++) {
    const base = high + keys[i]! * 65536;
    const isRun = runFlags ? (runFlags[i >>> 3]! >>> (i & 7)) & 1 : 0;
    if (isRun) {
      need(2);
      const runs = view.getUint16(pos, true);
      pos += 2;
      need(runs * 4);
      for (let r = 0; r < runs; r++) {
        const from = view.getUint16(pos, true);
        const length = view.getUint16(pos + 2, true);
        pos += 4;
        for (let v = from; v <= from + length; v++) rows.push(base + v);
      }
    } else if (cards[i]! <= 4096) {
      need(cards[i]! * 2);
      for (let k = 0; k < cards[i]!; k++) rows.push(base + view.getUint16(pos + k * 2, true));
      pos += cards[i]! * 2;
    } else {
      need(8192);
      for (let w = 0; w < 2048; w++) {
        let word = view.getUint32(pos + w * 4, true);
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          rows.push(base + w * 32 + bit);
          word &= word - 1;
        }
      }
      pos += 8192;
    }
  }
  return pos;
}
