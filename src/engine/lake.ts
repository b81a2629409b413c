/**
 * The lakehouse as the pipeline sees it: named tables (`layer.name`) under one folder, each a
 * Delta table read through snapshots and views and written through the Delta writer. It adds
 * nothing to the protocol; it only maps table names to paths and answers the questions the
 * pipeline asks (does it exist, which app transactions has it seen, what does it hold).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FsLogStore } from '../delta/log-store.js';
import { loadSnapshot, type Snapshot, type SnapshotAt } from '../delta/snapshot.js';
import { DeltaTableNotFoundError } from '../delta/errors.js';
import { DuckDbParquetReader } from './parquet-reader.js';
import { openDeltaView, type DeltaViewOptions } from './delta-view.js';
import { appendQuery, mergeQuery, overwriteQuery, type WriteOptions, type WriteResult } from './delta-writer.js';
import { quoteIdent, type Session } from './session.js';
import { tableDir } from '../config.js';

export type { WriteOptions, WriteResult };
export { WrittenRowsMismatchError } from './delta-writer.js';

export interface TableInfo {
  name: string;
  version: number;
  rows: number | null;
  files: number;
  bytes: number;
  partitionColumns: string[];
}

export class Lake {
  private readonly reader: DuckDbParquetReader;

  constructor(
    readonly dir: string,
    readonly session: Session,
  ) {
    this.reader = new DuckDbParquetReader(session);
  }

  path(name: string): string {
    return tableDir(this.dir, name);
  }

  exists(name: string): boolean {
    return existsSync(join(this.path(name), '_delta_log'));
  }

  /** The table's snapshot (latest, or at a version/timestamp), or undefined when it does not exist. */
  async snapshot(name: string, at: SnapshotAt = {}): Promise<Snapshot | undefined> {
    if (!this.exists(name)) return undefined;
    try {
      return await loadSnapshot(new FsLogStore(this.path(name)), this.reader, at);
    } catch (error) {
      if (error instanceof DeltaTableNotFoundError) return undefined;
      throw error;
    }
  }

  /** The version of an app transaction the table has recorded, or undefined. */
  async appVersion(name: string, appId: string): Promise<number | undefined> {
    const snapshot = await this.snapshot(name);
    return snapshot?.appTransactions.get(appId)?.version;
  }

  /**
   * Registers the table as a DuckDB view (a predicate prunes files by partition values and stats;
   * rows are not filtered). Returns false (and registers nothing) when the table does
   * not exist yet, so callers can substitute an empty relation.
   */
  async view(viewName: string, name: string, at: DeltaViewOptions = {}): Promise<boolean> {
    if (!this.exists(name)) return false;
    await openDeltaView(this.session, viewName, this.path(name), at);
    return true;
  }

  /** Registers the view like `view`, and returns the data files it reads (local paths). */
  async viewFiles(viewName: string, name: string, at: DeltaViewOptions = {}): Promise<string[] | undefined> {
    if (!this.exists(name)) return undefined;
    return (await openDeltaView(this.session, viewName, this.path(name), at)).paths;
  }

  /** Registers the table as a view, or an empty relation of the given columns when it is absent. */
  async viewOrEmpty(viewName: string, name: string, emptySql: string, at: DeltaViewOptions = {}): Promise<boolean> {
    if (await this.view(viewName, name, at)) return true;
    await this.session.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(viewName)} AS ${emptySql}`);
    return false;
  }

  append(name: string, selectSql: string, options?: WriteOptions): Promise<WriteResult> {
    return appendQuery(this.session, this.path(name), selectSql, options);
  }

  overwrite(name: string, selectSql: string, options?: Parameters<typeof overwriteQuery>[3]): Promise<WriteResult> {
    return overwriteQuery(this.session, this.path(name), selectSql, options);
  }

  merge(name: string, selectSql: string, options: WriteOptions & { keys: string[] }): Promise<WriteResult> {
    return mergeQuery(this.session, this.path(name), selectSql, options);
  }

  /** Every table in the lake (`layer.name`, folders holding a `_delta_log`), sorted. */
  tableNames(): string[] {
    if (!existsSync(this.dir)) return [];
    const names: string[] = [];
    for (const layer of readdirSync(this.dir, { withFileTypes: true })) {
      if (!layer.isDirectory() || layer.name.startsWith('_') || layer.name.startsWith('.')) continue;
      for (const table of readdirSync(join(this.dir, layer.name), { withFileTypes: true })) {
        if (table.isDirectory() && existsSync(join(this.dir, layer.name, table.name, '_delta_log'))) {
          names.push(`${layer.name}.${table.name}`);
        }
      }
    }
    return names.sort();
  }

  /** Version, rows (from file stats; null when a file has none), files and bytes of a table. */
  async info(name: string): Promise<TableInfo | undefined> {
    const snapshot = await this.snapshot(name);
    if (!snapshot) return undefined;
    let rows: number | null = 0;
    let bytes = 0;
    for (const file of snapshot.files) {
      bytes += file.add.size;
      const n = file.stats?.numRecords;
      rows = rows === null || n === undefined ? null : rows + n;
    }
    return {
      name,
      version: snapshot.version,
      rows,
      files: snapshot.files.length,
      bytes,
      partitionColumns: [...snapshot.partitionColumns],
    };
  }
}
