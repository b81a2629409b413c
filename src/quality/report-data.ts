/**
 * Everything `clicklake quality` prints and the HTML report shows, read from the lake's tables:
 * the latest verdict per table and expectation, runs over time, quarantine reasons with samples,
 * per-batch reconciliation and the latest column profiles. Read-only; absent tables read as empty.
 */
import type { Lake } from '../engine/lake.js';
import { RESULTS_TABLE, PROFILES_TABLE } from './store.js';
import { QualityError } from './errors.js';

export interface LatestResult {
  runId: string;
  checkedAt: string;
  layer: string;
  table: string;
  tableVersion: number | null;
  batchId: string | null;
  scope: string;
  expectation: string;
  kind: string;
  severity: string;
  passed: boolean;
  observed: number | null;
  threshold: string;
  failingRows: number;
  totalRows: number | null;
  sample: string[];
}

export interface RunSummary {
  runId: string;
  checkedAt: string;
  checks: number;
  failedErrors: number;
  failedWarnings: number;
}

export interface TrendPoint {
  runId: string;
  checkedAt: string;
  observed: number | null;
  passed: boolean;
}

export interface ReportData {
  lakeDir: string;
  generatedAt: string;
  latest: LatestResult[];
  runs: RunSummary[];
  trends: { table: string; expectation: string; points: TrendPoint[] }[];
  quarantine: { reason: string; rows: number; samples: { file: string; line: number; raw: string }[] }[];
  reconciliation: { batchId: string; bronze: number; silver: number; quarantined: number; duplicates: number; balanced: boolean }[];
  profiles: {
    table: string; column: string; type: string; rows: number; nulls: number; nullRate: number; distinct: number; distinctIsApprox: boolean;
    min: string | null; max: string | null; topValues: { value: string; count: number }[];
  }[];
  tables: { name: string; version: number; rows: number | null }[];
}

/** Thrown when the lake has no quality results yet. */
export class NoQualityResultsError extends QualityError {}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The latest result per table and expectation (a failure wins a tie within one check). */
export async function latestResults(lake: Lake): Promise<LatestResult[]> {
  if (!(await lake.view('quality_report_results', RESULTS_TABLE))) {
    throw new NoQualityResultsError(`no quality results in ${lake.dir}: run \`clicklake run\` first (${RESULTS_TABLE} does not exist)`);
  }
  const rows = await lake.session.all(`
    SELECT * FROM quality_report_results
    QUALIFY row_number() OVER (PARTITION BY table_name, expectation ORDER BY checked_at DESC, passed, batch_id DESC) = 1
    ORDER BY layer = 'gold', layer = 'silver', layer = 'bronze', table_name, scope, expectation`);
  return rows.map((r) => ({
    runId: String(r.run_id),
    checkedAt: (r.checked_at as Date).toISOString(),
    layer: String(r.layer),
    table: String(r.table_name),
    tableVersion: num(r.table_version),
    batchId: (r.batch_id as string | null) ?? null,
    scope: String(r.scope),
    expectation: String(r.expectation),
    kind: String(r.kind),
    severity: String(r.severity),
    passed: Boolean(r.passed),
    observed: num(r.observed_value),
    threshold: String(r.threshold),
    failingRows: Number(r.failing_rows),
    totalRows: num(r.total_rows),
    sample: ((r.sample_keys as string[] | null) ?? []).map(String),
  }));
}

