/**
 * Products: top products, brands and categories by revenue, views or conversion, the category
 * hierarchy, price bands against conversion, and products viewed often but rarely bought. One
 * statement: the filtered events are folded once per product and once per category path and brand
 * (materialised CTEs), and every section is a small grouping of those, returned as rows tagged
 * with their section.
 */
import type { Catalog } from '../catalog.js';
import { dateRange } from '../context.js';
import { period, type Filters } from '../filters.js';
import { FILTERED_EVENTS, eventParams, num, ratio } from '../sql.js';
import { IN_DAYS, IN_GROUP, rollupParams } from '../rollups/sql.js';
import type { ProductsResponse, RankedItem } from '../types.js';

export const PRODUCTS_TABLES = ['gold.fact_events', 'gold.dim_category', 'gold.kpi_daily'];

export type Metric = 'revenue' | 'views' | 'conversion';

/** Conversion ranks only items with enough views to mean something. */
const MIN_VIEWS = 5;

/** Order clauses from a closed list; the request picks a key, never SQL. */
const ORDER: Record<Metric, string> = {
  revenue: 'revenue desc, purchases desc, name',
  views: 'views desc, revenue desc, name',
  conversion: `case when views >= ${MIN_VIEWS} then purchases / views end desc nulls last, views desc, name`,
};

const PRICE_BANDS = ['< $10', '$10–50', '$50–100', '$100–250', '$250–500', '$500–1000', '$1000 +'];

/**
 * What the sections read, defined by each source: p (per product: product_id, brand, l1, views,
 * purchases, revenue), g (per brand and category path, each event counted under its own) and bands.
 */
const SOURCES_GOLD = `
  ev as (${FILTERED_EVENTS}),
  p as materialized (
    select product_id, any_value(brand) as brand, any_value(category_l1) as l1,
           count(*) filter (where event_type = 'view') as views,
           count(*) filter (where event_type = 'purchase') as purchases,
           coalesce(sum(revenue), 0)::double as revenue
    from ev group by product_id
  ),
  g as materialized (
    select brand, category_l1 as l1, category_l2 as l2, category_l3 as l3,
           count(*) filter (where event_type = 'view') as views,
           count(*) filter (where event_type = 'purchase') as purchases,
           coalesce(sum(revenue), 0)::double as revenue
    from ev group by all
  ),
  bands as (
    select 'band' as kind,
           (case when price < 10 then 0 when price < 50 then 1 when price < 100 then 2 when price < 250 then 3
                 when price < 500 then 4 when price < 1000 then 5 else 6 end)::varchar as name,
           null as brand, null as l1, null as l2, null as l3,
           count(*) filter (where event_type = 'view') as views,
           count(*) filter (where event_type = 'purchase') as purchases,
           coalesce(sum(revenue), 0)::double as revenue
    from ev where price is not null group by 2
  )`;

const IN_PRODUCT_GROUP = `($category::varchar is null or l1 = $category::varchar) and ($brand::varchar is null or brand = $brand::varchar)`;

/**
 * The same from the rollups' running totals: a range's figures are the totals to its last day less
 * those to the day before its first, per product (and category and brand: one row, a column per
 * day) and per category path and brand. A product seen with one category and brand is one row
 * already; only the others are grouped. Products carry their combination's number (combo), and
 * only the ranked few are named (rollup_combos), so the per-product work moves no text.
 */
const sourcesRollup = (filtered: boolean, lo: number, hi: number) => {
  const pick = filtered ? `and combo in (select combo from rollup_combos where ${IN_PRODUCT_GROUP})` : '';
  // The totals to the range's last day, less those to the day before its first (none for a range
  // from the first day). Column names come from day numbers, never from the request's text.
  const inRange = (m: string) => (lo === 0 ? `${m}_${hi}` : `${m}_${hi} - ${m}_${lo - 1}`);
  return `
  c as materialized (
    select combo, product_id, single, ${inRange('views')} as views, ${inRange('purchases')} as purchases, ${inRange('revenue')} as revenue
    from rollup_products_cum where ${inRange('events')} > 0 ${pick}
  ),
  p as materialized (
    select product_id, combo, views, purchases, revenue from c where single
    union all
    select product_id, min(combo), sum(views), sum(purchases), sum(revenue) from c where not single group by product_id
  ),
  g as materialized (
    with h as (select * from rollup_groups_cum where d = $hi::integer and ${IN_PRODUCT_GROUP}),
    l as (select grp, events, views, purchases, revenue from rollup_groups_cum where d = $lo::integer - 1 and ${IN_PRODUCT_GROUP})
    select h.brand, coalesce(h.l1, 'unknown') as l1, h.l2, h.l3, h.views - coalesce(l.views, 0) as views,
           h.purchases - coalesce(l.purchases, 0) as purchases, h.revenue - coalesce(l.revenue, 0) as revenue
    from h left join l using (grp) where h.events - coalesce(l.events, 0) > 0
  ),
  bands as (
    select 'band' as kind, band::varchar as name, null as brand, null as l1, null as l2, null as l3,
           sum(views) as views, sum(purchases) as purchases, coalesce(sum(revenue), 0)::double as revenue
    from rollup_bands where ${IN_GROUP} and ${IN_DAYS} group by band
  )`;
};

