/**
 * Test data for the pipeline suites: REES46-format CSV files written from given lines, a faulty
 * file with one line per kind of fault, an independent computation of daily figures straight from
 * CSV text (no DuckDB, no SQL), and the independent Delta validator run on a table folder.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasShared, sharedPath } from './shared.js';

export const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'clicklake-'));
}

export function writeCsv(path: string, lines: readonly string[], header = HEADER): string {
  writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
  return path;
}

/** One line per fault the pipeline must keep and explain, plus good and duplicate lines. */
export const GOOD_LINE = '2019-10-02 10:00:00 UTC,view,1001,2053013555631882655,electronics.smartphone,Apple,100.50,7001,72d76fde-8bb3-4e00-8c23-a032dfed738c';
export const FAULT_LINES: { line: string | Buffer; reason: string }[] = [
  { line: '2019-10-02 10:00:01 UTC,view,1001,2053013555631882655,electronics.smartphone,apple,100.50', reason: 'malformed_line' },
  { line: '2019-10-02 10:00:02 UTC,view,1001,2053013555631882655,"electronics,apple,100.50,7001,x', reason: 'malformed_line' },
  { line: Buffer.concat([Buffer.from('2019-10-02 10:00:03 UTC,view,1001,2053013555631882655,,'), Buffer.from([0xff, 0xfe]), Buffer.from(',1.00,7001,')]), reason: 'malformed_line' },
  { line: '2019-10-02 10:00:04 UTC,click,1001,2053013555631882655,,apple,1.00,7001,', reason: 'bad_event_type' },
  { line: '2019-10-02 10:00:05 UTC,view,1001,2053013555631882655,,apple,-1.00,7001,', reason: 'negative_price' },
  { line: '2019-10-02 10:00:06 UTC,view,1001,2053013555631882655,,apple,1.00,7001,not-a-uuid', reason: 'bad_user_session' },
  { line: '2019-13-02 10:00:07 UTC,view,1001,2053013555631882655,,apple,1.00,7001,', reason: 'bad_event_time' },
  { line: '2019-10-02 10:00:08 UTC,view,-5,2053013555631882655,,apple,1.00,7001,', reason: 'bad_product_id' },
  { line: '2019-10-02 10:00:09 UTC,view,1001,2053013555631882655,,apple,abc,7001,', reason: 'bad_price' },
  { line: '2019-10-02 10:00:10 UTC,view,1001,2053013555631882655,,apple,1.00,,', reason: 'missing_user_id' },
];

/** A CSV with good lines, an exact duplicate, and every fault above. */
export function writeFaultyCsv(path: string): { goodDistinct: number; duplicates: number; faults: number } {
  const parts: Buffer[] = [Buffer.from(`${HEADER}\n${GOOD_LINE}\n${GOOD_LINE}\n`)];
  parts.push(Buffer.from('2019-10-02 11:00:00 UTC,purchase,1001,2053013555631882655,electronics.smartphone,apple,100.50,7001,72d76fde-8bb3-4e00-8c23-a032dfed738c\n'));
  for (const { line } of FAULT_LINES) parts.push(Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\n'));
  writeFileSync(path, Buffer.concat(parts));
  return { goodDistinct: 2, duplicates: 1, faults: FAULT_LINES.length };
}

/** The real REES46 head file's data lines, or undefined when the shared material is absent. */
export function realHeadLines(): string[] | undefined {
  if (!hasShared()) return undefined;
  const path = sharedPath('data', 'rees46-2019-oct-head.csv');
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return text.split('\n').slice(1).filter((l) => l.length > 0);
}

export interface DailyFigures {
  events: number;
  views: number;
  carts: number;
  purchases: number;
  revenueCents: number;
  activeUsers: number;
  sessions: number;
  buyers: number;
}

/**
 * Daily figures computed from CSV lines in plain TypeScript: exact duplicate lines count once,
 * money in integer cents. The lines must be well formed (no quotes), as the real head file is.
 */
export function independentDaily(lines: readonly string[]): Map<string, DailyFigures> {
  const distinct = new Set(lines);
  const acc = new Map<string, DailyFigures & { users: Set<string>; sessionSet: Set<string>; buyerSet: Set<string> }>();
  for (const line of distinct) {
    const [time, type, , , , , price, user, session] = line.split(',');
    const day = time!.slice(0, 10);
    let d = acc.get(day);
    if (!d) {
      d = { events: 0, views: 0, carts: 0, purchases: 0, revenueCents: 0, activeUsers: 0, sessions: 0, buyers: 0, users: new Set(), sessionSet: new Set(), buyerSet: new Set() };
      acc.set(day, d);
    }
    d.events++;
    if (type === 'view') d.views++;
    if (type === 'cart') d.carts++;
    if (type === 'purchase') {
      d.purchases++;
      const [whole, frac = ''] = price!.split('.');
      d.revenueCents += Number(whole) * 100 + Number(frac.padEnd(2, '0'));
      d.buyerSet.add(user!);
    }
    d.users.add(user!);
    if (session) d.sessionSet.add(session);
  }
  const out = new Map<string, DailyFigures>();
  for (const [day, d] of acc) {
    out.set(day, {
      events: d.events, views: d.views, carts: d.carts, purchases: d.purchases, revenueCents: d.revenueCents,
      activeUsers: d.users.size, sessions: d.sessionSet.size, buyers: d.buyerSet.size,
    });
  }
  return out;
}

export const GOLD_TABLES = [
  'fact_events', 'fact_sessions', 'dim_date', 'dim_category', 'dim_brand', 'dim_product', 'dim_user',
  'kpi_daily', 'funnel_daily', 'hourly_activity', 'product_performance', 'user_segments', 'cohort_retention',
];

/**
 * One read-only query that fingerprints every Gold table: its row count and the MD5 of its rows as
 * text, sorted. Two lakes with equal fingerprints hold the same Gold rows.
 */
export const GOLD_FINGERPRINT_SQL = GOLD_TABLES.map(
  (t) => `select '${t}' as table_name, count(*)::int as rows, md5(coalesce(string_agg(r::varchar, chr(10) order by r::varchar), '')) as digest from gold.${t} as r`,
).join(' union all ') + ' order by table_name';
