/**
 * Every kind of write clicklake makes, checked by the independent validator from the shared
 * folder after each step: no violation may appear; warnings are printed.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsLogStore } from '../../src/delta/log-store.js';
import { optimize } from '../../src/delta/ops/optimize.js';
import { restore } from '../../src/delta/ops/restore.js';
import { vacuum } from '../../src/delta/ops/vacuum.js';
import { appendQuery, deleteWhere, mergeQuery, overwriteQuery } from '../../src/engine/delta-writer.js';
import { DuckDbFileRewriter } from '../../src/engine/optimize-rewriter.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../../src/engine/parquet-writer.js';
import { Session } from '../../src/engine/session.js';
import { expectValid, validatorAvailable } from '../helpers/deltavalidate.js';

const available = validatorAvailable();
if (!available) console.warn('skipping the validator suite: shared tools/deltavalidate is not available (CLICKLAKE_SHARED)');

const events = (from: number, to: number) => `
  SELECT i::BIGINT AS id,
         'user ' || (i % 7) AS user_id,
         TIMESTAMPTZ '2019-10-01 00:00:00.123456+00' + to_seconds(i * 3600) AS event_time,
         CAST(TIMESTAMPTZ '2019-10-01 00:00:00+00' + to_seconds(i * 3600) AS DATE) AS event_date,
         (i * 1.25)::DECIMAL(12,2) AS price,
         (i % 2 = 0) AS flag,
         CASE WHEN i % 5 = 0 THEN NULL ELSE 'brand/' || (i % 3) END AS brand
  FROM range(${from}, ${to}) t(i)`;

describe.skipIf(!available)('validator after every kind of write', () => {
  let session: Session;
  let root: string;
  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => session.close());

  it('a partitioned table through create, append, overwrite, replaceWhere, delete, merge, checkpoint, optimize, restore and vacuum', async () => {
    const dir = join(root, 'events');
    const store = new FsLogStore(dir);
    const reader = new DuckDbParquetReader(session);
    await appendQuery(session, dir, events(0, 60), { partitionBy: ['event_date'], description: 'events' });
    expect((await expectValid(dir, 'create')).numRows).toBe(60);
    await appendQuery(session, dir, events(60, 90));
    expect((await expectValid(dir, 'append')).numRows).toBe(90);
    await overwriteQuery(session, dir, events(0, 24), { replaceWhere: { partitions: [{ event_date: '2019-10-01' }] } });
    expect((await expectValid(dir, 'replaceWhere partitions')).numRows).toBe(90);
    await overwriteQuery(session, dir, `SELECT * FROM (${events(30, 40)}) WHERE id >= 30 AND id < 40`, {
      replaceWhere: { and: [{ column: 'id', op: '>=', value: 30 }, { column: 'id', op: '<', value: 40 }] },
    });
    expect((await expectValid(dir, 'replaceWhere predicate')).numRows).toBe(90);
    await deleteWhere(session, dir, { column: 'user_id', op: '=', value: 'user 3' });
    const afterDelete = await expectValid(dir, 'delete');
    expect(afterDelete.numRows).toBe(90 - 13);
    await mergeQuery(session, dir, `SELECT * REPLACE ('merged' AS brand) FROM (${events(80, 100)})`, { keys: ['id'] });
    expect((await expectValid(dir, 'merge')).numRows).toBe(afterDelete.numRows! - 8 + 20);
    for (let i = 0; i < 5; i++) await appendQuery(session, dir, events(100 + i, 101 + i));
    expect(readdirSync(join(dir, '_delta_log'))).toContain('00000000000000000010.checkpoint.parquet');
    await expectValid(dir, 'checkpoint');
    const compacted = await optimize(store, { reader, rewriter: new DuckDbFileRewriter(session), writer: new DuckDbParquetWriter(session) });
    expect(compacted.numFilesRemoved).toBeGreaterThan(compacted.numFilesAdded);
    await expectValid(dir, 'optimize');
    await optimize(store, { reader, rewriter: new DuckDbFileRewriter(session) }, { zOrderBy: ['user_id', 'price'], targetSize: 4096 });
    await expectValid(dir, 'optimize zorder');
    await overwriteQuery(session, dir, events(0, 5));
    expect((await expectValid(dir, 'overwrite')).numRows).toBe(5);
    const restored = await restore(store, { reader, writer: new DuckDbParquetWriter(session) }, { version: 2 });
    expect((await expectValid(dir, 'restore')).numRows).toBe(90);
    expect(restored.restoredVersion).toBe(2);
    await vacuum(store, { reader }, { retentionHours: 0, force: true });
    const final = await expectValid(dir, 'vacuum');
    expect(final.numRows).toBe(90);
  });

  it('an unpartitioned table with nested, decimal, binary and timestamp columns, and awkward partition values', async () => {
    const nested = join(root, 'nested');
    await appendQuery(session, nested, `
      SELECT i::INTEGER AS n, {'k': i, 'v': 'x' || i} AS s, [i, i + 1] AS l, MAP {'a': i} AS m,
             'blob'::BLOB AS b, (i / 3)::DOUBLE AS d, (i / 7)::FLOAT AS f, i::SMALLINT AS sm, i::TINYINT AS ti,
             TIMESTAMP '2019-10-01 00:00:00' + to_seconds(i) AS local_time, DATE '2019-10-01' AS dt
      FROM range(0, 50) t(i)`);
    await expectValid(nested, 'create nested');
    const awkward = join(root, 'awkward');
    await appendQuery(session, awkward, `
      SELECT * FROM (VALUES (1, 'a/b c%=é'), (2, NULL), (3, 'NULL'), (4, ''), (5, '__HIVE_DEFAULT_PARTITION__x'), (6, 'sp ace')) t(id, p)`, { partitionBy: ['p'] });
    const report = await expectValid(awkward, 'awkward partitions');
    expect(report.numRows).toBe(6);
    const ts = join(root, 'ts-partitioned');
    await appendQuery(session, ts, `SELECT 1 AS id, TIMESTAMPTZ '2019-10-01 01:02:03.5+00' AS at, true AS ok, 3.5::DECIMAL(5,1) AS amount`, { partitionBy: ['at', 'ok', 'amount'] });
    await expectValid(ts, 'timestamp, boolean and decimal partitions');
  });
});
