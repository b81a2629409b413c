/**
 * The server's read-only view of the lake. It binds each dashboard table (Gold, ops, and the Silver
 * tables quality reconciles) as a DuckDB view over the table's latest Delta snapshot, notices new
 * versions by listing the logs, and rebinds only what changed. All SQL runs through one queue,
 * because a DuckDB connection runs one statement at a time and a rebind must not race a query.
 * Results are memoised per set of table versions: the Gold tables only change when the pipeline
 * commits, so repeated page loads cost a map lookup.
 */
import { EventEmitter } from 'node:events';
import { FsLogStore } from '../delta/log-store.js';
import { latestVersion } from '../delta/snapshot.js';
import { Lake } from '../engine/lake.js';
import type { Params, Row, Session } from '../engine/session.js';

/** Tables the pages read. The view of `gold.kpi_daily` is named `gold_kpi_daily`. */
export const DASHBOARD_TABLES = [
  'bronze.events',
  'silver.events',
  'silver.quarantine',
  'gold.fact_events',
  'gold.fact_sessions',
  'gold.dim_product',
  'gold.dim_category',
  'gold.dim_brand',
  'gold.dim_user',
  'gold.dim_date',
  'gold.kpi_daily',
  'gold.funnel_daily',
  'gold.product_performance',
  'gold.user_segments',
  'gold.cohort_retention',
  'gold.hourly_activity',
  'ops.quality_results',
  'ops.column_profiles',
  'ops.pipeline_runs',
  'ops.reconciliation',
  'ops.lab_results',
] as const;

export type DashboardTable = (typeof DASHBOARD_TABLES)[number];

export function viewName(table: string): string {
  return table.replace('.', '_');
}

const MAX_CACHED = 500;

export class Catalog extends EventEmitter {
  readonly lake: Lake;
  private readonly versions = new Map<string, number | null>();
  /** Tables that exist but could not be opened, with the reason; they count as missing. */
  readonly problems = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private cache = new Map<string, Promise<unknown>>();
  private checking: Promise<boolean> | null = null;
  private stampValue = '';
  /**
   * The first day the rollups number days from, while they match the current Gold versions; null
   * while pages must read Gold (set by rollups/index.ts).
   */
  rollupBase: () => string | null = () => null;

  constructor(
    readonly lakeDir: string,
    readonly session: Session,
    /** Memoise page results per set of versions; off only to measure the queries themselves. */
    private readonly memoise = true,
  ) {
    super();
    this.lake = new Lake(lakeDir, session);
  }

  /** Changes whenever any dashboard table's version changes. */
  get stamp(): string {
    return this.stampValue;
  }

  version(table: string): number | null {
    return this.versions.get(table) ?? null;
  }

  exists(table: string): boolean {
    return this.version(table) !== null;
  }

  missing(tables: readonly string[]): string[] {
    return tables.filter((t) => !this.exists(t));
  }

  snapshotOfVersions(): Record<string, number | null> {
    return Object.fromEntries(DASHBOARD_TABLES.map((t) => [t, this.version(t)]));
  }

  /**
   * Lists each table's log and rebinds views whose version moved. Returns true when anything
   * changed (and emits 'change'). Concurrent callers share one check.
   */
  refresh(): Promise<boolean> {
    this.checking ??= this.exclusive(() => this.rebindChanged()).finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async rebindChanged(): Promise<boolean> {
    let changed = false;
    for (const table of DASHBOARD_TABLES) {
      let latest: number | null = null;
      try {
        latest = this.lake.exists(table) ? ((await latestVersion(new FsLogStore(this.lake.path(table)))) ?? null) : null;
        const known = this.versions.has(table) ? this.versions.get(table)! : undefined;
        if (known === latest && !this.problems.has(table)) continue;
        if (latest !== null) await this.lake.view(viewName(table), table, { version: latest });
        this.problems.delete(table);
      } catch (error) {
        // One unreadable table (a corrupt log, a vacuumed file) must not take the other pages down.
        const message = error instanceof Error ? error.message : String(error);
        if (this.problems.get(table) === message && this.versions.get(table) === null) continue;
        this.problems.set(table, message);
        latest = null;
      }
      this.versions.set(table, latest);
      changed = true;
    }
    if (changed || this.stampValue === '') {
      this.stampValue = DASHBOARD_TABLES.map((t) => this.versions.get(t) ?? '-').join('.');
      this.cache = new Map();
    }
    if (changed) this.emit('change', this.stampValue);
    return changed;
  }

  /** Runs fixed SQL (parameters bound; named ones the SQL does not use are left out) with JSON-safe values. */
  query<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const bound = params && !Array.isArray(params) ? Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql))) : params;
    return this.exclusive(async () => (await this.session.all(sql, bound)).map(plain) as T[]);
  }

  /** Runs `fn` alone on the connection (for multi-statement work like binding a version view). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Memoises `compute` under `key` until a table version changes. */
  cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (!this.memoise) return compute();
    const hit = this.cache.get(key);
    if (hit) return hit as Promise<T>;
    const value = compute();
    this.cache.set(key, value);
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}

/** BIGINT counts to numbers and dates to ISO text, so rows serialise as JSON a chart can use. */
function plain(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'bigint') out[key] = Number(value);
    else if (value instanceof Date) {
      const iso = value.toISOString();
      out[key] = iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
    } else out[key] = value;
  }
  return out;
}
