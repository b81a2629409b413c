/**
 * The engine side of `optimize`: reads one bin of a table's files with DuckDB, optionally puts
 * the rows in Z-order, and writes them back as zstd Parquet files of about the target size in
 * the same partition folder, returning their `add` actions (stats collected while writing).
 */
import { dirname, join } from 'node:path';
import type { Add } from '../delta/actions.js';
import { FsLogStore } from '../delta/log-store.js';
import type { FileRewriter } from '../delta/ops/optimize.js';
import type { LiveFile, Snapshot } from '../delta/snapshot.js';
import { parseSchemaString } from '../delta/type-map.js';
import { addsFor, scanFilesSql } from './delta-files.js';
import { writeDataFiles } from './parquet-writer.js';
import { quoteIdent, type Session } from './session.js';
import { zorderSql } from './zorder.js';

export class DuckDbFileRewriter implements FileRewriter {
  constructor(
    private readonly session: Session,
    private readonly now: () => number = Date.now,
  ) {}

  async rewrite(snapshot: Snapshot, files: readonly LiveFile[], options: { targetSize: number; zOrderBy: string[] }): Promise<Add[]> {
    const store = new FsLogStore(snapshot.table);
    const schema = parseSchemaString(snapshot.metadata.schemaString);
    const partitionColumns = snapshot.partitionColumns;
    const dataColumns = schema.fields.map((f) => f.name).filter((c) => !partitionColumns.includes(c));
    const scan = await scanFilesSql(this.session, store, schema, partitionColumns, files);
    const sql = options.zOrderBy.length
      ? zorderSql(scan, dataColumns, options.zOrderBy)
      : `SELECT ${dataColumns.map(quoteIdent).join(', ')} FROM (${scan}) AS s`;
    const folder = dirname(files[0]!.path);
    const prefix = folder === '.' ? '' : `${folder}/`;
    // Rows per target-sized file, estimated from the inputs, bound the row group size so that
    // DuckDB (which cuts files between row groups) can get near the target.
    const rows = files.reduce((n, f) => n + (f.stats?.numRecords ?? 0), 0);
    const bytes = files.reduce((n, f) => n + f.add.size, 0);
    const rowGroupSize = rows > 0 && bytes > 0 ? Math.min(122_880, (rows / bytes) * options.targetSize) : undefined;
    const written = await writeDataFiles(this.session, join(store.root, folder), sql, { targetFileSize: options.targetSize, rowGroupSize });
    const relocated = written.map((f) => ({ ...f, relativePath: prefix + f.relativePath }));
    const adds = addsFor(relocated, schema, partitionColumns, snapshot.metadata.configuration ?? {}, this.now(), false);
    return adds.map((add) => ({ ...add, partitionValues: { ...files[0]!.add.partitionValues } }));
  }
}
