/**
 * Where each fault the generator can inject (`clicklake generate --faults`) shows up in the lake,
 * and a count of each from the lake's tables alone. The map is total over FAULT_KINDS (the
 * compiler checks it), so a new fault kind cannot be added without saying how it is caught:
 *
 * - malformed lines stay in Bronze with `_parse_error` (and reach silver.quarantine as
 *   `malformed_line`): wrong field counts, broken quoting, invalid UTF-8;
 * - rows that parse but break a Silver rule are quarantined with a reason code;
 * - exact copies are removed by Silver's dedupe and counted in ops.reconciliation;
 * - a well-formed timestamp in a month that holds almost none of its file's rows is quarantined
 *   as `event_time_outside_period`;
 * - a late (out-of-order) event is one whose timestamp is earlier than the newest in-month
 *   timestamp on an earlier line of its file.
 */
import { quoteIdent } from '../engine/session.js';
import type { Lake } from '../engine/lake.js';
import type { FaultKind } from '../generate/faults.js';

export type FaultSignal =
  | { table: 'bronze.events'; parseError: string }
  | { table: 'silver.quarantine'; reasons: readonly string[] }
  | { table: 'ops.reconciliation'; measure: 'duplicates_removed' }
  | { table: 'silver.events'; measure: 'late_events' };

export const FAULT_SIGNALS: Record<FaultKind, FaultSignal> = {
  too_few_fields: { table: 'bronze.events', parseError: 'wrong_field_count:8' },
  too_many_fields: { table: 'bronze.events', parseError: 'wrong_field_count:10' },
  broken_quoting: { table: 'bronze.events', parseError: 'bad_quote' },
  invalid_utf8: { table: 'bronze.events', parseError: 'invalid_utf8' },
  bad_timestamp: { table: 'silver.quarantine', reasons: ['bad_event_time'] },
  timestamp_outside_month: { table: 'silver.quarantine', reasons: ['event_time_outside_period'] },
  unknown_event_type: { table: 'silver.quarantine', reasons: ['bad_event_type'] },
  negative_price: { table: 'silver.quarantine', reasons: ['negative_price'] },
  non_numeric_price: { table: 'silver.quarantine', reasons: ['bad_price'] },
  non_numeric_id: { table: 'silver.quarantine', reasons: ['bad_product_id', 'bad_user_id'] },
  missing_user_id: { table: 'silver.quarantine', reasons: ['missing_user_id'] },
  duplicate: { table: 'ops.reconciliation', measure: 'duplicates_removed' },
  late_event: { table: 'silver.events', measure: 'late_events' },
};

export interface FaultCounts {
  /** Per fault kind, what the lake shows. `duplicate` includes the source's natural duplicates. */
  counts: Record<FaultKind, number>;
  /** Every _parse_error value and quarantine reason with its count, for the report. */
  parseErrors: Record<string, number>;
  reasons: Record<string, number>;
}

/** Counts each fault kind's signal over the whole lake. */
export async function detectFaults(lake: Lake): Promise<FaultCounts> {
  const { session } = lake;
  const parseErrors: Record<string, number> = {};
  if (await lake.view('faults_bronze', 'bronze.events')) {
    for (const r of await session.all(`SELECT _parse_error AS e, count(*) AS n FROM faults_bronze WHERE _parse_error IS NOT NULL GROUP BY 1`)) {
      parseErrors[String(r.e)] = Number(r.n);
    }
  }
  const reasons: Record<string, number> = {};
  if (await lake.view('faults_quarantine', 'silver.quarantine')) {
    for (const r of await session.all(`SELECT reason AS r, count(*) AS n FROM faults_quarantine GROUP BY 1`)) {
      reasons[String(r.r)] = Number(r.n);
    }
  }
  const duplicates = (await lake.view('faults_reconciliation', 'ops.reconciliation'))
    ? Number((await session.scalar('SELECT coalesce(sum(duplicate_rows), 0) FROM faults_reconciliation')) ?? 0)
    : 0;
  const late = (await lake.view('faults_silver', 'silver.events')) ? await lateEvents('faults_silver', lake) : 0;

  const counts = {} as Record<FaultKind, number>;
  for (const [kind, signal] of Object.entries(FAULT_SIGNALS) as [FaultKind, FaultSignal][]) {
    if ('parseError' in signal) counts[kind] = parseErrors[signal.parseError] ?? 0;
    else if ('reasons' in signal) counts[kind] = signal.reasons.reduce((n, r) => n + (reasons[r] ?? 0), 0);
    else if (signal.measure === 'duplicates_removed') counts[kind] = duplicates;
    else counts[kind] = late;
  }
  return { counts, parseErrors, reasons };
}

/**
 * Late rows: a timestamp earlier than the newest timestamp on an earlier line of the same file.
 * (Rows of a stray month never reach Silver: they are quarantined.)
 */
async function lateEvents(view: string, lake: Lake): Promise<number> {
  const v = quoteIdent(view);
  const [row] = await lake.session.all(`
    WITH ordered AS (
      SELECT event_time < max(event_time) OVER (
          PARTITION BY _source_file ORDER BY _source_line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS late
      FROM ${v}
    )
    SELECT count(*) AS late FROM ordered WHERE late`);
  return Number(row?.late ?? 0);
}
