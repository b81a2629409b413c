/**
 * Deletion vectors: Z85, descriptor paths, the DV file framing and the portable 64-bit
 * RoaringBitmap with its three container kinds, built byte by byte here, plus a real corpus file.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DeletionVectorDescriptor } from '../../src/delta/actions.js';
import {
  DV_MAGIC,
  DeltaDeletionVectorError,
  decodeBitmap,
  deletionVectorPath,
  loadDeletionVector,
  z85Decode,
  z85Encode,
} from '../../src/delta/deletion-vectors.js';
import { FsLogStore, MemoryLogStore } from '../../src/delta/log-store.js';
import { hasShared, sharedPath } from '../helpers/shared.js';

/** Little-endian byte writer for hand-built bitmaps. */
class Bytes {
  private readonly parts: number[] = [];
  u16(v: number): this { this.parts.push(v & 0xff, (v >>> 8) & 0xff); return this; }
  u32(v: number): this { this.u16(v & 0xffff); return this.u16(v >>> 16); }
  u64(v: number): this { this.u32(v % 2 ** 32); return this.u32(Math.floor(v / 2 ** 32)); }
  raw(bytes: Uint8Array): this { this.parts.push(...bytes); return this; }
  /** One run-flags byte marking container 0 as a run container. */
  u8flag(): this { this.parts.push(1); return this; }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** A 32-bit Roaring bitmap with array containers only (no-run cookie). */
function arrayRoaring(containers: { key: number; values: number[] }[]): Uint8Array {
  const b = new Bytes().u32(12346).u32(containers.length);
  for (const c of containers) b.u16(c.key).u16(c.values.length - 1);
  let offset = 8 + containers.length * 8;
  for (const c of containers) { b.u32(offset); offset += c.values.length * 2; }
  for (const c of containers) for (const v of c.values) b.u16(v);
  return b.done();
}

function treemap(buckets: { high: number; bitmap: Uint8Array }[]): Uint8Array {
  const b = new Bytes().u32(DV_MAGIC).u64(buckets.length);
  for (const bucket of buckets) b.u32(bucket.high).raw(bucket.bitmap);
  return b.done();
}

function dvFile(bitmap: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + 4 + bitmap.length + 4);
  const view = new DataView(out.buffer);
  out[0] = 1;
  view.setUint32(1, bitmap.length, false);
  out.set(bitmap, 5);
  view.setUint32(5 + bitmap.length, crc32(bitmap) >>> 0, false);
  return out;
}

describe('Z85', () => {
  it('decodes the specification example', () => {
    expect([...z85Decode('HelloWorld')]).toEqual([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  });
  it('round-trips', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i * 37) & 0xff);
    expect(z85Decode(z85Encode(bytes))).toEqual(bytes);
  });
  it('rejects bad input', () => {
    expect(() => z85Decode('abcd')).toThrow(/multiple of 5/);
    expect(() => z85Decode('abcd~')).toThrow(/invalid Z85 character/);
  });
});

describe('deletion vector paths', () => {
  const uuid = Uint8Array.from([0xae, 0x71, 0x77, 0xf2, 0x6d, 0x17, 0x4e, 0xa8, 0x81, 0x9b, 0x8d, 0x62, 0xfa, 0x2c, 0x54, 0x69]);
  it('turns a Z85 UUID into the file name, with and without a random prefix', () => {
    const encoded = z85Encode(uuid);
    const dv: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: encoded, sizeInBytes: 1, cardinality: 1 };
    expect(deletionVectorPath(dv)).toBe('deletion_vector_ae7177f2-6d17-4ea8-819b-8d62fa2c5469.bin');
    expect(deletionVectorPath({ ...dv, pathOrInlineDv: `ab${encoded}` })).toBe('ab/deletion_vector_ae7177f2-6d17-4ea8-819b-8d62fa2c5469.bin');
  });
});

