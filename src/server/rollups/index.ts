/**
 * Keeps the dashboard's rollups in step with the Gold tables: after the tables' versions settle,
 * builds them in the background (build.ts, in a DuckDB session of its own), then loads them into
 * the serving session as in-memory tables in one step. Page queries read the rollups while they
 * match the current Gold versions (`catalog.rollupBase()` is the day they number days from) and
 * the Gold tables otherwise: before the first build finishes, while a new version is being
 * rolled up, and on lakes longer than a day mask holds.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { quoteIdent, quoteString } from '../../engine/session.js';
import type { Catalog } from '../catalog.js';
import { dateRange } from '../context.js';
import type { RollupStatus } from '../types.js';
import { ALL_ROLLUPS, MAX_DAYS, ROLLUP_INPUTS, buildRollups } from './build.js';

const KEY_TABLES = [...ROLLUP_INPUTS, 'gold.kpi_daily'];

export class Rollups {
  private builtKey: string | null = null;
  private base: string | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private statusValue: RollupStatus = { state: 'pending' };

  constructor(
    private readonly catalog: Catalog,
    private readonly threads?: number,
  ) {
    catalog.rollupBase = () => (this.builtKey !== null && this.builtKey === this.key() ? this.base : null);
  }

  get status(): RollupStatus {
    if (this.statusValue.state === 'ready' && this.catalog.rollupBase() === null) return { ...this.statusValue, state: 'stale' };
    return this.statusValue;
  }

  private key(): string {
    return KEY_TABLES.map((t) => this.catalog.version(t) ?? '-').join('.');
  }

  /** Rebuilds after `delayMs` of quiet (each call restarts the wait). */
  schedule(delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.build(), delayMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private build(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.rebuild()
      .catch((error: unknown) => {
        this.statusValue = { state: 'failed', reason: error instanceof Error ? error.message : String(error) };
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          this.again = false;
          void this.build();
        }
      });
    return this.running;
  }

  private async rebuild(): Promise<void> {
    const key = this.key();
    if (this.builtKey === key) return;
    const missing = this.catalog.missing(KEY_TABLES);
    if (missing.length) {
      this.statusValue = { state: 'unavailable', reason: `missing ${missing.join(', ')}` };
      return;
    }
    const range = await dateRange(this.catalog);
    if (!range) {
      this.statusValue = { state: 'unavailable', reason: 'no data' };
      return;
    }
    const days = Math.round((Date.parse(range.max) - Date.parse(range.min)) / 86_400_000) + 1;
    if (days > MAX_DAYS) {
      this.statusValue = { state: 'unavailable', reason: `the data spans ${days} days, more than the ${MAX_DAYS} a rollup day mask holds` };
      return;
    }
    this.statusValue = { state: 'building' };
    const started = performance.now();
    const versions = Object.fromEntries(ROLLUP_INPUTS.map((t) => [t, this.catalog.version(t)!]));
    const dir = await buildRollups({ lakeDir: this.catalog.lakeDir, versions, range, threads: this.threads });
    try {
      // A commit landed while building: these rollups describe versions no longer served.
      if (this.closed || this.key() !== key) {
        this.again = true;
        return;
      }
      await this.catalog.exclusive(async () => {
        for (const name of ALL_ROLLUPS) {
          await this.catalog.session.run(`create or replace table ${quoteIdent(name)} as select * from read_parquet(${quoteString(join(dir, `${name}.parquet`))})`);
        }
      });
      this.base = range.min;
      this.builtKey = key;
      this.statusValue = { state: 'ready', builtMs: Math.round(performance.now() - started), versions };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
