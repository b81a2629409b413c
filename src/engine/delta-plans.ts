/**
 * What each write operation reads, removes and writes, decided before any file is written.
 * A plan is data: the resolved schema, the SQL of the rows to write (cast to the table's
 * types), the live files it removes, and what it read (for conflict checks).
 *
 * - append:    the query's rows; reads nothing (a blind append).
 * - overwrite: the query's rows; removes every file, or with replaceWhere the files of the named
 *              partitions (or the rows matching a predicate, rewriting partly matching files).
 *              Rows outside the replaced range are refused.
 * - delete:    removes files whose rows all match; partly matching files are rewritten without
 *              the matching rows. Partitions and stats rule files out without reading them.
 * - merge:     see delta-merge.ts.
 */
import { randomUUID } from 'node:crypto';
import type { PartitionValues } from '../delta/actions.js';
import { DeltaInvalidOperationError } from '../delta/errors.js';
import { partitionValueFromText, samePartition } from '../delta/path-encoding.js';
import { evalOnPartition, mayMatch, predicateColumns, predicateSql, type Predicate } from '../delta/row-predicate.js';
import { resolveWriteSchema, schemaForCreate } from '../delta/schema-enforce.js';
import type { LiveFile } from '../delta/snapshot.js';
import type { Operation, ReadScope } from '../delta/transaction.js';
import { deltaToDuckdb, duckdbToDelta, type StructType } from '../delta/type-map.js';
import { columnTypes, scanFilesSql, type OpenTable } from './delta-files.js';
import type { WriteOptions } from './delta-writer.js';
import type { WrittenFile } from './parquet-writer.js';
import { quoteIdent, quoteString, type Session } from './session.js';

export interface PlanContext {
  session: Session;
  table: OpenTable;
  options: WriteOptions;
}

export interface Plan {
  operation: Operation;
  parameters: Record<string, unknown>;
  schema: StructType;
  schemaChanged: boolean;
  partitionColumns: string[];
  /** Rows to write, or undefined when the operation writes none. */
  dataSql?: string;
  removes: LiveFile[];
  scope: ReadScope;
  readFiles: Set<string>;
  blindAppend: boolean;
  metrics(written: readonly WrittenFile[]): Record<string, string>;
  checkWritten?(written: readonly WrittenFile[]): void;
  isCheckError?(error: unknown): boolean;
  cleanup?(): Promise<void>;
}

export interface Source {
  schema: StructType;
  schemaChanged: boolean;
  partitionColumns: string[];
  sql: string;
}

/** Resolves the query's columns against the table (or creates the schema) and casts to it. */
export async function prepareSource(ctx: PlanContext, selectSql: string): Promise<Source> {
  const { session, table, options } = ctx;
  const described = await session.describe(`SELECT * FROM (${selectSql}) AS q`);
  const columns = described.map((c) => ({ name: c.name, type: duckdbToDelta(c.type, c.name) }));
  let resolved;
  let partitionColumns: string[];
  if (!table.schema || !table.snapshot) {
    partitionColumns = [...(options.partitionBy ?? [])];
    resolved = schemaForCreate(columns, partitionColumns, table.store.location);
  } else {
    partitionColumns = [...table.snapshot.partitionColumns];
    if (options.partitionBy && options.partitionBy.join('\u0000') !== partitionColumns.join('\u0000')) {
      throw new DeltaInvalidOperationError(
        `${table.store.location} is partitioned by [${partitionColumns.join(', ')}], not [${options.partitionBy.join(', ')}]; partitioning is set when a table is created`,
        table.store.location,
      );
    }
    const binary = table.schema.fields.filter((f) => partitionColumns.includes(f.name) && typeof f.type === 'string' && f.type === 'binary');
    if (binary.length) {
      throw new DeltaInvalidOperationError(
        `${table.store.location} is partitioned by binary column ${binary[0]!.name}; writing binary partition values is not supported`,
        table.store.location,
      );
    }
    resolved = resolveWriteSchema(table.schema, columns, { mergeSchema: options.mergeSchema, table: table.store.location });
  }
  const select = resolved.columns.map((c) => `CAST(q.${quoteIdent(c.name)} AS ${deltaToDuckdb(c.type)}) AS ${quoteIdent(c.name)}`);
  return {
    schema: resolved.schema,
    schemaChanged: resolved.changed,
    partitionColumns,
    sql: `SELECT ${select.join(', ')} FROM (${selectSql}) AS q`,
  };
}

