/**
 * One pipeline run: ingest new files to Bronze, promote new Bronze batches to Silver, rebuild the
 * Gold rows they touch, and record the run (steps, rows in and out, status, error) in
 * `ops.pipeline_runs`, whether it succeeded or not. Every step is idempotent, so a run with
 * nothing new writes no data and a failed run can simply be repeated.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Session } from '../engine/session.js';
import { Lake } from '../engine/lake.js';
import { silentEffects, type Effects } from '../effects.js';
import { listSourceFiles } from './inputs.js';
import { ingestBronze, type BronzeFileResult } from './bronze.js';
import { buildSilver, type SilverBatchResult } from './silver.js';
import { buildGold, type GoldResult } from './gold.js';
import type { QualityHook } from './quality-hook.js';
import { qualityGate } from '../quality/gate.js';
import { auditLake } from '../quality/audit.js';
import { QualityAuditError } from '../quality/errors.js';
import { TABLES, secondsSince, type StepContext } from './context.js';

/** Bounds DuckDB so a month of events runs within 4 GB of RSS (the process lands about 1.3 GB above it); larger work spills to the staging folder. */
export const DEFAULT_MEMORY_LIMIT = '2.5GB';

export interface RunOptions {
  lakeDir: string;
  /** Files or folders to ingest; none means: only promote what Bronze already holds. */
  inputs?: readonly string[];
  effects?: Effects;
  /** Checks each batch before promotion; default: the expectations beside the models (src/quality). */
  quality?: QualityHook;
  /** After Gold, when the run changed data: whole-table expectations and the Silver profile (default true). */
  audit?: boolean;
  threads?: number;
  /** DuckDB memory_limit, e.g. '2.5GB' (the default: a full month peaked at 4.3 GB RSS under 3GB). */
  memoryLimit?: string;
  /** Silver batches and Gold day tables with more rows are processed day by day (bounded memory); default 2,000,000. */
  dayByDayAbove?: number;
}

export interface StepMetric {
  /** `quality` is the gate's checks plus the end-of-run audit; silver and gold exclude the gate's time. */
  step: 'bronze' | 'silver' | 'gold' | 'quality';
  seconds: number;
  rowsIn: number;
  rowsOut: number;
}

export interface RunReport {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  seconds: number;
  status: 'succeeded' | 'failed';
  error?: string;
  bronze: BronzeFileResult[];
  silver: SilverBatchResult[];
  gold?: GoldResult;
  steps: StepMetric[];
  /** True when the run changed no data table. */
  nothingNew: boolean;
}

