/**
 * `_last_checkpoint` as a hint: its parser never throws, a usable hint bounds the log listing to
 * the hinted checkpoint's version on, and a stale, corrupt, ahead-of-the-log or part-count-wrong
 * hint falls back to the full listing, so the segment is always the one the full listing gives.
 * Logs are hand-built on the in-memory store (listing only looks at names), plus one real table
 * whose stale hint must not hide a newer checkpoint's content.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCommit, type Action } from '../../src/delta/actions.js';
import { writeCheckpoint } from '../../src/delta/checkpoint-write.js';
import { LAST_CHECKPOINT, parseLastCheckpoint } from '../../src/delta/last-checkpoint.js';
import { buildLogSegment, listLog, listLogForVersion } from '../../src/delta/log-segment.js';
import { FsLogStore, MemoryLogStore, type ListOptions, type LogStore } from '../../src/delta/log-store.js';
import { loadSnapshot } from '../../src/delta/snapshot.js';
import { commitPath } from '../../src/delta/table-path.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../../src/engine/parquet-writer.js';
import { Session } from '../../src/engine/session.js';

const encode = (text: string) => new TextEncoder().encode(text);
const pad = (v: number) => String(v).padStart(20, '0');
const schemaString = JSON.stringify({ type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] });
const add = (path: string): Action => ({ add: { path, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } });

/** Records the options of every listing, to see whether it was bounded. */
function recording(store: LogStore): { store: LogStore; lists: (ListOptions | undefined)[] } {
  const lists: (ListOptions | undefined)[] = [];
  const wrapped = Object.create(store) as LogStore;
  wrapped.list = (dir, options) => {
    lists.push(options);
    return store.list(dir, options);
  };
  return { store: wrapped, lists };
}

/** Commits 0..last, and checkpoint file names (content is not read when only listing). */
async function log(last: number, checkpoints: string[] = [], hint?: string): Promise<MemoryLogStore> {
  const store = new MemoryLogStore();
  for (let v = 0; v <= last; v++) await store.putIfAbsent(commitPath(v), encode(serializeCommit([add(`f${v}.parquet`)])));
  for (const name of checkpoints) await store.putIfAbsent(`_delta_log/${name}`, encode('x'));
  if (hint !== undefined) await store.put(LAST_CHECKPOINT, encode(hint));
  return store;
}

describe('_last_checkpoint parsing', () => {
  it('accepts a version (and a parts count) and never throws on damage', () => {
    expect(parseLastCheckpoint('{"version":10,"size":13}')).toEqual({ version: 10 });
    expect(parseLastCheckpoint('{"version":20,"size":40,"parts":2}')).toEqual({ version: 20, parts: 2 });
    for (const bad of ['', '   ', '{', 'null', '[10]', '{"version":"10"}', '{"version":-1}', '{"version":1.5}', '{"size":3}', '{"version":3,"parts":0}']) {
      expect(parseLastCheckpoint(bad), bad).toBeUndefined();
    }
  });
});

