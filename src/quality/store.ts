/**
 * Quality kept as data: results go to `ops.quality_results` and column profiles to
 * `ops.column_profiles`, both Delta tables appended to once per check, so quality can be tracked
 * over runs and time travel shows what a past run saw. Rows are staged in a temp table with bound
 * values, then appended through the lake's Delta writer.
 */
import type { Lake } from '../engine/lake.js';
import type { ExpectationResult } from './run.js';
import type { ColumnProfile } from './profile.js';
import type { Scope } from './expectations.js';

export const RESULTS_TABLE = 'ops.quality_results';
export const PROFILES_TABLE = 'ops.column_profiles';

/** A result with where and when it was taken. */
export interface RecordedResult extends ExpectationResult {
  runId: string;
  checkedAt: Date;
  layer: string;
  /** The Delta version of the table the check read (for a gate: the version before the batch). */
  tableVersion: number | null;
  batchId: string | null;
  scope: Scope;
}

const RESULTS_COLUMNS = `run_id VARCHAR, checked_at TIMESTAMPTZ, layer VARCHAR, table_name VARCHAR, table_version BIGINT,
  batch_id VARCHAR, scope VARCHAR, expectation VARCHAR, kind VARCHAR, severity VARCHAR, passed BOOLEAN,
  observed_value DOUBLE, threshold VARCHAR, failing_rows BIGINT, total_rows BIGINT, sample_keys VARCHAR[]`;

const PROFILE_COLUMNS = `run_id VARCHAR, profiled_at TIMESTAMPTZ, table_name VARCHAR, table_version BIGINT,
  column_name VARCHAR, column_type VARCHAR, row_count BIGINT, null_count BIGINT, null_rate DOUBLE,
  distinct_count BIGINT, distinct_is_approx BOOLEAN, min_value VARCHAR, max_value VARCHAR, top_values STRUCT("value" VARCHAR, "count" BIGINT)[]`;

/** Appends results to ops.quality_results (one Delta commit). */
export async function recordResults(lake: Lake, results: readonly RecordedResult[]): Promise<void> {
  if (results.length === 0) return;
  const { session } = lake;
  await session.run(`CREATE OR REPLACE TEMP TABLE quality_results_staged (${RESULTS_COLUMNS})`);
  for (const r of results) {
    await session.run(
      `INSERT INTO quality_results_staged VALUES (?, CAST(? AS TIMESTAMPTZ), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON)::VARCHAR[])`,
      [
        r.runId,
        r.checkedAt.toISOString(),
        r.layer,
        r.table,
        r.tableVersion,
        r.batchId,
        r.scope,
        r.expectation,
        r.kind,
        r.severity,
        r.passed,
        r.observed,
        r.threshold,
        r.failingRows,
        r.total,
        JSON.stringify(r.sample),
      ],
    );
  }
  await lake.append(RESULTS_TABLE, 'SELECT * FROM quality_results_staged', {
    description: 'Data quality results: one row per expectation checked, per table, batch and run.',
  });
  await session.run('DROP TABLE quality_results_staged');
}

/** Appends one table's column profiles to ops.column_profiles (one Delta commit). */
export async function recordProfiles(
  lake: Lake,
  stamp: { runId: string; at: Date; table: string; tableVersion: number | null },
  profiles: readonly ColumnProfile[],
): Promise<void> {
  if (profiles.length === 0) return;
  const { session } = lake;
  await session.run(`CREATE OR REPLACE TEMP TABLE column_profiles_staged (${PROFILE_COLUMNS})`);
  for (const p of profiles) {
    await session.run(
      `INSERT INTO column_profiles_staged VALUES (?, CAST(? AS TIMESTAMPTZ), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
        CAST(? AS JSON)::STRUCT("value" VARCHAR, "count" BIGINT)[])`,
      [
        stamp.runId,
        stamp.at.toISOString(),
        stamp.table,
        stamp.tableVersion,
        p.column,
        p.type,
        p.rows,
        p.nulls,
        p.nullRate,
        p.distinct,
        p.distinctIsApprox,
        p.min,
        p.max,
        JSON.stringify(p.topValues),
      ],
    );
  }
  await lake.append(PROFILES_TABLE, 'SELECT * FROM column_profiles_staged', {
    description: 'Column profiles of Silver: null rate, distinct count (exact, or HyperLogLog for key columns), min/max, top values.',
  });
  await session.run('DROP TABLE column_profiles_staged');
}