describe('bitmap decoding', () => {
  it('decodes array containers across buckets (high 32 bits)', () => {
    const bitmap = treemap([
      { high: 0, bitmap: arrayRoaring([{ key: 0, values: [0, 3, 9] }, { key: 2, values: [1] }]) },
      { high: 1, bitmap: arrayRoaring([{ key: 0, values: [5] }]) },
    ]);
    expect(decodeBitmap(bitmap)).toEqual([0, 3, 9, 2 * 65536 + 1, 2 ** 32 + 5]);
  });

  it('decodes run containers (run cookie, no offsets below 4 containers)', () => {
    // cookie 12347 | (size-1) << 16, run flags, header, then the run container: count, (start, length-1).
    const roaring = new Bytes().u32(12347).u8flag().u16(0).u16(5).u16(1).u16(10).u16(5).done();
    expect(decodeBitmap(treemap([{ high: 0, bitmap: roaring }]))).toEqual([10, 11, 12, 13, 14, 15]);
  });

  it('decodes bitmap containers (more than 4096 values)', () => {
    const words = new Uint8Array(8192);
    const expected: number[] = [];
    for (let v = 0; v < 65536; v += 3) {
      words[v >>> 3]! |= 1 << (v & 7);
      expected.push(v);
    }
    const roaring = new Bytes().u32(12346).u32(1).u16(7).u16(expected.length - 1).u32(16).raw(words).done();
    expect(decodeBitmap(treemap([{ high: 0, bitmap: roaring }]))).toEqual(expected.map((v) => 7 * 65536 + v));
  });

  it('rejects a wrong magic and truncation', () => {
    const good = treemap([{ high: 0, bitmap: arrayRoaring([{ key: 0, values: [1, 2] }]) }]);
    const bad = good.slice();
    bad[0] = 0;
    expect(() => decodeBitmap(bad)).toThrow(/magic/);
    expect(() => decodeBitmap(good.subarray(0, good.length - 1))).toThrow(/truncated/);
  });
});

describe('loading deletion vectors', () => {
  const bitmap = treemap([{ high: 0, bitmap: arrayRoaring([{ key: 0, values: [1, 4] }]) }]);
  const uuid = z85Encode(Uint8Array.from({ length: 16 }, (_, i) => i));
  const dv: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: uuid, offset: 1, sizeInBytes: bitmap.length, cardinality: 2 };

  it('reads a u vector from its file through the store, checking size and CRC', async () => {
    const store = new MemoryLogStore();
    await store.put(deletionVectorPath(dv), dvFile(bitmap));
    expect(await loadDeletionVector(dv, store)).toEqual([1, 4]);
    const corrupt = dvFile(bitmap);
    corrupt[7]! ^= 0xff;
    await store.put(deletionVectorPath(dv), corrupt);
    await expect(loadDeletionVector(dv, store, { dataFile: 'part-0.parquet' })).rejects.toThrow(/part-0.parquet.*CRC-32/);
  });

  it('reads an inline i vector', async () => {
    const padded = new Uint8Array(Math.ceil(bitmap.length / 4) * 4);
    padded.set(bitmap);
    const inline: DeletionVectorDescriptor = { storageType: 'i', pathOrInlineDv: z85Encode(padded), sizeInBytes: bitmap.length, cardinality: 2 };
    expect(await loadDeletionVector(inline, new MemoryLogStore())).toEqual([1, 4]);
  });

  it('fails on a missing file or a cardinality the log does not state', async () => {
    const store = new MemoryLogStore();
    await expect(loadDeletionVector(dv, store)).rejects.toBeInstanceOf(DeltaDeletionVectorError);
    await store.put(deletionVectorPath(dv), dvFile(bitmap));
    await expect(loadDeletionVector({ ...dv, cardinality: 3 }, store)).rejects.toThrow(/holds 2 rows, the log says 3/);
  });

  it.skipIf(!hasShared())('decodes a real vector written by Spark (krs-with-short-dv)', async () => {
    const store = new FsLogStore(sharedPath('corpus', 'delta', 'krs-with-short-dv', 'delta'));
    const log = new TextDecoder().decode(await store.read('_delta_log/00000000000000000000.json'));
    const add = log.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((a) => a.add?.deletionVector)?.add;
    const rows = await loadDeletionVector(add.deletionVector, store);
    expect(rows.length).toBe(add.deletionVector.cardinality);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
  });
});
