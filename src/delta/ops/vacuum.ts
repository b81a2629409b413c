/**
 * Vacuum: deletes data files the table no longer needs, keeping everything time travel inside
 * the retention period can reach. A file is deleted only when it is not live at the latest
 * version and either
 * - its remove (tombstone) is older than the retention: no version inside the retention
 *   references it, since it was already removed before the period began; or
 * - the log knows nothing of it (a failed or abandoned write) and it is older than the
 *   retention, so an in-flight write of a concurrent writer is never touched.
 * `_delta_log/` and hidden paths (a segment starting with `.`, or with `_` unless it is a
 * `_col=value` partition folder) are never considered. Retention below the default
 * (`delta.deletedFileRetentionDuration`, 168 hours) needs `force`. `dryRun` lists without
 * deleting; `now` pins the clock for tests.
 */
import { DeltaInvalidOperationError } from '../errors.js';
import type { LogStore } from '../log-store.js';
import type { ParquetReader } from '../parquet.js';
import { decodeLogPath } from '../path-encoding.js';
import { loadSnapshot } from '../snapshot.js';
import { tableProperties } from '../table-properties.js';
import { checkWritable } from '../writer-features.js';

export interface VacuumOptions {
  /** Keep files needed by versions of the last this-many hours (default: the table's, 168). */
  retentionHours?: number;
  /** Allow a retention shorter than the table's default. */
  force?: boolean;
  dryRun?: boolean;
  now?: () => number;
}

export interface VacuumMetrics {
  dryRun: boolean;
  retentionHours: number;
  /** Paths (relative to the table root) deleted, or that would be with dryRun. */
  files: string[];
  numFilesDeleted: number;
  bytesDeleted: number;
  /** Files not live but kept because their removal is inside the retention. */
  numFilesKept: number;
}

export async function vacuum(store: LogStore, deps: { reader: ParquetReader }, options: VacuumOptions = {}): Promise<VacuumMetrics> {
  const snapshot = await loadSnapshot(store, deps.reader);
  checkWritable(snapshot.protocol, snapshot.metadata, store.location, snapshot.version);
  const defaultMs = tableProperties(snapshot.metadata.configuration, store.location).deletedFileRetentionMs;
  const retentionHours = options.retentionHours ?? defaultMs / 3_600_000;
  if (!(retentionHours >= 0) || !Number.isFinite(retentionHours)) {
    throw new DeltaInvalidOperationError(`vacuum retention must be a non-negative number of hours, got ${retentionHours}`, store.location);
  }
  if (retentionHours * 3_600_000 < defaultMs && !options.force) {
    throw new DeltaInvalidOperationError(
      `vacuum retention of ${retentionHours} h is shorter than the table's ${defaultMs / 3_600_000} h; ` +
        'time travel and concurrent readers may need those files. Pass force to do it anyway',
      store.location,
    );
  }
  const cutoff = (options.now ?? Date.now)() - retentionHours * 3_600_000;
  const live = new Set(snapshot.files.map((f) => f.path));
  const removedAt = new Map<string, number>();
  for (const r of snapshot.tombstones) removedAt.set(decodeLogPath(r.path), r.deletionTimestamp ?? 0);
  const doomed: { path: string; size: number }[] = [];
  let kept = 0;
  for (const file of await store.list('', { recursive: true })) {
    if (hidden(file.path) || live.has(file.path)) continue;
    const removed = removedAt.get(file.path);
    const old = removed !== undefined ? removed < cutoff : file.modificationTime < cutoff;
    if (old) doomed.push({ path: file.path, size: file.size });
    else kept++;
  }
  if (!options.dryRun) for (const file of doomed) await store.delete(file.path);
  return {
    dryRun: Boolean(options.dryRun),
    retentionHours,
    files: doomed.map((f) => f.path),
    numFilesDeleted: doomed.length,
    bytesDeleted: doomed.reduce((n, f) => n + f.size, 0),
    numFilesKept: kept,
  };
}

function hidden(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.') || (segment.startsWith('_') && !segment.includes('=')));
}
