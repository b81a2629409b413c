/**
 * Parquet writing with DuckDB, for the Delta writer:
 * - `writeDataFiles` runs a query and writes its result into a table folder as zstd Parquet
 *   (`COPY … PARTITION_BY … RETURN_STATS`), returning per file its path, row count, size,
 *   partition values and column statistics: an `add` action without a second read.
 * - `DuckDbParquetWriter` implements delta/'s ParquetWriter (checkpoints): rows go through a
 *   newline-delimited JSON file read back with explicit column types, so the Parquet columns get
 *   exactly the checkpoint schema's types.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ParquetWriter } from '../delta/parquet-writer.js';
import type { ColumnStatsText } from '../delta/stats-collect.js';
import { parseColumnPath } from '../delta/stats-collect.js';
import { deltaToDuckdb, type StructType } from '../delta/type-map.js';
import { quoteIdent, quoteString, type Session } from './session.js';

export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

/**
 * Most distinct values a column chunk's dictionary may hold before the column is written plain.
 * DuckDB's default lets a column of near-unique values (session ids, times, ids as text) grow a
 * large dictionary that is then dropped. Capping it early cut Bronze's write from 16.7 to 12.1 CPU s
 * on 8 M events within one process (10-15% of staging plus Bronze across fresh processes) at the
 * same size, while brands, categories and event types, a few thousand values a row group at
 * most, keep their dictionaries.
 */
export const DICTIONARY_SIZE_LIMIT = 10_000;

/**
 * zstd's fastest level. Data files are written once and read many times, but DuckDB's default
 * level (3) cost 10-15% more write time for files only 5% smaller: one day of Silver (1.39 M rows)
 * 1.12-1.26 s → 0.99 s, 34.8 → 36.6 MB; a day of raw CSV to Bronze's text columns 1.40-1.63 s →
 * 1.23-1.25 s. The level is the writer's choice alone: readers decode every level alike.
 */
export const ZSTD_LEVEL = 1;

export interface WrittenFile {
  /** Path relative to the table root, '/'-separated, as on disk. */
  relativePath: string;
  absolutePath: string;
  rows: number;
  size: number;
  /** Partition values as DuckDB's text (null for NULL). */
  partitionText: Record<string, string | null>;
  columns: ColumnStatsText;
}

