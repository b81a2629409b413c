/**
 * Vacuum: deletes data files the table no longer needs, keeping everything time travel inside
 * the retention period can reach. A file is deleted only when it is not live at the latest
 * version and either
 * - its remove (tombstone) is older than the retention: no version inside the retention
 *   references it, since it was already removed before the period began; or
 * - the log knows nothing of it (a failed or abandoned write) and it is older than the
 *   retention, so an in-flight write of a concurrent writer is never touched.
 * Neither rule may delete a file that some version inside the retention references: checkpoints
 * drop tombstones older than `delta.deletedFileRetentionDuration`, so with a longer vacuum
 * retention an old removed file would look untracked. Hence every file live at the version
 * current at the cutoff, or added by any later commit, is kept whatever the rules say.
 * `_delta_log/` and hidden paths (a segment starting with `.`, or with `_` unless it is a
 * `_col=value` partition folder) are never considered. Retention below the default
 * (`delta.deletedFileRetentionDuration`, 168 hours) needs `force`. `dryRun` lists without
 * deleting; `now` pins the clock for tests.
 */
import { DeltaInvalidOperationError, DeltaVersionNotFoundError } from '../errors.js';
import { listLog } from '../log-segment.js';
import type { LogStore } from '../log-store.js';
import type { ParquetReader } from '../parquet.js';
import { decodeLogPath } from '../path-encoding.js';
import { loadSnapshot, readCommit, type Snapshot } from '../snapshot.js';
import { resolveTimestamp } from '../time-travel.js';
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
  const referenced = await referencedInsideRetention(store, deps.reader, snapshot, cutoff);
  const doomed: { path: string; size: number }[] = [];
  let kept = 0;
  for (const file of await store.list('', { recursive: true })) {
    if (hidden(file.path) || live.has(file.path)) continue;
    const removed = removedAt.get(file.path);
    const old = removed !== undefined ? removed < cutoff : file.modificationTime < cutoff;
    if (old && !referenced.has(file.path)) doomed.push({ path: file.path, size: file.size });
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

/**
 * Files any version from the cutoff on can read: those live at the version current at the cutoff
 * (or at the oldest version the log can still rebuild, when the cutoff is older than that) plus
 * every file a later commit adds.
 */
async function referencedInsideRetention(store: LogStore, reader: ParquetReader, latest: Snapshot, cutoff: number): Promise<Set<string>> {
  const listing = await listLog(store);
  const oldest = listing.commits.has(0) ? 0 : (listing.checkpoints[0]?.version ?? latest.version);
  let from: number;
  try {
    from = Math.max(await resolveTimestamp(store, listing, latest.metadata, cutoff), oldest);
  } catch (error) {
    if (!(error instanceof DeltaVersionNotFoundError)) throw error;
    from = oldest; // the cutoff is before the first commit: every version is inside the retention
  }
  const base = from === latest.version ? latest : await loadSnapshot(store, reader, { version: from });
  const referenced = new Set(base.files.map((f) => f.path));
  for (let v = from + 1; v <= latest.version; v++) {
    for (const action of await readCommit(store, v)) if ('add' in action) referenced.add(decodeLogPath(action.add.path));
  }
  return referenced;
}

function hidden(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.') || (segment.startsWith('_') && !segment.includes('=')));
}
