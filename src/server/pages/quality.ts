/**
 * Data quality: the latest run's verdicts from `ops.quality_results`, row counts through the
 * layers (from the Delta logs' file statistics, so no table scan), quarantine reasons, pass/fail
 * per run, and the latest column profiles from `ops.column_profiles`.
 */
import type { Catalog } from '../catalog.js';
import { num } from '../sql.js';
import type { QualityResponse } from '../types.js';

export const QUALITY_TABLES = ['ops.quality_results', 'ops.column_profiles', 'ops.reconciliation', 'silver.quarantine'];

const RECONCILED = [
  ['bronze.events', 'Bronze events'],
  ['silver.events', 'Silver events'],
  ['silver.quarantine', 'Quarantined'],
  ['gold.fact_events', 'Gold fact events'],
] as const;

const LATEST = `
  with latest as (select run_id from ops_quality_results order by checked_at desc limit 1)
  select layer, table_name, expectation, kind, severity, passed, observed_value, threshold, failing_rows, total_rows, checked_at
  from ops_quality_results where run_id = (select run_id from latest)
  order by passed, layer, table_name, expectation`;

const RUNS = `
  select run_id, min(checked_at) as started, count(*) filter (where passed) as passed, count(*) filter (where not passed) as failed, count(*) as total
  from ops_quality_results group by run_id order by started desc limit 30`;

const PROFILES = `
  with latest as (
    select table_name, max(profiled_at) as profiled from ops_column_profiles group by table_name
  )
  select p.table_name, p.column_name, p.null_rate, p.distinct_count, p.min_value, p.max_value
  from ops_column_profiles as p join latest as l on p.table_name = l.table_name and p.profiled_at = l.profiled
  order by p.table_name, p.column_name`;

const BATCHES = `
  select batch_id, run_id, recorded_at, bronze_rows, silver_rows, quarantined_rows, duplicate_rows, balanced
  from ops_reconciliation order by recorded_at desc, batch_id limit 50`;

const QUARANTINE = `select reason, count(*) as rows from silver_quarantine group by reason order by rows desc, reason`;

export async function quality(catalog: Catalog): Promise<QualityResponse> {
  const missing = catalog.missing(QUALITY_TABLES);
  const has = (t: string) => catalog.exists(t);
  const reconciliation: { stage: string; rows: number | null }[] = [];
  for (const [table, stage] of RECONCILED) {
    if (!has(table)) continue;
    const info = await catalog.lake.info(table);
    reconciliation.push({ stage, rows: info?.rows ?? null });
  }
  const verdicts = has('ops.quality_results') ? await catalog.query(LATEST) : [];
  const runs = has('ops.quality_results') ? await catalog.query(RUNS) : [];
  const profiles = has('ops.column_profiles') ? await catalog.query(PROFILES) : [];
  const quarantine = has('silver.quarantine') ? await catalog.query(QUARANTINE) : [];
  const batches = has('ops.reconciliation') ? await catalog.query(BATCHES) : [];
  const duplicates = batches.reduce((a, b) => a + Number(b.duplicate_rows ?? 0), 0);
  if (batches.length) reconciliation.splice(2, 0, { stage: 'Duplicates removed', rows: duplicates });
  return {
    ...(missing.length ? { missing } : {}),
    latestRun: verdicts[0] ? String(verdicts[0].checked_at) : null,
    verdicts: verdicts.map((v) => ({
      layer: (v.layer as string) ?? null,
      table: (v.table_name as string) ?? null,
      check: String(v.expectation),
      status: v.passed ? 'pass' : v.severity === 'warn' ? 'warn' : 'fail',
      observed: v.observed_value === null || v.observed_value === undefined ? null : readable(Number(v.observed_value)),
      expected: (v.threshold as string) ?? null,
      detail: `${String(v.kind)}, ${String(v.severity)}; ${v.failing_rows ?? 0} of ${v.total_rows ?? '?'} failing`,
    })),
    reconciliation,
    batches: batches.map((b) => ({
      batch: String(b.batch_id),
      run: String(b.run_id),
      recordedAt: b.recorded_at ? String(b.recorded_at) : null,
      bronze: num(b.bronze_rows),
      silver: num(b.silver_rows),
      quarantined: num(b.quarantined_rows),
      duplicates: num(b.duplicate_rows),
      balanced: Boolean(b.balanced),
    })),
    quarantine: quarantine.map((q) => ({ reason: String(q.reason), rows: num(q.rows) })),
    runs: runs.reverse().map((r) => ({ run: String(r.run_id), at: r.started ? String(r.started) : null, passed: num(r.passed), failed: num(r.failed), total: num(r.total) })),
    profiles: profiles.map((p) => ({
      table: String(p.table_name),
      column: String(p.column_name),
      nullFraction: num(p.null_rate),
      distinct: num(p.distinct_count),
      min: (p.min_value as string) ?? null,
      max: (p.max_value as string) ?? null,
    })),
  };
}

/** Ratios and differences to four significant digits; counts as they are. */
function readable(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
