/**
 * The merge (upsert by key) plan: source rows replace target rows with the same key and new keys
 * are inserted. Only files that contain a source key are rewritten: partitions (when the keys
 * include every partition column) and the source's key min/max against file stats narrow the
 * candidates, then one semi-join finds the files that really hold a matching key. The source is
 * materialised once in a temp table (it is read several times) and must not repeat a key.
 */
import { randomUUID } from 'node:crypto';
import { DeltaInvalidOperationError } from '../delta/errors.js';
import { samePartition } from '../delta/path-encoding.js';
import { mayMatch, type Predicate } from '../delta/row-predicate.js';
import { columnTypes, scanFilesSql } from './delta-files.js';
import { basePlan, partitionSpec, pick, prepareSource, type Plan, type PlanContext } from './delta-plans.js';
import { quoteIdent } from './session.js';

export async function planMerge(ctx: PlanContext, selectSql: string, keys: string[]): Promise<Plan> {
  const { session, table } = ctx;
  const source = await prepareSource(ctx, selectSql);
  if (!keys.length) throw new DeltaInvalidOperationError('merge needs at least one key column', table.store.location);
  for (const key of keys) {
    if (!source.schema.fields.some((f) => f.name === key)) throw new DeltaInvalidOperationError(`merge key ${key} is not a column of ${table.store.location}`, table.store.location);
  }
  const name = `__clicklake_merge_${randomUUID().replaceAll('-', '')}`;
  await session.run(`CREATE TEMP TABLE ${quoteIdent(name)} AS ${source.sql}`);
  const cleanup = () => session.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
  try {
    const keyList = keys.map(quoteIdent).join(', ');
    const dupes = await session.scalar<bigint | number>(`SELECT count(*) FROM (SELECT ${keyList} FROM ${quoteIdent(name)} GROUP BY ALL HAVING count(*) > 1)`);
    if (Number(dupes ?? 0) > 0) {
      throw new DeltaInvalidOperationError(`merge source has ${dupes} key(s) appearing more than once in [${keys.join(', ')}]; each key may match one source row`, table.store.location);
    }
    const plan = basePlan({ ...source, sql: `SELECT * FROM ${quoteIdent(name)}` }, 'MERGE', { mergeKeys: JSON.stringify(keys) });
    plan.blindAppend = false;
    plan.cleanup = cleanup;
    const sourceRows = Number((await session.scalar<bigint | number>(`SELECT count(*) FROM ${quoteIdent(name)}`)) ?? 0);
    const snapshot = table.snapshot;
    if (!snapshot) {
      plan.metrics = () => ({ numSourceRows: String(sourceRows), numTargetRowsInserted: String(sourceRows), numTargetRowsUpdated: '0' });
      return plan;
    }
    const partitionColumns = source.partitionColumns;
    const byPartition = partitionColumns.length > 0 && partitionColumns.every((c) => keys.includes(c));
    let candidates = [...snapshot.files];
    if (byPartition) {
      const parts = await session.json<Record<string, string | null>>(
        `SELECT DISTINCT ${partitionColumns.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR) AS ${quoteIdent(c)}`).join(', ')} FROM ${quoteIdent(name)}`,
      );
      const specs = parts.map((p) => partitionSpec(p, source, table.store.location));
      candidates = candidates.filter((f) => specs.some((s) => samePartition(s, pick(f.add.partitionValues, partitionColumns))));
      plan.scope = { kind: 'partitions', partitions: specs };
    } else {
      plan.scope = { kind: 'all' };
    }
    const statKeys = keys.filter((k) => !partitionColumns.includes(k));
    if (statKeys.length && sourceRows > 0) {
      const bounds = await session.json<Record<string, string | null>>(
        `SELECT ${statKeys.map((k, i) => `CAST(min(${quoteIdent(k)}) AS VARCHAR) AS lo${i}, CAST(max(${quoteIdent(k)}) AS VARCHAR) AS hi${i}`).join(', ')} FROM ${quoteIdent(name)}`,
      );
      const b = bounds[0]!;
      const range: Predicate = {
        and: statKeys.map((k, i) => ({ and: [{ column: k, op: '>=' as const, value: b[`lo${i}`] ?? null }, { column: k, op: '<=' as const, value: b[`hi${i}`] ?? null }] })),
      };
      const types = columnTypes(source.schema);
      candidates = candidates.filter((f) => mayMatch(range, {}, f.stats, types));
    }
    plan.readFiles = new Set(candidates.map((f) => f.add.path));
    if (!candidates.length || sourceRows === 0) {
      plan.metrics = () => ({ numSourceRows: String(sourceRows), numTargetRowsInserted: String(sourceRows), numTargetRowsUpdated: '0', numTargetFilesRemoved: '0' });
      return plan;
    }
    const scan = await scanFilesSql(session, table.store, source.schema, partitionColumns, candidates);
    const on = keys.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
    const hits = await session.all<{ f: string; n: bigint | number }>(
      `SELECT t.__file AS f, count(*) AS n FROM (${scan}) AS t SEMI JOIN ${quoteIdent(name)} AS s ON ${on} GROUP BY t.__file`,
    );
    const hit = new Set(hits.map((h) => h.f));
    const updated = hits.reduce((n, h) => n + Number(h.n), 0);
    plan.removes = candidates.filter((f) => hit.has(f.add.path));
    if (plan.removes.length) {
      const kept = await scanFilesSql(session, table.store, source.schema, partitionColumns, plan.removes);
      const columns = source.schema.fields.map((f) => `t.${quoteIdent(f.name)}`).join(', ');
      plan.dataSql = `SELECT * FROM ${quoteIdent(name)}\nUNION ALL\nSELECT ${columns} FROM (${kept}) AS t ANTI JOIN ${quoteIdent(name)} AS s ON ${on}`;
    }
    const matchedKeys = Number((await session.scalar<bigint | number>(
      hit.size ? `SELECT count(*) FROM ${quoteIdent(name)} AS s SEMI JOIN (${scan}) AS t ON ${on}` : 'SELECT 0',
    )) ?? 0);
    plan.metrics = () => ({
      numSourceRows: String(sourceRows),
      numTargetRowsUpdated: String(updated),
      numTargetRowsInserted: String(sourceRows - matchedKeys),
      numTargetFilesRemoved: String(plan.removes.length),
    });
    return plan;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
