/**
 * Splits a large Bronze batch by event day for Silver, so each day is typed, deduplicated and
 * written on its own (bounded memory) while the batch is typed only once in total.
 *
 * Two ways, chosen per batch from the Bronze files' row-group statistics:
 * - direct: when the rows lie in time order (a month's export does), a day's rows sit in a few
 *   row groups, and the day is read from Bronze with a text-range filter on event_time that
 *   DuckDB pushes into the Parquet scan. Nothing is staged; each day is typed into a temp table.
 * - staged: otherwise, one scan types the whole batch into Parquet slices, one per day.
 *
 * Either way, the rows a day rejects are kept as (file, line, reason) in `rejected_lines`, and the
 * quarantine reads their raw values back from Bronze by line: few rows, and Bronze has them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { quoteString, quoteStringList } from '../engine/session.js';
import { ReconciliationError } from './errors.js';
import type { StepContext } from './context.js';

export interface DaySplit {
  /** The batch's days (YYYY-MM-DD, ascending), each one Silver append. */
  days: string[];
  how: 'direct' | 'staged';
  /**
   * Points `silver_typed` at one day's typed rows and records the ones it rejects; false when the
   * day has no clean row (a stray day whose rows are all quarantined), so it needs no append.
   */
  useDay(day: string): Promise<boolean>;
  /** Points `silver_typed` at every rejected row of the batch, raw values and reason. */
  useRejected(): Promise<void>;
}

/** What a day's rows keep for events.sql: the typed values, lineage and the verdict. */
const TYPED_COLUMNS = [
  'event_time_v', 'event_type_v', 'product_id_v', 'category_id_v', 'user_id_v', 'user_session_v', 'category_code_v',
  'brand_v', 'price_v', '_source_file', '_source_line', '_batch_id', 'reason',
] as const;

/**
 * Reads `silver_typed_batch` (the typing view over `bronze_batch`) and `batch_days` (the text days
 * of the batch's well-formed times, see silver.ts). `stagingDir` is a folder of the batch's own,
 * which the caller removes.
 */
export async function splitByDay(
  ctx: StepContext,
  batch: { batchId: string; rows: number; files: readonly string[] },
  stagingDir: string,
): Promise<DaySplit> {
  const { session } = ctx;
  const days = await batchDays(ctx);
  await session.run(
    'CREATE OR REPLACE TEMP TABLE rejected_lines (_source_file VARCHAR, _source_line BIGINT, reason VARCHAR)',
  );
  const timeOrdered = await inTimeOrder(ctx, batch.files, days);
  const { useDay, collectRest, how } = timeOrdered
    ? direct(ctx, days, batch)
    : await staged(ctx, batch.batchId, stagingDir);
  return {
    days,
    how,
    useDay,
    async useRejected() {
      await collectRest();
      await useRejected(ctx);
    },
  };
}

/** The batch's text days that are dates (from `batch_days`, see silver.ts), ascending. */
export async function batchDays(ctx: StepContext): Promise<string[]> {
  const rows = await ctx.session.all<{ day: string }>(
    `SELECT day FROM batch_days WHERE strftime(try_cast(day AS DATE), '%Y-%m-%d') = day ORDER BY day`,
  );
  return rows.map((r) => r.day);
}

interface Strategy {
  how: DaySplit['how'];
  useDay(day: string): Promise<boolean>;
  /** Adds the rejected rows no day holds to `rejected_lines`. */
  collectRest(): Promise<void>;
}

/** The next string after every string that starts with `day` (its last character bumped). */
function nextPrefix(day: string): string {
  return day.slice(0, -1) + String.fromCharCode(day.charCodeAt(day.length - 1) + 1);
}

/**
 * True when reading every day by range touches at most twice the batch's row groups, plus one
 * per day for the groups a day boundary splits: the rows are in time order, give or take a few
 * strays. A shuffled file would read every row group for every day (a file of one row group
 * passes, being small).
 */
async function inTimeOrder(ctx: StepContext, files: readonly string[], days: readonly string[]): Promise<boolean> {
  if (files.length === 0 || days.length === 0) return true;
  const ranges = days.map((d) => `(${quoteString(d)}, ${quoteString(nextPrefix(d))})`).join(', ');
  const [row] = await ctx.session.all<{ groups: number; touched: number }>(
    `WITH groups AS (
       SELECT stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata(${quoteStringList([...files])})
       WHERE path_in_schema = 'event_time'
     ),
     days(day, next) AS (VALUES ${ranges})
     SELECT (SELECT count(*) FROM groups)::INTEGER AS groups,
       (SELECT count(*) FROM groups JOIN days ON groups.lo < days.next AND groups.hi >= days.day)::INTEGER AS touched`,
  );
  return row !== undefined && row.touched <= 2 * row.groups + days.length;
}

