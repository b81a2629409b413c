/**
 * Table history: one entry per commit still in the log, newest first, from each commit's
 * commitInfo (operation, parameters, metrics, read version, blind-append flag, engine). Commits
 * without commitInfo (other writers may omit it) still get an entry with the file's timestamp.
 */
import type { CommitInfo } from '../actions.js';
import type { LogStore } from '../log-store.js';
import { listCommits, readCommit } from '../snapshot.js';

export interface HistoryOptions {
  /** At most this many entries, newest first. */
  limit?: number;
}

export interface HistoryEntry {
  version: number;
  /** commitInfo.timestamp, else the commit file's modification time (ms). */
  timestamp: number;
  operation: string;
  operationParameters: Record<string, unknown>;
  operationMetrics: Record<string, unknown>;
  readVersion?: number;
  isBlindAppend?: boolean;
  engineInfo?: string;
}

export async function history(store: LogStore, options: HistoryOptions = {}): Promise<HistoryEntry[]> {
  const commits = (await listCommits(store)).reverse();
  const chosen = options.limit === undefined ? commits : commits.slice(0, options.limit);
  const entries: HistoryEntry[] = [];
  for (const commit of chosen) {
    const actions = await readCommit(store, commit.version);
    const info: CommitInfo = actions.find((a): a is { commitInfo: CommitInfo } => 'commitInfo' in a)?.commitInfo ?? {};
    entries.push({
      version: commit.version,
      timestamp: typeof info.timestamp === 'number' ? info.timestamp : commit.modificationTime,
      operation: info.operation ?? 'UNKNOWN',
      operationParameters: info.operationParameters ?? {},
      operationMetrics: info.operationMetrics ?? {},
      readVersion: info.readVersion,
      isBlindAppend: info.isBlindAppend,
      engineInfo: info.engineInfo,
    });
  }
  return entries;
}