/** Runs the pipeline; never throws for a failed step (the report says), only for bad input files. */
export async function runPipeline(options: RunOptions): Promise<RunReport> {
  const effects = options.effects ?? silentEffects;
  const files = listSourceFiles(options.inputs ?? []);
  // Reads the lake's quality.json, so a bad one fails here, before any work.
  const gate = options.quality ? undefined : qualityGate(options.lakeDir, { effects });
  const gateSeconds = () => gate?.stats.seconds ?? 0;
  const stagingDir = join(options.lakeDir, '_staging', randomUUID());
  mkdirSync(stagingDir, { recursive: true });
  const session = await Session.open({
    threads: options.threads,
    memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    tempDirectory: join(stagingDir, 'spill'),
  });
  const startedAt = effects.now();
  const clock = performance.now();
  const runId = `${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const lake = new Lake(options.lakeDir, session);
  const ctx: StepContext = { session, lake, effects, runId, stagingDir, quality: options.quality ?? gate!, dayByDayAbove: options.dayByDayAbove };
  const report: RunReport = {
    runId,
    startedAt,
    finishedAt: startedAt,
    seconds: 0,
    status: 'succeeded',
    bronze: [],
    silver: [],
    steps: [],
    nothingNew: true,
  };
  try {
    let start = performance.now();
    report.bronze = await ingestBronze(ctx, files);
    const landed = report.bronze.reduce((sum, f) => sum + f.rows, 0);
    report.steps.push({ step: 'bronze', seconds: secondsSince(start), rowsIn: landed, rowsOut: landed });

    start = performance.now();
    let gated = gateSeconds();
    report.silver = await buildSilver(ctx);
    report.steps.push({
      step: 'silver',
      seconds: Math.round((secondsSince(start) - (gateSeconds() - gated)) * 10) / 10,
      rowsIn: report.silver.reduce((sum, b) => sum + b.bronzeRows, 0),
      rowsOut: report.silver.reduce((sum, b) => sum + b.silverRows, 0),
    });

    start = performance.now();
    gated = gateSeconds();
    report.gold = await buildGold(ctx);
    report.steps.push({
      step: 'gold',
      seconds: Math.round((secondsSince(start) - (gateSeconds() - gated)) * 10) / 10,
      rowsIn: report.steps[1]!.rowsOut,
      rowsOut: report.gold.tables.reduce((sum, t) => sum + t.rowsWritten, 0),
    });

    const changed = report.silver.length > 0 || report.gold.tables.some((t) => t.status === 'written');
    if (options.audit !== false && changed) {
      start = performance.now();
      const audit = await auditLake(lake, runId, { effects });
      report.steps.push({ step: 'quality', seconds: Math.round((secondsSince(start) + gateSeconds()) * 10) / 10, rowsIn: 0, rowsOut: audit.results.length });
      if (audit.errors.length > 0) throw new QualityAuditError(audit.errors);
    }
  } catch (error) {
    report.status = 'failed';
    report.error = error instanceof Error ? error.message : String(error);
  }
  report.nothingNew =
    report.bronze.every((f) => f.status !== 'ingested') &&
    report.silver.length === 0 &&
    (report.gold?.tables.every((t) => t.status !== 'written') ?? true);
  report.finishedAt = effects.now();
  report.seconds = secondsSince(clock);
  try {
    await recordRun(ctx, report);
  } finally {
    session.close();
    rmSync(stagingDir, { recursive: true, force: true });
  }
  return report;
}

async function recordRun(ctx: StepContext, report: RunReport): Promise<void> {
  const steps = Object.fromEntries(report.steps.map((s) => [s.step, s]));
  const silverTotals = report.silver.reduce(
    (acc, b) => ({ q: acc.q + b.quarantined, d: acc.d + b.duplicates }),
    { q: 0, d: 0 },
  );
  await ctx.session.run(
    `CREATE OR REPLACE TEMP TABLE run_row AS SELECT $run::VARCHAR AS run_id, $started::TIMESTAMPTZ AS started_at, ` +
      `$finished::TIMESTAMPTZ AS finished_at, $seconds::DOUBLE AS seconds, $status::VARCHAR AS status, ` +
      `$error::VARCHAR AS error, $filesSeen::BIGINT AS files_seen, $filesIngested::BIGINT AS files_ingested, ` +
      `$bronzeIn::BIGINT AS bronze_rows_in, $bronzeOut::BIGINT AS bronze_rows_out, ` +
      `$silverIn::BIGINT AS silver_rows_in, $silverOut::BIGINT AS silver_rows_out, ` +
      `$quarantined::BIGINT AS quarantined_rows, $duplicates::BIGINT AS duplicate_rows, ` +
      `$goldOut::BIGINT AS gold_rows_written, $goldTables::BIGINT AS gold_tables_written, $steps::VARCHAR AS steps`,
    {
      run: report.runId,
      started: report.startedAt.toISOString(),
      finished: report.finishedAt.toISOString(),
      seconds: report.seconds,
      status: report.status,
      error: report.error ?? null,
      filesSeen: report.bronze.length,
      filesIngested: report.bronze.filter((f) => f.status === 'ingested').length,
      bronzeIn: steps.bronze?.rowsIn ?? 0,
      bronzeOut: steps.bronze?.rowsOut ?? 0,
      silverIn: steps.silver?.rowsIn ?? 0,
      silverOut: steps.silver?.rowsOut ?? 0,
      quarantined: silverTotals.q,
      duplicates: silverTotals.d,
      goldOut: steps.gold?.rowsOut ?? 0,
      goldTables: report.gold?.tables.filter((t) => t.status === 'written').length ?? 0,
      steps: JSON.stringify(report.steps),
    },
  );
  await ctx.lake.append(TABLES.pipelineRuns, 'SELECT * FROM run_row', {
    operationParameters: { runId: report.runId, status: report.status },
    description: 'One row per pipeline run: timing, rows in and out per step, status, error.',
  });
}
