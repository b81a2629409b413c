/**
 * Optimistic concurrency through the real writer: another writer's commit lands between this
 * write's read and its commit (written from the `now` hook, which the writer calls after planning
 * and writing its files, right before committing). A delete or overwrite whose read files were
 * removed, or whose read partitions received data, fails with DeltaConcurrentModificationError
 * and leaves none of its files behind; appends, and replaceWhere against data elsewhere, retry
 * and commit on top.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCommit, type Action } from '../../src/delta/actions.js';
import { DeltaConcurrentModificationError } from '../../src/delta/errors.js';
import { FsLogStore } from '../../src/delta/log-store.js';
import { loadSnapshot } from '../../src/delta/snapshot.js';
import { appendQuery, deleteWhere, overwriteQuery } from '../../src/engine/delta-writer.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { Session } from '../../src/engine/session.js';

const rows = (from: number, to: number) => `
  SELECT i::BIGINT AS id, CAST(DATE '2019-10-01' + (i % 2)::INTEGER AS DATE) AS event_date FROM range(${from}, ${to}) t(i)`;
const D1 = '2019-10-01';
const D2 = '2019-10-02';

describe('concurrent writers through the real writer', () => {
  let session: Session;
  let root: string;
  let n = 0;
  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => {
    session.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A table of two daily partitions (two commits), and a way to slip in another writer's commit. */
  async function setup() {
    const dir = join(root, `t${n++}`);
    await appendQuery(session, dir, rows(0, 10), { partitionBy: ['event_date'] });
    await appendQuery(session, dir, rows(10, 20));
    const snapshot = await loadSnapshot(new FsLogStore(dir), new DuckDbParquetReader(session));
    const fileIn = (day: string) => snapshot.files.find((f) => f.partitionText.event_date === day)!;
    /** The other writer: an add of a copy of a real file of `day`, or a remove of one. */
    const concurrent = (kind: 'add' | 'remove', day: string): Action => {
      const file = fileIn(day);
      if (kind === 'remove') return { remove: { path: file.add.path, deletionTimestamp: Date.now(), dataChange: true } };
      const copy = `event_date=${day}/part-concurrent-${n}.zstd.parquet`;
      copyFileSync(join(dir, file.path), join(dir, copy));
      return { add: { ...file.add, path: copy, modificationTime: Date.now() } };
    };
    /** A `now` hook that commits `actions` as version 2 the first time it is called. */
    const racing = (actions: Action[]) => {
      let done = false;
      return () => {
        if (!done) {
          done = true;
          const commitInfo = { timestamp: Date.now(), operation: 'WRITE', operationParameters: { mode: 'Append' }, isBlindAppend: actions.every((a) => 'add' in a) };
          writeFileSync(join(dir, '_delta_log', '00000000000000000002.json'), serializeCommit([{ commitInfo }, ...actions]), { flag: 'wx' });
        }
        return Date.now();
      };
    };
    const dataFiles = () => readdirSync(dir, { recursive: true }).map(String).filter((p) => p.endsWith('.parquet')).sort();
    const count = async () => {
      await openDeltaView(session, 'v', dir);
      return Number((await session.json<{ n: string }>('SELECT count(*) AS n FROM v'))[0]!.n);
    };
    return { dir, concurrent, racing, dataFiles, count };
  }

  it('a delete whose read file another writer removed conflicts, leaving no files behind', async () => {
    const t = await setup();
    const before = t.dataFiles();
    const error = await deleteWhere(session, t.dir, `event_date = DATE '${D1}' AND id < 6`, { now: t.racing([t.concurrent('remove', D1)]) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaConcurrentModificationError);
    expect((error as Error).message).toMatch(/^DELETE on .* conflicts with a concurrent commit: /);
    expect(t.dataFiles()).toEqual(before);
  });

  it('a whole-table overwrite conflicts with data appended concurrently', async () => {
    const t = await setup();
    const error = await overwriteQuery(session, t.dir, rows(100, 104), { now: t.racing([t.concurrent('add', D2)]) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaConcurrentModificationError);
  });

  it('replaceWhere conflicts with data added to its partition, not with data added elsewhere', async () => {
    const t = await setup();
    const same = await overwriteQuery(session, t.dir, `SELECT * FROM (${rows(100, 110)}) WHERE event_date = DATE '${D1}'`, {
      replaceWhere: { partitions: [{ event_date: D1 }] }, now: t.racing([t.concurrent('add', D1)]),
    }).catch((e: unknown) => e);
    expect(same).toBeInstanceOf(DeltaConcurrentModificationError);

    const u = await setup();
    const other = await overwriteQuery(session, u.dir, `SELECT * FROM (${rows(100, 110)}) WHERE event_date = DATE '${D1}'`, {
      replaceWhere: { partitions: [{ event_date: D1 }] }, now: u.racing([u.concurrent('add', D2)]),
    });
    expect(other).toMatchObject({ version: 3, commitAttempts: 2 });
    // Day 1 replaced by 5 rows; day 2 kept its 10 and gained the other writer's copy of a file.
    expect(await u.count()).toBe(20);
  });

  it('appends against appends never conflict: the loser commits at the next version', async () => {
    const t = await setup();
    const result = await appendQuery(session, t.dir, rows(100, 110), { now: t.racing([t.concurrent('add', D1)]) });
    expect(result).toMatchObject({ version: 3, commitAttempts: 2 });
    expect(await t.count()).toBe(35);
  });

  it('the same application transaction committed concurrently is not written twice', async () => {
    const t = await setup();
    const before = t.dataFiles();
    const txn: Action = { txn: { appId: 'ingest', version: 7, lastUpdated: Date.now() } };
    const add = t.concurrent('add', D1);
    const result = await appendQuery(session, t.dir, rows(100, 110), { txn: { appId: 'ingest', version: 7 }, now: t.racing([add, txn]) });
    // The winner's txn conflicts; the writer re-reads, finds the batch recorded, and skips it.
    expect(result.version).toBeNull();
    expect(result.skippedReason).toMatch(/^already committed: application ingest recorded version 7/);
    expect(t.dataFiles()).toEqual([...before, (add as { add: { path: string } }).add.path].sort());
    expect(await t.count()).toBe(25);
  });
});
