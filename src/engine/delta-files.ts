/**
 * The file-level pieces the Delta writer and table operations share on the engine side:
 * opening a table for writing, turning files DuckDB wrote into `add` actions (stats collected,
 * paths URL-encoded, partition values in the protocol's string form), and a SQL scan over a set
 * of live files that restores partition columns and columns added after a file was written.
 */
import { resolve } from 'node:path';
import type { Add, PartitionValues } from '../delta/actions.js';
import { DeltaSchemaMismatchError } from '../delta/errors.js';
import { FsLogStore } from '../delta/log-store.js';
import { encodeLogPath, partitionValueFromText } from '../delta/path-encoding.js';
import { latestVersion, loadSnapshot, type LiveFile, type Snapshot } from '../delta/snapshot.js';
import { buildStats, statsToJson } from '../delta/stats-collect.js';
import { tableProperties } from '../delta/table-properties.js';
import { deltaToDuckdb, parseSchemaString, type DeltaType, type StructType } from '../delta/type-map.js';
import { DuckDbParquetReader } from './parquet-reader.js';
import type { WrittenFile } from './parquet-writer.js';
import { quoteIdent, quoteString, quoteStringList, type Session } from './session.js';

export interface OpenTable {
  store: FsLogStore;
  snapshot: Snapshot | undefined;
  /** The table schema in the writer's type model (undefined for a table not created yet). */
  schema: StructType | undefined;
}

export async function openTable(session: Session, tablePath: string): Promise<OpenTable> {
  const store = new FsLogStore(resolve(tablePath));
  const latest = await latestVersion(store);
  if (latest === undefined) return { store, snapshot: undefined, schema: undefined };
  const snapshot = await loadSnapshot(store, new DuckDbParquetReader(session));
  return { store, snapshot, schema: parseSchemaString(snapshot.metadata.schemaString) };
}

export function columnTypes(schema: StructType): Map<string, DeltaType> {
  return new Map(schema.fields.map((f) => [f.name, f.type] as const));
}

/** `add` actions for files just written, with stats per the table's indexed-column setting. */
export function addsFor(
  files: readonly WrittenFile[],
  schema: StructType,
  partitionColumns: readonly string[],
  configuration: Record<string, string>,
  now: number,
  dataChange = true,
): Add[] {
  const types = columnTypes(schema);
  const indexed = tableProperties(configuration).dataSkippingNumIndexedCols;
  return files.map((file) => {
    const partitionValues: PartitionValues = {};
    for (const column of partitionColumns) {
      partitionValues[column] = partitionValueFromText(file.partitionText[column], types.get(column) ?? 'string', column);
    }
    const stats = buildStats(schema, partitionColumns, file.rows, file.columns, indexed);
    return {
      path: encodeLogPath(file.relativePath),
      partitionValues,
      size: file.size,
      modificationTime: now,
      dataChange,
      stats: statsToJson(stats),
    };
  });
}

/** Fails when a non-nullable column received nulls (a query result carries no nullability). */
export function checkNullability(files: readonly WrittenFile[], schema: StructType, partitionColumns: readonly string[], table: string): void {
  const bad = new Set<string>();
  for (const f of schema.fields) {
    if (f.nullable) continue;
    for (const file of files) {
      if (partitionColumns.includes(f.name)) {
        if (file.partitionText[f.name] === null || file.partitionText[f.name] === '') bad.add(f.name);
      } else if (Number(file.columns.get(f.name)?.nullCount ?? 0) > 0) {
        bad.add(f.name);
      }
    }
  }
  if (bad.size) {
    const names = [...bad];
    throw new DeltaSchemaMismatchError(`write has NULLs in non-nullable column(s) ${names.join(', ')} of ${table}`, names, table);
  }
}

/**
 * SQL selecting the table's columns (in schema order, with the table's types) plus `__file`
 * (the log path) from the given live files. Files are grouped by partition so partition values
 * come from the log, never from folder names.
 */
export async function scanFilesSql(
  session: Session,
  store: FsLogStore,
  schema: StructType,
  partitionColumns: readonly string[],
  files: readonly LiveFile[],
): Promise<string> {
  const empty = `SELECT ${schema.fields.map((f) => `CAST(NULL AS ${deltaToDuckdb(f.type)}) AS ${quoteIdent(f.name)}`).join(', ')}, CAST(NULL AS VARCHAR) AS __file WHERE FALSE`;
  if (files.length === 0) return empty;
  const groups = new Map<string, LiveFile[]>();
  for (const file of files) {
    const key = JSON.stringify(partitionColumns.map((c) => file.add.partitionValues[c] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const branches: string[] = [];
  for (const group of groups.values()) {
    const paths = group.map((f) => store.resolve(f.path));
    // The file-name column gets a name no table column is likely to have (tables may have `filename`).
    const source = `read_parquet(${quoteStringList(paths)}, filename = '__clicklake_source_file', union_by_name = true)`;
    const present = new Set((await session.describe(`SELECT * FROM ${source}`)).map((c) => c.name));
    const first = group[0]!;
    const columns = schema.fields.map((f) => {
      const type = deltaToDuckdb(f.type);
      if (partitionColumns.includes(f.name)) {
        const raw = first.add.partitionValues[f.name] ?? null;
        return `CAST(${raw === null ? 'NULL' : quoteString(raw)} AS ${type}) AS ${quoteIdent(f.name)}`;
      }
      return present.has(f.name) ? `CAST(${quoteIdent(f.name)} AS ${type}) AS ${quoteIdent(f.name)}` : `CAST(NULL AS ${type}) AS ${quoteIdent(f.name)}`;
    });
    const mapping = group.map((f) => `(${quoteString(store.resolve(f.path))}, ${quoteString(f.add.path)})`).join(', ');
    branches.push(
      `SELECT ${columns.join(', ')}, m.log_path AS __file FROM ${source} AS s ` +
        `JOIN (VALUES ${mapping}) AS m(abs_path, log_path) ON s.__clicklake_source_file = m.abs_path`,
    );
  }
  return branches.join('\nUNION ALL\n');
}
