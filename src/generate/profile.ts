/**
 * Measures a REES46-format file (csv, csv.gz or parquet) against the real month's figures: each
 * figure real, generated and its deviation, with the limit the generator is held to (2% relative;
 * 0.5 percentage points for each hour's share of events). Entity counts are compared with the
 * scaling rule's value for the file's size, sums with the real month's scaled by rows; shares and
 * means as they are. DuckDB does the counting, in three scans of the file.
 */
import { existsSync } from 'node:fs';
import { quoteString, Session } from '../engine/session.js';
import { reference } from './assets.js';
import { ProfileInputError } from './errors.js';
import { targetsFor } from './scale.js';

export interface Figure {
  name: string;
  real: number;
  generated: number;
  /** Relative deviation (fraction) or, for kind 'pp', the difference in percentage points. */
  deviation: number;
  kind: 'relative' | 'pp' | 'info';
  limit: number;
  ok: boolean;
}

export interface ProfileOptions {
  threads?: number;
  memoryLimit?: string;
}

const CSV_COLUMNS = `{'event_time': 'VARCHAR', 'event_type': 'VARCHAR', 'product_id': 'BIGINT', 'category_id': 'VARCHAR', 'category_code': 'VARCHAR', 'brand': 'VARCHAR', 'price': 'DOUBLE', 'user_id': 'BIGINT', 'user_session': 'VARCHAR'}`;

function source(file: string): string {
  if (file.endsWith('.parquet')) {
    return `(SELECT strftime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS event_time, event_type, product_id, CAST(category_id AS VARCHAR) AS category_id, category_code, brand, CAST(price AS DOUBLE) AS price, user_id, user_session FROM read_parquet(${quoteString(file)}))`;
  }
  return `read_csv(${quoteString(file)}, header = true, auto_detect = false, delim = ',', quote = '"', columns = ${CSV_COLUMNS})`;
}

export async function profileFile(file: string, options: ProfileOptions = {}): Promise<{ rows: number; figures: Figure[] }> {
  if (!existsSync(file)) throw new ProfileInputError(file, 'no such file');
  const session = await Session.open({ threads: options.threads, memoryLimit: options.memoryLimit ?? '3GB' });
  try {
    const src = source(file);
    let rows: Record<string, unknown>;
    let sessions: Record<string, unknown>;
    let hours: { h: number; n: number }[];
    try {
      [rows] = (await session.all(`
        SELECT count(*)::DOUBLE AS rows,
          count(*) FILTER (event_type = 'view')::DOUBLE AS views,
          count(*) FILTER (event_type = 'cart')::DOUBLE AS carts,
          count(*) FILTER (event_type = 'purchase')::DOUBLE AS purchases,
          count(DISTINCT user_id)::DOUBLE AS users,
          count(DISTINCT product_id)::DOUBLE AS products,
          count(DISTINCT category_id)::DOUBLE AS category_ids,
          count(DISTINCT brand)::DOUBLE AS brands,
          count(*) FILTER (category_code IS NULL)::DOUBLE AS null_code,
          count(*) FILTER (brand IS NULL)::DOUBLE AS null_brand,
          count(DISTINCT user_id) FILTER (event_type = 'purchase')::DOUBLE AS buyers,
          coalesce(sum(price) FILTER (event_type = 'purchase'), 0)::DOUBLE AS revenue,
          coalesce(sum(price) FILTER (event_type = 'purchase' AND category_code = 'electronics.smartphone'), 0)::DOUBLE AS phone_revenue,
          count(*) FILTER (brand = 'samsung')::DOUBLE AS samsung,
          count(*) FILTER (brand = 'apple')::DOUBLE AS apple,
          count(*) FILTER (brand = 'xiaomi')::DOUBLE AS xiaomi,
          count(*) FILTER (brand = 'huawei')::DOUBLE AS huawei,
          count(*) FILTER (price = 0)::DOUBLE AS zero_price,
          avg(price)::DOUBLE AS mean_price
        FROM ${src}`)) as [Record<string, unknown>];
      hours = await session.all<{ h: number; n: number }>(
        `SELECT CAST(substr(event_time, 12, 2) AS INTEGER) AS h, count(*)::DOUBLE AS n FROM ${src} GROUP BY h ORDER BY h`,
      );
      [sessions] = (await session.all(`
        WITH per_session AS (
          SELECT user_session, count(*) AS n, bool_or(event_type = 'purchase') AS bought,
            date_diff('second', min(strptime(event_time, '%Y-%m-%d %H:%M:%S UTC')), max(strptime(event_time, '%Y-%m-%d %H:%M:%S UTC'))) AS seconds
          FROM ${src} WHERE user_session IS NOT NULL GROUP BY user_session)
        SELECT count(*)::DOUBLE AS sessions, avg(n)::DOUBLE AS mean_events, median(n)::DOUBLE AS median_events,
          count(*) FILTER (bought)::DOUBLE AS purchase_sessions, avg(seconds)::DOUBLE AS mean_seconds,
          median(seconds)::DOUBLE AS median_seconds
        FROM per_session`)) as [Record<string, unknown>];
      const [dups] = await session.all(`
        SELECT (count(*) - count(DISTINCT hash(event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session)))::DOUBLE AS duplicates
        FROM ${src}`);
      rows = { ...rows, ...dups };
    } catch (error) {
      throw new ProfileInputError(file, (error as Error).message.split('\n')[0] ?? 'unreadable');
    }
    return { rows: Number(rows.rows), figures: figures(rows, sessions, hours) };
  } finally {
    session.close();
  }
}

