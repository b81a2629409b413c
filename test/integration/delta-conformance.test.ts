/**
 * Delta conformance: every entry of the shared corpus (the folder list parsed from INDEX.md), every
 * version of its log. Versions with expected results must match them: row counts and live-file
 * counts from expected.json, full row content (order-insensitive) from the DAT and golden
 * `expected/` Parquet files. Entries that must be refused fail with an unsupported-feature or
 * corrupt-log error; versions without expectations must either load or fail with a Delta error.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaLogCorruptError, DeltaUnsupportedFeatureError } from '../../src/delta/errors.js';
import { FsLogStore } from '../../src/delta/log-store.js';
import { listLog } from '../../src/delta/log-segment.js';
import { loadSnapshot } from '../../src/delta/snapshot.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { DeltaDataFileMissingError } from '../../src/engine/delta-scan.js';
import { quoteIdent, quoteStringList, Session } from '../../src/engine/session.js';
import { hasShared, sharedPath } from '../helpers/shared.js';

/** Entries this reader refuses on purpose, with the reason (mirrored in the README). */
export const KNOWN_UNSUPPORTED: Record<string, { feature: string; reason: string }> = {
  'krs-type-widening': { feature: 'typeWidening-preview', reason: 'type widening (narrower Parquet types than the schema) is not implemented' },
  'krs-unshredded-variant': { feature: 'variantType-preview', reason: 'the variant type is not implemented' },
};

/** Columns of expected/ data not to compare, with the reason. */
const SKIP_COLUMNS: Record<string, { column: string; reason: string }> = {
  // INDEX.md caveat: the golden expected/ stores as_timestamp in the writer's local zone, not UTC.
  'kgold-data-reader-partition-values': { column: 'as_timestamp', reason: 'expected/ holds a non-UTC reading' },
};

interface Expected {
  latest_version_in_log?: number;
  versions?: Record<string, { row_count?: number; active_files?: number }>;
  expect_error?: string;
}

const corpus = hasShared() ? sharedPath('corpus', 'delta') : '';

function entries(): string[] {
  if (!corpus) return [];
  const index = readFileSync(join(corpus, 'INDEX.md'), 'utf8');
  const names = [...index.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
  return names;
}

function expectedParquet(entry: string, version: number | 'latest'): string[] {
  const base = join(corpus, entry, 'expected');
  const dirs = version === 'latest' ? [join(base, 'latest', 'table_content'), base] : [join(base, `v${version}`, 'table_content')];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((n) => n.endsWith('.parquet') && !n.startsWith('.')).map((n) => join(dir, n));
    if (files.length > 0) return files;
  }
  return [];
}