export function basePlan(source: Source, operation: Operation, parameters: Record<string, unknown>): Plan {
  return {
    operation,
    parameters: { partitionBy: JSON.stringify(source.partitionColumns), ...parameters },
    schema: source.schema,
    schemaChanged: source.schemaChanged,
    partitionColumns: source.partitionColumns,
    dataSql: source.sql,
    removes: [],
    scope: { kind: 'nothing' },
    readFiles: new Set(),
    blindAppend: true,
    metrics: () => ({}),
  };
}

export async function planAppend(ctx: PlanContext, selectSql: string): Promise<Plan> {
  return basePlan(await prepareSource(ctx, selectSql), 'WRITE', { mode: 'Append' });
}

export async function planOverwrite(ctx: PlanContext, selectSql: string, replaceWhere?: Predicate | { partitions: Record<string, unknown>[] }): Promise<Plan> {
  const source = await prepareSource(ctx, selectSql);
  const snapshot = ctx.table.snapshot;
  const plan = basePlan(source, 'WRITE', { mode: 'Overwrite' });
  plan.blindAppend = false;
  if (!snapshot) return plan;
  if (!replaceWhere) {
    plan.removes = [...snapshot.files];
    plan.scope = { kind: 'all' };
    plan.readFiles = new Set(snapshot.files.map((f) => f.add.path));
    return plan;
  }
  if ('partitions' in replaceWhere) {
    const partitions = replaceWhere.partitions.map((p) => partitionSpec(p, source, ctx.table.store.location));
    plan.parameters.replaceWhere = JSON.stringify(partitions);
    plan.removes = snapshot.files.filter((f) => partitions.some((p) => samePartition(p, pick(f.add.partitionValues, Object.keys(p)))));
    plan.scope = { kind: 'partitions', partitions };
    plan.readFiles = new Set(plan.removes.map((f) => f.add.path));
    plan.checkWritten = (written) => {
      for (const file of written) {
        const values = Object.fromEntries(source.partitionColumns.map((c) => [c, partitionValueFromText(file.partitionText[c], source.schema.fields.find((f) => f.name === c)!.type, c)]));
        if (!partitions.some((p) => samePartition(p, pick(values, Object.keys(p))))) {
          throw new DeltaInvalidOperationError(`replaceWhere: the query wrote rows into partition ${JSON.stringify(values)}, outside the partitions being replaced`, ctx.table.store.location);
        }
      }
    };
    plan.isCheckError = (e) => e instanceof DeltaInvalidOperationError;
    return plan;
  }
  const types = columnTypes(source.schema);
  const params: Record<string, string | null> = {};
  const outside = await ctx.session.scalar<bigint | number>(
    `SELECT count(*) FROM (${source.sql}) AS w WHERE NOT coalesce(${predicateSql(replaceWhere, types, params, 'w.')}, FALSE)`,
    params,
  );
  if (Number(outside ?? 0) > 0) {
    throw new DeltaInvalidOperationError(`replaceWhere: ${outside} row(s) of the query do not satisfy the replaceWhere predicate`, ctx.table.store.location);
  }
  const rewrite = await planRowRemoval(ctx, source.schema, source.partitionColumns, replaceWhere);
  plan.parameters.replaceWhere = JSON.stringify(replaceWhere);
  plan.removes = rewrite.removes;
  plan.scope = { kind: 'all' };
  plan.readFiles = rewrite.readFiles;
  if (rewrite.keptSql) plan.dataSql = `${source.sql}\nUNION ALL\n${rewrite.keptSql}`;
  plan.metrics = () => ({ numDeletedRows: String(rewrite.deletedRows), numCopiedRows: String(rewrite.copiedRows) });
  plan.cleanup = rewrite.cleanup;
  return plan;
}

export async function planDelete(ctx: PlanContext, predicate: Predicate): Promise<Plan> {
  const { table } = ctx;
  if (!table.snapshot || !table.schema) {
    throw new DeltaInvalidOperationError(`cannot delete from ${table.store.location}: no Delta table there`, table.store.location);
  }
  const source: Source = { schema: table.schema, schemaChanged: false, partitionColumns: [...table.snapshot.partitionColumns], sql: '' };
  const rewrite = await planRowRemoval(ctx, table.schema, source.partitionColumns, predicate);
  const plan = basePlan(source, 'DELETE', { predicate: JSON.stringify(predicate) });
  plan.dataSql = rewrite.keptSql;
  plan.removes = rewrite.removes;
  plan.scope = { kind: 'all' };
  plan.readFiles = rewrite.readFiles;
  plan.blindAppend = false;
  plan.metrics = () => ({ numDeletedRows: String(rewrite.deletedRows), numCopiedRows: String(rewrite.copiedRows) });
  plan.cleanup = rewrite.cleanup;
  return plan;
}