interface CopyRow {
  filename: string;
  count: string | number;
  file_size_bytes: string | number;
  column_statistics: { key: string; value: { key: string; value: string | null }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

export interface DataFileOptions {
  partitionBy?: readonly string[];
  /**
   * The partition every row belongs to, as DuckDB's text of each partition column's value: the
   * rows are then written as one unpartitioned output into that partition's folder, and a row with
   * another value fails the write. DuckDB's partitioned writer buffers every row by partition
   * first; for one day of Silver it took 2.5 times the CPU of the plain write. Ignored unless it
   * names every partition column with a value that needs no escaping in a folder name.
   */
  onePartition?: Readonly<Record<string, string>>;
  targetFileSize?: number;
  rowGroupSize?: number;
}

/**
 * Writes the result of `selectSql` into `tableDir` (under Hive-style partition folders when
 * `partitionBy` is given; those columns are then not stored in the files). Files are named
 * `part-<write>-<uuid>.zstd.parquet` and never replace existing ones. Empty outputs write nothing.
 */
export async function writeDataFiles(
  session: Session,
  tableDir: string,
  selectSql: string,
  options: DataFileOptions = {},
): Promise<WrittenFile[]> {
  await fs.mkdir(tableDir, { recursive: true });
  const partitionBy = options.partitionBy ?? [];
  const size = Math.max(1, Math.floor(options.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE));
  const one = onePartitionOf(partitionBy, options.onePartition);
  if (one) return writeOnePartition(session, tableDir, selectSql, one, { ...options, targetFileSize: size });
  // DuckDB cannot split partitioned output by size: a partitioned write yields one file per
  // partition (per thread); unpartitioned output is split at the target size.
  const layout = partitionBy.length
    ? `PARTITION_BY (${partitionBy.map(quoteIdent).join(', ')}), `
    : `FILE_SIZE_BYTES ${size}, `;
  return copyToFolder(session, tableDir, tableDir, selectSql, layout, options, {});
}

/** The folder names of a single partition, or undefined when it must go through PARTITION_BY. */
function onePartitionOf(partitionBy: readonly string[], values: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!values || partitionBy.length === 0) return undefined;
  const picked: Record<string, string> = {};
  for (const column of partitionBy) {
    const text = values[column];
    if (text === undefined || !/^[A-Za-z0-9._-]+$/.test(text) || !/^[A-Za-z0-9_]+$/.test(column)) return undefined;
    picked[column] = text;
  }
  return picked;
}

async function writeOnePartition(
  session: Session,
  tableDir: string,
  selectSql: string,
  partition: Record<string, string>,
  options: DataFileOptions & { targetFileSize: number },
): Promise<WrittenFile[]> {
  const columns = Object.keys(partition);
  const folder = join(tableDir, ...columns.map((c) => `${c}=${partition[c]}`));
  await fs.mkdir(folder, { recursive: true });
  // The rows are checked against the partition as they stream by: the first one elsewhere stops
  // the statement (and its files are removed), as DuckDB's text of the value is what a
  // partitioned write would have named its folder by.
  const guard = columns
    .map((c) => `CAST(q.${quoteIdent(c)} AS VARCHAR) = ${quoteString(partition[c]!)}`)
    .join(' AND ');
  const message = quoteString(`a row falls outside the partition being written (${columns.map((c) => `${c}=${partition[c]}`).join(', ')})`);
  const checked =
    `SELECT * EXCLUDE (${columns.map(quoteIdent).join(', ')}) FROM (${selectSql}) AS q ` +
    `WHERE CASE WHEN ${guard} THEN true ELSE error(${message}) END`;
  try {
    return await copyToFolder(session, tableDir, folder, checked, `FILE_SIZE_BYTES ${options.targetFileSize}, `, options, partition);
  } finally {
    await fs.rmdir(folder).catch(() => undefined); // only when the write left it empty
  }
}

/** One COPY into `folder`, its files described relative to `tableDir`. */
async function copyToFolder(
  session: Session,
  tableDir: string,
  folder: string,
  selectSql: string,
  layout: string,
  options: DataFileOptions,
  fixedPartition: Record<string, string>,
): Promise<WrittenFile[]> {
  // Files are only cut between row groups, so a small target needs small row groups.
  const rowGroups = options.rowGroupSize ? `ROW_GROUP_SIZE ${Math.max(2048, Math.floor(options.rowGroupSize))}, ` : '';
  // Every file of this write shares a prefix, so a statement that fails half way (a bad value,
  // a malformed CSV line) leaves nothing behind: its partial files are found by name and removed.
  const prefix = `part-${randomUUID().slice(0, 8)}-`;
  let rows: (CopyRow & Record<string, unknown>)[];
  try {
    rows = await session.json<CopyRow & Record<string, unknown>>(
      `COPY (${selectSql}) TO ${quoteString(folder)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${ZSTD_LEVEL}, DICTIONARY_SIZE_LIMIT ${DICTIONARY_SIZE_LIMIT}, ` +
        `${layout}${rowGroups}APPEND, ` +
        `FILENAME_PATTERN '${prefix}{uuid}', FILE_EXTENSION 'zstd.parquet', RETURN_STATS true)`,
    );
  } catch (error) {
    await removeWrittenWithPrefix(folder, prefix);
    throw error;
  }
  const files: WrittenFile[] = [];
  for (const row of rows) {
    const count = Number(row.count);
    if (count === 0) {
      await fs.rm(row.filename, { force: true }); // DuckDB leaves an empty file for an empty result
      continue;
    }
    const columns: ColumnStatsText = new Map();
    for (const entry of row.column_statistics ?? []) {
      const stats = new Map((entry.value ?? []).map((kv) => [kv.key, kv.value] as const));
      columns.set(parseColumnPath(entry.key).join('\u0000'), {
        min: stats.get('min'),
        max: stats.get('max'),
        nullCount: stats.get('null_count'),
      });
    }
    const partitionText: Record<string, string | null> = { ...fixedPartition };
    for (const kv of row.partition_keys ?? []) partitionText[kv.key] = kv.value;
    files.push({
      relativePath: relative(tableDir, row.filename).split(sep).join('/'),
      absolutePath: row.filename,
      rows: count,
      size: Number(row.file_size_bytes),
      partitionText,
      columns,
    });
  }
  return files;
}

/** Removes the files under `dir` (partition folders included, the log excluded) named `prefix…`. */
async function removeWrittenWithPrefix(dir: string, prefix: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== '_delta_log') await removeWrittenWithPrefix(path, prefix);
    else if (entry.isFile() && entry.name.startsWith(prefix)) await fs.rm(path, { force: true });
  }
}

/** Removes files this process wrote but will not commit (never files of a committed version). */
export async function discardFiles(files: readonly WrittenFile[]): Promise<void> {
  await Promise.all(files.map((f) => fs.rm(f.absolutePath, { force: true })));
}

export class DuckDbParquetWriter implements ParquetWriter {
  constructor(private readonly session: Session) {}

  async writeRows(absPath: string, schema: StructType, rows: readonly Record<string, unknown>[]): Promise<{ sizeInBytes: number }> {
    const dir = dirname(absPath);
    await fs.mkdir(dir, { recursive: true });
    const id = randomUUID();
    const jsonPath = join(dir, `.tmp-${id}.json`);
    const parquetPath = join(dir, `.tmp-${id}.parquet`);
    try {
      // Log values read back from Parquet may be bigints; JSON has no bigint, DuckDB casts the text.
      const bigints = (_key: string, value: unknown) => (typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value);
      await fs.writeFile(jsonPath, rows.map((r) => JSON.stringify(r, bigints)).join('\n') + '\n');
      const columns = schema.fields.map((f) => `${quoteString(f.name)}: ${quoteString(deltaToDuckdb(f.type))}`).join(', ');
      const select = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
      await this.session.run(
        `COPY (SELECT ${select} FROM read_json(${quoteString(jsonPath)}, format = 'newline_delimited', ` +
          `columns = {${columns}}, maximum_object_size = 1073741824)) TO ${quoteString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await fs.rename(parquetPath, absPath);
      return { sizeInBytes: (await fs.stat(absPath)).size };
    } finally {
      await fs.rm(jsonPath, { force: true });
      await fs.rm(parquetPath, { force: true });
    }
  }
}