function figures(r: Record<string, unknown>, s: Record<string, unknown>, hours: { h: number; n: number }[]): Figure[] {
  const ref = reference();
  const n = (x: unknown) => Number(x ?? 0);
  const rows = n(r.rows);
  const t = targetsFor(rows);
  const scale = rows / ref.rows;
  const out: Figure[] = [];
  const add = (name: string, real: number, generated: number, kind: Figure['kind'] = 'relative', limit = 0.02) => {
    const deviation = kind === 'pp' ? (generated - real) * 100 : real === 0 ? (generated === 0 ? 0 : 1) : (generated - real) / real;
    out.push({ name, real, generated, deviation, kind, limit, ok: kind === 'info' || Math.abs(deviation) <= limit });
  };
  add('view share', ref.eventTypes.view / ref.rows, n(r.views) / rows);
  add('cart share', ref.eventTypes.cart / ref.rows, n(r.carts) / rows);
  add('purchase share', ref.eventTypes.purchase / ref.rows, n(r.purchases) / rows);
  add('distinct users', t.users, n(r.users));
  add('distinct sessions', t.sessions, n(s.sessions));
  add('distinct products', t.products, n(r.products));
  add('distinct category ids', t.categoryIds, n(r.category_ids));
  add('distinct brands', t.brands, n(r.brands));
  add('category_code null rate', ref.nulls.categoryCode / ref.rows, n(r.null_code) / rows);
  add('brand null rate', ref.nulls.brand / ref.rows, n(r.null_brand) / rows);
  add('duplicate line rate', ref.duplicateLines / ref.rows, n(r.duplicates) / rows);
  add('share of users who buy', ref.buyers / ref.distinct.users, n(r.buyers) / Math.max(1, n(r.users)));
  add('share of sessions with a purchase', ref.purchaseSessions / ref.distinct.sessions, n(s.purchase_sessions) / Math.max(1, n(s.sessions)));
  add('mean events per session', (rows - t.nullSessionRows) / t.sessions, n(s.mean_events));
  add('median events per session', ref.eventsPerSession.median, n(s.median_events));
  add('purchase revenue', ref.revenue * scale, n(r.revenue));
  add('mean purchase price', ref.meanPurchasePrice, n(r.revenue) / Math.max(1, n(r.purchases)));
  for (const brand of ['samsung', 'apple', 'xiaomi', 'huawei'] as const) {
    add(`${brand} share of events`, ref.brandEvents[brand] / ref.rows, n(r[brand]) / rows);
  }
  add('smartphone revenue share', ref.smartphoneRevenueShare, n(r.phone_revenue) / Math.max(1e-9, n(r.revenue)));
  add('mean price (all events)', ref.price.mean, n(r.mean_price), 'info');
  add('zero-price row rate', ref.price.zeroRows / ref.rows, n(r.zero_price) / rows, 'info');
  add('mean session duration (s)', ref.sessionDurationSeconds.mean, n(s.mean_seconds), 'info');
  add('median session duration (s)', ref.sessionDurationSeconds.median, n(s.median_seconds), 'info');
  const byHour = new Map(hours.map((h) => [Number(h.h), Number(h.n)]));
  ref.hourShares.forEach((share, h) => {
    const published = ref.hourSharesPublished.includes(h) ? '' : ' (interpolated)';
    add(`hour ${String(h).padStart(2, '0')} share${published}`, share, (byHour.get(h) ?? 0) / rows, 'pp', 0.5);
  });
  return out;
}

/** The figures as a fixed-width text table. */
export function formatProfile(rows: number, figures: Figure[]): string {
  const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(5));
  const lines = [`${rows} rows`, `${'figure'.padEnd(40)} ${'real'.padStart(14)} ${'generated'.padStart(14)} ${'deviation'.padStart(10)}  within`];
  for (const f of figures) {
    const dev = f.kind === 'pp' ? `${f.deviation >= 0 ? '+' : ''}${f.deviation.toFixed(2)} pp` : `${f.deviation >= 0 ? '+' : ''}${(f.deviation * 100).toFixed(2)}%`;
    const within = f.kind === 'info' ? '(info)' : f.ok ? 'yes' : `NO (limit ${f.kind === 'pp' ? `${f.limit} pp` : `${f.limit * 100}%`})`;
    lines.push(`${f.name.padEnd(40)} ${fmt(f.real).padStart(14)} ${fmt(f.generated).padStart(14)} ${dev.padStart(10)}  ${within}`);
  }
  return lines.join('\n');
}
