/**
 * Optimize: compacts small files into files of about a target size, per partition, without
 * changing the data (every action has dataChange=false, so streaming readers skip it). With
 * `zOrderBy`, every file of each partition is rewritten sorted by a Z-order curve over the
 * given 1–4 columns, so files cluster on all of them at once and stats skip more files.
 *
 * It plans before writing: files are grouped by partition; without Z-order, files smaller than
 * the target are packed first-fit by size into bins up to the target and bins of one file are
 * left alone. The rewriting itself (reading rows, sorting, writing Parquet) is the engine's, via
 * the injected FileRewriter. The commit reads exactly the files it removes: a concurrent append
 * does not conflict; a concurrent delete or rewrite of one of those files does.
 */
import type { Action, Add } from '../actions.js';
import { checkpointIfDue, type CheckpointOutcome } from '../checkpoint-write.js';
import { commitTransaction } from '../commit.js';
import { DeltaConcurrentModificationError, DeltaInvalidOperationError } from '../errors.js';
import type { LogStore } from '../log-store.js';
import type { ParquetReader } from '../parquet.js';
import type { ParquetWriter } from '../parquet-writer.js';
import { decodeLogPath, partitionKey } from '../path-encoding.js';
import { loadSnapshot, type LiveFile, type Snapshot } from '../snapshot.js';
import type { Transaction } from '../transaction.js';
import { checkWritable } from '../writer-features.js';

export const DEFAULT_OPTIMIZE_TARGET_SIZE = 128 * 1024 * 1024;

export interface OptimizeOptions {
  /** Target file size in bytes (default 128 MB). */
  targetSize?: number;
  /** Z-order by these columns (1–4, not partition columns). */
  zOrderBy?: string[];
  now?: () => number;
  /** Called after each bin is rewritten, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface OptimizeMetrics {
  /** The new commit's version, or null when nothing needed rewriting. */
  version: number | null;
  numFilesRemoved: number;
  numFilesAdded: number;
  bytesBefore: number;
  bytesAfter: number;
  partitionsOptimized: number;
  zOrderBy: string[];
  /** Set when the commit was due a checkpoint: written, or why not. */
  checkpoint?: CheckpointOutcome;
}

/** Rewrites the rows of one bin of files (all in one partition) into new files. */
export interface FileRewriter {
  rewrite(snapshot: Snapshot, files: readonly LiveFile[], options: { targetSize: number; zOrderBy: string[] }): Promise<Add[]>;
}

/** The bins to rewrite: groups of live files of one partition each. */
export function planOptimize(snapshot: Snapshot, options: { targetSize: number; zOrder: boolean }): LiveFile[][] {
  const byPartition = new Map<string, LiveFile[]>();
  for (const file of snapshot.files) {
    const key = partitionKey(file.add.partitionValues, snapshot.partitionColumns);
    byPartition.set(key, [...(byPartition.get(key) ?? []), file]);
  }
  const bins: LiveFile[][] = [];
  for (const files of byPartition.values()) {
    if (options.zOrder) {
      bins.push(files);
      continue;
    }
    const small = files.filter((f) => f.add.size < options.targetSize).sort((a, b) => b.add.size - a.add.size);
    const open: { files: LiveFile[]; size: number }[] = [];
    for (const file of small) {
      const bin = open.find((b) => b.size + file.add.size <= options.targetSize);
      if (bin) {
        bin.files.push(file);
        bin.size += file.add.size;
      } else {
        open.push({ files: [file], size: file.add.size });
      }
    }
    for (const bin of open) if (bin.files.length > 1) bins.push(bin.files);
  }
  return bins;
}

export async function optimize(
  store: LogStore,
  deps: { reader: ParquetReader; rewriter: FileRewriter; writer?: ParquetWriter },
  options: OptimizeOptions = {},
): Promise<OptimizeMetrics> {
  const targetSize = options.targetSize ?? DEFAULT_OPTIMIZE_TARGET_SIZE;
  const zOrderBy = options.zOrderBy ?? [];
  if (!(targetSize > 0)) throw new DeltaInvalidOperationError(`optimize target size must be positive, got ${targetSize}`, store.location);
  const snapshot = await loadSnapshot(store, deps.reader);
  checkWritable(snapshot.protocol, snapshot.metadata, store.location, snapshot.version);
  if (zOrderBy.length > 4) throw new DeltaInvalidOperationError(`Z-order takes 1 to 4 columns, got ${zOrderBy.length}`, store.location);
  for (const column of zOrderBy) {
    if (!snapshot.schema.fields.some((f) => f.name === column)) {
      throw new DeltaInvalidOperationError(`Z-order column ${column} is not a column of ${store.location}`, store.location);
    }
    if (snapshot.partitionColumns.includes(column)) {
      throw new DeltaInvalidOperationError(`Z-order column ${column} is a partition column; every file already holds one value of it`, store.location);
    }
  }
  const bins = planOptimize(snapshot, { targetSize, zOrder: zOrderBy.length > 0 });
  const removed = bins.flat();
  const metrics: OptimizeMetrics = {
    version: null, numFilesRemoved: 0, numFilesAdded: 0, bytesBefore: 0, bytesAfter: 0, partitionsOptimized: 0, zOrderBy,
  };
  if (!bins.length) return metrics;
  const adds: Add[] = [];
  for (const [i, bin] of bins.entries()) {
    adds.push(...(await deps.rewriter.rewrite(snapshot, bin, { targetSize, zOrderBy })));
    options.onProgress?.(i + 1, bins.length);
  }
  const now = options.now ?? Date.now;
  const timestamp = now();
  const actions: Action[] = [
    ...removed.map((f): Action => ({
      remove: {
        path: f.add.path, deletionTimestamp: timestamp, dataChange: false, extendedFileMetadata: true,
        partitionValues: f.add.partitionValues, size: f.add.size,
      },
    })),
    ...adds.map((add): Action => ({ add: { ...add, dataChange: false } })),
  ];
  metrics.numFilesRemoved = removed.length;
  metrics.numFilesAdded = adds.length;
  metrics.bytesBefore = removed.reduce((n, f) => n + f.add.size, 0);
  metrics.bytesAfter = adds.reduce((n, a) => n + a.size, 0);
  metrics.partitionsOptimized = bins.length;
  const txn: Transaction = {
    readVersion: snapshot.version,
    operation: 'OPTIMIZE',
    operationParameters: { predicate: '[]', zOrderBy: JSON.stringify(zOrderBy), targetSize: String(targetSize) },
    operationMetrics: {
      numRemovedFiles: String(metrics.numFilesRemoved), numAddedFiles: String(metrics.numFilesAdded),
      numRemovedBytes: String(metrics.bytesBefore), numAddedBytes: String(metrics.bytesAfter),
      numPartitionsOptimized: String(metrics.partitionsOptimized),
    },
    actions,
    scope: { kind: 'nothing' },
    readFiles: new Set(removed.map((f) => f.add.path)),
    isBlindAppend: false,
  };
  let version: number;
  try {
    ({ version } = await commitTransaction(store, txn, { now }));
  } catch (error) {
    // No commit names the rewritten files; remove them rather than leave them for vacuum.
    if (error instanceof DeltaConcurrentModificationError) for (const add of adds) await store.delete(decodeLogPath(add.path));
    throw error;
  }
  metrics.version = version;
  const checkpoint = deps.writer && (await checkpointIfDue(store, deps.reader, deps.writer, version, snapshot.metadata.configuration, now));
  if (checkpoint) metrics.checkpoint = checkpoint;
  return metrics;
}
