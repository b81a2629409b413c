/**
 * Log replay as a pure fold (no I/O, no clock): a checkpoint's actions, then commits in ascending
 * version order, reconciled into the table state the protocol defines. A logical file is keyed by
 * its URL-decoded path plus its deletion vector's unique id, so the same Parquet file re-added with
 * a newer deletion vector replaces the older entry; the newest action per key wins. One pass over
 * the actions with hash maps keeps replay linear in the log's size.
 */
import type { Action, Add, CommitInfo, DeletionVectorDescriptor, DomainMetadata, Metadata, Protocol, Remove, Txn } from './actions.js';
import { decodeActionPath } from './table-path.js';

export interface CommitActions {
  readonly version: number;
  readonly actions: readonly Action[];
}

export interface ReplayState {
  protocol?: Protocol;
  metadata?: Metadata;
  /** Live files by logical key (see fileKey). */
  files: Map<string, Add>;
  /** Removes not superseded by a later add of the same key, by logical key. */
  tombstones: Map<string, Remove>;
  /** Latest transaction per application id. */
  txns: Map<string, Txn>;
  /** Live domains (a removed domain is dropped). */
  domains: Map<string, DomainMetadata>;
  /** commitInfo of the newest commit replayed, if it carried one (checkpoints never do). */
  lastCommitInfo?: CommitInfo;
  /** Version of the newest commit replayed, if any. */
  lastVersion?: number;
}

/** The protocol's unique id of a deletion vector: storage type, path or inline data, and offset. */
export function deletionVectorId(dv: DeletionVectorDescriptor | null | undefined): string | undefined {
  if (!dv) return undefined;
  return dv.offset != null ? `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}` : `${dv.storageType}${dv.pathOrInlineDv}`;
}

/** The reconciliation key of an add or remove. */
export function fileKey(action: { path: string; deletionVector?: DeletionVectorDescriptor | null }): string {
  const dv = deletionVectorId(action.deletionVector);
  const path = decodeActionPath(action.path);
  return dv === undefined ? path : `${path}\u0000${dv}`;
}

export function emptyState(): ReplayState {
  return { files: new Map(), tombstones: new Map(), txns: new Map(), domains: new Map() };
}

/** Applies one batch of actions (a checkpoint's or a commit's) to the state, in order. */
export function applyActions(state: ReplayState, actions: readonly Action[]): void {
  for (const action of actions) {
    if ('add' in action) {
      const key = fileKey(action.add);
      state.files.set(key, action.add);
      state.tombstones.delete(key);
    } else if ('remove' in action) {
      const key = fileKey(action.remove);
      state.files.delete(key);
      state.tombstones.set(key, action.remove);
    } else if ('metaData' in action) {
      state.metadata = action.metaData;
    } else if ('protocol' in action) {
      state.protocol = action.protocol;
    } else if ('txn' in action) {
      state.txns.set(action.txn.appId, action.txn);
    } else if ('domainMetadata' in action) {
      if (action.domainMetadata.removed) state.domains.delete(action.domainMetadata.domain);
      else state.domains.set(action.domainMetadata.domain, action.domainMetadata);
    }
    // commitInfo, cdc, checkpointMetadata and sidecar do not change the table's state.
  }
}

/**
 * Replays commits (ascending, contiguous; the log segment guarantees it) on top of an optional
 * checkpoint. The caller owns the ordering; replay only folds.
 */
export function replay(commits: Iterable<CommitActions>, checkpoint?: readonly Action[]): ReplayState {
  const state = emptyState();
  if (checkpoint) applyActions(state, checkpoint);
  for (const commit of commits) {
    applyActions(state, commit.actions);
    state.lastVersion = commit.version;
    state.lastCommitInfo = undefined;
    for (const action of commit.actions) {
      if ('commitInfo' in action) state.lastCommitInfo = action.commitInfo;
    }
  }
  return state;
}
