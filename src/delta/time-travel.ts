/**
 * Timestamp to version, by the protocol's rules: a version's timestamp is its commit's
 * `inCommitTimestamp` where in-commit timestamps are enabled (from
 * `delta.inCommitTimestampEnablementVersion` on), otherwise the commit file's modification time,
 * made monotonic (a version is never earlier than the one before it). The answer is the newest
 * version whose timestamp is at or before the requested one; a timestamp before the first
 * available commit is an error.
 */
import { parseCommit, type Metadata } from './actions.js';
import { DeltaVersionNotFoundError } from './errors.js';
import type { LogStore } from './log-store.js';
import type { LogListing } from './log-segment.js';

export async function resolveTimestamp(store: LogStore, listing: LogListing, latest: Metadata, ms: number): Promise<number> {
  const table = store.location;
  if (!Number.isFinite(ms)) throw new DeltaVersionNotFoundError(`invalid timestamp for ${table}`, table);
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  if (versions.length === 0) throw new DeltaVersionNotFoundError(`${table} has no commit files to resolve a timestamp against`, table);
  const config = latest.configuration ?? {};
  const ictEnabled = config['delta.enableInCommitTimestamps'] === 'true';
  const enablement = ictEnabled ? Number(config['delta.inCommitTimestampEnablementVersion'] ?? versions[0]) : Infinity;
  const ictVersions = versions.filter((v) => v >= enablement);
  const fileVersions = versions.filter((v) => v < enablement);

  const ictOf = async (version: number): Promise<number> => {
    const path = listing.commits.get(version)!.path;
    const actions = parseCommit(new TextDecoder().decode(await store.read(path)), path, table, version);
    const info = actions.find((a) => 'commitInfo' in a);
    const ts = info && 'commitInfo' in info ? info.commitInfo.inCommitTimestamp : undefined;
    if (typeof ts !== 'number') {
      // Without an in-commit timestamp the file time is the best evidence left.
      return listing.commits.get(version)!.modificationTime;
    }
    return ts;
  };

  if (ictVersions.length > 0 && ms >= (await ictOf(ictVersions[0]!))) {
    // In-commit timestamps increase strictly, so a binary search finds the newest at or before ms.
    let lo = 0;
    let hi = ictVersions.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((await ictOf(ictVersions[mid]!)) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return ictVersions[lo]!;
  }
  let found: number | undefined;
  let previous = -Infinity;
  for (const v of fileVersions) {
    const ts = Math.max(listing.commits.get(v)!.modificationTime, previous + 1);
    previous = ts;
    if (ts <= ms) found = v;
    else break;
  }
  if (found === undefined) {
    const first = new Date(Math.max(listing.commits.get(versions[0]!)!.modificationTime, 0)).toISOString();
    throw new DeltaVersionNotFoundError(
      `${new Date(ms).toISOString()} is before the first available commit of ${table} (version ${versions[0]} at ${first})`,
      table,
    );
  }
  return found;
}
