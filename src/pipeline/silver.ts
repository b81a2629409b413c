/**
 * Silver: types, checks and deduplicates each Bronze batch not yet promoted, one batch at a time
 * (so each one is deduplicated against everything before it). Clean rows go to `silver.events`,
 * rule breakers to `silver.quarantine` with a reason, and the batch's reconciliation (Bronze rows
 * = Silver rows + quarantined + duplicates removed) to `ops.reconciliation`. All three writes carry
 * the app transaction `silver:<batch>`, so a batch is promoted exactly once even across a crash.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { quoteString } from '../engine/session.js';
import type { Predicate } from '../delta/predicate.js';
import { modelSql } from './models.js';
import { batchDays, splitByDay, type DaySplit } from './silver-days.js';
import { batchIdOf } from './bronze.js';
import { PromotionStoppedError, ReconciliationError } from './errors.js';
import { TABLES, secondsSince, type StepContext } from './context.js';

export interface SilverBatchResult {
  batchId: string;
  silverSeq: number;
  bronzeRows: number;
  silverRows: number;
  quarantined: number;
  duplicates: number;
  balanced: boolean;
  /** How a large batch was split by day (see silver-days.ts); absent for a batch done whole. */
  daySplit?: DaySplit['how'];
  seconds: number;
}

/** Columns silver.events is compared on when Silver does not exist yet. */
const EMPTY_SILVER =
  'SELECT NULL::TIMESTAMPTZ AS event_time, NULL::VARCHAR AS event_type, NULL::BIGINT AS product_id, ' +
  'NULL::BIGINT AS category_id, NULL::VARCHAR AS category_code, NULL::VARCHAR AS brand, NULL::DECIMAL(12,2) AS price, ' +
  'NULL::BIGINT AS user_id, NULL::VARCHAR AS user_session, NULL::DATE AS event_date, NULL::VARCHAR AS _batch_id WHERE false';

const EMPTY_RECONCILIATION = 'SELECT NULL::VARCHAR AS batch_id, NULL::BIGINT AS silver_seq WHERE false';

function equals(column: string, value: string): Predicate {
  return { op: 'cmp', column, cmp: '=', value: { kind: 'string', text: value } };
}

function inDays(days: readonly string[]): Predicate {
  return { op: 'in', column: 'event_date', values: days.map((text) => ({ kind: 'string', text })), negated: false };
}

/**
 * A month is one of a batch's periods when it holds at least this share of the batch's rows; the
 * rows of any other month are quarantined as `event_time_outside_period`. One percent keeps a
 * file that straddles a month end whole, and catches stray times from a broken clock or export.
 */
export const PERIOD_MIN_SHARE = 0.01;

/** Batches above this many rows are deduplicated day by day (see promoteBatch). */
export const DEDUPE_BY_DAY_ABOVE = 2_000_000;

/** Registers `silver_existing_days`: current Silver on the given days, files pruned by partition. */
async function existingOn(ctx: StepContext, days: readonly string[]): Promise<void> {
  await ctx.lake.viewOrEmpty('silver_existing', TABLES.silverEvents, EMPTY_SILVER, { predicate: inDays(days) });
  const list = days.length > 0 ? `[${days.map((d) => quoteString(d)).join(', ')}]` : '[]::VARCHAR[]';
  await ctx.session.run(
    `CREATE OR REPLACE TEMP VIEW silver_existing_days AS SELECT * FROM silver_existing WHERE event_date IN (SELECT unnest(${list})::DATE)`,
  );
}

export function silverAppId(batchId: string): string {
  return `silver:${batchId}`;
}

/**
 * Bronze batches not yet reconciled into Silver, in landing order. Read from the logs alone (the
 * Bronze `bronze:<sha256>` and reconciliation `silver:<batch>` app transactions), so a run with
 * nothing new scans no data.
 */
export async function pendingBatches(ctx: StepContext): Promise<{ batchId: string }[]> {
  const bronze = await ctx.lake.snapshot(TABLES.bronzeEvents);
  if (!bronze) return [];
  const done = (await ctx.lake.snapshot(TABLES.reconciliation))?.appTransactions;
  const pending: { batchId: string; at: number }[] = [];
  for (const [appId, txn] of bronze.appTransactions) {
    if (!appId.startsWith('bronze:')) continue;
    const batchId = batchIdOf(appId.slice('bronze:'.length));
    if (!done?.has(silverAppId(batchId))) pending.push({ batchId, at: Number(txn.lastUpdated ?? 0) });
  }
  pending.sort((a, b) => a.at - b.at || a.batchId.localeCompare(b.batchId));
  await ctx.lake.viewOrEmpty('ops_reconciliation', TABLES.reconciliation, EMPTY_RECONCILIATION);
  return pending.map(({ batchId }) => ({ batchId }));
}

