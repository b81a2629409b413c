/**
 * The commit loop: optimistic concurrency over a LogStore whose `putIfAbsent` is atomic.
 *
 *   prepare ──▶ attempt version v = readVersion + 1 ──put-if-absent──▶ written? ──▶ done (v)
 *                     ▲                                     │ exists
 *                     │                                     ▼
 *                     └── v = first free version ◀── jittered backoff, then read each winning
 *                                                   commit from v on, checkConflicts(ours, winner):
 *                                                   a conflict ends the loop with
 *                                                   DeltaConcurrentModificationError
 *
 * A lost race is a result ('exists'), not an error; only the loop, when a winner conflicts
 * logically or retries run out, throws. Data files the transaction wrote stay valid across
 * retries (the same actions are re-committed at the next version), so nothing is rewritten.
 */
import { parseCommit, serializeCommit, type Action } from './actions.js';
import { checkConflicts, type Conflict } from './conflicts.js';
import { DeltaConcurrentModificationError } from './errors.js';
import { isNotFound, type LogStore } from './log-store.js';
import { commitInfoFor, type Transaction } from './transaction.js';

export const LOG_DIR = '_delta_log';
/**
 * Eight writers committing one small file each in a tight loop lose up to ~12 races in a row
 * (measured); 25 leaves room on a loaded machine while still bounding a stuck writer.
 */
export const DEFAULT_MAX_RETRIES = 25;

export function commitPath(version: number): string {
  return `${LOG_DIR}/${String(version).padStart(20, '0')}.json`;
}

export type CommitOutcome =
  | { kind: 'committed'; version: number }
  | { kind: 'conflict'; version: number; conflict: Conflict | null };

export interface CommitOptions {
  maxRetries?: number;
  /** Clock for commitInfo.timestamp (ms since the epoch). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CommitResult {
  version: number;
  /** How many versions were tried (1 = no race lost). */
  attempts: number;
}

/** One attempt at one version: the commit file appears whole, or not at all. */
export async function tryCommitAt(store: LogStore, version: number, actions: readonly Action[]): Promise<'written' | 'exists'> {
  return store.putIfAbsent(commitPath(version), new TextEncoder().encode(serializeCommit(actions)));
}

/** The actions of one commit, or undefined when that version does not exist. */
export async function readCommitActions(store: LogStore, version: number): Promise<Action[] | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.read(commitPath(version));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return parseCommit(new TextDecoder().decode(bytes), `${store.location}/${commitPath(version)}`, store.location, version);
}

/** Commits a transaction, retrying at later versions while the winners do not conflict. */
export async function commitTransaction(store: LogStore, txn: Transaction, options: CommitOptions = {}): Promise<CommitResult> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let version = txn.readVersion === null ? 0 : txn.readVersion + 1;
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    const actions: Action[] = [{ commitInfo: commitInfoFor(txn, now()) }, ...txn.actions];
    if ((await tryCommitAt(store, version, actions)) === 'written') return { version, attempts: attempt };
    if (attempt > maxRetries) break;
    // Back off first, then catch up: scanning right before the next attempt keeps the window in
    // which another writer can take the version small, so retries are rarely lost again.
    // Full jitter (0 to twice the exponential base) spreads writers that lost the same race.
    await sleep(Math.min(5 * 2 ** Math.min(attempt - 1, 6), 320) * 2 * random());
    // Every commit from `version` up to the newest must be compatible with ours.
    for (;;) {
      const winner = await readCommitActions(store, version);
      if (!winner) break;
      const conflict = checkConflicts(txn, winner, version);
      if (conflict) {
        throw new DeltaConcurrentModificationError(
          `${txn.operation} on ${store.location} conflicts with a concurrent commit: ${conflict.message}`,
          conflict.kind,
          store.location,
          version,
        );
      }
      version++;
    }
  }
  throw new DeltaConcurrentModificationError(
    `${txn.operation} on ${store.location} gave up after ${maxRetries} retries: other writers kept committing first; retry later`,
    'retries-exhausted',
    store.location,
    version,
  );
}