/** The rows whose event_time text starts with `day`, as a range the Parquet scan can prune by. */
function dayRange(day: string): string {
  return `event_time >= ${quoteString(day)} AND event_time < ${quoteString(nextPrefix(day))}`;
}

function direct(ctx: StepContext, days: readonly string[], batch: { batchId: string; rows: number }): Strategy {
  const { session } = ctx;
  const columns = TYPED_COLUMNS.join(', ');
  let seen = 0;
  return {
    how: 'direct',
    async useDay(day) {
      await session.run(`CREATE OR REPLACE TEMP TABLE day_typed AS SELECT ${columns} FROM silver_typed_batch WHERE ${dayRange(day)}`);
      const [counts] = await session.all<{ rows: bigint; clean: bigint }>(
        'SELECT count(*) AS rows, count(*) FILTER (WHERE reason IS NULL) AS clean FROM day_typed',
      );
      seen += Number(counts?.rows ?? 0);
      await session.run('CREATE OR REPLACE TEMP VIEW silver_typed AS SELECT * FROM day_typed');
      await session.run('INSERT INTO rejected_lines SELECT _source_file, _source_line, reason FROM day_typed WHERE reason IS NOT NULL');
      return Number(counts?.clean ?? 0) > 0;
    },
    // The rows outside every day (no time, or a time that is not a date) are all rejected; a
    // clean one among them would be lost, so that is checked. When the days held every row of the
    // batch there are none, and the scan is skipped.
    async collectRest() {
      await session.run('DROP TABLE IF EXISTS day_typed');
      if (seen === batch.rows) return;
      // A literal list, not a subquery: the filter then runs in the scan, before any typing.
      const outside =
        days.length > 0 ? `event_time IS NULL OR left(event_time, 10) NOT IN (${days.map((d) => quoteString(d)).join(', ')})` : 'true';
      await session.run(
        `CREATE OR REPLACE TEMP TABLE outside_days AS SELECT _source_file, _source_line, reason FROM silver_typed_batch WHERE ${outside}`,
      );
      const clean = Number(await session.scalar('SELECT count(*) FROM outside_days WHERE reason IS NULL'));
      if (clean > 0) throw new ReconciliationError(`batch ${batch.batchId}: ${clean} clean row(s) fall outside its days`);
      await session.run('INSERT INTO rejected_lines SELECT * FROM outside_days');
      await session.run('DROP TABLE outside_days');
    },
  };
}

const SLICE_PREFIX = '_stage_day=';
const REJECTED_SLICE = 'rejected';

async function staged(ctx: StepContext, batchId: string, dir: string): Promise<Strategy> {
  const { session } = ctx;
  // The session zone is UTC, so the day of event_time_v is the text day the slices are named by.
  // The batch id is a constant, added back when a slice is read.
  const columns = TYPED_COLUMNS.filter((c) => c !== '_batch_id').join(', ');
  await session.run(
    `COPY (SELECT ${columns}, CASE WHEN reason IS NULL THEN strftime(event_time_v, '%Y-%m-%d') ` +
      `ELSE ${quoteString(REJECTED_SLICE)} END AS _stage_day FROM silver_typed_batch) ` +
      `TO ${quoteString(dir)} (FORMAT parquet, PARTITION_BY (_stage_day))`,
  );
  const written = new Set((existsSync(dir) ? readdirSync(dir) : []).filter((name) => name.startsWith(SLICE_PREFIX)).map((name) => name.slice(SLICE_PREFIX.length)));
  const slice = (name: string) =>
    written.has(name)
      ? `SELECT *, ${quoteString(batchId)}::VARCHAR AS _batch_id ` +
        `FROM read_parquet(${quoteString(join(dir, `${SLICE_PREFIX}${name}`, '*.parquet'))}, hive_partitioning = false)`
      : `SELECT ${TYPED_COLUMNS.join(', ')} FROM silver_typed_batch WHERE false`;
  return {
    how: 'staged',
    async useDay(day) {
      await session.run(`CREATE OR REPLACE TEMP VIEW silver_typed AS ${slice(day)}`);
      return written.has(day);
    },
    async collectRest() {
      await session.run(`INSERT INTO rejected_lines SELECT _source_file, _source_line, reason FROM (${slice(REJECTED_SLICE)})`);
    },
  };
}

/** Rejected rows as quarantine.sql reads them: Bronze's values joined to the reason by line. */
async function useRejected(ctx: StepContext): Promise<void> {
  const any = Number(await ctx.session.scalar('SELECT count(*) FROM rejected_lines')) > 0;
  const source = any
    ? `SELECT b.*, r.reason FROM bronze_batch AS b JOIN rejected_lines AS r ` +
      `ON b._source_line = r._source_line AND b._source_file IS NOT DISTINCT FROM r._source_file`
    : `SELECT *, NULL::VARCHAR AS reason FROM bronze_batch WHERE false`;
  await ctx.session.run(`CREATE OR REPLACE TEMP VIEW silver_typed AS ${source}`);
}
