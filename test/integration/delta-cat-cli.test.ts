/**
 * `clicklake delta cat` end to end through the built CLI: a small partitioned table written here
 * (Parquet by DuckDB, the log by hand), and foreign tables from the shared corpus when present.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, quoteString } from '../../src/engine/session.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath } from '../helpers/shared.js';

let root: string;
let table: string;

function commit(dir: string, version: number, actions: object[], mtime: Date): void {
  const file = join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  writeFileSync(file, actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
  utimesSync(file, mtime, mtime);
}

const schema = JSON.stringify({ type: 'struct', fields: [
  { name: 'id', type: 'long', nullable: true, metadata: {} },
  { name: 'name', type: 'string', nullable: true, metadata: {} },
  { name: 'country', type: 'string', nullable: true, metadata: {} },
] });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  table = join(root, 'people');
  mkdirSync(join(table, '_delta_log'), { recursive: true });
  mkdirSync(join(table, 'country=FR'));
  mkdirSync(join(table, 'country=DE'));
  const session = await Session.open({ threads: 1 });
  try {
    await session.run(`COPY (SELECT * FROM (VALUES (1, 'Ana'), (2, 'Ben'), (3, NULL)) AS t(id, name)) TO ${quoteString(join(table, 'country=FR', 'a.parquet'))} (FORMAT parquet)`);
    await session.run(`COPY (SELECT * FROM (VALUES (10, 'Dora'), (11, 'Emil')) AS t(id, name)) TO ${quoteString(join(table, 'country=DE', 'b.parquet'))} (FORMAT parquet)`);
  } finally {
    session.close();
  }
  const stats = (min: number, max: number, n: number, nulls: number) => JSON.stringify({ numRecords: n, minValues: { id: min }, maxValues: { id: max }, nullCount: { id: 0, name: nulls } });
  const meta = { id: 'people', format: { provider: 'parquet', options: {} }, schemaString: schema, partitionColumns: ['country'], configuration: {} };
  commit(table, 0, [
    { commitInfo: { operation: 'WRITE' } },
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: meta },
    { add: { path: 'country=FR/a.parquet', partitionValues: { country: 'FR' }, size: 400, modificationTime: 0, dataChange: true, stats: stats(1, 3, 3, 1) } },
  ], new Date('2024-03-01T10:00:00Z'));
  commit(table, 1, [
    { add: { path: 'country=DE/b.parquet', partitionValues: { country: 'DE' }, size: 300, modificationTime: 0, dataChange: true, stats: stats(10, 11, 2, 0) } },
  ], new Date('2024-03-02T10:00:00Z'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('clicklake delta cat', () => {
  it('prints every row as a readable table and a scan summary on stderr', async () => {
    const result = await runCli(['delta', 'cat', table]);
    expect(result.stderr).toContain('version 1: 5 rows; files scanned 2/2, bytes 700/700');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+country$/);
    expect(lines.slice(2, -1).map((l) => l.trim().split(/\s+/)).sort()).toEqual(
      [['1', 'Ana', 'FR'], ['10', 'Dora', 'DE'], ['11', 'Emil', 'DE'], ['2', 'Ben', 'FR'], ['3', 'NULL', 'FR']].sort(),
    );
    expect(lines.at(-1)).toBe('(5 rows)');
  });

  it('prints JSON lines at a version and a timestamp', async () => {
    const v0 = await runCli(['delta', 'cat', table, '--version', '0', '--json']);
    expect(v0.code).toBe(0);
    const rows = v0.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    expect(rows).toContainEqual({ id: 3, name: null, country: 'FR' });
    const at = await runCli(['delta', 'cat', table, '--timestamp', '2024-03-01T12:00:00Z', '--json']);
    expect(at.stdout.trim().split('\n')).toHaveLength(3);
    expect(at.stderr).toContain('version 0');
    const before = await runCli(['delta', 'cat', table, '--timestamp', '2024-02-01']);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toMatch(/before the first available commit/);
  });

  it('filters with --where, pruning files by partition values and stats', async () => {
    const byPartition = await runCli(['delta', 'cat', table, '--json', '--where', "country = 'DE' AND name != 'Emil'"]);
    expect(byPartition.code).toBe(0);
    expect(byPartition.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ id: 10, name: 'Dora', country: 'DE' }]);
    expect(byPartition.stderr).toContain('files scanned 1/2, bytes 300/700');
    const byStats = await runCli(['delta', 'cat', table, '--json', '--where', 'id BETWEEN 2 AND 5 OR name IS NULL']);
    expect(byStats.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort()).toEqual([2, 3]);
    expect(byStats.stderr).toContain('files scanned 1/2');
    const limited = await runCli(['delta', 'cat', table, '--json', '--limit', '1', '--where', "country IN ('FR', 'DE')"]);
    expect(limited.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('fails with one line for bad input', async () => {
    const syntax = await runCli(['delta', 'cat', table, '--where', "id = 'x"]);
    expect(syntax.code).not.toBe(0);
    expect(syntax.stderr).toMatch(/^clicklake: --where: predicate: unterminated string/);
    const column = await runCli(['delta', 'cat', table, '--where', 'age > 3']);
    expect(column.stderr).toMatch(/column "age"/);
    const both = await runCli(['delta', 'cat', table, '--version', '0', '--timestamp', '2024-03-01']);
    expect(both.stderr).toMatch(/not both/);
    const missing = await runCli(['delta', 'cat', join(root, 'nothing-here')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no Delta table at/);
    const version = await runCli(['delta', 'cat', table, '--version', '9']);
    expect(version.stderr).toMatch(/version 9 .* does not exist \(latest is 1\)/);
  });

  it('refuses a table needing an unknown reader feature, naming it', async () => {
    const dir = join(root, 'future');
    mkdirSync(join(dir, '_delta_log'), { recursive: true });
    commit(dir, 0, [
      { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['hyperSpace'], writerFeatures: ['hyperSpace'] } },
      { metaData: { id: 'f', format: { provider: 'parquet' }, schemaString: schema, partitionColumns: [], configuration: {} } },
    ], new Date());
    const result = await runCli(['delta', 'cat', dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/needs reader feature "hyperSpace"/);
  });

  describe.skipIf(!hasShared())('foreign tables from the corpus', () => {
    const corpus = (entry: string): string => sharedPath('corpus', 'delta', entry, 'delta');

    it('applies deletion vectors (Spark table)', async () => {
      const result = await runCli(['delta', 'cat', corpus('krs-table-with-dv-small'), '--json']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toHaveLength(8);
    });

    it('shows logical names under column mapping and typed partition values', async () => {
      const result = await runCli(['delta', 'cat', corpus('drs-table_with_column_mapping'), '--limit', '3']);
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[0]).toContain('Company Very Short');
      const partitioned = await runCli(['delta', 'cat', corpus('dat-multi_partitioned_2'), '--json', '--where', 'bool = true']);
      expect(partitioned.code).toBe(0);
      for (const line of partitioned.stdout.trim().split('\n')) expect(JSON.parse(line).bool).toBe(true);
    });

    it('prints nested types: structs and maps as JSON objects, arrays as lists', async () => {
      const result = await runCli(['delta', 'cat', corpus('dat-nested_types'), '--json', '--limit', '3']);
      expect(result.code, result.stderr).toBe(0);
      const rows = result.stdout.trim().split('\n').map((l) => JSON.parse(l)).sort((a, b) => a.pk - b.pk);
      expect(rows[2]).toEqual({ pk: 2, struct: { float64: 2, bool: true }, array: [0, 1, 2], map: { '0': 0, '1': 1 } });
      const text = await runCli(['delta', 'cat', corpus('dat-nested_types'), '--limit', '3']);
      expect(text.stdout).toContain('{"0":0,"1":1}');
    });

    it('prints valid JSON lines for each kind of foreign table (types, mapping, checkpoints, hints, DVs)', async () => {
      const kinds = [
        'dat-all_primitive_types', 'kgold-decimal-various-scale-precision', 'kgold-kernel-timestamp-int96', 'dat-timestamp_ntz',
        'kgold-table-with-columnmapping-mode-id', 'kgold-multi-part-checkpoint', 'krs-v2-checkpoints-parquet-with-sidecars',
        'kgold-corrupted-last-checkpoint-kernel', 'drs-table_failed_last_checkpoint_update', 'kgold-dv-partitioned-with-checkpoint',
        'kgold-data-reader-escaped-chars', 'krs-void-column',
      ];
      for (const entry of kinds) {
        const result = await runCli(['delta', 'cat', corpus(entry), '--json', '--limit', '5']);
        expect(result.code, `${entry}: ${result.stderr}`).toBe(0);
        const lines = result.stdout.trim().split('\n').filter((l) => l !== '');
        for (const line of lines) expect(() => JSON.parse(line), `${entry}: ${line}`).not.toThrow();
        expect(result.stderr, entry).toMatch(new RegExp(`^version \\d+: ${lines.length} rows?; files scanned \\d+/\\d+`));
      }
    }, 60_000);

    it('refuses catalog-managed tables', async () => {
      const result = await runCli(['delta', 'cat', corpus('dlt-catalog-owned-preview')]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/catalogManaged/);
    });
  });
});
