/**
 * Log replay and snapshot loading on hand-built logs: the pure fold (reconciliation by decoded
 * path and deletion vector id, newest protocol/metadata, app transactions, domains), the log
 * segment's invariants, corrupt commits, and time travel by version and by timestamp, on the
 * in-memory store whose clock sets each commit's modification time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCommit, type Action, type Add, type Metadata, type Protocol } from '../../src/delta/actions.js';
import { DeltaLogCorruptError, DeltaTableNotFoundError, DeltaUnsupportedFeatureError, DeltaVersionNotFoundError } from '../../src/delta/errors.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsLogStore, MemoryLogStore, type LogStore } from '../../src/delta/log-store.js';
import { buildLogSegment, listLog } from '../../src/delta/log-segment.js';
import { fileKey, replay } from '../../src/delta/replay.js';
import { latestVersion, listCommits, loadSnapshot, readCommit } from '../../src/delta/snapshot.js';
import { commitPath } from '../../src/delta/table-path.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { Session } from '../../src/engine/session.js';

const protocol: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };
const schema = { type: 'struct', fields: [
  { name: 'id', type: 'long', nullable: true, metadata: {} },
  { name: 'day', type: 'date', nullable: true, metadata: {} },
] };
const metadata = (configuration: Record<string, string> = {}): Metadata => ({
  id: 'test', format: { provider: 'parquet' }, schemaString: JSON.stringify(schema), partitionColumns: ['day'], configuration,
});
const add = (path: string, extra: Partial<Add> = {}): Action => ({
  add: { path, partitionValues: { day: '2024-01-02' }, size: 10, modificationTime: 0, dataChange: true, ...extra },
});
const remove = (path: string, extra: object = {}): Action => ({ remove: { path, dataChange: true, deletionTimestamp: 1, ...extra } });
const dv = (id: string) => ({ storageType: 'u' as const, pathOrInlineDv: id.padStart(20, 'a'), offset: 1, sizeInBytes: 30, cardinality: 1 });

describe('replay (pure fold)', () => {
  it('keeps the newest action per decoded path; a removed path can come back', () => {
    const state = replay([
      { version: 0, actions: [{ protocol }, { metaData: metadata() }, add('a%20b.parquet'), add('c.parquet')] },
      { version: 1, actions: [remove('a b.parquet')] },
      { version: 2, actions: [add('c.parquet', { size: 99 })] },
      { version: 3, actions: [add('a%20b.parquet', { size: 7 })] },
    ]);
    expect([...state.files.keys()].sort()).toEqual(['a b.parquet', 'c.parquet']);
    expect(state.files.get('c.parquet')!.size).toBe(99);
    expect(state.files.get('a b.parquet')!.size).toBe(7);
    expect(state.tombstones.size).toBe(0);
    expect(state.lastVersion).toBe(3);
  });

  it('keys files by path and deletion vector id, so add and remove of one path with different DVs coexist', () => {
    const state = replay([
      { version: 0, actions: [{ protocol }, { metaData: metadata() }, add('f.parquet')] },
      { version: 1, actions: [remove('f.parquet'), add('f.parquet', { deletionVector: dv('one') })] },
      { version: 2, actions: [remove('f.parquet', { deletionVector: dv('one') }), add('f.parquet', { deletionVector: dv('two') })] },
    ]);
    expect(state.files.size).toBe(1);
    expect([...state.files.values()][0]!.deletionVector!.pathOrInlineDv).toBe(dv('two').pathOrInlineDv);
    expect(state.tombstones.size).toBe(2);
    expect(fileKey({ path: 'f.parquet', deletionVector: dv('two') })).not.toBe(fileKey({ path: 'f.parquet' }));
  });

  it('takes the latest protocol, metadata, transaction per app and live domains; checkpoint first', () => {
    const upgraded: Protocol = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] };
    const state = replay(
      [
        { version: 5, actions: [{ protocol: upgraded }, { txn: { appId: 'app', version: 4 } }, { domainMetadata: { domain: 'd1', configuration: '{}', removed: true } }] },
        { version: 6, actions: [{ metaData: { ...metadata(), id: 'new' } }, { commitInfo: { operation: 'WRITE', inCommitTimestamp: 123 } }] },
      ],
      [{ protocol }, { metaData: metadata() }, { txn: { appId: 'app', version: 3 } }, { txn: { appId: 'other', version: 1 } },
        { domainMetadata: { domain: 'd1', configuration: '{"a":1}', removed: false } }, { domainMetadata: { domain: 'd2', configuration: '{}', removed: false } }],
    );
    expect(state.protocol).toEqual(upgraded);
    expect(state.metadata!.id).toBe('new');
    expect(state.txns.get('app')!.version).toBe(4);
    expect(state.txns.get('other')!.version).toBe(1);
    expect([...state.domains.keys()]).toEqual(['d2']);
    expect(state.lastCommitInfo?.inCommitTimestamp).toBe(123);
  });
});

async function write(store: LogStore, version: number, actions: Action[]): Promise<void> {
  await store.putIfAbsent(commitPath(version), new TextEncoder().encode(serializeCommit(actions)));
}

describe('log segments and snapshots', () => {
  let session: Session;
  let reader: DuckDbParquetReader;
  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    reader = new DuckDbParquetReader(session);
  });
  afterAll(() => session?.close());

  it('loads the latest version and any earlier one, with typed partition values and stats', async () => {
    const store = new MemoryLogStore();
    await write(store, 0, [{ protocol }, { metaData: metadata() }, add('day=2024-01-02/a.parquet', { stats: '{"numRecords":3,"minValues":{"id":1},"maxValues":{"id":9},"nullCount":{"id":0}}' })]);
    await write(store, 1, [add('day=__HIVE_DEFAULT_PARTITION__/b.parquet', { partitionValues: { day: null } })]);
    const latest = await loadSnapshot(store, reader);
    expect(latest.version).toBe(1);
    expect(latest.files.map((f) => f.partitionValues.day)).toEqual([new Date('2024-01-02T00:00:00Z'), null]);
    expect(latest.files[0]!.stats).toMatchObject({ numRecords: 3, minValues: { id: 1 }, maxValues: { id: 9 } });
    expect((await loadSnapshot(store, reader, { version: 0 })).files).toHaveLength(1);
    expect(await latestVersion(store)).toBe(1);
    expect((await listCommits(store)).map((c) => c.version)).toEqual([0, 1]);
    expect((await readCommit(store, 1))[0]).toHaveProperty('add');
    await expect(loadSnapshot(store, reader, { version: 2 })).rejects.toBeInstanceOf(DeltaVersionNotFoundError);
  });

  it('reports an empty location, a version gap and a truncated commit by file name', async () => {
    const empty = new MemoryLogStore();
    await expect(loadSnapshot(empty, reader)).rejects.toBeInstanceOf(DeltaTableNotFoundError);
    expect(await latestVersion(empty)).toBeUndefined();

    const gap = new MemoryLogStore();
    await write(gap, 0, [{ protocol }, { metaData: metadata() }]);
    await write(gap, 2, [add('x.parquet')]);
    await expect(loadSnapshot(gap, reader)).rejects.toThrow(/00000000000000000001\.json is missing/);
    expect((await loadSnapshot(gap, reader, { version: 0 })).version).toBe(0);

    const truncated = new MemoryLogStore();
    await write(truncated, 0, [{ protocol }, { metaData: metadata() }]);
    const text = serializeCommit([add('x.parquet')]);
    await truncated.putIfAbsent(commitPath(1), new TextEncoder().encode(text.slice(0, text.length - 10)));
    const error = await loadSnapshot(truncated, reader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaLogCorruptError);
    expect((error as DeltaLogCorruptError).file).toBe(commitPath(1));
    expect((error as Error).message).toMatch(/line 1 is not valid JSON/);
  });

  it('refuses missing protocol, unknown reader features and high reader versions', async () => {
    const noProtocol = new MemoryLogStore();
    await write(noProtocol, 0, [{ metaData: metadata() }]);
    await expect(loadSnapshot(noProtocol, reader)).rejects.toThrow(/no protocol action/);

    const features = new MemoryLogStore();
    await write(features, 0, [{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors', 'catalogManaged'], writerFeatures: [] } }, { metaData: metadata() }]);
    const refused = await loadSnapshot(features, reader).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeltaUnsupportedFeatureError);
    expect((refused as DeltaUnsupportedFeatureError).feature).toBe('catalogManaged');

    const v4 = new MemoryLogStore();
    await write(v4, 0, [{ protocol: { minReaderVersion: 4, minWriterVersion: 7 } }, { metaData: metadata() }]);
    await expect(loadSnapshot(v4, reader)).rejects.toThrow(/reader version 4/);
  });

  it('ignores an incomplete multi-part checkpoint and needs commit 0 without a checkpoint', async () => {
    const store = new MemoryLogStore();
    for (let v = 0; v <= 3; v++) await write(store, v, v === 0 ? [{ protocol }, { metaData: metadata() }] : [add(`${v}.parquet`)]);
    await store.put('_delta_log/00000000000000000002.checkpoint.0000000001.0000000002.parquet', new Uint8Array([1]));
    await store.put('_delta_log/_last_checkpoint', new TextEncoder().encode('{"version": 2, "parts": 2'));
    const listing = await listLog(store);
    expect(listing.checkpoints).toEqual([]);
    expect(buildLogSegment(listing).commits.map((c) => c.version)).toEqual([0, 1, 2, 3]);
    expect((await loadSnapshot(store, reader)).files).toHaveLength(3);

    const cleaned = new MemoryLogStore();
    await write(cleaned, 4, [add('x.parquet')]);
    await expect(loadSnapshot(cleaned, reader)).rejects.toThrow(/cannot be reconstructed/);
    await cleaned.put('_delta_log/00000000000000000003.checkpoint.0000000002.0000000002.parquet', new Uint8Array([1]));
    await expect(loadSnapshot(cleaned, reader)).rejects.toThrow(
      /checkpoint 3 is incomplete \(_delta_log\/00000000000000000003\.checkpoint\.0000000001\.0000000002\.parquet is missing\)/,
    );
  });

  it('names an unreadable checkpoint instead of returning a wrong snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
    try {
      const store = new FsLogStore(dir);
      await write(store, 0, [{ protocol }, { metaData: metadata() }]);
      await write(store, 1, [add('a.parquet')]);
      await store.put('_delta_log/00000000000000000001.checkpoint.parquet', new TextEncoder().encode('not parquet'));
      const error = await loadSnapshot(store, reader).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeltaLogCorruptError);
      expect((error as DeltaLogCorruptError).file).toBe('_delta_log/00000000000000000001.checkpoint.parquet');
      // Version 0 lies before the checkpoint and is still readable from its commit.
      expect((await loadSnapshot(store, reader, { version: 0 })).version).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('travels by timestamp: file times, made monotonic; before the first commit is an error', async () => {
    let now = 1_000;
    const store = new MemoryLogStore('memory://tt', () => now);
    await write(store, 0, [{ protocol }, { metaData: metadata() }]);
    now = 2_000;
    await write(store, 1, [add('a.parquet')]);
    now = 1_500; // a clock that went backwards: version 2 still counts as after version 1
    await write(store, 2, [add('b.parquet')]);
    expect((await loadSnapshot(store, reader, { timestamp: 1_000 })).version).toBe(0);
    expect((await loadSnapshot(store, reader, { timestamp: 1_999 })).version).toBe(0);
    expect((await loadSnapshot(store, reader, { timestamp: new Date(2_000) })).version).toBe(1);
    expect((await loadSnapshot(store, reader, { timestamp: 2_000.5 })).version).toBe(1);
    expect((await loadSnapshot(store, reader, { timestamp: 5_000 })).version).toBe(2);
    await expect(loadSnapshot(store, reader, { timestamp: 999 })).rejects.toThrow(/before the first available commit/);
  });

  it('travels by in-commit timestamp when enabled, ignoring file times', async () => {
    const store = new MemoryLogStore('memory://ict', () => 50);
    const ict = metadata({ 'delta.enableInCommitTimestamps': 'true', 'delta.inCommitTimestampEnablementVersion': '0' });
    for (let v = 0; v < 6; v++) {
      const base: Action[] = v === 0 ? [{ protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] } }, { metaData: ict }] : [add(`${v}.parquet`)];
      await write(store, v, [{ commitInfo: { inCommitTimestamp: 10_000 + v * 100 } }, ...base]);
    }
    const snap = await loadSnapshot(store, reader, { timestamp: 10_250 });
    expect(snap.version).toBe(2);
    expect(snap.timestamp).toBe(10_200);
    expect((await loadSnapshot(store, reader, { timestamp: 10_500 })).version).toBe(5);
    await expect(loadSnapshot(store, reader, { timestamp: 9_999 })).rejects.toBeInstanceOf(DeltaVersionNotFoundError);
  });
});
