/**
 * Which log files make up version N of a table: the newest complete checkpoint at or before N and
 * the JSON commits after it up to N. Invariants of a LogSegment, checked on construction:
 * - commits are contiguous, ascending, and start right after the checkpoint (or at version 0);
 * - a multi-part checkpoint is only chosen when every part is present;
 * - the segment's version exists in the log (as a commit or a checkpoint).
 * The listing is authoritative. `_last_checkpoint` only bounds it: `listLogForVersion` lists from
 * the hinted checkpoint's version on (fewer entries to fetch metadata for) and falls back to the
 * full listing unless that checkpoint is present and complete, so a stale, corrupt or missing
 * hint never changes which files make a version.
 */
import { DeltaLogCorruptError, DeltaTableNotFoundError, DeltaVersionNotFoundError } from './errors.js';
import { readLastCheckpoint } from './last-checkpoint.js';
import type { FileInfo, LogStore } from './log-store.js';
import { LOG_DIR, parseLogFileName, type LogFile } from './table-path.js';

export interface CheckpointRef {
  version: number;
  /** All parts (one unless multi-part), ordered by part number. */
  files: FileInfo[];
  kind: 'classic' | 'multi-part' | 'v2';
}

export interface LogListing {
  table: string;
  /** Commit files by version. */
  commits: Map<number, FileInfo>;
  /** Complete checkpoints, ascending by version. */
  checkpoints: CheckpointRef[];
  /** Newest version present as a commit or a complete checkpoint. */
  latest: number;
  /** Oldest commit version present. */
  earliestCommit?: number;
  /** Multi-part checkpoints with parts missing (skipped), named for error messages. */
  incomplete: { version: number; missing: string }[];
  /** Set when the listing was bounded: no entry below this version was listed. */
  listedFrom?: number;
  /** The checkpoint `_last_checkpoint` names when it is not in the log (named if nothing else rebuilds a version). */
  hintedMissing?: { version: number; path: string };
}

export interface LogSegment {
  table: string;
  version: number;
  checkpoint?: CheckpointRef;
  /** Commit files for versions checkpoint+1 .. version (or 0 .. version), ascending. */
  commits: { version: number; file: FileInfo }[];
  /** The commit file at `version`, when it still exists (for commitInfo and its timestamp). */
  versionCommit?: FileInfo;
}

/** Lists `_delta_log/` once and classifies its files. */
export async function listLog(store: LogStore): Promise<LogListing> {
  return classify(store, await store.list(LOG_DIR));
}

/**
 * The listing needed for `version` (default: the latest), bounded by `_last_checkpoint` when the
 * hint checks out: the version is at or after the hinted checkpoint, and that checkpoint (with
 * every part the hint counts) is in the bounded listing. Then the newest complete checkpoint at or
 * before the version is at or after the hinted one, so the segment is exactly the one the full
 * listing gives. Anything else (no hint, older version, stale or damaged hint): the full listing.
 */
export async function listLogForVersion(store: LogStore, version?: number): Promise<LogListing> {
  const hint = await readLastCheckpoint(store);
  if (hint && (version === undefined || version >= hint.version)) {
    const startAfter = `${LOG_DIR}/${String(hint.version).padStart(20, '0')}`; // keeps the hinted version's files
    const entries = await store.list(LOG_DIR, { startAfter });
    let bounded: LogListing | undefined;
    try {
      bounded = classify(store, entries, hint.version);
    } catch (error) {
      if (!(error instanceof DeltaTableNotFoundError)) throw error; // nothing at or after the hint
    }
    const found = bounded?.checkpoints.find((c) => c.version === hint.version && (hint.parts === undefined || c.files.length === hint.parts));
    if (bounded && found && (version === undefined || version <= bounded.latest)) return bounded;
    const full = await listLog(store);
    if (!full.checkpoints.some((c) => c.version === hint.version)) {
      const path = hint.parts
        ? `${LOG_DIR}/${String(hint.version).padStart(20, '0')}.checkpoint.${'1'.padStart(10, '0')}.${String(hint.parts).padStart(10, '0')}.parquet`
        : `${LOG_DIR}/${String(hint.version).padStart(20, '0')}.checkpoint.parquet`;
      full.hintedMissing = { version: hint.version, path };
    }
    return full;
  }
  return listLog(store);
}

