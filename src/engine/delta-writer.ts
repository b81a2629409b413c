/**
 * Runs a SELECT in DuckDB and writes its result as one Delta commit: append, overwrite (whole
 * table or replaceWhere), merge (upsert by key) and delete by predicate. Each operation plans
 * what to read, remove and write (src/engine/delta-plans.ts); this module runs the common steps:
 *
 *   1. open the table (or note it is absent: the write creates it)
 *   2. exactly once: if `txn.appId` already committed a version ≥ ours, stop ("already committed")
 *   3. plan: resolve the schema (enforcement, mergeSchema), choose files to remove, build the SQL
 *   4. write zstd Parquet files straight into the table folder, collecting stats as they are written
 *   5. check nullability and the plan's own constraints on what was written
 *   6. commit (protocol/metaData on create or schema change, removes, adds, txn) through the
 *      optimistic commit loop; a concurrent creation of the table re-plans once
 *   7. every `delta.checkpointInterval` versions, write a checkpoint
 * Files of a write that ends in a conflict or a failed check are removed: no commit names them.
 */
import { randomUUID } from 'node:crypto';
import type { Action, Metadata } from '../delta/actions.js';
import { checkpointIfDue, type CheckpointOutcome } from '../delta/checkpoint-write.js';
import { commitTransaction } from '../delta/commit.js';
import { DeltaConcurrentModificationError, DeltaInvalidOperationError, DeltaSchemaMismatchError } from '../delta/errors.js';
import { tableProperties } from '../delta/table-properties.js';
import { checkWritable } from '../delta/writer-features.js';
import { toRowPredicate, type AnyPredicate } from '../delta/row-predicate.js';
import type { Transaction } from '../delta/transaction.js';
import { schemaToString } from '../delta/type-map.js';
import { addsFor, checkNullability, openTable, type OpenTable } from './delta-files.js';
import { planMerge } from './delta-merge.js';
import { planAppend, planDelete, planOverwrite, type Plan, type PlanContext } from './delta-plans.js';
import { DuckDbParquetReader } from './parquet-reader.js';
import { discardFiles, DuckDbParquetWriter, writeDataFiles, type WrittenFile } from './parquet-writer.js';
import type { Session } from './session.js';

export interface WriteOptions {
  /** Only on create; must match the table otherwise. */
  partitionBy?: string[];
  mergeSchema?: boolean;
  /** Exactly-once: the commit records (appId, version); a version ≤ the recorded one is skipped. */
  txn?: { appId: string; version: number };
  /** Extra commitInfo operationParameters. */
  operationParameters?: Record<string, unknown>;
  /** On create. */
  tableProperties?: Record<string, string>;
  description?: string;
  /** Table name recorded in metaData on create. */
  name?: string;
  /** Target size of written files in bytes (default 128 MB). */
  targetFileSize?: number;
  /** Clock for commit timestamps (ms); tests pin it. */
  now?: () => number;
  /**
   * The rows the write must produce; any other count commits nothing (WrittenRowsMismatchError).
   * For a source whose row count is known beforehand, such as the lines of a file.
   */
  expectRows?: number;
  /**
   * The one partition every row of the write falls in (column → DuckDB's text of the value, e.g.
   * `{ event_date: '2019-10-15' }`), for a faster write (see DataFileOptions.onePartition). A row
   * in another partition fails the write.
   */
  onePartition?: Readonly<Record<string, string>>;
}

/** A write produced another number of rows than `expectRows`; its files were removed. */
export class WrittenRowsMismatchError extends DeltaInvalidOperationError {
  constructor(location: string, readonly rows: number, readonly expected: number) {
    super(`${location}: the write produced ${rows} rows where ${expected} were expected; nothing was committed`, location);
  }
}

export interface WriteResult {
  /** The committed version; null when skipped (txn already committed or nothing to write). */
  version: number | null;
  filesAdded: number;
  filesRemoved: number;
  rowsWritten: number;
  bytesWritten: number;
  skippedReason?: string;
  /** Versions tried before the commit landed (1 = no race lost). */
  commitAttempts?: number;
  /** Set when the commit was due a checkpoint: written (and log files cleaned up), or why not. */
  checkpoint?: CheckpointOutcome;
}

/** Partitions to replace, or a predicate (structured, the reader's AST, or its text). */
export type ReplaceWhere = AnyPredicate | { partitions: Record<string, unknown>[] };

export async function appendQuery(session: Session, tablePath: string, selectSql: string, options: WriteOptions = {}): Promise<WriteResult> {
  return runWrite(session, tablePath, options, (ctx) => planAppend(ctx, selectSql));
}

export async function overwriteQuery(
  session: Session,
  tablePath: string,
  selectSql: string,
  options: WriteOptions & { replaceWhere?: ReplaceWhere } = {},
): Promise<WriteResult> {
  const where = options.replaceWhere;
  const replace = where === undefined || (typeof where === 'object' && 'partitions' in where) ? where : toRowPredicate(where);
  return runWrite(session, tablePath, options, (ctx) => planOverwrite(ctx, selectSql, replace));
}

export async function mergeQuery(session: Session, tablePath: string, selectSql: string, options: WriteOptions & { keys: string[] }): Promise<WriteResult> {
  return runWrite(session, tablePath, options, (ctx) => planMerge(ctx, selectSql, options.keys));
}

export async function deleteWhere(session: Session, tablePath: string, predicate: AnyPredicate, options: WriteOptions = {}): Promise<WriteResult> {
  const rows = toRowPredicate(predicate);
  return runWrite(session, tablePath, options, (ctx) => planDelete(ctx, rows));
}

