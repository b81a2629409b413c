/**
 * Expired log cleanup, run after a checkpoint: removes `_delta_log/` files (commits, checksums,
 * checkpoints, compacted logs) of versions that no reader inside `delta.logRetentionDuration`
 * (30 days) can need. As in Spark, the boundary is the newest complete checkpoint that is itself
 * older than the retention: every version from it on stays reconstructible (the checkpoint plus
 * the commits after it), and only versions before it go. Files go oldest version first and a
 * version with any file newer than the cutoff stops the walk (file times are not always
 * monotonic), so an interrupted or stopped cleanup leaves a contiguous tail of commits and no
 * checkpoint stranded before it. Time travel to a removed version then
 * fails with "cannot be reconstructed". `delta.enableExpiredLogCleanup=false` turns it off.
 */
import type { LogStore } from './log-store.js';
import { listLog } from './log-segment.js';
import { tableProperties } from './table-properties.js';
import { parseLogFileName } from './table-path.js';

export interface LogCleanupResult {
  /** Versions below this one were removed (undefined: nothing expired). */
  boundary?: number;
  /** Paths removed, relative to the table root. */
  removed: string[];
}

export async function cleanupExpiredLogs(
  store: LogStore,
  configuration: Record<string, string> | undefined,
  now: number,
): Promise<LogCleanupResult> {
  const props = tableProperties(configuration, store.location);
  if (!props.expiredLogCleanup) return { removed: [] };
  const cutoff = now - props.logRetentionMs;
  const listing = await listLog(store);
  let boundary: number | undefined;
  for (const c of listing.checkpoints) {
    if (c.files.every((f) => f.modificationTime < cutoff)) boundary = c.version; // ascending: keeps the newest
  }
  if (boundary === undefined) return { removed: [] };
  // Every file of each version below the boundary, grouped so that versions go in order.
  const byVersion = new Map<number, { path: string; modificationTime: number; commit: boolean }[]>();
  for (const file of await store.list('_delta_log')) {
    const parsed = parseLogFileName(file.path.slice(file.path.lastIndexOf('/') + 1));
    if (!parsed || parsed.version >= boundary) continue;
    if (parsed.kind === 'compacted' && parsed.to >= boundary) continue;
    const group = byVersion.get(parsed.version) ?? [];
    group.push({ path: file.path, modificationTime: file.modificationTime, commit: parsed.kind === 'commit' });
    byVersion.set(parsed.version, group);
  }
  const removed: string[] = [];
  for (const version of [...byVersion.keys()].sort((a, b) => a - b)) {
    const files = byVersion.get(version)!;
    if (files.some((f) => f.modificationTime >= cutoff)) break;
    // The commit last, so a crash never leaves a version whose commit is gone but whose
    // checksum or checkpoint suggests it is still there.
    files.sort((a, b) => Number(a.commit) - Number(b.commit));
    for (const file of files) {
      await store.delete(file.path);
      removed.push(file.path);
    }
  }
  return { boundary, removed };
}
