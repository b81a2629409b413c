/**
 * Writing to tables other engines wrote (copies of the shared corpus): appends, deletes,
 * checkpoints and optimize keep them valid for the independent validator, and tables needing
 * writer features we lack (column mapping, CHECK constraints, generated columns, deletion
 * vectors, change data feed) are refused before anything is written.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaUnsupportedFeatureError } from '../../src/delta/errors.js';
import { FsLogStore } from '../../src/delta/log-store.js';
import { optimize } from '../../src/delta/ops/optimize.js';
import { appendQuery, deleteWhere } from '../../src/engine/delta-writer.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { DuckDbFileRewriter } from '../../src/engine/optimize-rewriter.js';
import { DuckDbParquetReader } from '../../src/engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../../src/engine/parquet-writer.js';
import { Session } from '../../src/engine/session.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { expectValid, validatorAvailable } from '../helpers/deltavalidate.js';

describe.skipIf(!hasShared())('writing to other engines\' tables', () => {
  let session: Session;
  let root: string;
  const copy = (entry: string) => {
    const dir = join(root, entry);
    cpSync(sharedPath('corpus', 'delta', entry, 'delta'), dir, { recursive: true });
    return dir;
  };
  const count = async (dir: string) => {
    await openDeltaView(session, 'f', dir);
    return Number((await session.json<{ n: string }>('SELECT count(*) AS n FROM f'))[0]!.n);
  };
  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => session.close());

  for (const entry of ['dat-basic_partitioned', 'dat-all_primitive_types', 'dat-with_checkpoint', 'dat-nested_types', 'dat-partitioned_with_null', 'drs-delta-0.8.0-special-partition']) {
    it(`${entry}: append its own rows, then checkpoint and optimize`, async () => {
      const dir = copy(entry);
      const before = await count(dir);
      await openDeltaView(session, 'src', dir);
      await session.run('CREATE OR REPLACE TEMP TABLE src_rows AS SELECT * FROM src');
      await appendQuery(session, dir, 'SELECT * FROM src_rows');
      expect(await count(dir)).toBe(2 * before);
      if (validatorAvailable()) await expectValid(dir, `${entry} append`);
      for (let i = 0; i < 10; i++) await appendQuery(session, dir, 'SELECT * FROM src_rows LIMIT 1');
      expect(readdirSync(join(dir, '_delta_log')).some((f) => f.endsWith('.checkpoint.parquet'))).toBe(true);
      await optimize(new FsLogStore(dir), { reader: new DuckDbParquetReader(session), rewriter: new DuckDbFileRewriter(session), writer: new DuckDbParquetWriter(session) });
      expect(await count(dir)).toBe(2 * before + 10);
      if (validatorAvailable()) await expectValid(dir, `${entry} checkpoint and optimize`);
    });
  }

  it('dat-multi_partitioned: a binary partition column is refused before any file is written', async () => {
    const dir = copy('dat-multi_partitioned');
    const files = readdirSync(dir, { recursive: true }).length;
    await openDeltaView(session, 'm', dir);
    await expect(appendQuery(session, dir, 'SELECT * FROM m')).rejects.toThrow(/binary column data/);
    expect(readdirSync(dir, { recursive: true }).length).toBe(files);
  });

  it('dat-basic_append: delete by predicate rewrites another writer\'s files', async () => {
    const dir = copy('dat-basic_append');
    await openDeltaView(session, 'b', dir);
    const [row] = await session.json<{ letter: string; n: string }>('SELECT letter, count(*) OVER () AS n FROM b ORDER BY letter LIMIT 1');
    await deleteWhere(session, dir, { column: 'letter', op: '=', value: row!.letter });
    expect(await count(dir)).toBeLessThan(Number(row!.n));
    if (validatorAvailable()) await expectValid(dir, 'dat-basic_append delete');
  });

  for (const [entry, feature] of [
    ['dat-column_mapping', 'columnMapping'],
    ['dat-check_constraints', 'checkConstraints'],
    ['dat-generated_columns', 'generatedColumns'],
    ['dat-deletion_vectors', 'deletionVectors'],
  ] as const) {
    it(`${entry}: writes are refused, naming the feature`, async () => {
      const dir = copy(entry);
      const log = readdirSync(join(dir, '_delta_log')).sort();
      const error = await appendQuery(session, dir, 'SELECT 1 AS x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeltaUnsupportedFeatureError);
      expect((error as Error).message).toMatch(/cannot be written by clicklake/);
      // The first unsupported feature found is named (a table may need several).
      expect((error as Error).message).toContain((error as DeltaUnsupportedFeatureError).feature.replace(/^writerVersion/, 'writer version '));
      void feature;
      expect(readdirSync(join(dir, '_delta_log')).sort()).toEqual(log);
    });
  }
});
