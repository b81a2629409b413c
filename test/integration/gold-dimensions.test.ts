// gold.dim_product, dim_brand and dim_category against a TypeScript computation over silver.events,
// on real rows spread over two months (products change price): after a first build, which folds
// Silver once for the three, and after an incremental run, which folds each one's scope.
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

describe.skipIf(!hasShared())('the product, brand and category dimensions', () => {
  it('equal a computation over silver.events, on a first build and after an incremental run', async () => {
    const lake = join(tempDir(), 'lake');
    for (const [i, name] of ['rees46-2019-oct-sample.csv', 'rees46-2019-nov-sample.csv'].entries()) {
      const result = await runCli(['run', sharedPath('data', name), '--lake', lake, '--json', '--threads', '1']);
      expect(result.code, result.stderr).toBe(0);
      const { priceChanges } = await expectDimensionsMatchSilver(lake);
      // Products whose price changed, so the latest price is really chosen (298 in October alone).
      expect(priceChanges, `after run ${i + 1}`).toBeGreaterThan(100);
    }
  });
});
