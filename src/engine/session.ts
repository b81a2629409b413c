/**
 * The one place that owns the DuckDB driver. Everything else asks a Session for SQL work,
 * with parameters bound, and never imports @duckdb/node-api itself.
 */
import { appendFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

/**
 * `CLICKLAKE_TRACE_SQL=FILE` appends one line per statement to FILE: wall milliseconds, CPU
 * milliseconds of the whole process (DuckDB's threads included, so it holds on a busy machine),
 * then the SQL folded to one line. The profile of a slow run, without a debugger.
 */
const TRACE_FILE = process.env.CLICKLAKE_TRACE_SQL;

async function traced<T>(sql: string, work: () => Promise<T>): Promise<T> {
  if (!TRACE_FILE) return work();
  const start = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(cpu);
    const line = [(performance.now() - start).toFixed(1), ((used.user + used.system) / 1000).toFixed(1), sql.replace(/\s+/g, ' ').slice(0, 400)];
    appendFileSync(TRACE_FILE, `${line.join('\t')}\n`);
  }
}

export interface SessionOptions {
  /** Worker threads for DuckDB; defaults to all cores. */
  threads?: number;
  /** DuckDB memory_limit, e.g. '4GB'. The one setting that bounds DuckDB's memory. */
  memoryLimit?: string;
  /** Folder for spilling when a query exceeds memory_limit. */
  tempDirectory?: string;
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** How often a watched statement's progress is read. */
const PROGRESS_EVERY_MS = 250;

export class Session {
  private readonly watchers = new Set<(percentage: number) => void>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: SessionOptions = {}): Promise<Session> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    // Timestamps are UTC end to end; ICU would otherwise pick the machine's zone. (TimeZone cannot
    // go in the create-time config: ICU is not loaded yet at that point.)
    await connection.run(`SET TimeZone = 'UTC'`);
    // Progress is tracked (never printed) so a long statement can move a progress bar.
    await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    // Delta data files are written once under unique names and never changed, so their Parquet
    // footers can be kept between statements: a view over many files then opens only the ones read.
    await connection.run('SET parquet_metadata_cache = true');
    return new Session(instance, connection);
  }

  /**
   * Calls `listener` with the running statement's progress (0–100, as DuckDB estimates it) while
   * statements run, until the returned function is called.
   */
  watchProgress(listener: (percentage: number) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private async execute<T>(sql: string, work: () => Promise<T>): Promise<T> {
    if (this.watchers.size === 0) return traced(sql, work);
    const timer = setInterval(() => {
      let percentage = -1;
      try {
        percentage = this.connection.progress.percentage;
      } catch {
        // Progress is a nicety: a failed read (a statement just ending) must not fail the work.
      }
      if (percentage >= 0) for (const listener of this.watchers) listener(Math.min(100, percentage));
    }, PROGRESS_EVERY_MS);
    try {
      return await traced(sql, work);
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs a statement for its effect. */
  async run(sql: string, params?: Params): Promise<void> {
    await this.execute(sql, () => this.connection.run(sql, params));
  }

  /** Rows as plain JS values (BIGINT as bigint, DECIMAL as number, TIMESTAMP as Date). */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.execute(sql, () => this.connection.runAndReadAll(sql, params));
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows as JSON-safe values (BIGINT and DECIMAL as strings where they would lose precision). */
  async json<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.execute(sql, () => this.connection.runAndReadAll(sql, params));
    return reader.getRowObjectsJson() as T[];
  }

  /** Column names and DuckDB type names of a query's result, without running it fully. */
  async describe(sql: string, params?: Params): Promise<{ name: string; type: string }[]> {
    const rows = await this.json<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`, params);
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  /** The first column of the first row, or undefined. */
  async scalar<T = unknown>(sql: string, params?: Params): Promise<T | undefined> {
    const rows = await this.all(sql, params);
    const first = rows[0];
    return first === undefined ? undefined : (Object.values(first)[0] as T);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Quotes an identifier (table, view or column name) for places where binding cannot reach. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal (file paths in COPY and read_* calls) where binding cannot reach. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list literal of quoted strings, e.g. for read_parquet([...]). */
export function quoteStringList(values: readonly string[]): string {
  return `[${values.map(quoteString).join(', ')}]`;
}
