/**
 * After a checkpoint: expired log cleanup (`delta.logRetentionDuration`) removes only versions
 * before the newest checkpoint older than the retention, keeps every later version readable and
 * the table valid, stops at a commit that is not expired, and can be turned off; and a checkpoint
 * that fails is reported in the write result instead of passing silently.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupExpiredLogs } from '../../src/delta/log-cleanup.js';
import { MemoryLogStore } from '../../src/delta/log-store.js';
import { appendQuery } from '../../src/engine/delta-writer.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { Session } from '../../src/engine/session.js';
import { expectValid, validatorAvailable } from '../helpers/deltavalidate.js';

const DAY = 86_400_000;
const pad = (v: number) => String(v).padStart(20, '0');
const rows = (from: number, to: number) => `SELECT i::BIGINT AS id FROM range(${from}, ${to}) t(i)`;

describe('expired log cleanup', () => {
  let session: Session;
  let root: string;
  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => {
    session.close();
    rmSync(root, { recursive: true, force: true });
  });
  const count = async (dir: string, version?: number) => {
    await openDeltaView(session, 'v', dir, { version });
    return Number((await session.json<{ n: string }>('SELECT count(*) AS n FROM v'))[0]!.n);
  };
  /** Makes every log file look `days` old, as if the first versions were written long ago. */
  const age = (dir: string, days: number) => {
    const t = (Date.now() - days * DAY) / 1000;
    for (const name of readdirSync(join(dir, '_delta_log'))) {
      if (/^\d{20}\./.test(name)) utimesSync(join(dir, '_delta_log', name), t, t);
    }
  };
  const logNames = (dir: string) => readdirSync(join(dir, '_delta_log')).filter((n) => /^\d{20}\./.test(n)).sort();

  it('removes versions before the newest expired checkpoint; later versions read, earlier ones fail clearly', async () => {
    const dir = join(root, 'cleaned');
    const tableProperties = { 'delta.checkpointInterval': '3', 'delta.logRetentionDuration': 'interval 1 day' };
    for (let v = 0; v <= 6; v++) await appendQuery(session, dir, rows(v * 10, v * 10 + 10), { tableProperties });
    age(dir, 2);
    await appendQuery(session, dir, rows(70, 80));
    await appendQuery(session, dir, rows(80, 90));
    const result = await appendQuery(session, dir, rows(90, 100));
    expect(result.version).toBe(9);
    // Versions 0..5 (six commits and checkpoint 3) went; checkpoint 6 is the oldest state left.
    expect(result.checkpoint).toMatchObject({ kind: 'written', checkpoint: { version: 9 }, logFilesRemoved: 7 });
    expect(logNames(dir)).toEqual([
      `${pad(6)}.checkpoint.parquet`, `${pad(6)}.json`, `${pad(7)}.json`, `${pad(8)}.json`,
      `${pad(9)}.checkpoint.parquet`, `${pad(9)}.json`,
    ]);
    expect(await count(dir)).toBe(100);
    expect(await count(dir, 6)).toBe(70);
    expect(await count(dir, 7)).toBe(80);
    await expect(count(dir, 2)).rejects.toThrow(/version 2 of .* cannot be reconstructed: no checkpoint at or before it and commits before 6 were cleaned up/);
    if (validatorAvailable()) await expectValid(dir, 'expired log cleanup');
  });

  it('keeps everything when cleanup is turned off or nothing is old enough', async () => {
    const off = join(root, 'off');
    const tableProperties = { 'delta.checkpointInterval': '3', 'delta.logRetentionDuration': 'interval 1 day', 'delta.enableExpiredLogCleanup': 'false' };
    for (let v = 0; v <= 6; v++) await appendQuery(session, off, rows(v, v + 1), { tableProperties });
    age(off, 2);
    for (let v = 7; v <= 9; v++) await appendQuery(session, off, rows(v, v + 1));
    expect(logNames(off).filter((n) => n.endsWith('.json'))).toHaveLength(10);
    expect(await count(off, 0)).toBe(1);

    const young = join(root, 'young');
    for (let v = 0; v <= 9; v++) {
      const r = await appendQuery(session, young, rows(v, v + 1), { tableProperties: { 'delta.checkpointInterval': '3' } });
      if (v === 9) expect(r.checkpoint).toMatchObject({ kind: 'written', logFilesRemoved: 0 });
    }
    expect(logNames(young).filter((n) => n.endsWith('.json'))).toHaveLength(10);
  });

  it('stops at the first commit that is not expired, so the commits left stay contiguous', async () => {
    let clock = 0;
    const store = new MemoryLogStore('memory://t', () => clock);
    const put = (name: string) => store.putIfAbsent(`_delta_log/${name}`, new TextEncoder().encode('{}\n'));
    for (let v = 0; v <= 8; v++) {
      clock = v === 2 ? 50 * DAY : v * 1000; // commit 2's file time is late (a copied or touched file)
      await put(`${pad(v)}.json`);
      await put(`${pad(v)}.crc`);
      if (v === 4 || v === 8) await put(`${pad(v)}.checkpoint.parquet`);
    }
    const result = await cleanupExpiredLogs(store, { 'delta.logRetentionDuration': 'interval 30 days' }, 40 * DAY);
    expect(result.boundary).toBe(8);
    expect(result.removed).toEqual([`_delta_log/${pad(0)}.crc`, `_delta_log/${pad(0)}.json`, `_delta_log/${pad(1)}.crc`, `_delta_log/${pad(1)}.json`]);
    expect((await store.list('_delta_log')).map((f) => f.path)).toContain(`_delta_log/${pad(3)}.json`);
  });
});

describe('a failed checkpoint', () => {
  it('is reported in the write result; the write itself is committed and readable', async () => {
    const root = mkdtempSync(join(tmpdir(), 'clicklake-'));
    const session = await Session.open({ threads: 1 });
    try {
      const dir = join(root, 't');
      await appendQuery(session, dir, rows(0, 5), { tableProperties: { 'delta.checkpointInterval': '2' } });
      await appendQuery(session, dir, rows(5, 10));
      // A non-empty folder where checkpoint 2 must go: the rename into place fails.
      mkdirSync(join(dir, '_delta_log', `${pad(2)}.checkpoint.parquet`));
      writeFileSync(join(dir, '_delta_log', `${pad(2)}.checkpoint.parquet`, 'blocker'), 'x');
      const result = await appendQuery(session, dir, rows(10, 15));
      expect(result.version).toBe(2);
      expect(result.checkpoint).toMatchObject({ kind: 'failed', version: 2 });
      expect((result.checkpoint as { reason: string }).reason).toMatch(/^checkpoint at version 2 failed: /);
      await openDeltaView(session, 'v', dir);
      expect(Number((await session.json<{ n: string }>('SELECT count(*) AS n FROM v'))[0]!.n)).toBe(15);
    } finally {
      session.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