function classify(store: LogStore, entries: FileInfo[], listedFrom?: number): LogListing {
  const commits = new Map<number, FileInfo>();
  const groups = new Map<string, { ref: CheckpointRef; parts: Map<number, FileInfo>; of: number }>();
  for (const entry of entries) {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const parsed: LogFile | undefined = parseLogFileName(name);
    if (!parsed) continue;
    if (parsed.kind === 'commit') commits.set(parsed.version, entry);
    else if (parsed.kind === 'checkpoint') {
      const kind = parsed.uuid ? 'v2' : parsed.part ? 'multi-part' : 'classic';
      const key = `${parsed.version}/${parsed.uuid ?? (parsed.part ? `of${parsed.part.of}` : 'classic')}`;
      let group = groups.get(key);
      if (!group) {
        group = { ref: { version: parsed.version, files: [], kind }, parts: new Map(), of: parsed.part?.of ?? 1 };
        groups.set(key, group);
      }
      group.parts.set(parsed.part?.index ?? 1, entry);
    }
  }
  const checkpoints: CheckpointRef[] = [];
  const incomplete: { version: number; missing: string }[] = [];
  for (const group of groups.values()) {
    // An incomplete multi-part checkpoint is skipped, as the protocol asks: an older checkpoint
    // or the commits themselves still give the right state.
    const files: FileInfo[] = [];
    for (let i = 1; i <= group.of; i++) {
      const part = group.parts.get(i);
      if (part) files.push(part);
      else {
        const v = String(group.ref.version).padStart(20, '0');
        incomplete.push({ version: group.ref.version, missing: `${LOG_DIR}/${v}.checkpoint.${String(i).padStart(10, '0')}.${String(group.of).padStart(10, '0')}.parquet` });
      }
    }
    if (files.length === group.of && group.parts.size === group.of) checkpoints.push({ ...group.ref, files });
  }
  // Among checkpoints of one version prefer classic (one file), then v2, then multi-part.
  const rank = { classic: 0, v2: 1, 'multi-part': 2 } as const;
  checkpoints.sort((a, b) => a.version - b.version || rank[b.kind] - rank[a.kind]);
  let latest = -1;
  let earliestCommit: number | undefined;
  for (const v of commits.keys()) {
    if (v > latest) latest = v;
    if (earliestCommit === undefined || v < earliestCommit) earliestCommit = v;
  }
  for (const c of checkpoints) if (c.version > latest) latest = c.version;
  if (latest < 0) {
    throw new DeltaTableNotFoundError(`no Delta table at ${store.location}: ${LOG_DIR}/ has no commits or checkpoints`, store.location);
  }
  return { table: store.location, commits, checkpoints, latest, earliestCommit, incomplete, listedFrom };
}

/** Picks the files for `version` (default: latest) and checks the segment's invariants. */
export function buildLogSegment(listing: LogListing, version?: number): LogSegment {
  const { table } = listing;
  const target = version ?? listing.latest;
  if (!Number.isInteger(target) || target < 0) {
    throw new DeltaVersionNotFoundError(`version ${target} is not a valid table version of ${table}`, table, target);
  }
  if (target > listing.latest) {
    throw new DeltaVersionNotFoundError(`version ${target} of ${table} does not exist (latest is ${listing.latest})`, table, target);
  }
  let checkpoint: CheckpointRef | undefined;
  for (const c of listing.checkpoints) if (c.version <= target) checkpoint = c; // ascending: keeps the newest
  const from = checkpoint ? checkpoint.version + 1 : 0;
  if (!checkpoint && !listing.commits.has(0)) {
    const broken = listing.incomplete.find((c) => c.version <= target);
    if (broken) {
      throw new DeltaLogCorruptError(
        `${table}: checkpoint ${broken.version} is incomplete (${broken.missing} is missing) and the commits before it were cleaned up`,
        broken.missing,
        table,
        target,
      );
    }
    // Less specific than an incomplete checkpoint: only when no part of it is listed.
    const hinted = listing.hintedMissing;
    if (hinted && hinted.version <= target) {
      throw new DeltaLogCorruptError(
        `${table}: checkpoint ${hinted.path} named by _last_checkpoint is missing, and without it version ${target} cannot be rebuilt ` +
          `(commits before ${listing.earliestCommit ?? '?'} were cleaned up)`,
        hinted.path,
        table,
        target,
      );
    }
    throw new DeltaVersionNotFoundError(
      `version ${target} of ${table} cannot be reconstructed: no checkpoint at or before it and commits before ${listing.earliestCommit ?? '?'} were cleaned up`,
      table,
      target,
    );
  }
  const commits: { version: number; file: FileInfo }[] = [];
  for (let v = from; v <= target; v++) {
    const file = listing.commits.get(v);
    if (!file) {
      const name = `${LOG_DIR}/${String(v).padStart(20, '0')}.json`;
      throw new DeltaLogCorruptError(
        `${table}: commit ${name} is missing (versions are not contiguous between ${from} and ${target})`,
        name,
        table,
        v,
      );
    }
    commits.push({ version: v, file });
  }
  return { table, version: target, checkpoint, commits, versionCommit: listing.commits.get(target) };
}
