// Gold tables against a TypeScript computation over silver.events, on real rows spread over two
// months (products change price): dim_product, dim_brand and dim_category after a first build,
// which folds Silver once for the three, and after an incremental run, which folds each one's
// scope; cohort_retention after both (weekly cohorts for October, monthly once November joins).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/pipeline-data.js';

async function query(lake: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json']);
  expect(result.stderr, sql).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

/** Compares the three dimensions with their computation over silver.events; returns how many products changed price. */
async function expectDimensionsMatchSilver(lake: string): Promise<{ priceChanges: number }> {
  // One row per event; the tie-break of a latest text value is DuckDB's hash, read per row.
  const events = (await query(
    lake,
    `select product_id::varchar p, category_id::varchar c, category_code code, brand, (price * 100)::bigint::int cents, event_type t,
       epoch_us(event_time)::varchar us, hash(coalesce(brand, ''))::varchar bh, hash(coalesce(category_code, ''))::varchar ch
     from silver.events`,
  )) as { p: string; c: string; code: string | null; brand: string | null; cents: number; t: string; us: string; bh: string; ch: string }[];
  expect(events.length).toBeGreaterThan(1000);
  // The latest value: greatest (time, tie-break) pair.
  const later = (a: [bigint, bigint], b: [bigint, bigint]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  type Latest<T> = { key: [bigint, bigint]; value: T };
  const pick = <T>(cur: Latest<T> | undefined, key: [bigint, bigint], value: T): Latest<T> => (!cur || later(key, cur.key) ? { key, value } : cur);
  const products = new Map<string, any>();
  const brands = new Map<string, any>();
  const categories = new Map<string, any>();
  for (const e of events) {
    const us = BigInt(e.us);
    const purchase = e.t === 'purchase' ? e.cents : 0;
    const count = (o: any) => {
      o.views += e.t === 'view' ? 1 : 0;
      o.carts += e.t === 'cart' ? 1 : 0;
      o.purchases += e.t === 'purchase' ? 1 : 0;
      o.revenue += purchase;
      o.first = o.first === undefined || us < o.first ? us : o.first;
      o.last = o.last === undefined || us > o.last ? us : o.last;
    };
    const p = products.get(e.p) ?? { views: 0, carts: 0, removes: 0, purchases: 0, revenue: 0, min: Infinity, max: -Infinity };
    count(p);
    p.removes += e.t === 'remove_from_cart' ? 1 : 0;
    p.min = Math.min(p.min, e.cents);
    p.max = Math.max(p.max, e.cents);
    p.category = pick(p.category, [us, BigInt(e.c)], e.c);
    p.brand = pick(p.brand, [us, BigInt(e.bh)], e.brand);
    p.price = pick(p.price, [us, BigInt(e.cents)], e.cents);
    products.set(e.p, p);
    if (e.brand !== null) {
      const b = brands.get(e.brand) ?? { views: 0, carts: 0, purchases: 0, revenue: 0, products: new Set<string>() };
      count(b);
      b.products.add(e.p);
      brands.set(e.brand, b);
    }
    const c = categories.get(e.c) ?? { events: 0, products: new Set<string>() };
    c.events++;
    c.products.add(e.p);
    c.code = pick(c.code, [us, BigInt(e.ch)], e.code);
    categories.set(e.c, c);
  }
  const dimProduct = await query(
    lake,
    `select product_id::varchar as p, category_id::varchar as c, brand, (last_price * 100)::bigint::int as price, (min_price * 100)::bigint::int as lo,
       (max_price * 100)::bigint::int as hi, views::int as views, carts::int as carts, removes::int as removes, purchases::int as purchases,
       (revenue * 100)::bigint::int as revenue, epoch_us(first_seen)::varchar as first, epoch_us(last_seen)::varchar as last from gold.dim_product`,
  );
  expect(dimProduct.length).toBe(products.size);
  for (const row of dimProduct) {
    const p = products.get(String(row.p));
    expect(row).toEqual({
      p: row.p, c: p.category.value, brand: p.brand.value, price: p.price.value, lo: p.min, hi: p.max, views: p.views, carts: p.carts,
      removes: p.removes, purchases: p.purchases, revenue: p.revenue, first: String(p.first), last: String(p.last),
    });
  }
  const dimBrand = await query(
    lake,
    `select brand, products::int as products, views::int as views, carts::int as carts, purchases::int as purchases, (revenue * 100)::bigint::int as revenue,
       epoch_us(first_seen)::varchar as first, epoch_us(last_seen)::varchar as last from gold.dim_brand`,
  );
  expect(dimBrand.length).toBe(brands.size);
  for (const row of dimBrand) {
    const b = brands.get(String(row.brand));
    expect(row).toEqual({
      brand: row.brand, products: b.products.size, views: b.views, carts: b.carts, purchases: b.purchases, revenue: b.revenue,
      first: String(b.first), last: String(b.last),
    });
  }
  const dimCategory = await query(lake, 'select category_id::varchar as c, category_code as code, events::int as events, products::int as products from gold.dim_category');
  expect(dimCategory.length).toBe(categories.size);
  for (const row of dimCategory) {
    const c = categories.get(String(row.c));
    expect(row).toEqual({ c: row.c, code: c.code.value, events: c.events, products: c.products.size });
  }
  return { priceChanges: [...products.values()].filter((p) => p.min !== p.max).length };
}

/** Compares gold.cohort_retention with its computation from silver.events; returns the grain. */
async function expectCohortsMatchSilver(lake: string): Promise<string> {
  const events = (await query(lake, `select user_id::varchar as u, user_session as s, strftime(event_time, '%Y-%m-%d %H:%M:%S') as t from silver.events`)) as {
    u: string;
    s: string | null;
    t: string;
  }[];
  const firstSeen = new Map<string, string>();
  // A session's user is its smallest user id and its date the day it starts.
  const sessions = new Map<string, { user: string; start: string }>();
  const smaller = (a: string, b: string) => (BigInt(a) < BigInt(b) ? a : b);
  for (const e of events) {
    const first = firstSeen.get(e.u);
    if (first === undefined || e.t < first) firstSeen.set(e.u, e.t);
    if (e.s === null) continue;
    const session = sessions.get(e.s);
    sessions.set(e.s, session ? { user: smaller(session.user, e.u), start: e.t < session.start ? e.t : session.start } : { user: e.u, start: e.t });
  }
  // Weekly cohorts (weeks start on Monday), monthly when the data spans more than 45 days.
  const day = (t: string) => Date.parse(`${t.slice(0, 10)}T00:00:00Z`) / 86_400_000;
  const times = events.map((e) => e.t).sort();
  const grain = day(times[times.length - 1]!) - day(times[0]!) > 45 ? 'month' : 'week';
  const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
  // 1970-01-01 was a Thursday: day 4 is a Monday.
  const periodStart = (t: string) => (grain === 'month' ? `${t.slice(0, 7)}-01` : iso(day(t) - ((((day(t) - 4) % 7) + 7) % 7)));
  const periods = (from: string, to: string) =>
    grain === 'month'
      ? (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7))
      : (day(to) - day(from)) / 7;
  const cohortUsers = new Map<string, number>();
  for (const first of firstSeen.values()) cohortUsers.set(periodStart(first), (cohortUsers.get(periodStart(first)) ?? 0) + 1);
  const active = new Map<string, Set<string>>();
  for (const { user, start } of sessions.values()) {
    const cohort = periodStart(firstSeen.get(user)!);
    const key = `${cohort}|${periods(cohort, periodStart(start))}`;
    active.set(key, (active.get(key) ?? new Set()).add(user));
  }
  const expected = [...active.entries()]
    .map(([key, users]) => {
      const [cohort, index] = key.split('|') as [string, string];
      return { period: grain, cohort, index: Number(index), size: cohortUsers.get(cohort)!, active: users.size };
    })
    .sort((a, b) => a.cohort.localeCompare(b.cohort) || a.index - b.index);
  const rows = await query(
    lake,
    `select period, strftime(cohort_start, '%Y-%m-%d') as cohort, period_index as index, cohort_users::int as size, active_users::int as active,
       retention_rate as rate from gold.cohort_retention order by cohort, index`,
  );
  expect(rows.map(({ rate: _rate, ...rest }) => rest)).toEqual(expected);
  for (const row of rows) expect(Number(row.rate)).toBeCloseTo(Number(row.active) / Number(row.size), 12);
  return grain;
}

describe.skipIf(!hasShared())('Gold against silver.events', () => {
  it('the product, brand and category dimensions and the cohorts equal a computation over silver.events, on a first build and after an incremental run', async () => {
    const lake = join(tempDir(), 'lake');
    for (const [i, name] of ['rees46-2019-oct-sample.csv', 'rees46-2019-nov-sample.csv'].entries()) {
      const result = await runCli(['run', sharedPath('data', name), '--lake', lake, '--json', '--threads', '1']);
      expect(result.code, result.stderr).toBe(0);
      const { priceChanges } = await expectDimensionsMatchSilver(lake);
      // Products whose price changed, so the latest price is really chosen (298 in October alone).
      expect(priceChanges, `after run ${i + 1}`).toBeGreaterThan(100);
      // October alone gives weekly cohorts; with November the span passes 45 days.
      expect(await expectCohortsMatchSilver(lake)).toBe(i === 0 ? 'week' : 'month');
    }
  });
});
