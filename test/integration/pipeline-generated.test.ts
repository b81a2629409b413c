// The pipeline on a generated month with injected faults (clicklake generate --faults): every
// fault the generator lists is quarantined or kept as a valid late event, Gold daily figures equal
// a plain TypeScript computation over the CSV text, and the file cut into three parts run one by
// one gives the same Gold tables as the whole file in one run.
import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { GOLD_FINGERPRINT_SQL, GOLD_TABLES, HEADER, independentDaily, tempDir } from '../helpers/pipeline-data.js';

/** Fault kinds that are not events of the file's period; the others (late, duplicate) are valid rows. */
const REJECTED_KINDS = new Set([
  'too_few_fields', 'too_many_fields', 'broken_quoting', 'invalid_utf8', 'bad_timestamp', 'timestamp_outside_month', 'unknown_event_type',
  'negative_price', 'non_numeric_price', 'non_numeric_id', 'missing_user_id',
]);

async function query(lake: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json']);
  expect(result.stderr, sql).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

describe('clicklake run on a generated month with faults', () => {
  const dir = tempDir();
  const file = join(dir, 'month.csv');
  const full = join(dir, 'full');
  const incremental = join(dir, 'incremental');
  let lines: string[] = [];
  let rejectedLines = new Set<number>();

  beforeAll(async () => {
    const gen = await runCli(['generate', '--out', file, '--events', '20000', '--seed', '7', '--faults', '0.003', '--threads', '0']);
    expect(gen.code, gen.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(`${file}.faults.json`, 'utf8')) as { faults: { kind: string; line: number }[] };
    rejectedLines = new Set(manifest.faults.filter((f) => REJECTED_KINDS.has(f.kind)).map((f) => f.line));
    expect(rejectedLines.size).toBeGreaterThan(5);
    lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.length > 0);
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    const cuts = [0, 6000, 13500, lines.length];
    for (let i = 0; i < 3; i++) {
      // Slice the raw bytes' lines so invalid UTF-8 survives the cut.
      const raw = readFileSync(file).toString('latin1').split('\n').slice(1).filter((l) => l.length > 0);
      writeFileSync(join(parts, `part-${i}.csv`), Buffer.from(`${HEADER}\n${raw.slice(cuts[i], cuts[i + 1]).join('\n')}\n`, 'latin1'));
    }
  });

  it('quarantines exactly the rejected faults and reconciles', async () => {
    expect((await runCli(['run', file, '--lake', full, '--threads', '1'])).code).toBe(0);
    const q = await query(full, 'select _source_line::int as line from silver.quarantine order by 1');
    expect(new Set(q.map((r) => Number(r.line)))).toEqual(rejectedLines);
    const rec = await query(full, 'select bronze_rows::int b, silver_rows::int s, quarantined_rows::int q, duplicate_rows::int d, balanced from ops.reconciliation');
    expect(rec[0]!.b).toBe(lines.length);
    expect(rec[0]!.q).toBe(rejectedLines.size);
    expect(Number(rec[0]!.s) + Number(rec[0]!.q) + Number(rec[0]!.d)).toBe(lines.length);
    expect(rec[0]!.balanced).toBe(true);
  });

  it('gold.kpi_daily equals a TypeScript computation over the clean lines', async () => {
    const clean = lines.filter((_, i) => !rejectedLines.has(i + 2));
    const expected = independentDaily(clean);
    const rows = await query(full, "select strftime(event_date, '%Y-%m-%d') as d, events::int as events, views::int as views, carts::int as carts, purchases::int as purchases, (revenue * 100)::bigint::int as cents, active_users::int as users, sessions::int as sessions, buyers::int as buyers from gold.kpi_daily order by d");
    expect(rows.map((r) => r.d)).toEqual([...expected.keys()].sort());
    for (const row of rows) {
      const e = expected.get(String(row.d))!;
      expect(row, String(row.d)).toEqual({ d: row.d, events: e.events, views: e.views, carts: e.carts, purchases: e.purchases, cents: e.revenueCents, users: e.activeUsers, sessions: e.sessions, buyers: e.buyers });
    }
  });

  it('gold.fact_sessions equals a TypeScript computation over silver.events, sessions across midnight included', async () => {
    const events = await query(
      full,
      "select user_session as s, user_id::varchar as u, epoch(event_time)::bigint::int as t, strftime(event_date, '%Y-%m-%d') as d, " +
        'event_type as e, product_id::varchar as p, (price * 100)::bigint::int as c from silver.events where user_session is not null',
    );
    interface Session { user: bigint; start: number; end: number; days: Set<string>; firstDay: string; counts: Record<string, number>; products: Set<string>; cents: number; n: number }
    const expected = new Map<string, Session>();
    for (const r of events) {
      const t = Number(r.t);
      const day = String(r.d);
      const user = BigInt(String(r.u));
      let s = expected.get(String(r.s));
      if (!s) {
        s = { user, start: t, end: t, days: new Set(), firstDay: day, counts: {}, products: new Set(), cents: 0, n: 0 };
        expected.set(String(r.s), s);
      }
      if (user < s.user) s.user = user;
      if (t < s.start) [s.start, s.firstDay] = [t, day];
      s.end = Math.max(s.end, t);
      s.days.add(day);
      s.counts[String(r.e)] = (s.counts[String(r.e)] ?? 0) + 1;
      s.products.add(String(r.p));
      if (r.e === 'purchase') s.cents += Number(r.c);
      s.n++;
    }
    expect([...expected.values()].filter((s) => s.days.size > 1).length).toBeGreaterThan(0);
    const rows = await query(
      full,
      "select session_id as s, user_id::varchar as u, epoch(session_start)::bigint::int as start, epoch(session_end)::bigint::int as fin, strftime(session_date, '%Y-%m-%d') as d, " +
        'duration_seconds::int as dur, events::int as n, views::int as v, carts::int as c, removes::int as r, purchases::int as p, distinct_products::int as dp, ' +
        '(revenue * 100)::bigint::int as cents, funnel_stage as stage, converted, bounced from gold.fact_sessions',
    );
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const s = expected.get(String(row.s))!;
      const purchases = s.counts.purchase ?? 0;
      const stage = purchases > 0 ? 'purchase' : (s.counts.cart ?? 0) > 0 ? 'cart' : (s.counts.view ?? 0) > 0 ? 'view' : 'other';
      expect(row, String(row.s)).toEqual({
        s: row.s, u: String(s.user), start: s.start, fin: s.end, d: s.firstDay, dur: s.end - s.start,
        n: s.n, v: s.counts.view ?? 0, c: s.counts.cart ?? 0, r: s.counts.remove_from_cart ?? 0, p: purchases, dp: s.products.size,
        cents: s.cents, stage, converted: purchases > 0, bounced: s.n === 1,
      });
    }
  });

  it('three parts run one by one give the same Gold tables as the whole file', async () => {
    for (let i = 0; i < 3; i++) {
      const result = await runCli(['run', join(dir, 'parts', `part-${i}.csv`), '--lake', incremental, '--threads', '1']);
      expect(result.code, result.stderr).toBe(0);
    }
    const [a, b] = [await query(full, GOLD_FINGERPRINT_SQL), await query(incremental, GOLD_FINGERPRINT_SQL)];
    expect(a.map((r) => r.table_name)).toEqual([...GOLD_TABLES].sort());
    expect(b).toEqual(a);
  });
});
