/**
 * Lakehouse: every Delta table under the lake with version, rows, files and size; a table's
 * history (one snapshot per version, so rows and files are as they were then); the table as of a
 * version, counted and sampled through a view over that version's files; and the difference
 * between two versions in rows and files.
 */
import { FsLogStore } from '../../delta/log-store.js';
import { listCommits, readCommit, type Snapshot } from '../../delta/snapshot.js';
import { fileKey } from '../../delta/replay.js';
import { parseStats } from '../../delta/stats.js';
import { DeltaError } from '../../delta/errors.js';
import { quoteIdent } from '../../engine/session.js';
import type { Catalog } from '../catalog.js';
import { NotFoundError } from '../errors.js';
import { num } from '../sql.js';
import type { HistoryEntry, LakehouseResponse, TableAtVersionResponse, TableDiffResponse, TableHistoryResponse } from '../types.js';

/** History shows this many versions a page; older ones are paged back to with `before`. */
export const HISTORY_LIMIT = 60;
const SAMPLE_ROWS = 20;
const TIME_TRAVEL_VIEW = 'time_travel';

function totals(snapshot: Snapshot): { rows: number | null; files: number; bytes: number } {
  let rows: number | null = 0;
  let bytes = 0;
  for (const f of snapshot.files) {
    bytes += f.add.size;
    const n = f.stats?.numRecords;
    rows = rows === null || n === undefined ? null : rows + n;
  }
  return { rows, files: snapshot.files.length, bytes };
}

function requireTable(catalog: Catalog, name: string): void {
  if (!catalog.lake.tableNames().includes(name)) throw new NotFoundError(`no table "${name}" in the lake ${catalog.lakeDir}`);
}

async function snapshotAt(catalog: Catalog, name: string, version?: number): Promise<Snapshot> {
  try {
    const snapshot = await catalog.lake.snapshot(name, version === undefined ? {} : { version });
    if (!snapshot) throw new NotFoundError(`no table "${name}" in the lake`);
    return snapshot;
  } catch (error) {
    if (error instanceof DeltaError) throw new NotFoundError(`${name} has no version ${version}: ${error.message}`);
    throw error;
  }
}

export async function lakeTables(catalog: Catalog): Promise<LakehouseResponse> {
  const tables: LakehouseResponse['tables'] = [];
  for (const name of catalog.lake.tableNames()) {
    try {
      const snapshot = await snapshotAt(catalog, name);
      const commit = await readCommit(new FsLogStore(catalog.lake.path(name)), snapshot.version).catch(() => []);
      const info = commit.find((a) => 'commitInfo' in a);
      tables.push({
        name,
        version: snapshot.version,
        ...totals(snapshot),
        lastModified: new Date(snapshot.timestamp).toISOString(),
        lastOperation: info && 'commitInfo' in info ? (info.commitInfo.operation ?? null) : null,
      });
    } catch (error) {
      // List the table with its reason rather than fail the whole page over it.
      const problem = error instanceof Error ? error.message : String(error);
      tables.push({ name, version: null, problem, rows: null, files: 0, bytes: 0, lastModified: null, lastOperation: null });
    }
  }
  return { tables };
}

/**
 * A page of history: the HISTORY_LIMIT versions before `before` (default: up to the latest). One
 * snapshot at the first version shown, then each later commit applied to a running file set:
 * linear in the number of commits rather than one log replay per version.
 */
export async function tableHistory(catalog: Catalog, name: string, before?: number): Promise<TableHistoryResponse> {
  requireTable(catalog, name);
  const store = new FsLogStore(catalog.lake.path(name));
  const all = await listCommits(store);
  const older = before === undefined ? all : all.filter((c) => c.version < before);
  const commits = older.slice(-HISTORY_LIMIT);
  const history: HistoryEntry[] = [];
  const live = new Map<string, { size: number; rows: number | undefined }>();
  for (const [i, { version, modificationTime }] of commits.entries()) {
    const actions = await readCommit(store, version);
    if (i === 0) {
      const start = await snapshotAt(catalog, name, version);
      for (const f of start.files) live.set(fileKey(f.add), { size: f.add.size, rows: f.stats?.numRecords });
    } else {
      for (const action of actions) {
        if ('remove' in action) live.delete(fileKey(action.remove));
        else if ('add' in action) live.set(fileKey(action.add), { size: action.add.size, rows: parseStats(action.add.stats)?.numRecords });
      }
    }
    let rows: number | null = 0;
    let bytes = 0;
    for (const f of live.values()) {
      bytes += f.size;
      rows = rows === null || f.rows === undefined ? null : rows + f.rows;
    }
    const info = actions.find((a) => 'commitInfo' in a);
    const commitInfo = info && 'commitInfo' in info ? info.commitInfo : undefined;
    history.push({
      version,
      timestamp: new Date(commitInfo?.inCommitTimestamp ?? commitInfo?.timestamp ?? modificationTime).toISOString(),
      operation: commitInfo?.operation ?? null,
      rows,
      files: live.size,
      bytes,
      metrics: commitInfo?.operationMetrics ?? {},
    });
  }
  const first = all[0]?.version;
  const last = all.at(-1)?.version;
  return {
    name,
    history,
    limit: HISTORY_LIMIT,
    latest: last ?? null,
    hasOlder: commits.length > 0 && first !== undefined && commits[0]!.version > first,
    hasNewer: last !== undefined && (commits.length ? commits.at(-1)!.version < last : before !== undefined && first !== undefined && before <= last),
  };
}

export async function tableAtVersion(catalog: Catalog, name: string, version: number): Promise<TableAtVersionResponse> {
  requireTable(catalog, name);
  const snapshot = await snapshotAt(catalog, name, version);
  const t = totals(snapshot);
  const view = quoteIdent(TIME_TRAVEL_VIEW);
  // Binding the view and reading it are one unit: another time-travel request must not rebind between.
  const { rows, columns, sample } = await catalog.exclusive(async () => {
    await catalog.lake.view(TIME_TRAVEL_VIEW, name, { version });
    // Every file's statistics give its row count exactly; count the rows only when one has none.
    const [count] = t.rows === null ? await catalog.session.all<{ n: bigint }>(`select count(*) as n from ${view}`) : [{ n: BigInt(t.rows) }];
    const cols = await catalog.session.describe(`select * from ${view}`);
    const sampled = await catalog.session.json(`select * from ${view} limit ${SAMPLE_ROWS}`);
    return { rows: Number(count?.n ?? 0), columns: cols, sample: sampled };
  });
  return { name, version: snapshot.version, rows, files: t.files, bytes: t.bytes, columns, sample };
}

export async function tableDiff(catalog: Catalog, name: string, from: number, to: number): Promise<TableDiffResponse> {
  requireTable(catalog, name);
  const a = await snapshotAt(catalog, name, from);
  const b = await snapshotAt(catalog, name, to);
  const before = new Set(a.files.map((f) => f.path));
  const after = new Set(b.files.map((f) => f.path));
  const ta = totals(a);
  const tb = totals(b);
  return {
    name,
    from: { version: a.version, rows: ta.rows, files: ta.files },
    to: { version: b.version, rows: tb.rows, files: tb.files },
    rowDelta: ta.rows === null || tb.rows === null ? null : num(tb.rows - ta.rows),
    filesAdded: [...after].filter((p) => !before.has(p)).length,
    filesRemoved: [...before].filter((p) => !after.has(p)).length,
  };
}