describe.skipIf(!hasShared())('Delta conformance corpus', () => {
  let session: Session;
  let counter = 0;
  let rowCountsChecked = 0;
  let contentsCompared = 0;
  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
  });
  afterAll(() => session?.close());

  const names = entries();

  it('parses the entry list from INDEX.md', () => {
    expect(names.length).toBeGreaterThanOrEqual(90);
    for (const name of names) expect(existsSync(join(corpus, name, 'delta')), name).toBe(true);
  });

  async function compareRows(entry: string, view: string, files: string[]): Promise<void> {
    const actualCols = await session.describe(`SELECT * FROM ${quoteIdent(view)}`);
    const expectedCols = new Set((await session.describe(`SELECT * FROM read_parquet(${quoteStringList(files)}, union_by_name = true)`)).map((c) => c.name));
    const skip = SKIP_COLUMNS[entry]?.column;
    const cols = actualCols.filter((c) => c.name !== skip);
    for (const c of cols) expect(expectedCols.has(c.name), `${entry}: expected/ has column ${c.name}`).toBe(true);
    const exp = cols.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
    const act = cols.map((c) => quoteIdent(c.name)).join(', ');
    const expSql = `SELECT ${exp} FROM read_parquet(${quoteStringList(files)}, union_by_name = true)`;
    const actSql = `SELECT ${act} FROM ${quoteIdent(view)}`;
    const missing = await session.json(`(${expSql}) EXCEPT ALL (${actSql}) LIMIT 3`);
    const extra = await session.json(`(${actSql}) EXCEPT ALL (${expSql}) LIMIT 3`);
    expect({ missing, extra }, `${entry}: rows differ from expected/`).toEqual({ missing: [], extra: [] });
  }

  for (const entry of names) {
    it(entry, async () => {
      const dir = join(corpus, entry);
      const expected: Expected = existsSync(join(dir, 'expected.json'))
        ? JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'))
        : {};
      const store = new FsLogStore(join(dir, 'delta'));
      const reader = new DuckDbParquetReader(session);
      const refusal = KNOWN_UNSUPPORTED[entry];
      let checked = 0;

      if (expected.expect_error) {
        const error = await loadSnapshot(store, reader).then(() => undefined, (e: unknown) => e);
        expect(error, `${entry} must be refused: ${expected.expect_error}`).toBeDefined();
        expect(
          error instanceof DeltaUnsupportedFeatureError || error instanceof DeltaLogCorruptError,
          `${entry}: ${(error as Error).name}: ${(error as Error).message}`,
        ).toBe(true);
        expect((error as Error).message).toContain(store.location);
        return;
      }

      const listing = await listLog(store);
      const first = Math.min(...listing.commits.keys(), ...listing.checkpoints.map((c) => c.version));
      let refusedAtLatest = false;
      for (let version = first; version <= listing.latest; version++) {
        const facts = expected.versions?.[String(version)];
        // The log alone must give a snapshot at every version (or a refusal naming the feature).
        let snapshot;
        try {
          snapshot = await loadSnapshot(store, reader, { version });
        } catch (error) {
          if (refusal && error instanceof DeltaUnsupportedFeatureError) {
            expect(error.feature).toBe(refusal.feature);
            if (version === listing.latest) refusedAtLatest = true;
            continue;
          }
          throw error;
        }
        expect(snapshot.version).toBe(version);
        if (facts?.active_files !== undefined) expect(snapshot.files.length, `${entry} v${version} live files`).toBe(facts.active_files);
        checked++;
        const view = `conf_${counter++}`;
        try {
          await openDeltaView(session, view, store.root, { version });
        } catch (error) {
          // Versions without expectations may reference vacuumed or never-copied data files.
          if (!facts && error instanceof DeltaDataFileMissingError) continue;
          throw error;
        }
        if (facts?.row_count !== undefined) {
          const count = Number(await session.scalar(`SELECT count(*) FROM ${quoteIdent(view)}`));
          expect(count, `${entry} v${version} rows`).toBe(facts.row_count);
          rowCountsChecked++;
        }
        const files = version === listing.latest ? expectedParquet(entry, 'latest') : expectedParquet(entry, version);
        if (files.length > 0) {
          await compareRows(entry, view, files);
          contentsCompared++;
        }
      }
      if (refusal) expect(refusedAtLatest, `${entry} must be refused at its latest version`).toBe(true);
      expect(checked > 0 || refusedAtLatest, `${entry}: at least one version checked`).toBe(true);
    });
  }

  it('the row comparison notices a difference', async () => {
    if (!names.includes('dat-basic_append')) return;
    const view = `conf_${counter++}`;
    await openDeltaView(session, view, join(corpus, 'dat-basic_append', 'delta'), { version: 1 });
    await expect(compareRows('dat-basic_append', view, expectedParquet('dat-basic_append', 0))).rejects.toThrow(/rows differ/);
  });

  it('travels by file time as delta-rs does on drs-checkpoints_vacuumed (mtimes set first)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
    try {
      cpSync(join(corpus, 'drs-checkpoints_vacuumed', 'delta', '_delta_log'), join(dir, '_delta_log'), { recursive: true });
      const times: Record<string, string> = {
        '00000000000000000005.checkpoint.parquet': '2020-05-01T22:47:31-07:00',
        '00000000000000000010.checkpoint.parquet': '2020-05-06T22:47:31-07:00',
      };
      for (let v = 5; v <= 12; v++) times[`${String(v).padStart(20, '0')}.json`] = `2020-05-${String(v - 3).padStart(2, '0')}T22:47:31-07:00`;
      times['00000000000000000010.json'] = '2020-05-08T22:47:31-07:00';
      times['00000000000000000011.json'] = '2020-05-09T22:47:31-07:00';
      times['00000000000000000012.json'] = '2020-05-10T22:47:31-07:00';
      for (const [name, time] of Object.entries(times)) utimesSync(join(dir, '_delta_log', name), new Date(time), new Date(time));
      const store = new FsLogStore(dir);
      const reader = new DuckDbParquetReader(session);
      expect((await loadSnapshot(store, reader, { timestamp: new Date('2020-05-09T00:47:31-07:00') })).version).toBe(10);
      expect((await loadSnapshot(store, reader, { timestamp: new Date('2020-05-11T00:00:00Z') })).version).toBe(11);
      expect((await loadSnapshot(store, reader, { timestamp: new Date('2020-05-12T00:00:00Z') })).version).toBe(12);
      // delta-rs answers 5 here from the checkpoint file's time; by the protocol the earliest
      // available commit (5, written 2020-05-02T22:47) is after the time asked for.
      await expect(loadSnapshot(store, reader, { timestamp: new Date('2020-05-02T00:47:31-07:00') })).rejects.toThrow(/before the first available commit/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('travels by in-commit timestamp on drs-cdc_ict_table, not by commitInfo.timestamp or file time', async () => {
    const store = new FsLogStore(join(corpus, 'drs-cdc_ict_table', 'delta'));
    const reader = new DuckDbParquetReader(session);
    const ict: number[] = [];
    for (let v = 0; v <= 3; v++) {
      const first = readFileSync(join(store.root, '_delta_log', `${String(v).padStart(20, '0')}.json`), 'utf8').split('\n')[0]!;
      ict.push(JSON.parse(first).commitInfo.inCommitTimestamp);
    }
    // Each version's timestamp is its in-commit timestamp (v1's differs from commitInfo.timestamp).
    for (let v = 0; v <= 3; v++) expect((await loadSnapshot(store, reader, { version: v })).timestamp).toBe(ict[v]);
    // The fixture's v1 timestamp is out of order; from v2 on they increase as the protocol requires.
    expect((await loadSnapshot(store, reader, { timestamp: ict[2]! })).version).toBe(2);
    expect((await loadSnapshot(store, reader, { timestamp: ict[3]! - 1 })).version).toBe(2);
    expect((await loadSnapshot(store, reader, { timestamp: ict[3]! })).version).toBe(3);
    await expect(loadSnapshot(store, reader, { timestamp: ict[0]! - 1 })).rejects.toThrow(/before the first available commit/);
  });

  it('survives damaged copies: a missing checkpoint part is skipped, a truncated commit is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
    try {
      const reader = new DuckDbParquetReader(session);
      const multi = join(dir, 'multi');
      cpSync(join(corpus, 'kgold-multi-part-checkpoint', 'delta'), multi, { recursive: true });
      const whole = await loadSnapshot(new FsLogStore(multi), reader);
      rmSync(join(multi, '_delta_log', '00000000000000000001.checkpoint.0000000002.0000000002.parquet'));
      const fromCommits = await loadSnapshot(new FsLogStore(multi), reader);
      expect(fromCommits.files.map((f) => f.path).sort()).toEqual(whole.files.map((f) => f.path).sort());
      rmSync(join(multi, '_delta_log', '00000000000000000000.json'));
      await expect(loadSnapshot(new FsLogStore(multi), reader)).rejects.toThrow(/checkpoint 1 is incomplete .*0000000002\.0000000002\.parquet is missing/);

      const truncated = join(dir, 'truncated');
      cpSync(join(corpus, 'dat-basic_append', 'delta'), truncated, { recursive: true });
      const last = join(truncated, '_delta_log', '00000000000000000001.json');
      const text = readFileSync(last, 'utf8');
      writeFileSync(last, text.slice(0, Math.floor(text.length / 2)));
      const error = await loadSnapshot(new FsLogStore(truncated), reader).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeltaLogCorruptError);
      expect((error as Error).message).toMatch(/00000000000000000001\.json line \d+ is not valid JSON/);
      expect((await loadSnapshot(new FsLogStore(truncated), reader, { version: 0 })).version).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compared row counts and full contents across the corpus', () => {
    console.log(`delta conformance: ${rowCountsChecked} version row counts and ${contentsCompared} full contents compared`);
    expect(rowCountsChecked).toBeGreaterThan(200);
    expect(contentsCompared).toBeGreaterThanOrEqual(45);
  });
});
