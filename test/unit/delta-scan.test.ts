/**
 * Scanning snapshots as DuckDB views on tables built here (Parquet by DuckDB, logs by hand):
 * column mapping with nested renames, a column missing from old files, extra file columns not in
 * the schema, deletion vectors, field-id checks, typed partitions and an empty table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DV_MAGIC, z85Encode } from '../../src/delta/deletion-vectors.js';
import { DeltaDataFileMissingError } from '../../src/engine/delta-scan.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { parsePredicate } from '../../src/delta/predicate.js';
import { Session, quoteString } from '../../src/engine/session.js';

let root: string;
let session: Session;
let n = 0;

function table(actions: object[][]): string {
  const dir = join(root, `t${n++}`);
  mkdirSync(join(dir, '_delta_log'), { recursive: true });
  actions.forEach((commit, v) => {
    writeFileSync(join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`), commit.map((a) => JSON.stringify(a)).join('\n') + '\n');
  });
  return dir;
}
const field = (name: string, type: unknown, physical?: string, id?: number) => ({
  name, type, nullable: true,
  metadata: physical ? { 'delta.columnMapping.physicalName': physical, 'delta.columnMapping.id': id ?? 1 } : {},
});
const meta = (fields: object[], partitionColumns: string[] = [], configuration: Record<string, string> = {}) => ({
  metaData: { id: 'x', format: { provider: 'parquet' }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns, configuration },
});
const add = (path: string, partitionValues: Record<string, string | null> = {}, extra: object = {}) => ({
  add: { path, partitionValues, size: 100, modificationTime: 0, dataChange: true, ...extra },
});
const copy = (sql: string, file: string, options = ''): Promise<void> =>
  session.run(`COPY (${sql}) TO ${quoteString(file)} (FORMAT parquet${options})`);
const rows = (view: string) => session.json(`SELECT * FROM "${view}" ORDER BY ALL`);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  session = await Session.open({ threads: 1 });
});
afterAll(() => {
  session?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('Delta scans', () => {
  it('maps physical to logical names, nested fields included', async () => {
    const dir = table([[
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
      meta([
        field('id', 'long', 'col-1', 1),
        field('info', { type: 'struct', fields: [field('city', 'string', 'col-3', 3)] }, 'col-2', 2),
      ], [], { 'delta.columnMapping.mode': 'name' }),
      add('a.parquet'),
    ]]);
    await copy(`SELECT 1::BIGINT AS "col-1", {'col-3': 'Oslo'} AS "col-2"`, join(dir, 'a.parquet'));
    await openDeltaView(session, 'cm', dir);
    expect(await rows('cm')).toEqual([{ id: '1', info: { city: 'Oslo' } }]);
  });

  it('reads a column missing from older files as NULL and never shows columns outside the schema', async () => {
    const dir = table([
      [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, meta([field('id', 'integer')]), add('old.parquet')],
      [meta([field('id', 'integer'), field('note', 'string'), field('gone', 'void')]), add('new.parquet')],
    ]);
    await copy(`SELECT 1 AS id`, join(dir, 'old.parquet'));
    await copy(`SELECT 2 AS id, 'hi' AS note, 'insert' AS _change_type`, join(dir, 'new.parquet'));
    await openDeltaView(session, 'evo', dir);
    expect(await rows('evo')).toEqual([{ id: 1, note: null, gone: null }, { id: 2, note: 'hi', gone: null }]);
    await openDeltaView(session, 'evo0', dir, { version: 0 });
    expect(await rows('evo0')).toEqual([{ id: 1 }]);
  });

  it('types partition values from the schema and prunes with a predicate', async () => {
    const dir = table([[
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      meta([field('v', 'integer'), field('ts', 'timestamp'), field('n', 'decimal(5,2)')], ['ts', 'n']),
      add('p1.parquet', { ts: '2024-01-01T10:00:00.123456Z', n: '1.50' }),
      add('p2.parquet', { ts: null, n: '' }),
    ]]);
    await copy(`SELECT 1 AS v`, join(dir, 'p1.parquet'));
    await copy(`SELECT 2 AS v`, join(dir, 'p2.parquet'));
    const { scan } = await openDeltaView(session, 'parts', dir, { predicate: parsePredicate("ts > TIMESTAMP '2024-01-01'") });
    expect(scan).toEqual({ filesTotal: 2, filesScanned: 1, bytesTotal: 200, bytesScanned: 100 });
    const described = await session.describe('SELECT * FROM parts');
    expect(described.map((c) => c.type)).toEqual(['INTEGER', 'TIMESTAMP WITH TIME ZONE', 'DECIMAL(5,2)']);
    expect(await session.json(`SELECT v, strftime(ts, '%Y-%m-%d %H:%M:%S.%f') AS t, n FROM parts`)).toEqual([{ v: 1, t: '2024-01-01 10:00:00.123456', n: '1.50' }]);
  });

  it('drops the rows of a deletion vector', async () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const hex = Buffer.from(uuid).toString('hex');
    const dvName = `deletion_vector_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}.bin`;
    // Bitmap: magic, one bucket (high 0), Roaring with one array container holding rows 1 and 3.
    const b: number[] = [];
    const u32 = (v: number) => b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    const u16 = (v: number) => b.push(v & 0xff, (v >>> 8) & 0xff);
    u32(DV_MAGIC); u32(1); u32(0); u32(0);
    u32(12346); u32(1); u16(0); u16(1); u32(16); u16(1); u16(3);
    const bitmap = Uint8Array.from(b);
    const file = new Uint8Array(1 + 4 + bitmap.length + 4);
    file[0] = 1;
    new DataView(file.buffer).setUint32(1, bitmap.length);
    file.set(bitmap, 5);
    new DataView(file.buffer).setUint32(5 + bitmap.length, crc32(bitmap) >>> 0);
    const dv = { storageType: 'u', pathOrInlineDv: z85Encode(uuid), offset: 1, sizeInBytes: bitmap.length, cardinality: 2 };
    const dir = table([[
      { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] } },
      meta([field('id', 'integer')]),
      add('d.parquet', {}, { deletionVector: dv }),
    ]]);
    writeFileSync(join(dir, dvName), file);
    await copy(`SELECT range::INTEGER AS id FROM range(5)`, join(dir, 'd.parquet'));
    await openDeltaView(session, 'dv', dir);
    expect((await rows('dv')).map((r) => r.id)).toEqual([0, 2, 4]);
  });

  it('refuses id-mode files whose field ids sit under other names', async () => {
    const dir = table([[
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
      meta([field('id', 'integer', 'col-a', 1)], [], { 'delta.columnMapping.mode': 'id' }),
      add('f.parquet'),
    ]]);
    await copy(`SELECT 1 AS other`, join(dir, 'f.parquet'), `, FIELD_IDS {other: 1}`);
    await expect(openDeltaView(session, 'ids', dir)).rejects.toThrow(/field id 1 as "other".*"col-a"/);
  });

  it('gives an empty typed view for an empty table and names a missing data file', async () => {
    const dir = table([
      [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, meta([field('id', 'long')]), add('x.parquet')],
      [{ remove: { path: 'x.parquet', dataChange: true } }],
    ]);
    await openDeltaView(session, 'empty', dir);
    expect(await session.describe('SELECT * FROM empty')).toEqual([{ name: 'id', type: 'BIGINT' }]);
    expect(await rows('empty')).toEqual([]);
    const error = await openDeltaView(session, 'missing', dir, { version: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaDataFileMissingError);
    expect((error as Error).message).toMatch(/data file x.parquet is missing/);
  });
});
