/**
 * Keys a double cannot hold: BIGINT ids above 2^53 and DECIMAL(38, 2) values that differ only
 * beyond double precision, each in its own file. Merge, delete and the reader's file pruning must
 * judge them exactly (a double merges neighbouring ids, which pruned the file holding the match
 * and left duplicate keys). Also covered: the stats JSON carries the exact tokens, and
 * `clicklake delta cat --where` on such an id finds its row without scanning the others.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStats } from '../../src/delta/stats.js';
import { parsePredicate } from '../../src/delta/predicate.js';
import { pruneFiles } from '../../src/delta/skipping.js';
import { mayMatch } from '../../src/delta/row-predicate.js';
import { appendQuery, deleteWhere, mergeQuery } from '../../src/engine/delta-writer.js';
import { openDeltaView } from '../../src/engine/delta-view.js';
import { Session } from '../../src/engine/session.js';
import { runCli } from '../helpers/cli.js';

// Both round to the same double (spacing there is 256), as do A + 1 and B - 1 below.
const A = '2053013555631882655';
const B = '2053013555631882656';
const DA = '12345678901234567890.01';
const DB = '12345678901234567890.02';

describe('Delta writer with keys beyond double precision', () => {
  let session: Session;
  let root: string;
  let n = 0;
  const table = () => join(root, `t${n++}`);
  const commits = (dir: string) => readdirSync(join(dir, '_delta_log')).filter((f) => f.endsWith('.json')).sort();
  const addStats = (dir: string, version: number): string[] =>
    readFileSync(join(dir, '_delta_log', commits(dir)[version]!), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { add?: { stats: string } }).filter((a) => a.add).map((a) => a.add!.stats);

  /** One file per key: category_id BIGINT, amount DECIMAL(38,2), label. */
  const build = async (dir: string): Promise<void> => {
    await appendQuery(session, dir, `SELECT ${A}::BIGINT AS category_id, ${DA}::DECIMAL(38,2) AS amount, 'a-old' AS label`);
    await appendQuery(session, dir, `SELECT ${B}::BIGINT AS category_id, ${DB}::DECIMAL(38,2) AS amount, 'b-old' AS label`);
    await appendQuery(session, dir, `SELECT 7::BIGINT AS category_id, 1.50::DECIMAL(38,2) AS amount, 'small' AS label`);
  };
  const rows = async (dir: string, predicate?: string) => {
    const { scan } = await openDeltaView(session, 'v', dir, { predicate: predicate === undefined ? undefined : parsePredicate(predicate) });
    const data = await session.json<{ id: string; amount: string; label: string }>(
      'SELECT CAST(category_id AS VARCHAR) AS id, CAST(amount AS VARCHAR) AS amount, label FROM v ORDER BY category_id, label',
    );
    return { scan, data };
  };

  beforeAll(async () => {
    session = await Session.open({ threads: 1 });
    root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  });
  afterAll(() => session.close());

  it('writes the exact long and decimal tokens into the stats and reads them back exactly', async () => {
    const dir = table();
    await build(dir);
    const [statsA] = addStats(dir, 0);
    expect(statsA).toContain(`"category_id":${A}`);
    expect(statsA).toContain(`"amount":${DA}`);
    const parsed = parseStats(statsA)!;
    expect(String(parsed.minValues.category_id)).toBe(A);
    expect(String(parsed.maxValues.amount)).toBe(DA);
    // Small numbers stay numbers.
    expect(parseStats(addStats(dir, 2)[0])!.minValues.category_id).toBe(7);
    expect(parsed.numRecords).toBe(1);
  });

  it('merges an update of a BIGINT key above 2^53: one row per key, the new value', async () => {
    const dir = table();
    await build(dir);
    const result = await mergeQuery(session, dir, `SELECT ${B}::BIGINT AS category_id, ${DB}::DECIMAL(38,2) AS amount, 'b-new' AS label`, { keys: ['category_id'] });
    expect(result.filesRemoved).toBe(1);
    const { data } = await rows(dir);
    expect(data).toEqual([
      { id: '7', amount: '1.50', label: 'small' },
      { id: A, amount: DA, label: 'a-old' },
      { id: B, amount: DB, label: 'b-new' },
    ]);
    const info = JSON.parse(readFileSync(join(dir, '_delta_log', commits(dir)[3]!), 'utf8').split('\n')[0]!).commitInfo;
    expect(info.operationMetrics).toMatchObject({ numTargetRowsUpdated: '1', numTargetRowsInserted: '0', numTargetFilesRemoved: '1' });
  });

  it('merges by a DECIMAL key that differs only beyond double precision', async () => {
    const dir = table();
    await build(dir);
    const result = await mergeQuery(session, dir, `SELECT ${A}::BIGINT AS category_id, ${DA}::DECIMAL(38,2) AS amount, 'a-new' AS label`, { keys: ['amount'] });
    expect(result.filesRemoved).toBe(1);
    const { data } = await rows(dir);
    expect(data).toEqual([
      { id: '7', amount: '1.50', label: 'small' },
      { id: A, amount: DA, label: 'a-new' },
      { id: B, amount: DB, label: 'b-old' },
    ]);
  });

  it('deletes by such a literal, touching only the file that holds it', async () => {
    const dir = table();
    await build(dir);
    const byId = await deleteWhere(session, dir, `category_id = ${A}`);
    expect(byId).toMatchObject({ filesRemoved: 1, filesAdded: 0 });
    const byAmount = await deleteWhere(session, dir, `amount = ${DB}`);
    expect(byAmount).toMatchObject({ filesRemoved: 1, filesAdded: 0 });
    expect((await rows(dir)).data).toEqual([{ id: '7', amount: '1.50', label: 'small' }]);
  });

  it('prunes reader scans exactly: the matching file is kept, its neighbour skipped', async () => {
    const dir = table();
    await build(dir);
    for (const [where, label] of [
      [`category_id = ${A}`, 'a-old'],
      [`category_id = ${B}`, 'b-old'],
      [`category_id > ${A}`, 'b-old'],
      [`category_id IN (${B}, 8)`, 'b-old'],
      [`amount = ${DA}`, 'a-old'],
      [`amount >= ${DB}`, 'b-old'],
      [`amount > ${DA}`, 'b-old'],
      [`amount BETWEEN ${DA} AND ${DA}`, 'a-old'],
    ] as const) {
      // The view holds the rows of the files kept; each file holds one row.
      const { scan, data } = await rows(dir, where);
      expect(scan.filesScanned, where).toBe(1);
      expect(data.map((r) => r.label), where).toEqual([label]);
    }
    // A value between the two ids in double terms but in neither file: nothing to scan.
    expect((await rows(dir, `category_id = 2053013555631882657`)).scan.filesScanned).toBe(0);
    expect((await rows(dir, `category_id < ${A}`)).scan.filesScanned).toBe(1);
  });

  it('judges stats exactly in the row-predicate form used by merge and delete', () => {
    const stats = parseStats(`{"numRecords":1,"minValues":{"k":${A},"d":${DA}},"maxValues":{"k":${A},"d":${DA}},"nullCount":{"k":0,"d":0}}`);
    const types = new Map([['k', 'long'], ['d', 'decimal(38,2)']] as const);
    expect(mayMatch({ column: 'k', op: '=', value: A }, {}, stats, types)).toBe(true);
    expect(mayMatch({ column: 'k', op: '=', value: B }, {}, stats, types)).toBe(false);
    expect(mayMatch({ column: 'k', op: '>=', value: BigInt(B) - 2n }, {}, stats, types)).toBe(true);
    expect(mayMatch({ column: 'd', op: '=', value: DA }, {}, stats, types)).toBe(true);
    expect(mayMatch({ column: 'd', op: '=', value: DB }, {}, stats, types)).toBe(false);
    expect(mayMatch({ column: 'd', op: '<', value: '1.2345678901234567890021e19' }, {}, stats, types)).toBe(true);
    // Partition values of a long column compare exactly too.
    const file = (value: string) => ({ add: { path: 'x', partitionValues: { k: value }, size: 0, modificationTime: 0, dataChange: true }, path: 'x', partitionValues: { k: BigInt(value) }, partitionText: { k: value }, stats: undefined });
    const schema = { type: 'struct' as const, fields: [{ name: 'k', type: 'long' as const, nullable: true, metadata: {} }] };
    const kept = pruneFiles([file(A), file(B)] as never[], parsePredicate(`k = ${B}`), { schema, partitionColumns: ['k'], columnMapping: 'none' });
    expect(kept.map((f: { partitionText: { k: string } }) => f.partitionText.k)).toEqual([B]);
  });

  it('clicklake delta cat --where finds a row by an id above 2^53', async () => {
    const dir = table();
    await build(dir);
    const result = await runCli(['delta', 'cat', dir, '--json', '--where', `category_id = ${A}`]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string });
    expect(lines.map((l) => l.label)).toEqual(['a-old']);
    expect(result.stdout).toContain(A);
    expect(result.stderr).toMatch(/files scanned 1\/3/);
  });
});