/** Adds each product's brand and top-level category to the few rows of `rel` that are shown. */
const NAMED_GOLD = (rel: string) => rel;
const NAMED_ROLLUP = (rel: string) => `(
  select r.*, k.brand, coalesce(k.l1, 'unknown') as l1 from ${rel} as r
  join (select combo, brand, l1 from rollup_combos where combo in (select combo from ${rel})) as k using (combo)
)`;

/** The key each metric ranks products by first (the rest of ORDER only breaks its ties). */
const KEY: Record<Metric, string> = {
  revenue: 'revenue',
  views: 'views',
  conversion: `case when views >= ${MIN_VIEWS} then purchases / views end`,
};

// Sorting every product on all of ORDER's keys costs far more than finding the tenth-best first
// key; only rows at or above it (or all rows, when fewer than ten have a key) are sorted in full.
const productsSql = (metric: Metric, sources: string, named: (rel: string) => string) => `
  with ${sources},
  overall as (select sum(purchases) / nullif(sum(views), 0)::double as rate from p),
  cut as (select min(k) as k, count(k) as n from (select ${KEY[metric]} as k from p order by k desc nulls last limit 10)),
  top_rows as (
    select product_id::varchar as name, p.* from p, cut where cut.n < 10 or ${KEY[metric]} >= cut.k order by ${ORDER[metric]} limit 10
  ),
  top_products as (
    select 'product' as kind, name, brand, l1, null as l2, null as l3, views, purchases, revenue from ${named('top_rows')} order by ${ORDER[metric]}
  ),
  brands as (
    select coalesce(brand, 'no brand') as name, sum(views) as views, sum(purchases) as purchases, sum(revenue) as revenue from g group by 1
  ),
  top_brands as (select 'brand' as kind, name, null as brand, null as l1, null as l2, null as l3, views, purchases, revenue from brands order by ${ORDER[metric]} limit 10),
  categories as (
    select l1 as name, sum(views) as views, sum(purchases) as purchases, sum(revenue) as revenue from g group by 1
  ),
  top_categories as (select 'category' as kind, name, null as brand, null as l1, null as l2, null as l3, views, purchases, revenue from categories order by ${ORDER[metric]} limit 12),
  tree as (
    select 'tree' as kind, coalesce(l3, '') as name, null as brand, l1, coalesce(l2, '') as l2, coalesce(l3, '') as l3,
           sum(views) as views, sum(purchases) as purchases, sum(revenue) as revenue
    from g group by l1, l2, l3 order by revenue desc, views desc, l1, l2, l3 limit 80
  ),
  low as (select p.* from p where views >= ${MIN_VIEWS} and purchases / views < (select coalesce(rate, 0) / 4 from overall)),
  low_cut as (select min(views) as k from (select views from low order by views desc limit 10)),
  low_rows as (
    select product_id::varchar as name, low.* from low, low_cut where views >= low_cut.k order by views desc, name limit 10
  ),
  unbought as (
    select 'unbought' as kind, name, brand, l1, null as l2, null as l3, views, purchases, revenue from ${named('low_rows')}
    order by views desc, name
  )
  select * from top_products union all select * from top_brands union all select * from top_categories
  union all select * from tree union all select * from bands union all select * from unbought`;

export async function products(catalog: Catalog, filters: Filters, metric: Metric): Promise<ProductsResponse> {
  const blank: ProductsResponse = { topProducts: [], topBrands: [], topCategories: [], hierarchy: [], priceBands: [], viewedNotBought: [] };
  const missing = catalog.missing(PRODUCTS_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  if (p.from > p.to) return blank;
  const base = catalog.rollupBase();
  const params = base ? rollupParams(filters, p, base) : null;
  const rows = params
    ? await catalog.query(
        productsSql(metric, sourcesRollup(filters.category !== undefined || filters.brand !== undefined, params.lo, params.hi), NAMED_ROLLUP),
        params,
      )
    : await catalog.query(productsSql(metric, SOURCES_GOLD, NAMED_GOLD), eventParams(filters, p));
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const ranked = (r: Record<string, unknown>): RankedItem => ({
    name: String(r.name),
    revenue: num(r.revenue),
    views: num(r.views),
    purchases: num(r.purchases),
    conversion: ratio(r.purchases, r.views),
  });
  return {
    topProducts: of('product').map((r) => ({ ...ranked(r), productId: String(r.name), brand: (r.brand as string) ?? null, category: (r.l1 as string) ?? null })),
    topBrands: of('brand').map(ranked),
    topCategories: of('category').map(ranked),
    hierarchy: of('tree').map((r) => ({ l1: String(r.l1), l2: String(r.l2), l3: String(r.l3), revenue: num(r.revenue), views: num(r.views) })),
    priceBands: of('band')
      .sort((a, b) => Number(a.name) - Number(b.name))
      .map((r) => ({ band: PRICE_BANDS[Number(r.name)] ?? String(r.name), views: num(r.views), purchases: num(r.purchases), conversion: ratio(r.purchases, r.views), revenue: num(r.revenue) })),
    viewedNotBought: of('unbought').map((r) => ({
      productId: String(r.name),
      brand: (r.brand as string) ?? null,
      category: (r.l1 as string) ?? null,
      views: num(r.views),
      purchases: num(r.purchases),
      conversion: ratio(r.purchases, r.views),
    })),
  };
}
