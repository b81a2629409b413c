/**
 * The kpi_daily agreement check of `bench peers`. Every system's daily figures are brought to one
 * canonical form (the columns of peers/contract.ts, each as a decimal string, revenue in cents) and
 * compared exactly: a benchmark whose peers disagree on the answer measures nothing.
 */
import { spawnSync } from 'node:child_process';
import { Session, quoteString } from '../../src/engine/session.js';
import { KPI_COLUMNS } from '../peers/contract.js';
import { CLI } from './data.js';

export type KpiRow = Record<(typeof KPI_COLUMNS)[number], string>;

const CANONICAL_SELECT = KPI_COLUMNS.map((c) => (c === 'event_date' ? `strftime(event_date, '%Y-%m-%d') as event_date` : `(${c})::bigint::varchar as ${c}`)).join(', ');

/** kpi_daily as written by a peer (Parquet with the contract's columns). */
export async function readPeerKpi(file: string): Promise<KpiRow[]> {
  const session = await Session.open({ threads: 1 });
  try {
    return await session.json<KpiRow>(`select ${CANONICAL_SELECT} from read_parquet(${quoteString(file)}) order by event_date`);
  } finally {
    session.close();
  }
}

/** clicklake's gold.kpi_daily, read as a user would, through `clicklake query`. */
export function readClicklakeKpi(lakeDir: string): KpiRow[] {
  const sql =
    'select event_date, events, views, carts, removes, purchases, active_users, sessions, buyers, ' +
    '(revenue * 100)::bigint as revenue_cents from gold.kpi_daily';
  const wrapped = `select ${CANONICAL_SELECT} from (${sql}) order by event_date`;
  const result = spawnSync(process.execPath, [CLI, 'query', wrapped, '--lake', lakeDir, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`clicklake query of gold.kpi_daily failed: ${result.stderr.trim()}`);
  return (JSON.parse(result.stdout) as Record<string, unknown>[]).map((row) => {
    const out = {} as KpiRow;
    for (const c of KPI_COLUMNS) out[c] = String(row[c]);
    return out;
  });
}

/** Differences between two kpi_daily tables, as readable lines; empty when they agree exactly. */
export function compareKpi(expected: readonly KpiRow[], actual: readonly KpiRow[], limit = 5): string[] {
  const diffs: string[] = [];
  const byDay = new Map(actual.map((r) => [r.event_date, r]));
  for (const want of expected) {
    const got = byDay.get(want.event_date);
    byDay.delete(want.event_date);
    if (!got) {
      diffs.push(`${want.event_date}: missing`);
      continue;
    }
    for (const c of KPI_COLUMNS) {
      if (got[c] !== want[c]) diffs.push(`${want.event_date} ${c}: ${got[c]} instead of ${want[c]}`);
    }
  }
  for (const day of byDay.keys()) diffs.push(`${day}: a day clicklake does not have`);
  return diffs.length > limit ? [...diffs.slice(0, limit), `… ${diffs.length - limit} more`] : diffs;
}
