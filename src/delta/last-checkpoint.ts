/**
 * `_delta_log/_last_checkpoint`: the hint naming the newest checkpoint, so a reader can list the
 * log from that version on instead of from version 0. It is only a hint: writers update it after
 * the checkpoint (a crash in between leaves it stale), other writers may never write it, and it
 * can be damaged. So reading it never fails: a missing, empty, unparsable or ill-typed hint is
 * simply absent, and callers check that the checkpoint it names really is in the listing.
 */
import { isNotFound, type LogStore } from './log-store.js';
import { LOG_DIR } from './table-path.js';

export const LAST_CHECKPOINT = `${LOG_DIR}/_last_checkpoint`;

export interface LastCheckpointHint {
  version: number;
  /** Number of parts of a multi-part checkpoint, when the writer gave it. */
  parts?: number;
}

/** Parses a hint's text; undefined unless it is a JSON object with a valid version. */
export function parseLastCheckpoint(text: string): LastCheckpointHint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { version, parts } = value as { version?: unknown; parts?: unknown };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined;
  if (parts !== undefined && parts !== null && (typeof parts !== 'number' || !Number.isSafeInteger(parts) || parts < 1)) return undefined;
  return typeof parts === 'number' ? { version, parts } : { version };
}

/** The table's hint, or undefined when there is none or it cannot be used. */
export async function readLastCheckpoint(store: LogStore): Promise<LastCheckpointHint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.read(LAST_CHECKPOINT);
  } catch (error) {
    // Unreadable for any reason (missing, a directory, no permission): the listing still works.
    if (isNotFound(error)) return undefined;
    return undefined;
  }
  return parseLastCheckpoint(new TextDecoder().decode(bytes));
}
