/**
 * The Delta writer's semantics, read back through the reader's view (an independent path):
 * append, overwrite, replaceWhere, delete, merge, schema enforcement, exactly-once, checkpoints.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaInvalidOperationError, DeltaSchemaMismatchError } from '../../src/delta/errors.js';
import { FsLogStore } from '../../src/delta/log-store.js';
import { history } from '../../src/delta/ops/history.js';
import { appendQuery, deleteWhere, mergeQuery, overwriteQuery, WrittenRowsMismatchError } from '../../src/engine/delta-writer.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { Session } from '../../src/engine/session.js';

const rows = (from: number, to: number, extra = '') => `
  SELECT i::BIGINT AS id, 'u' || (i % 4) AS user_id,
         CAST(DATE '2019-10-01' + (i % 3)::INTEGER AS DATE) AS event_date,
         TIMESTAMPTZ '2019-10-01 00:00:00+00' + to_seconds(i) AS event_time ${extra}
  FROM range(${from}, ${to}) t(i)`;

describe('Delta writer', () => {
  let session: Session;
  let root: string;
  let n = 0;
  const table = () => join(root, `t${n++}`);
  const read = async (dir: string, sql = 'SELECT id FROM v ORDER BY id', version?: number) => {
    await openDeltaView(session, 'v', dir, { version });
    return session.json(sql);
  };
  const ids = async (dir: string, version?: number) => (await read(dir, 'SELECT id FROM v ORDER BY id', version)).map((r) => Number(r.id));
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => session.close());

  it('creates a table on first append with protocol 1/2, partition folders and stats', async () => {
    const dir = table();
    const result = await appendQuery(session, dir, rows(0, 30), { partitionBy: ['event_date'], tableProperties: { 'delta.checkpointInterval': '5' }, name: 'events', description: 'd' });
    expect(result).toMatchObject({ version: 0, filesAdded: 3, filesRemoved: 0, rowsWritten: 30 });
    expect(result.bytesWritten).toBeGreaterThan(0);
    const lines = readFileSync(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].commitInfo.operation).toBe('CREATE TABLE');
    expect(lines[1].protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(lines[2].metaData).toMatchObject({ name: 'events', description: 'd', partitionColumns: ['event_date'], configuration: { 'delta.checkpointInterval': '5' } });
    const add = lines.find((l) => l.add && l.add.partitionValues.event_date === '2019-10-01').add;
    expect(add.path).toMatch(/^event_date=2019-10-01\/part-[0-9a-f-]+\.zstd\.parquet$/);
    const stats = JSON.parse(add.stats);
    expect(stats).toEqual({
      numRecords: 10,
      minValues: { id: 0, user_id: 'u0', event_time: '2019-10-01T00:00:00.000Z' },
      maxValues: { id: 27, user_id: 'u3', event_time: '2019-10-01T00:00:27.000Z' },
      nullCount: { id: 0, user_id: 0, event_time: 0 },
    });
    expect(await ids(dir)).toEqual(range(0, 30));
  });

  it('appends, overwrites the whole table, and keeps earlier versions readable', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 10));
    await appendQuery(session, dir, rows(10, 20));
    const over = await overwriteQuery(session, dir, rows(100, 105));
    expect(over).toMatchObject({ version: 2, filesRemoved: 2, rowsWritten: 5 });
    expect(await ids(dir)).toEqual(range(100, 105));
    expect(await ids(dir, 1)).toEqual(range(0, 20));
  });

  it('replaces only the named partitions and refuses rows outside them', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 30), { partitionBy: ['event_date'] });
    await overwriteQuery(session, dir, `SELECT * FROM (${rows(1000, 1003)}) WHERE event_date = DATE '2019-10-02'`, {
      replaceWhere: { partitions: [{ event_date: '2019-10-02' }] },
    });
    const got = await read(dir, "SELECT count(*) FILTER (WHERE event_date = DATE '2019-10-02') AS d2, count(*) AS total FROM v");
    expect(got[0]).toEqual({ d2: '1', total: '21' });
    const before = readdirSync(join(dir, 'event_date=2019-10-03')).length;
    await expect(
      overwriteQuery(session, dir, rows(2000, 2003), { replaceWhere: { partitions: [{ event_date: '2019-10-02' }] } }),
    ).rejects.toThrow(/outside the partitions being replaced/);
    // the refused write left no files behind
    expect(readdirSync(join(dir, 'event_date=2019-10-03')).length).toBe(before);
    await expect(overwriteQuery(session, dir, rows(0, 1), { replaceWhere: { partitions: [{ user_id: 'u1' }] } })).rejects.toThrow(/user_id is not a partition column/);
  });


  it('writes a one-partition write as the partitioned writer would, and refuses a row of another partition', async () => {
    const plain = table();
    const fast = table();
    const day = (d: string) => `SELECT * FROM (${rows(0, 30)}) WHERE event_date = DATE '${d}'`;
    await appendQuery(session, plain, day('2019-10-02'), { partitionBy: ['event_date'] });
    await appendQuery(session, fast, day('2019-10-02'), { partitionBy: ['event_date'], onePartition: { event_date: '2019-10-02' } });
    const addOf = (dir: string) => {
      const log = readFileSync(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const adds = log.filter((l) => l.add).map((l) => l.add);
      expect(adds).toHaveLength(1);
      return adds[0];
    };
    const [a, b] = [addOf(plain), addOf(fast)];
    expect(b.path).toMatch(/^event_date=2019-10-02\/part-[0-9a-f-]+\.zstd\.parquet$/);
    expect(b.partitionValues).toEqual(a.partitionValues);
    expect(JSON.parse(b.stats)).toEqual(JSON.parse(a.stats));
    // the partition column is not stored in the file, as Delta readers expect
    const columns = await session.json<{ name: string }>(`SELECT name FROM parquet_schema('${join(fast, b.path)}') WHERE name <> 'duckdb_schema'`);
    expect(columns.map((c) => c.name).sort()).toEqual(['event_time', 'id', 'user_id']);
    expect(await read(fast, 'SELECT id, event_date::VARCHAR AS d FROM v ORDER BY id')).toEqual(await read(plain, 'SELECT id, event_date::VARCHAR AS d FROM v ORDER BY id'));

    // A row of another day stops the write: nothing committed, no file or folder left.
    const before = readdirSync(fast).sort();
    await expect(
      appendQuery(session, fast, rows(100, 130), { partitionBy: ['event_date'], onePartition: { event_date: '2019-10-03' } }),
    ).rejects.toThrow(/a row falls outside the partition being written \(event_date=2019-10-03\)/);
    expect(readdirSync(fast).sort()).toEqual(before);
    expect(readdirSync(join(fast, 'event_date=2019-10-02'))).toHaveLength(1);
    expect(await ids(fast)).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
  });
  it('deletes by predicate: whole files dropped, partly matching files rewritten, untouched files kept', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 30), { partitionBy: ['event_date'] });
    const all = await deleteWhere(session, dir, { column: 'event_date', op: '=', value: '2019-10-01' });
    expect(all).toMatchObject({ filesRemoved: 1, filesAdded: 0 });
    const some = await deleteWhere(session, dir, { and: [{ column: 'id', op: '>=', value: 10 }, { column: 'id', op: '<', value: 20 }] });
    expect(some).toMatchObject({ filesRemoved: 2, filesAdded: 2 });
    expect(await ids(dir)).toEqual(range(0, 30).filter((i) => i % 3 !== 0 && (i < 10 || i >= 20)));
    const none = await deleteWhere(session, dir, { column: 'id', op: '>', value: 1000 });
    expect(none).toMatchObject({ version: null, skippedReason: 'nothing to write' });
    const [entry] = await history(new FsLogStore(dir), { limit: 1 });
    expect(entry!.operation).toBe('DELETE');
    expect(entry!.operationMetrics).toMatchObject({ numDeletedRows: '7', numCopiedRows: '13' });
    await expect(deleteWhere(session, join(root, 'nowhere'), { column: 'id', op: '=', value: 1 })).rejects.toThrow(DeltaInvalidOperationError);
  });

  it('accepts predicates as text or as the reader\'s AST, and refuses removals on append-only tables', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 30), { partitionBy: ['event_date'] });
    await deleteWhere(session, dir, "event_date = DATE '2019-10-02' OR id BETWEEN 0 AND 5");
    expect(await ids(dir)).toEqual(range(0, 30).filter((i) => i % 3 !== 1 && i > 5));
    const { parsePredicate } = await import('../../src/delta/predicate.js');
    await deleteWhere(session, dir, parsePredicate('id NOT IN (9, 12) AND user_id IS NOT NULL'));
    expect(await ids(dir)).toEqual([9, 12]);
    await overwriteQuery(session, dir, `SELECT * FROM (${rows(100, 110)}) WHERE id < 105`, { replaceWhere: 'id >= 100' });
    expect(await ids(dir)).toEqual([9, 12, 100, 101, 102, 103, 104]);
    await expect(deleteWhere(session, dir, 'id >>> 3')).rejects.toThrow(/predicate/);
    const locked = table();
    await appendQuery(session, locked, rows(0, 3), { tableProperties: { 'delta.appendOnly': 'true' } });
    await expect(deleteWhere(session, locked, 'id = 1')).rejects.toThrow(/append-only/);
    await expect(overwriteQuery(session, locked, rows(0, 1))).rejects.toThrow(/append-only/);
    expect(await ids(locked)).toEqual([0, 1, 2]);
  });

  it('merges by key, rewriting only the files that hold a matching key', async () => {
    const dir = table();
    for (let i = 0; i < 5; i++) await appendQuery(session, dir, rows(i * 10, i * 10 + 10));
    const result = await mergeQuery(session, dir, `SELECT * REPLACE ('new' AS user_id) FROM (${rows(25, 35)})`, { keys: ['id'] });
    expect(result).toMatchObject({ filesRemoved: 2, rowsWritten: 10 + 10 });
    const got = await read(dir, "SELECT count(*) AS n, count(DISTINCT id) AS ids, count(*) FILTER (WHERE user_id = 'new') AS updated FROM v");
    expect(got[0]).toEqual({ n: '50', ids: '50', updated: '10' });
    const [entry] = await history(new FsLogStore(dir), { limit: 1 });
    expect(entry!.operationMetrics).toMatchObject({ numTargetRowsUpdated: '10', numTargetRowsInserted: '0', numTargetFilesRemoved: '2' });
    const inserted = await mergeQuery(session, dir, `SELECT * FROM (${rows(60, 62)})`, { keys: ['id'] });
    expect(inserted.filesRemoved).toBe(0);
    expect((await ids(dir)).length).toBe(52);
    await expect(mergeQuery(session, dir, `SELECT * FROM (${rows(0, 2)}) UNION ALL SELECT * FROM (${rows(0, 1)})`, { keys: ['id'] }))
      .rejects.toThrow(/key\(s\) appearing more than once/);
  });

  it('merges on a partitioned table by partition and key, touching only those partitions', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 30), { partitionBy: ['event_date'] });
    const result = await mergeQuery(session, dir, `SELECT * REPLACE ('new' AS user_id) FROM (${rows(0, 30)}) WHERE event_date = DATE '2019-10-01'`, { keys: ['event_date', 'id'] });
    expect(result.filesRemoved).toBe(1);
    const got = await read(dir, "SELECT event_date::VARCHAR AS d, count(*) AS n, count(*) FILTER (WHERE user_id = 'new') AS updated FROM v GROUP BY 1 ORDER BY 1");
    expect(got).toEqual([{ d: '2019-10-01', n: '10', updated: '10' }, { d: '2019-10-02', n: '10', updated: '0' }, { d: '2019-10-03', n: '10', updated: '0' }]);
  });

  it('handles a table column named like DuckDB\'s file-name column', async () => {
    const dir = table();
    await appendQuery(session, dir, `SELECT i::BIGINT AS id, 'f' || i AS filename FROM range(10) t(i)`);
    await deleteWhere(session, dir, { column: 'filename', op: '=', value: 'f3' });
    await mergeQuery(session, dir, `SELECT 4::BIGINT AS id, 'changed' AS filename`, { keys: ['id'] });
    const got = await read(dir, 'SELECT id, filename FROM v WHERE id IN (3, 4, 5) ORDER BY id');
    expect(got).toEqual([{ id: '4', filename: 'changed' }, { id: '5', filename: 'f5' }]);
  });

  it('enforces the schema, naming every mismatched column, and evolves it only with mergeSchema', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 5));
    const error = await appendQuery(session, dir, `SELECT 'x' AS id, 'u' AS user_id, 1 AS extra`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaSchemaMismatchError);
    expect((error as DeltaSchemaMismatchError).mismatches).toEqual(['id', 'event_date', 'event_time', 'extra']);
    const evolved = await appendQuery(session, dir, rows(5, 8, ", 'b' || i AS brand"), { mergeSchema: true });
    expect(evolved.version).toBe(1);
    const got = await read(dir, 'SELECT count(*) AS n, count(brand) AS branded FROM v');
    expect(got[0]).toEqual({ n: '8', branded: '3' });
    await expect(appendQuery(session, dir, rows(0, 1), { partitionBy: ['user_id'] })).rejects.toThrow(/partitioning is set when a table is created/);
    await expect(appendQuery(session, dir, `SELECT 1::HUGEINT AS id`)).rejects.toThrow(/HUGEINT/);
  });

  it('refuses NULLs in a non-nullable column and leaves no files behind', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 3));
    // A table written by another engine may declare NOT NULL columns: mark one in the log.
    const first = join(dir, '_delta_log', '00000000000000000000.json');
    const text = readFileSync(first, 'utf8').replace('{\\"name\\":\\"user_id\\",\\"type\\":\\"string\\",\\"nullable\\":true', '{\\"name\\":\\"user_id\\",\\"type\\":\\"string\\",\\"nullable\\":false');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(first, text);
    const files = readdirSync(dir).length;
    await expect(appendQuery(session, dir, `SELECT * REPLACE (NULL::VARCHAR AS user_id) FROM (${rows(3, 5)})`)).rejects.toThrow(/NULLs in non-nullable column\(s\) user_id/);
    expect(readdirSync(dir).length).toBe(files);
  });

  it('leaves no files behind when the query fails part way or writes other than the expected rows', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 3));
    const before = readdirSync(dir).sort();
    // Small files: several are complete on disk before the query fails.
    const failing = `SELECT * REPLACE (CASE WHEN id < 250000 THEN user_id ELSE error('row ' || id || ' is bad') END AS user_id) FROM (${rows(3, 300000)})`;
    await expect(appendQuery(session, dir, failing, { targetFileSize: 1 })).rejects.toThrow(/row 250000 is bad/);
    expect(readdirSync(dir).sort()).toEqual(before);
    await expect(appendQuery(session, dir, rows(3, 10), { expectRows: 8 })).rejects.toThrow(WrittenRowsMismatchError);
    await expect(appendQuery(session, dir, rows(3, 10), { expectRows: 8 })).rejects.toThrow(/produced 7 rows where 8 were expected; nothing was committed/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(await ids(dir)).toEqual(range(0, 3));
    await appendQuery(session, dir, rows(3, 10), { expectRows: 7 });
    expect(await ids(dir)).toEqual(range(0, 10));
  });

  it('writes exactly once per application transaction', async () => {
    const dir = table();
    const first = await appendQuery(session, dir, rows(0, 5), { txn: { appId: 'batch', version: 1 } });
    expect(first.version).toBe(0);
    const again = await appendQuery(session, dir, rows(0, 5), { txn: { appId: 'batch', version: 1 } });
    expect(again).toMatchObject({ version: null, rowsWritten: 0 });
    expect(again.skippedReason).toMatch(/already committed/);
    const next = await appendQuery(session, dir, rows(5, 6), { txn: { appId: 'batch', version: 2 } });
    expect(next.version).toBe(1);
    const empty = await appendQuery(session, dir, `SELECT * FROM (${rows(0, 1)}) WHERE false`, { txn: { appId: 'batch', version: 3 } });
    expect(empty.version).toBe(2);
    expect((await ids(dir)).length).toBe(6);
  });

  it('writes a checkpoint every delta.checkpointInterval commits and readers use it', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 1), { tableProperties: { 'delta.checkpointInterval': '3' } });
    for (let i = 1; i < 7; i++) await appendQuery(session, dir, rows(i, i + 1));
    const log = readdirSync(join(dir, '_delta_log'));
    expect(log).toContain('00000000000000000003.checkpoint.parquet');
    expect(log).toContain('00000000000000000006.checkpoint.parquet');
    const hint = JSON.parse(readFileSync(join(dir, '_delta_log', '_last_checkpoint'), 'utf8'));
    expect(hint).toMatchObject({ version: 6, numOfAddFiles: 7, size: 9 });
    expect(hint.sizeInBytes).toBeGreaterThan(0);
    const schema = await session.json(`SELECT name, type, converted_type FROM parquet_schema('${join(dir, '_delta_log', '00000000000000000006.checkpoint.parquet')}') WHERE name IN ('size', 'partitionValues', 'stats', 'minReaderVersion')`);
    expect(schema).toEqual(expect.arrayContaining([
      { name: 'size', type: 'INT64', converted_type: 'INT_64' },
      { name: 'partitionValues', type: null, converted_type: 'MAP' },
      { name: 'stats', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'minReaderVersion', type: 'INT32', converted_type: 'INT_32' },
    ]));
    expect(existsSync(join(dir, '_delta_log', '00000000000000000000.json'))).toBe(true);
    expect(await ids(dir)).toEqual(range(0, 7));
  });
});
