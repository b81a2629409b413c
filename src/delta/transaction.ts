/**
 * What a write intends to commit, described so the commit loop can check it against commits
 * that won the race: the version it read, the actions it adds, and what it read (its scope) so a
 * concurrent change to that data can be detected. Operations are a closed list; each names its
 * commitInfo `operation` and whether it changes data.
 */
import type { Action, CommitInfo, PartitionValues } from './actions.js';

export const OPERATIONS = {
  'CREATE TABLE': { dataChange: true },
  WRITE: { dataChange: true },
  DELETE: { dataChange: true },
  MERGE: { dataChange: true },
  OPTIMIZE: { dataChange: false },
  RESTORE: { dataChange: true },
  CHECKPOINT: { dataChange: false },
} as const;
export type Operation = keyof typeof OPERATIONS;

/**
 * What the transaction's outcome depended on. A blind append read nothing; an overwrite of the
 * whole table read everything; a replaceWhere read some partitions; delete and merge read the
 * files they looked into plus, for new rows, the partitions (or all) their predicate covers.
 */
export type ReadScope =
  | { kind: 'nothing' }
  | { kind: 'all' }
  | { kind: 'partitions'; partitions: PartitionValues[] };

export interface Transaction {
  /** The version this transaction read, or null when it creates the table. */
  readVersion: number | null;
  operation: Operation;
  operationParameters: Record<string, unknown>;
  operationMetrics: Record<string, unknown>;
  /** add, remove, metaData, protocol and txn actions; commitInfo is added at commit. */
  actions: Action[];
  scope: ReadScope;
  /** Paths (as in the log) of files whose content this transaction read or removed. */
  readFiles: ReadonlySet<string>;
  isBlindAppend: boolean;
}

export const ENGINE_INFO = 'clicklake/0.1.0';

export function commitInfoFor(txn: Transaction, timestamp: number): CommitInfo {
  const info: CommitInfo = {
    timestamp,
    operation: txn.operation,
    operationParameters: txn.operationParameters,
    operationMetrics: txn.operationMetrics,
    isBlindAppend: txn.isBlindAppend,
    engineInfo: ENGINE_INFO,
  };
  if (txn.readVersion !== null) info.readVersion = txn.readVersion;
  return info;
}

/** The app transaction this transaction records, if any. */
export function appTransactionOf(txn: Transaction): { appId: string; version: number } | undefined {
  for (const action of txn.actions) if ('txn' in action) return action.txn;
  return undefined;
}
