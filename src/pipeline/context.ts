/**
 * What every pipeline step receives: the DuckDB session, the lake, the run's id and clock, a
 * scratch folder for staging files, effects for progress and logs, and the quality hook that may
 * stop a batch from being promoted.
 */
import type { Session } from '../engine/session.js';
import type { Lake } from '../engine/lake.js';
import type { Effects } from '../effects.js';
import type { QualityHook } from './quality-hook.js';

export interface StepContext {
  session: Session;
  lake: Lake;
  effects: Effects;
  runId: string;
  /** Scratch folder for staging files; removed by the runner. */
  stagingDir: string;
  quality: QualityHook;
  /** Silver batches and Gold day tables with more rows are processed one day at a time (default 2,000,000). */
  dayByDayAbove?: number;
}

/** Table names, as users see them (`layer.name`). */
export const TABLES = {
  bronzeEvents: 'bronze.events',
  silverEvents: 'silver.events',
  silverQuarantine: 'silver.quarantine',
  reconciliation: 'ops.reconciliation',
  pipelineRuns: 'ops.pipeline_runs',
} as const;

/** Gold tables in build order: later models read earlier ones. */
export const GOLD_TABLES = [
  'fact_events',
  'fact_sessions',
  'dim_date',
  'dim_category',
  'dim_brand',
  'dim_product',
  'dim_user',
  'kpi_daily',
  'funnel_daily',
  'hourly_activity',
  'product_performance',
  'user_segments',
  'cohort_retention',
] as const;

export type GoldTable = (typeof GOLD_TABLES)[number];

/** Seconds since `start`, to one decimal. */
export function secondsSince(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}