export async function buildSilver(ctx: StepContext): Promise<SilverBatchResult[]> {
  const pending = await pendingBatches(ctx);
  const results: SilverBatchResult[] = [];
  if (pending.length === 0) return results;
  // BATCH_UNITS per batch, spread over its checks, its days and the rest, so a one-batch month
  // moves day by day.
  const bar = ctx.effects.progress('silver', pending.length * BATCH_UNITS);
  try {
    for (const { batchId } of pending) {
      results.push(await promoteBatch(ctx, batchId, (units) => bar.increment(units)));
    }
  } finally {
    bar.stop();
  }
  return results;
}

/** Progress units of one batch: 10 for its checks, 80 for its events (by day), 10 for the rest. */
const BATCH_UNITS = 100;

async function promoteBatch(ctx: StepContext, batchId: string, tick: (units: number) => void): Promise<SilverBatchResult> {
  const start = performance.now();
  const { lake, session } = ctx;
  const batchLiteral = quoteString(batchId);

  // A batch is one source file, so the batch id prunes Bronze to that file's data files.
  const bronzeFiles = (await lake.viewFiles('bronze_all', TABLES.bronzeEvents, { predicate: equals('_batch_id', batchId) })) ?? [];
  await session.run(`CREATE OR REPLACE TEMP VIEW bronze_batch AS SELECT * FROM bronze_all WHERE _batch_id = ${batchLiteral}`);
  // One scan of the batch's times gives its text days and its periods: the months holding at
  // least PERIOD_MIN_SHARE of its well-formed times. A source file covers a month (or a few);
  // rows in any other month are quarantined.
  await session.run(
    `CREATE OR REPLACE TEMP TABLE batch_days AS
       SELECT left(event_time, 10) AS day, count(*) AS n FROM bronze_batch
       WHERE event_time LIKE '____-__-__ __:__:__ UTC' GROUP BY 1`,
  );
  await session.run(
    `CREATE OR REPLACE TEMP TABLE batch_periods AS
       WITH months AS (SELECT left(day, 7) AS month, sum(n) AS n FROM batch_days GROUP BY 1)
       SELECT month FROM months WHERE n >= $share * (SELECT sum(n) FROM months)`,
    { share: PERIOD_MIN_SHARE },
  );
  await session.run(`CREATE OR REPLACE TEMP VIEW silver_typed_batch AS ${modelSql('silver', 'typed_batch')}`);
  await session.run('CREATE OR REPLACE TEMP VIEW silver_typed AS SELECT * FROM silver_typed_batch');
  await session.run(`CREATE OR REPLACE TEMP TABLE quarantine_info AS SELECT $at::TIMESTAMPTZ AS _quarantined_at`, {
    at: ctx.effects.now().toISOString(),
  });

  const bronzeRows = Number(await session.scalar('SELECT count(*) FROM bronze_batch'));
  // A large batch is deduplicated one day at a time: exact duplicates share their timestamp, so
  // per-day groups are exact, and each GROUP BY then holds a day instead of the whole file (a month
  // in one GROUP BY runs out of a 3 GB memory limit). Each day is its own append, with the batch's
  // app transaction at version day-index + 1, so a resumed run skips the days already written.
  // A smaller batch compares with what Silver holds on its days (duplicates of earlier batches can
  // only sit there); a first small batch compares with nothing.
  const byDay = bronzeRows > (ctx.dayByDayAbove ?? DEDUPE_BY_DAY_ABOVE);
  const staging = join(ctx.stagingDir, `silver-${batchId}`);
  try {
    const split = byDay ? await splitByDay(ctx, { batchId, rows: bronzeRows, files: bronzeFiles }, staging) : undefined;
    const days = split?.days ?? (lake.exists(TABLES.silverEvents) ? await batchDays(ctx) : []);
    return await promoteTyped(ctx, batchId, tick, { start, bronzeRows, days, split });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function promoteTyped(
  ctx: StepContext,
  batchId: string,
  tick: (units: number) => void,
  batch: { start: number; bronzeRows: number; days: string[]; split: DaySplit | undefined },
): Promise<SilverBatchResult> {
  const { lake, session } = ctx;
  const { start, bronzeRows, days, split } = batch;
  const txn = { appId: silverAppId(batchId), version: 0 };
  const batchLiteral = quoteString(batchId);
  const verdict = await ctx.quality({
    session,
    runId: ctx.runId,
    layer: 'silver',
    table: TABLES.silverEvents,
    relation: 'silver_typed',
    batchIds: [batchId],
  });
  if (!verdict.promote) throw new PromotionStoppedError('silver', verdict.reason ?? `batch ${batchId} failed a quality check`);

  tick(10);
  const common = { txn, operationParameters: { batchId, runId: ctx.runId } };
  const eventsOptions = { partitionBy: ['event_date'], description: 'Typed, deduplicated clickstream events; partitioned by event_date (UTC).' };
  const written = { rows: 0, complete: true };
  const slices = split ? days.map((day, i) => ({ day, version: i + 1 })) : [{ day: undefined, version: txn.version }];
  let ticked = 0;
  const tickDay = (i: number) => {
    const due = Math.round((80 * (i + 1)) / slices.length);
    tick(due - ticked);
    ticked = due;
  };
  for (const [i, { day, version }] of slices.entries()) {
    if (day !== undefined && split && !(await split.useDay(day))) {
      tickDay(i);
      continue;
    }
    await existingOn(ctx, day !== undefined ? [day] : days);
    const result = await lake.append(TABLES.silverEvents, modelSql('silver', 'events'), {
      ...eventsOptions,
      txn: { appId: txn.appId, version },
      operationParameters: { batchId, runId: ctx.runId, ...(day !== undefined ? { day } : {}) },
      // A day's clean rows all have that event_date (their time's text starts with it).
      ...(day !== undefined ? { onePartition: { event_date: day } } : {}),
    });
    written.rows += result.rowsWritten;
    written.complete &&= result.version !== null;
    tickDay(i);
  }
  await split?.useRejected();
  const rejected = await lake.append(TABLES.silverQuarantine, modelSql('silver', 'quarantine'), {
    ...common,
    description: 'Rows that broke a Silver rule: raw values, source file and line, reason code.',
  });

  // Count what the tables now hold for this batch, rather than trusting the write results: on a
  // resumed run the writes above were skipped and the rows are already there.
  await lake.view('silver_now', TABLES.silverEvents);
  await lake.view('quarantine_now', TABLES.silverQuarantine);
  const silverRows = Number(await session.scalar(`SELECT count(*) FROM silver_now WHERE _batch_id = ${batchLiteral}`));
  const quarantined = Number(
    await session.scalar(`SELECT count(*) FROM quarantine_now WHERE _batch_id = ${batchLiteral}`),
  );
  // Every Bronze row is a Silver row, a quarantined row or a removed duplicate; the tables must
  // also hold exactly what the writes reported.
  const duplicates = bronzeRows - silverRows - quarantined;
  const balanced =
    duplicates >= 0 &&
    (!written.complete || written.rows === silverRows) &&
    (rejected.version === null || rejected.rowsWritten === quarantined);
  if (!balanced) {
    throw new ReconciliationError(
      `batch ${batchId} does not reconcile: bronze ${bronzeRows} rows, silver ${silverRows} (written ${written.rows}), ` +
        `quarantined ${quarantined} (written ${rejected.rowsWritten})`,
    );
  }

  const silverSeq = Number((await session.scalar(`SELECT coalesce(max(silver_seq), 0) FROM ops_reconciliation`)) ?? 0) + 1;
  await session.run(
    `CREATE OR REPLACE TEMP TABLE reconciliation_row AS SELECT $batch::VARCHAR AS batch_id, $seq::BIGINT AS silver_seq, ` +
      `$run::VARCHAR AS run_id, $bronze::BIGINT AS bronze_rows, $silver::BIGINT AS silver_rows, ` +
      `$quarantined::BIGINT AS quarantined_rows, $duplicates::BIGINT AS duplicate_rows, $balanced::BOOLEAN AS balanced, ` +
      `$at::TIMESTAMPTZ AS recorded_at`,
    {
      batch: batchId,
      seq: silverSeq,
      run: ctx.runId,
      bronze: bronzeRows,
      silver: silverRows,
      quarantined,
      duplicates,
      balanced,
      at: ctx.effects.now().toISOString(),
    },
  );
  await lake.append(TABLES.reconciliation, 'SELECT * FROM reconciliation_row', {
    ...common,
    description: 'Per Bronze batch: bronze rows = silver rows + quarantined + duplicates removed.',
  });
  await lake.view('ops_reconciliation', TABLES.reconciliation);
  tick(BATCH_UNITS - 10 - ticked);
  return {
    batchId, silverSeq, bronzeRows, silverRows, quarantined, duplicates, balanced,
    ...(split ? { daySplit: split.how } : {}),
    seconds: secondsSince(start),
  };
}
