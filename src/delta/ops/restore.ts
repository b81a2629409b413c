/**
 * Restore: makes the table's content equal to an earlier version, as a new commit (history is
 * kept; the restore itself can be undone by restoring again).
 *
 *   1. Load the latest snapshot and the snapshot at the target version (or the version that was
 *      current at the target timestamp).
 *   2. Files live at the target but not now are re-added (their original add, dataChange=true);
 *      files live now but not at the target are removed (a remove stamped now).
 *   3. Every file to re-add must still exist: a file deleted by vacuum cannot come back, so the
 *      restore fails naming the missing files and nothing is committed.
 *   4. If the target's metadata (schema, partitioning, properties) differs, it is committed too;
 *      the protocol is never downgraded.
 *   5. Commit through the optimistic loop, reading the whole table: any concurrent data change
 *      is a conflict. Then write a checkpoint if one is due.
 */
import type { Action, Add } from '../actions.js';
import { checkpointIfDue, type CheckpointOutcome } from '../checkpoint-write.js';
import { commitTransaction } from '../commit.js';
import { DeltaInvalidOperationError } from '../errors.js';
import type { LogStore } from '../log-store.js';
import type { ParquetReader } from '../parquet.js';
import type { ParquetWriter } from '../parquet-writer.js';
import { loadSnapshot } from '../snapshot.js';
import type { Transaction } from '../transaction.js';
import { checkWritable } from '../writer-features.js';

export interface RestoreOptions {
  version?: number;
  timestamp?: Date | number;
  now?: () => number;
}

export interface RestoreMetrics {
  /** The new commit's version. */
  version: number;
  restoredVersion: number;
  numRestoredFiles: number;
  numRemovedFiles: number;
  restoredFilesSize: number;
  removedFilesSize: number;
  numOfFilesAfterRestore: number;
  tableSizeAfterRestore: number;
  /** Set when the commit was due a checkpoint: written, or why not. */
  checkpoint?: CheckpointOutcome;
}

export async function restore(
  store: LogStore,
  deps: { reader: ParquetReader; writer?: ParquetWriter },
  options: RestoreOptions,
): Promise<RestoreMetrics> {
  if ((options.version === undefined) === (options.timestamp === undefined)) {
    throw new DeltaInvalidOperationError('restore needs exactly one of a version or a timestamp', store.location);
  }
  const now = options.now ?? Date.now;
  const current = await loadSnapshot(store, deps.reader);
  checkWritable(current.protocol, current.metadata, store.location, current.version);
  const target = await loadSnapshot(store, deps.reader, { version: options.version, timestamp: options.timestamp });
  if (target.version >= current.version) {
    throw new DeltaInvalidOperationError(`${store.location} is at version ${current.version}; restore needs an earlier version, got ${target.version}`, store.location, target.version);
  }
  const livePaths = new Set(current.files.map((f) => f.path));
  const targetPaths = new Set(target.files.map((f) => f.path));
  const toAdd = target.files.filter((f) => !livePaths.has(f.path));
  const toRemove = current.files.filter((f) => !targetPaths.has(f.path));
  const missing: string[] = [];
  for (const file of toAdd) if (!(await store.stat(file.path))) missing.push(file.path);
  if (missing.length) {
    throw new DeltaInvalidOperationError(
      `cannot restore ${store.location} to version ${target.version}: ${missing.length} of its data file(s) no longer exist (vacuumed?), e.g. ${missing.slice(0, 3).join(', ')}`,
      store.location,
      target.version,
    );
  }
  const timestamp = now();
  const actions: Action[] = [];
  if (target.metadata.schemaString !== current.metadata.schemaString
    || JSON.stringify(target.metadata.partitionColumns) !== JSON.stringify(current.metadata.partitionColumns)
    || JSON.stringify(target.metadata.configuration) !== JSON.stringify(current.metadata.configuration)) {
    actions.push({ metaData: { ...target.metadata, id: current.metadata.id } });
  }
  for (const file of toRemove) {
    actions.push({
      remove: {
        path: file.add.path, deletionTimestamp: timestamp, dataChange: true, extendedFileMetadata: true,
        partitionValues: file.add.partitionValues, size: file.add.size,
      },
    });
  }
  for (const file of toAdd) {
    const add: Add = { ...file.add, dataChange: true };
    actions.push({ add });
  }
  const restoredFilesSize = toAdd.reduce((n, f) => n + f.add.size, 0);
  const removedFilesSize = toRemove.reduce((n, f) => n + f.add.size, 0);
  const tableSizeAfterRestore = target.files.reduce((n, f) => n + f.add.size, 0);
  const txn: Transaction = {
    readVersion: current.version,
    operation: 'RESTORE',
    operationParameters: options.version !== undefined ? { version: target.version } : { timestamp: new Date(options.timestamp!).toISOString() },
    operationMetrics: {
      numRestoredFiles: String(toAdd.length), numRemovedFiles: String(toRemove.length),
      restoredFilesSize: String(restoredFilesSize), removedFilesSize: String(removedFilesSize),
      numOfFilesAfterRestore: String(target.files.length), tableSizeAfterRestore: String(tableSizeAfterRestore),
    },
    actions,
    scope: { kind: 'all' },
    readFiles: new Set(current.files.map((f) => f.add.path)),
    isBlindAppend: false,
  };
  const { version } = await commitTransaction(store, txn, { now });
  const configuration = (actions.find((a) => 'metaData' in a) as { metaData: { configuration: Record<string, string> } } | undefined)?.metaData.configuration
    ?? current.metadata.configuration;
  const checkpoint = deps.writer && (await checkpointIfDue(store, deps.reader, deps.writer, version, configuration, now));
  return {
    version, restoredVersion: target.version, numRestoredFiles: toAdd.length, numRemovedFiles: toRemove.length,
    restoredFilesSize, removedFilesSize, numOfFilesAfterRestore: target.files.length, tableSizeAfterRestore,
    ...(checkpoint ? { checkpoint } : {}),
  };
}