interface RowRemoval {
  removes: LiveFile[];
  readFiles: Set<string>;
  keptSql?: string;
  deletedRows: number;
  copiedRows: number;
  cleanup?(): Promise<void>;
}

/** Files to remove and rows to keep so that no row matching `predicate` stays in the table. */
async function planRowRemoval(ctx: PlanContext, schema: StructType, partitionColumns: string[], predicate: Predicate): Promise<RowRemoval> {
  const { session, table } = ctx;
  const snapshot = table.snapshot!;
  const types = columnTypes(schema);
  for (const column of predicateColumns(predicate)) {
    if (!types.has(column)) throw new DeltaInvalidOperationError(`predicate names column ${column}, which ${table.store.location} does not have`, table.store.location);
  }
  const candidates = snapshot.files.filter((f) => mayMatch(predicate, pick(f.add.partitionValues, partitionColumns), f.stats, types));
  const readFiles = new Set(candidates.map((f) => f.add.path));
  const whole: LiveFile[] = [];
  const unknown: LiveFile[] = [];
  for (const file of candidates) {
    const exact = evalOnPartition(predicate, pick(file.add.partitionValues, partitionColumns), types);
    if (exact === true) whole.push(file);
    else if (exact === undefined) unknown.push(file);
  }
  let deletedRows = whole.reduce((n, f) => n + (f.stats?.numRecords ?? 0), 0);
  if (!unknown.length) return { removes: whole, readFiles, deletedRows, copiedRows: 0 };
  const name = `__clicklake_scan_${randomUUID().replaceAll('-', '')}`;
  const scan = await scanFilesSql(session, table.store, schema, partitionColumns, unknown);
  const params: Record<string, string | null> = {};
  const matches = `coalesce(${predicateSql(predicate, types, params)}, FALSE)`;
  await session.run(`CREATE TEMP TABLE ${quoteIdent(name)} AS SELECT *, ${matches} AS __match FROM (${scan}) AS s`, params);
  const counts = await session.all<{ f: string; m: bigint | number; t: bigint | number }>(
    `SELECT __file AS f, count(*) FILTER (WHERE __match) AS m, count(*) AS t FROM ${quoteIdent(name)} GROUP BY __file`,
  );
  const partly = new Set<string>();
  let copiedRows = 0;
  const byPath = new Map(unknown.map((f) => [f.add.path, f] as const));
  const removes = [...whole];
  for (const row of counts) {
    const m = Number(row.m);
    if (m === 0) continue;
    removes.push(byPath.get(row.f)!);
    deletedRows += m;
    if (m < Number(row.t)) {
      partly.add(row.f);
      copiedRows += Number(row.t) - m;
    }
  }
  const columns = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
  const keptSql = partly.size
    ? `SELECT ${columns} FROM ${quoteIdent(name)} WHERE NOT __match AND __file IN (${[...partly].map(quoteString).join(', ')})`
    : undefined;
  return { removes, readFiles, keptSql, deletedRows, copiedRows, cleanup: () => session.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`) };
}

/** A partition given by the caller, as the protocol's strings, checked against the partition columns. */
export function partitionSpec(values: Record<string, unknown>, source: Source, table: string): PartitionValues {
  const out: PartitionValues = {};
  for (const [column, value] of Object.entries(values)) {
    const f = source.partitionColumns.includes(column) ? source.schema.fields.find((x) => x.name === column) : undefined;
    if (!f) throw new DeltaInvalidOperationError(`${column} is not a partition column of ${table} (partitioned by [${source.partitionColumns.join(', ')}])`, table);
    const text = value === null || value === undefined ? null
      : value instanceof Date ? (f.type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString())
      : String(value);
    out[column] = partitionValueFromText(text, f.type, column);
  }
  return out;
}

export function pick(values: PartitionValues, keys: readonly string[]): PartitionValues {
  const out: PartitionValues = {};
  for (const key of keys) out[key] = values[key] ?? null;
  return out;
}
