/**
 * Table operations: history, restore, vacuum (including time travel inside the retention),
 * optimize (bin-packing and Z-order), and their CLI commands end to end.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsLogStore } from '../../src/delta/log-store.js';
import { history } from '../../src/delta/ops/history.js';
import { optimize } from '../../src/delta/ops/optimize.js';
import { restore } from '../../src/delta/ops/restore.js';
import { vacuum } from '../../src/delta/ops/vacuum.js';
import { loadSnapshot } from '../../src/delta/snapshot.js';
import { appendQuery, deleteWhere, overwriteQuery } from '../../src/engine/delta-writer.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { DuckDbFileRewriter } from '../../src/engine/optimize-rewriter.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../../src/engine/parquet-writer.js';
import { Session } from '../../src/engine/session.js';
import { zorderSql } from '../../src/engine/zorder.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const rows = (from: number, to: number) => `
  SELECT i::BIGINT AS id, CAST(DATE '2019-10-01' + (i % 2)::INTEGER AS DATE) AS event_date, (i * 37 % 101)::INTEGER AS x, (i * 53 % 97)::INTEGER AS y
  FROM range(${from}, ${to}) t(i)`;

describe('table operations', () => {
  let session: Session;
  let reader: DuckDbParquetReader;
  let root: string;
  let n = 0;
  const table = () => join(root, `t${n++}`);
  const count = async (dir: string, version?: number) => {
    await openDeltaView(session, 'v', dir, { version });
    return Number((await session.json<{ n: string }>('SELECT count(*) AS n FROM v'))[0]!.n);
  };
  /** Pins commit file times (what time travel by timestamp reads) to the clock used for the commit. */
  const pinCommitTime = (dir: string, version: number, ms: number) =>
    utimesSync(join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`), ms / 1000, ms / 1000);

  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    reader = new DuckDbParquetReader(session);
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => session.close());

  it('history lists commits newest first with operation, parameters and metrics', async () => {
    const dir = table();
    await appendQuery(session, dir, rows(0, 10), { partitionBy: ['event_date'], operationParameters: { batch: 'b1' } });
    await deleteWhere(session, dir, { column: 'id', op: '<', value: 3 });
    const entries = await history(new FsLogStore(dir));
    expect(entries.map((e) => [e.version, e.operation])).toEqual([[1, 'DELETE'], [0, 'CREATE TABLE']]);
    expect(entries[1]).toMatchObject({
      operationParameters: { mode: 'Append', partitionBy: '["event_date"]', batch: 'b1' },
      operationMetrics: { numFiles: '2', numOutputRows: '10' },
      isBlindAppend: true,
      engineInfo: 'clicklake/0.1.0',
    });
    expect(entries[0]).toMatchObject({ readVersion: 0, isBlindAppend: false });
    expect(await history(new FsLogStore(dir), { limit: 1 })).toHaveLength(1);
  });

  it('restore re-adds and removes files as a new commit, by version or timestamp', async () => {
    const dir = table();
    const store = new FsLogStore(dir);
    await appendQuery(session, dir, rows(0, 10), { now: () => T0 });
    pinCommitTime(dir, 0, T0);
    await appendQuery(session, dir, rows(10, 20), { now: () => T0 + HOUR });
    pinCommitTime(dir, 1, T0 + HOUR);
    await overwriteQuery(session, dir, rows(100, 101), { now: () => T0 + 2 * HOUR });
    pinCommitTime(dir, 2, T0 + 2 * HOUR);
    const byVersion = await restore(store, { reader }, { version: 1, now: () => T0 + 3 * HOUR });
    expect(byVersion).toMatchObject({ version: 3, restoredVersion: 1, numRestoredFiles: 2, numRemovedFiles: 1, numOfFilesAfterRestore: 2 });
    expect(await count(dir)).toBe(20);
    const byTime = await restore(store, { reader }, { timestamp: new Date(T0 + 30 * 60_000) });
    expect(byTime.restoredVersion).toBe(0);
    expect(await count(dir)).toBe(10);
    const [entry] = await history(store, { limit: 1 });
    expect(entry).toMatchObject({ operation: 'RESTORE', operationMetrics: { numRemovedFiles: '1' } });
    await expect(restore(store, { reader }, { version: 9 })).rejects.toThrow();
  });

  it('restore fails clearly, committing nothing, when a needed file was vacuumed', async () => {
    const dir = table();
    const store = new FsLogStore(dir);
    await appendQuery(session, dir, rows(0, 10));
    await overwriteQuery(session, dir, rows(10, 20));
    await vacuum(store, { reader }, { retentionHours: 0, force: true, now: () => Date.now() + 1000 });
    await expect(restore(store, { reader }, { version: 0 })).rejects.toThrow(/no longer exist \(vacuumed\?\), e\.g\. part-/);
    expect((await loadSnapshot(store, reader)).version).toBe(1);
  });

  it('vacuum keeps every version inside the retention readable and deletes only older removed or untracked files', async () => {
    const dir = table();
    const store = new FsLogStore(dir);
    // Eight commits an hour apart; overwrites and deletes leave tombstones of known age.
    const steps: ((now: () => number) => Promise<unknown>)[] = [
      (now) => appendQuery(session, dir, rows(0, 20), { partitionBy: ['event_date'], now }),
      (now) => overwriteQuery(session, dir, rows(20, 40), { now }),
      (now) => appendQuery(session, dir, rows(40, 50), { now }),
      (now) => deleteWhere(session, dir, { column: 'id', op: '<', value: 30 }, { now }),
      (now) => overwriteQuery(session, dir, rows(50, 70), { now }),
      (now) => appendQuery(session, dir, rows(70, 75), { now }),
      (now) => deleteWhere(session, dir, { column: 'x', op: '>', value: 50 }, { now }),
      (now) => appendQuery(session, dir, rows(75, 80), { now }),
    ];
    for (let v = 0; v < steps.length; v++) {
      await steps[v]!(() => T0 + v * HOUR);
      pinCommitTime(dir, v, T0 + v * HOUR);
    }
    const counts = await Promise.all(steps.map((_s, v) => v)).then(async (vs) => {
      const out: number[] = [];
      for (const v of vs) out.push(await count(dir, v));
      return out;
    });
    // Data files of writes that never committed: one old, one fresh; and hidden entries.
    const orphanOld = join(dir, 'part-orphan-old.zstd.parquet');
    const orphanNew = join(dir, 'part-orphan-new.zstd.parquet');
    writeFileSync(orphanOld, 'x');
    writeFileSync(orphanNew, 'x');
    utimesSync(orphanOld, (T0 - HOUR) / 1000, (T0 - HOUR) / 1000);
    mkdirSync(join(dir, '_hidden'));
    writeFileSync(join(dir, '_hidden', 'keep.parquet'), 'x');
    utimesSync(join(dir, '_hidden', 'keep.parquet'), T0 / 1000, T0 / 1000);
    writeFileSync(join(dir, '.keep'), 'x');
    utimesSync(join(dir, '.keep'), T0 / 1000, T0 / 1000);
    utimesSync(orphanNew, (T0 + 7 * HOUR) / 1000, (T0 + 7 * HOUR) / 1000);

    const now = () => T0 + 7 * HOUR + 30 * 60_000; // 7.5 h after the first commit
    await expect(vacuum(store, { reader }, { retentionHours: 3, now })).rejects.toThrow(/shorter than the table's 168 h.*force/);
    const dry = await vacuum(store, { reader }, { retentionHours: 3, force: true, dryRun: true, now });
    expect(dry.dryRun).toBe(true);
    expect(dry.files).toContain('part-orphan-old.zstd.parquet');
    expect(dry.files).not.toContain('part-orphan-new.zstd.parquet');
    expect(dry.files.some((f) => f.startsWith('_') || f.startsWith('.'))).toBe(false);
    expect(dry.files.every((f) => existsSync(join(dir, f)))).toBe(true);
    const done = await vacuum(store, { reader }, { retentionHours: 3, force: true, now });
    expect(done.files).toEqual(dry.files);
    expect(done.numFilesDeleted).toBeGreaterThan(1);
    expect(done.files.every((f) => !existsSync(join(dir, f)))).toBe(true);
    expect(existsSync(join(dir, '_hidden', 'keep.parquet'))).toBe(true);
    expect(existsSync(join(dir, '.keep'))).toBe(true);
    // Cutoff is T0 + 4.5 h: version 4 (the one current at the cutoff) and later must still read.
    for (let v = 4; v < steps.length; v++) expect(await count(dir, v)).toBe(counts[v]);
    await openDeltaView(session, 'at_cutoff', dir, { timestamp: new Date(T0 + 4.5 * HOUR) });
    expect(Number((await session.json<{ n: string }>('SELECT count(*) AS n FROM at_cutoff'))[0]!.n)).toBe(counts[4]);
    // Something older really went: version 0's files are gone.
    await expect(count(dir, 0)).rejects.toThrow();
    // A second vacuum finds nothing more.
    expect((await vacuum(store, { reader }, { retentionHours: 3, force: true, now })).numFilesDeleted).toBe(0);
  });

  it('vacuum with a retention longer than the tombstones kept in checkpoints still keeps what old versions read', async () => {
    const dir = table();
    const store = new FsLogStore(dir);
    const tableProperties = { 'delta.deletedFileRetentionDuration': 'interval 1 hour', 'delta.checkpointInterval': '2' };
    await appendQuery(session, dir, rows(0, 10), { tableProperties, now: () => T0 });
    await overwriteQuery(session, dir, rows(10, 20), { now: () => T0 + HOUR });
    // The checkpoint at version 2, ten hours on, drops the tombstones of version 1's overwrite.
    await appendQuery(session, dir, rows(20, 30), { now: () => T0 + 10 * HOUR });
    for (let v = 0; v < 3; v++) pinCommitTime(dir, v, T0 + [0, 1, 10][v]! * HOUR);
    const first = (await loadSnapshot(store, reader, { version: 0 })).files.map((f) => f.path);
    // Written well before the cutoff (a long write, or a copied table): by file time alone, old.
    for (const path of first) utimesSync(join(dir, path), (T0 - 24 * HOUR) / 1000, (T0 - 24 * HOUR) / 1000);
    expect((await loadSnapshot(store, reader)).tombstones).toHaveLength(0);
    // 20 h back from T0 + 12 h reaches before version 0: every version must stay readable.
    const result = await vacuum(store, { reader }, { retentionHours: 20, now: () => T0 + 12 * HOUR });
    expect(result.numFilesDeleted).toBe(0);
    expect(result.numFilesKept).toBe(first.length);
    expect(await count(dir, 0)).toBe(10);
    // With 5 h the cutoff (T0 + 7 h) is after the overwrite: version 0's files may go.
    const shorter = await vacuum(store, { reader }, { retentionHours: 5, now: () => T0 + 12 * HOUR });
    expect(shorter.files.sort()).toEqual([...first].sort());
    expect(await count(dir, 1)).toBe(10);
  });

  it('optimize bin-packs small files per partition with dataChange=false and keeps every row', async () => {
    const dir = table();
    const store = new FsLogStore(dir);
    for (let i = 0; i < 6; i++) await appendQuery(session, dir, rows(i * 10, i * 10 + 10), { partitionBy: ['event_date'] });
    const before = await count(dir);
    const metrics = await optimize(store, { reader, rewriter: new DuckDbFileRewriter(session), writer: new DuckDbParquetWriter(session) });
    expect(metrics).toMatchObject({ version: 6, numFilesRemoved: 12, numFilesAdded: 2, partitionsOptimized: 2 });
    expect(metrics.bytesAfter).toBeLessThan(metrics.bytesBefore);
    expect(await count(dir)).toBe(before);
    const commit = readFileSync(join(dir, '_delta_log', '00000000000000000006.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(commit.filter((a) => a.add || a.remove).every((a) => (a.add ?? a.remove).dataChange === false)).toBe(true);
    expect(commit[0].commitInfo).toMatchObject({ operation: 'OPTIMIZE', operationMetrics: { numRemovedFiles: '12', numAddedFiles: '2' } });
    expect((await optimize(store, { reader, rewriter: new DuckDbFileRewriter(session) })).version).toBeNull();
    const small = await optimize(store, { reader, rewriter: new DuckDbFileRewriter(session) }, { targetSize: 10 });
    expect(small.version).toBeNull(); // files already above the target are left alone
  });

  it('Z-order interleaves rank-normalised bits (Morton order) and clusters files on every column', async () => {
    const grid = `SELECT x, y FROM range(4) a(x), range(4) b(y)`;
    const ordered = await session.json<{ x: number; y: number }>(zorderSql(grid, ['x', 'y'], ['x', 'y']));
    const morton = (x: number, y: number) => ((x & 2) << 2) | ((y & 2) << 1) | ((x & 1) << 1) | (y & 1);
    const expected = Array.from({ length: 16 }, (_, i) => ({ x: Math.floor(i / 4), y: i % 4 })).sort((a, b) => morton(a.x, a.y) - morton(b.x, b.y));
    expect(ordered.map((r) => [Number(r.x), Number(r.y)])).toEqual(expected.map((r) => [r.x, r.y]));

    const dir = table();
    const store = new FsLogStore(dir);
    await appendQuery(session, dir, `SELECT i::BIGINT AS id, (i * 7919 % 1000)::INTEGER AS x, (i * 104729 % 997)::INTEGER AS y FROM range(0, 40000) t(i)`);
    const metrics = await optimize(store, { reader, rewriter: new DuckDbFileRewriter(session) }, { zOrderBy: ['x', 'y'], targetSize: 12_000 });
    expect(metrics.numFilesAdded).toBeGreaterThan(3);
    expect(await count(dir)).toBe(40000);
    const snapshot = await loadSnapshot(store, reader);
    const spans = (c: 'x' | 'y') => snapshot.files.map((f) => Number(f.stats!.maxValues[c]) - Number(f.stats!.minValues[c]));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(spans('x'))).toBeLessThan(0.8 * 999);
    expect(mean(spans('y'))).toBeLessThan(0.8 * 996);
    await expect(optimize(store, { reader, rewriter: new DuckDbFileRewriter(session) }, { zOrderBy: ['nope'] })).rejects.toThrow(/nope is not a column/);
  });

  describe.skipIf(!existsSync(CLI_PATH))('CLI', () => {
    it('history, optimize, vacuum and restore on a lake table, printing their metrics', async () => {
      const lake = join(root, 'lake');
      const dir = join(lake, 'silver', 'events');
      for (let i = 0; i < 3; i++) await appendQuery(session, dir, rows(i * 10, i * 10 + 10), { partitionBy: ['event_date'] });
      const env = { CLICKLAKE_LAKE: lake };
      const hist = await runCli(['history', 'silver.events', '--json', '--limit', '2'], { env });
      expect(hist.code, hist.stderr).toBe(0);
      expect(JSON.parse(hist.stdout).map((e: { version: number }) => e.version)).toEqual([2, 1]);
      const text = await runCli(['history', 'silver.events', '--lake', lake]);
      expect(text.stdout).toMatch(/^\s+2\s+\S+Z\s+WRITE/m);
      const opt = await runCli(['optimize', 'silver.events', '--json'], { env });
      expect(opt.code, opt.stderr).toBe(0);
      expect(JSON.parse(opt.stdout)).toMatchObject({ version: 3, numFilesRemoved: 6, numFilesAdded: 2 });
      const zo = await runCli(['optimize', dir, '--zorder', 'x,y', '--target-size', '100000'], { env });
      expect(zo.stdout).toMatch(/Z-ordered by x, y/);
      const refused = await runCli(['vacuum', 'silver.events', '--retain-hours', '1'], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(/force/);
      const dry = await runCli(['vacuum', 'silver.events', '--dry-run', '--json'], { env });
      expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, numFilesDeleted: 0, retentionHours: 168 });
      // Below the default with --force, --dry-run lists the files optimize replaced and deletes none.
      const listed = await runCli(['vacuum', 'silver.events', '--retain-hours', '0', '--force', '--dry-run'], { env });
      expect(listed.code, listed.stderr).toBe(0);
      const wouldDelete = listed.stdout.split('\n').filter((l) => l.startsWith('would delete ') && l.endsWith('.parquet'));
      expect(wouldDelete.length).toBeGreaterThanOrEqual(6);
      expect(wouldDelete.every((l) => existsSync(join(dir, l.slice('would delete '.length))))).toBe(true);
      const rest = await runCli(['restore', 'silver.events', '--version', '1'], { env });
      expect(rest.code, rest.stderr).toBe(0);
      expect(rest.stdout).toMatch(/restored silver.events to version 1 as version 5/);
      expect(await count(dir)).toBe(20);
      const byTime = await runCli(['restore', 'silver.events', '--timestamp', new Date(Date.now() + 60_000).toISOString(), '--json'], { env });
      expect(byTime.code).toBe(1); // the latest version is current at that time: nothing earlier to restore
      expect(byTime.stderr).toMatch(/restore needs an earlier version/);
      const bad = await runCli(['restore', 'silver.events', '--timestamp', 'yesterday'], { env });
      expect(bad.stderr).toMatch(/--timestamp must be an ISO-8601 time/);
      const both = await runCli(['restore', 'silver.events', '--version', '1', '--timestamp', '2020-01-01'], { env });
      expect(both.code).toBe(1);
      const missing = await runCli(['history', 'gold.nothing'], { env });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^clicklake: no Delta table at .*gold\/nothing/);
      expect(readdirSync(join(dir, '_delta_log')).some((f) => f.endsWith('.tmp'))).toBe(false);
    });
  });
});
