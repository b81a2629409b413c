/**
 * Logical conflict checks between a transaction that lost the race for a version and one commit
 * that won it. Pure: the commit loop reads the winners and asks, for each, whether our commit is
 * still correct on top of it. The checks run in a fixed order, each named:
 *
 *   1. table-created     we meant to create the table and someone else did first
 *   2. protocol-changed  the winner changed the protocol
 *   3. metadata-changed  the winner changed schema, partitioning or properties
 *   4. app-transaction   the winner recorded the same app id (exactly-once batches)
 *   5. delete-read       the winner removed a file we read or meant to remove
 *   6. append-in-scope   the winner added data to what we read (a partition or the whole table)
 *
 * Blind appends read nothing, so appends never conflict with appends; compactions
 * (dataChange=false) add no new data, but removing a file we read is still a conflict.
 */
import type { Action, PartitionValues } from './actions.js';
import { samePartition } from './path-encoding.js';
import { appTransactionOf, type Transaction } from './transaction.js';

export type ConflictKind =
  | 'table-created'
  | 'protocol-changed'
  | 'metadata-changed'
  | 'app-transaction'
  | 'delete-read'
  | 'append-in-scope';

export interface Conflict {
  kind: ConflictKind;
  /** What happened and what to do next, for the error message. */
  message: string;
}

export function checkConflicts(txn: Transaction, winner: readonly Action[], winnerVersion: number): Conflict | null {
  const at = `version ${winnerVersion}`;
  if (txn.readVersion === null) {
    return { kind: 'table-created', message: `the table was created concurrently (${at}); retry the write as an append` };
  }
  for (const action of winner) {
    if ('protocol' in action) {
      return { kind: 'protocol-changed', message: `${at} changed the table protocol; re-read the table and retry` };
    }
  }
  for (const action of winner) {
    if ('metaData' in action) {
      return { kind: 'metadata-changed', message: `${at} changed the table metadata (schema, partitioning or properties); re-read the table and retry` };
    }
  }
  const ours = appTransactionOf(txn);
  if (ours) {
    for (const action of winner) {
      if ('txn' in action && action.txn.appId === ours.appId) {
        return { kind: 'app-transaction', message: `${at} committed a transaction of application ${ours.appId} (version ${action.txn.version}) concurrently` };
      }
    }
  }
  const ourRemoves = new Set<string>();
  for (const action of txn.actions) if ('remove' in action) ourRemoves.add(action.remove.path);
  for (const action of winner) {
    if (!('remove' in action)) continue;
    const path = action.remove.path;
    if (txn.readFiles.has(path) || ourRemoves.has(path)) {
      return { kind: 'delete-read', message: `${at} removed ${path}, which this write read; re-read the table and retry` };
    }
  }
  if (txn.scope.kind !== 'nothing') {
    for (const action of winner) {
      if (!('add' in action) || !action.add.dataChange) continue;
      if (inScope(txn.scope, action.add.partitionValues)) {
        return { kind: 'append-in-scope', message: `${at} added ${action.add.path} to data this write read; re-read the table and retry` };
      }
    }
  }
  return null;
}

function inScope(scope: Transaction['scope'], values: PartitionValues): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'nothing') return false;
  return scope.partitions.some((p) => samePartition(p, pickKeys(values, Object.keys(p))));
}

function pickKeys(values: PartitionValues, keys: string[]): PartitionValues {
  const out: PartitionValues = {};
  for (const key of keys) out[key] = values[key] ?? null;
  return out;
}
