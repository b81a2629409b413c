/**
 * Reads a checkpoint into actions: classic single-file and multi-part Parquet checkpoints (one
 * action per row, as struct columns), and V2 checkpoints (a Parquet or JSON manifest whose file
 * actions may live in sidecar files under `_delta_log/_sidecars/`). Checkpoint rows come from the
 * injected ParquetReader with engine-specific shapes (maps as entry lists, 64-bit integers as
 * bigint, timestamps as Date); they are normalised here into the same shapes a JSON commit has, and
 * typed `stats_parsed` is turned back into the JSON `stats` string so that one code path reads stats.
 */
import { ACTION_KEYS, parseCommit, type Action } from './actions.js';
import { DeltaLogCorruptError } from './errors.js';
import { isNotFound, type LogStore } from './log-store.js';
import type { ParquetReader } from './parquet.js';
import type { CheckpointRef } from './log-segment.js';
import { LOG_DIR, decodeActionPath, isAbsolutePath } from './table-path.js';

/** Fields that are maps in the checkpoint schema and objects in JSON commits. */
const MAP_FIELDS = new Set(['partitionValues', 'tags', 'configuration', 'options']);

export async function readCheckpoint(store: LogStore, parquet: ParquetReader, ref: CheckpointRef): Promise<Action[]> {
  const actions: Action[] = [];
  for (const file of ref.files) {
    actions.push(...(await readActionFile(store, parquet, file.path, ref.version)));
  }
  const sidecars = actions.filter((a): a is Extract<Action, { sidecar: unknown }> => 'sidecar' in a);
  for (const { sidecar } of sidecars) {
    const decoded = decodeActionPath(sidecar.path);
    const path = isAbsolutePath(decoded) ? decoded : `${LOG_DIR}/_sidecars/${decoded}`;
    const rows = await readActionFile(store, parquet, path, ref.version);
    for (const action of rows) if ('add' in action || 'remove' in action) actions.push(action);
  }
  if (actions.length === 0) {
    const name = ref.files[0]?.path ?? `checkpoint ${ref.version}`;
    throw new DeltaLogCorruptError(`${store.location}: checkpoint ${name} holds no actions`, name, store.location, ref.version);
  }
  return actions;
}

async function readActionFile(store: LogStore, parquet: ParquetReader, path: string, version: number): Promise<Action[]> {
  if (path.endsWith('.json')) {
    let bytes: Uint8Array;
    try {
      bytes = await store.read(path);
    } catch (error) {
      throw missing(store, path, version, error);
    }
    return parseCommit(new TextDecoder().decode(bytes), path, store.location, version);
  }
  const abs = isAbsolutePath(path) ? path : store.resolve(path);
  if (!isAbsolutePath(path) && !(await store.stat(path))) throw missing(store, path, version);
  let rows: Record<string, unknown>[];
  try {
    rows = await parquet.readRows(abs);
  } catch (error) {
    throw new DeltaLogCorruptError(
      `${store.location}: checkpoint file ${path} cannot be read (${(error as Error).message.split('\n')[0]})`,
      path,
      store.location,
      version,
    );
  }
  return rows.flatMap((row) => checkpointRowToActions(row, path, store.location, version));
}

function missing(store: LogStore, path: string, version: number, cause?: unknown): Error {
  if (cause !== undefined && !isNotFound(cause)) return cause as Error;
  return new DeltaLogCorruptError(`${store.location}: checkpoint file ${path} is missing`, path, store.location, version);
}

/** One checkpoint row to its action (rows hold exactly one non-null action column). */
export function checkpointRowToActions(row: Record<string, unknown>, file: string, table?: string, version?: number): Action[] {
  const out: Action[] = [];
  for (const key of ACTION_KEYS) {
    const value = row[key];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object') {
      throw new DeltaLogCorruptError(`${file}: checkpoint column ${key} is not a struct`, file, table, version);
    }
    const body = normalise(value, key) as Record<string, unknown>;
    if (key === 'add' || key === 'remove') {
      if (typeof body.path !== 'string') {
        throw new DeltaLogCorruptError(`${file}: checkpoint ${key} row without a path`, file, table, version);
      }
      const parsed = body.stats_parsed;
      if ((body.stats === null || body.stats === undefined) && parsed && typeof parsed === 'object') {
        body.stats = JSON.stringify(dropNulls(parsed));
      }
      delete body.stats_parsed;
      delete body.partitionValues_parsed;
      if (body.partitionValues === null || body.partitionValues === undefined) {
        if (key === 'add') body.partitionValues = {};
      }
    }
    out.push({ [key]: body } as Action);
  }
  return out;
}

/** Engine values to JSON-commit shapes: bigint to number, Date to ISO text, map entries to objects. */
function normalise(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    if (key && MAP_FIELDS.has(key)) return entriesToObject(value);
    return value.map((v) => normalise(v));
  }
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = normalise(v, k);
    return out;
  }
  return value;
}

function entriesToObject(entries: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    if (entry && typeof entry === 'object' && 'key' in entry) {
      const e = entry as { key: unknown; value: unknown };
      out[String(e.key)] = normalise(e.value);
    }
  }
  return out;
}

/** Struct stats carry a null for every column without a value; JSON stats simply omit them. */
function dropNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = dropNulls(v);
  }
  return out;
}