export async function reportData(lake: Lake, now: Date): Promise<ReportData> {
  const latest = await latestResults(lake);
  const { session } = lake;
  const runs = (await session.all(`
    SELECT run_id, min(checked_at) AS first_at, count(*) AS checks,
      count(*) FILTER (WHERE NOT passed AND severity = 'error') AS errors,
      count(*) FILTER (WHERE NOT passed AND severity = 'warn') AS warnings
    FROM quality_report_results GROUP BY run_id ORDER BY first_at`)).map((r) => ({
    runId: String(r.run_id), checkedAt: (r.first_at as Date).toISOString(), checks: Number(r.checks),
    failedErrors: Number(r.errors), failedWarnings: Number(r.warnings),
  }));
  // One point per run: the worst batch of that run for batch rules.
  const trendRows = await session.all(`
    SELECT table_name, expectation, run_id, min(checked_at) AS first_at, max(observed_value) AS observed, bool_and(passed) AS passed
    FROM quality_report_results GROUP BY ALL ORDER BY table_name, expectation, first_at`);
  const trends = new Map<string, { table: string; expectation: string; points: TrendPoint[] }>();
  for (const r of trendRows) {
    const key = `${r.table_name}\u0000${r.expectation}`;
    if (!trends.has(key)) trends.set(key, { table: String(r.table_name), expectation: String(r.expectation), points: [] });
    trends.get(key)!.points.push({ runId: String(r.run_id), checkedAt: (r.first_at as Date).toISOString(), observed: num(r.observed), passed: Boolean(r.passed) });
  }
  return {
    lakeDir: lake.dir,
    generatedAt: now.toISOString(),
    latest,
    runs,
    trends: [...trends.values()],
    quarantine: await quarantineReasons(lake),
    reconciliation: await reconciliation(lake),
    profiles: await latestProfiles(lake),
    tables: await tableList(lake),
  };
}

async function quarantineReasons(lake: Lake): Promise<ReportData['quarantine']> {
  if (!(await lake.view('quality_report_quarantine', 'silver.quarantine'))) return [];
  const rows = await lake.session.all(`
    SELECT reason, count(*) AS n,
      list({'file': _source_file, 'line': _source_line, 'raw': coalesce(_raw_line, concat_ws(',', event_time, event_type,
        product_id, category_id, category_code, brand, price, user_id, user_session))} ORDER BY _source_file, _source_line)[1:5] AS samples
    FROM quality_report_quarantine GROUP BY reason ORDER BY n DESC, reason`);
  return rows.map((r) => ({
    reason: String(r.reason),
    rows: Number(r.n),
    samples: (r.samples as { file: string; line: bigint | number; raw: string }[]).map((s) => ({ file: s.file, line: Number(s.line), raw: s.raw })),
  }));
}

async function reconciliation(lake: Lake): Promise<ReportData['reconciliation']> {
  if (!(await lake.view('quality_report_reconciliation', 'ops.reconciliation'))) return [];
  const rows = await lake.session.all(`SELECT * FROM quality_report_reconciliation ORDER BY silver_seq`);
  return rows.map((r) => ({
    batchId: String(r.batch_id), bronze: Number(r.bronze_rows), silver: Number(r.silver_rows),
    quarantined: Number(r.quarantined_rows), duplicates: Number(r.duplicate_rows), balanced: Boolean(r.balanced),
  }));
}

async function latestProfiles(lake: Lake): Promise<ReportData['profiles']> {
  if (!(await lake.view('quality_report_profiles', PROFILES_TABLE))) return [];
  const rows = await lake.session.all(`
    SELECT * FROM quality_report_profiles
    QUALIFY profiled_at = max(profiled_at) OVER (PARTITION BY table_name) ORDER BY table_name, column_name`);
  return rows.map((r) => ({
    table: String(r.table_name), column: String(r.column_name), type: String(r.column_type), rows: Number(r.row_count),
    nulls: Number(r.null_count), nullRate: Number(r.null_rate), distinct: Number(r.distinct_count), distinctIsApprox: Boolean(r.distinct_is_approx),
    min: (r.min_value as string | null) ?? null, max: (r.max_value as string | null) ?? null,
    topValues: ((r.top_values as { value: string; count: bigint }[] | null) ?? []).map((t) => ({ value: t.value, count: Number(t.count) })),
  }));
}

async function tableList(lake: Lake): Promise<ReportData['tables']> {
  const out: ReportData['tables'] = [];
  for (const name of lake.tableNames()) {
    const info = await lake.info(name);
    if (info) out.push({ name, version: info.version, rows: info.rows });
  }
  return out;
}