async function runWrite(
  session: Session,
  tablePath: string,
  options: WriteOptions,
  plan: (ctx: PlanContext) => Promise<Plan>,
  reruns = 1,
): Promise<WriteResult> {
  const now = options.now ?? Date.now;
  const table = await openTable(session, tablePath);
  if (table.snapshot) checkWritable(table.snapshot.protocol, table.snapshot.metadata, table.store.location, table.snapshot.version);
  const skipped = alreadyCommitted(table, options);
  if (skipped) return skipped;
  const planned = await plan({ session, table, options });
  try {
    return await execute(session, table, planned, options, now);
  } catch (error) {
    if (error instanceof DeltaConcurrentModificationError && error.conflict === 'table-created' && reruns > 0) {
      return runWrite(session, tablePath, options, plan, reruns - 1);
    }
    if (error instanceof DeltaConcurrentModificationError && error.conflict === 'app-transaction') {
      const again = alreadyCommitted(await openTable(session, tablePath), options);
      if (again) return again;
    }
    throw error;
  } finally {
    await planned.cleanup?.();
  }
}

function alreadyCommitted(table: OpenTable, options: WriteOptions): WriteResult | undefined {
  if (!options.txn || !table.snapshot) return undefined;
  const recorded = table.snapshot.appTransactions.get(options.txn.appId);
  if (!recorded || recorded.version < options.txn.version) return undefined;
  return {
    version: null, filesAdded: 0, filesRemoved: 0, rowsWritten: 0, bytesWritten: 0,
    skippedReason: `already committed: application ${options.txn.appId} recorded version ${recorded.version} (≥ ${options.txn.version})`,
  };
}

async function execute(session: Session, table: OpenTable, plan: Plan, options: WriteOptions, now: () => number): Promise<WriteResult> {
  const { store, snapshot } = table;
  const location = store.location;
  let written: WrittenFile[] = [];
  if (plan.dataSql !== undefined) {
    written = await writeDataFiles(session, store.root, plan.dataSql, {
      partitionBy: plan.partitionColumns,
      targetFileSize: options.targetFileSize,
      ...(options.onePartition ? { onePartition: options.onePartition } : {}),
    });
  }
  let committed = false;
  try {
    checkNullability(written, plan.schema, plan.partitionColumns, location);
    plan.checkWritten?.(written);
    const rows = written.reduce((n, f) => n + f.rows, 0);
    const bytes = written.reduce((n, f) => n + f.size, 0);
    if (options.expectRows !== undefined && rows !== options.expectRows) {
      throw new WrittenRowsMismatchError(location, rows, options.expectRows);
    }
    const nothing = written.length === 0 && plan.removes.length === 0 && !plan.schemaChanged && snapshot && !options.txn;
    if (nothing) {
      return { version: null, filesAdded: 0, filesRemoved: 0, rowsWritten: 0, bytesWritten: 0, skippedReason: 'nothing to write' };
    }
    if (plan.removes.length && snapshot && tableProperties(snapshot.metadata.configuration).appendOnly) {
      throw new DeltaInvalidOperationError(`${location} is append-only (delta.appendOnly=true): ${plan.operation} would remove data`, location);
    }
    const timestamp = now();
    const configuration = snapshot?.metadata.configuration ?? { ...(options.tableProperties ?? {}) };
    const actions: Action[] = [];
    if (!snapshot) actions.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    if (!snapshot || plan.schemaChanged) {
      const metadata: Metadata = snapshot
        ? { ...snapshot.metadata, schemaString: schemaToString(plan.schema) }
        : {
            id: randomUUID(),
            name: options.name ?? null,
            description: options.description ?? null,
            format: { provider: 'parquet', options: {} },
            schemaString: schemaToString(plan.schema),
            partitionColumns: [...plan.partitionColumns],
            configuration,
            createdTime: timestamp,
          };
      actions.push({ metaData: metadata });
    }
    for (const file of plan.removes) {
      actions.push({
        remove: {
          path: file.add.path, deletionTimestamp: timestamp, dataChange: true, extendedFileMetadata: true,
          partitionValues: file.add.partitionValues, size: file.add.size,
        },
      });
    }
    for (const add of addsFor(written, plan.schema, plan.partitionColumns, configuration, timestamp)) actions.push({ add });
    if (options.txn) actions.push({ txn: { appId: options.txn.appId, version: options.txn.version, lastUpdated: timestamp } });
    const txn: Transaction = {
      readVersion: snapshot ? snapshot.version : null,
      operation: snapshot ? plan.operation : plan.operation === 'WRITE' ? 'CREATE TABLE' : plan.operation,
      operationParameters: { ...plan.parameters, ...(options.operationParameters ?? {}) },
      operationMetrics: {
        numFiles: String(written.length), numOutputRows: String(rows), numOutputBytes: String(bytes),
        numRemovedFiles: String(plan.removes.length), ...plan.metrics(written),
      },
      actions,
      scope: plan.scope,
      readFiles: plan.readFiles,
      isBlindAppend: plan.blindAppend,
    };
    const { version, attempts } = await commitTransaction(store, txn, { now });
    committed = true;
    const checkpoint = await checkpointIfDue(store, new DuckDbParquetReader(session), new DuckDbParquetWriter(session), version, configuration, now);
    return {
      version, filesAdded: written.length, filesRemoved: plan.removes.length, rowsWritten: rows, bytesWritten: bytes, commitAttempts: attempts,
      ...(checkpoint ? { checkpoint } : {}),
    };
  } catch (error) {
    // Only outcomes that prove no commit names these files allow removing them.
    if (!committed && (error instanceof DeltaConcurrentModificationError || error instanceof DeltaSchemaMismatchError || error instanceof DeltaInvalidOperationError || plan.isCheckError?.(error))) {
      await discardFiles(written);
    }
    throw error;
  }
}