describe('listing bounded by the hint', () => {
  it('lists from the hinted checkpoint on and gives the same segment as the full listing', async () => {
    const { store, lists } = recording(await log(25, [`${pad(10)}.checkpoint.parquet`, `${pad(20)}.checkpoint.parquet`], '{"version":20,"size":3}'));
    const bounded = await listLogForVersion(store);
    expect(lists.at(-1)).toEqual({ startAfter: `_delta_log/${pad(20)}` });
    expect(bounded.listedFrom).toBe(20);
    expect(bounded.commits.size).toBe(6); // 20..25
    const full = await listLog(store);
    expect(buildLogSegment(bounded)).toEqual(buildLogSegment(full));
    expect(buildLogSegment(await listLogForVersion(store, 23), 23)).toEqual(buildLogSegment(full, 23));
  });

  it('lists everything for a version before the hint', async () => {
    const { store, lists } = recording(await log(25, [`${pad(10)}.checkpoint.parquet`, `${pad(20)}.checkpoint.parquet`], '{"version":20}'));
    const listing = await listLogForVersion(store, 15);
    expect(lists.at(-1)).toBeUndefined();
    expect(listing.listedFrom).toBeUndefined();
    expect(buildLogSegment(listing, 15).checkpoint?.version).toBe(10);
  });

  it('falls back to the full listing for a corrupt, ahead-of-the-log, vanished or wrong-part-count hint', async () => {
    const cases: [string, string[]][] = [
      ['', [`${pad(10)}.checkpoint.parquet`]], // empty, as kernel's corrupted-last-checkpoint table
      ['{"version":40}', [`${pad(10)}.checkpoint.parquet`]], // names a checkpoint beyond the log
      ['{"version":15}', [`${pad(10)}.checkpoint.parquet`]], // names a checkpoint that is not there
      ['{"version":10,"parts":2}', [`${pad(10)}.checkpoint.parquet`]], // parts count disagrees
      ['{"version":10,"parts":2}', [`${pad(10)}.checkpoint.${'1'.padStart(10, '0')}.${'2'.padStart(10, '0')}.parquet`]], // part 2 missing
    ];
    for (const [hint, checkpoints] of cases) {
      const { store, lists } = recording(await log(12, checkpoints, hint));
      const listing = await listLogForVersion(store);
      expect(listing.listedFrom, hint).toBeUndefined();
      expect(lists.at(-1), hint).toBeUndefined();
      const segment = buildLogSegment(listing);
      expect(segment.version).toBe(12);
      expect(segment.checkpoint?.version, hint).toBe(hint.includes('parts') && checkpoints[0]!.includes('0000000001.') ? undefined : 10);
    }
  });

  it('names the checkpoint the hint points at when it is missing and nothing else rebuilds the version', async () => {
    const store = await log(13, [], '{"version":10}');
    for (let v = 0; v < 6; v++) await store.delete(commitPath(v));
    const listing = await listLogForVersion(store);
    expect(() => buildLogSegment(listing)).toThrow(
      `memory://table: checkpoint _delta_log/${pad(10)}.checkpoint.parquet named by _last_checkpoint is missing, and without it version 13 cannot be rebuilt (commits before 6 were cleaned up)`,
    );
    expect(() => buildLogSegment(listing, 3)).toThrow(/version 3 of memory:\/\/table cannot be reconstructed/);
  });

  it('keeps a stale hint from hiding a newer checkpoint (the bounded listing still sees it)', async () => {
    const store = await log(31, [`${pad(10)}.checkpoint.parquet`, `${pad(30)}.checkpoint.parquet`], '{"version":10}');
    const listing = await listLogForVersion(store);
    expect(listing.listedFrom).toBe(10);
    expect(buildLogSegment(listing).checkpoint?.version).toBe(30);
  });

  it('uses a multi-part checkpoint whose parts the hint counts', async () => {
    const parts = [1, 2].map((i) => `${pad(10)}.checkpoint.${String(i).padStart(10, '0')}.${'2'.padStart(10, '0')}.parquet`);
    const listing = await listLogForVersion(await log(11, parts, '{"version":10,"parts":2}'));
    expect(listing.listedFrom).toBe(10);
    expect(buildLogSegment(listing).checkpoint?.files.length).toBe(2);
  });
});

describe('snapshots through a stale hint on a real table', () => {
  let dir: string;
  let session: Session;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
    session = await Session.open({ threads: 1 });
  });
  afterAll(() => {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the newest checkpoint and later commits whatever the hint says', async () => {
    const store = new FsLogStore(join(dir, 't'));
    const reader = new DuckDbParquetReader(session);
    const writer = new DuckDbParquetWriter(session);
    await store.putIfAbsent(commitPath(0), encode(serializeCommit([
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { metaData: { id: 'x', format: { provider: 'parquet', options: {} }, schemaString, partitionColumns: [], configuration: {}, createdTime: 0 } },
      add('a.parquet'),
    ])));
    await store.putIfAbsent(commitPath(1), encode(serializeCommit([add('b.parquet')])));
    await writeCheckpoint(store, writer, await loadSnapshot(store, reader));
    await store.putIfAbsent(commitPath(2), encode(serializeCommit([{ remove: { path: 'a.parquet', deletionTimestamp: 1, dataChange: true } }])));
    await store.putIfAbsent(commitPath(3), encode(serializeCommit([add('c.parquet')])));
    await writeCheckpoint(store, writer, await loadSnapshot(store, reader));
    await store.putIfAbsent(commitPath(4), encode(serializeCommit([add('d.parquet')])));
    const expected = ['b.parquet', 'c.parquet', 'd.parquet'];
    for (const hint of ['{"version":1,"size":4}', '{"version":3}', '', '{"version":99}']) {
      await store.put(LAST_CHECKPOINT, encode(hint));
      const snapshot = await loadSnapshot(store, reader);
      expect(snapshot.version, hint).toBe(4);
      expect(snapshot.files.map((f) => f.path).sort(), hint).toEqual(expected);
      expect((await loadSnapshot(store, reader, { version: 2 })).files.map((f) => f.path).sort(), hint).toEqual(['b.parquet']);
    }
  });
});
