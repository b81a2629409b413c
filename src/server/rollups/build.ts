/**
 * Builds the dashboard's rollups from the Gold tables, in a DuckDB session of its own so page
 * queries keep running meanwhile, and writes each rollup to a Parquet file for the serving session
 * to load (see rollups/index.ts). Nothing is written to the lake.
 *
 * Days are numbered from the data's first day (`d`). Distinct users over any date range come from
 * `rollup_firsts`: one row per (user, day active, previous day active), aggregated to counts, so
 * the users active between lo and hi are those with a day in [lo, hi] whose previous active day is
 * before lo, each counted once. Sessions keep their set of days as a 64-bit mask (few distinct
 * masks: most sessions last one day), so "sessions with a cart and no purchase in the range" is a
 * count of rows whose masks meet the range's mask. Both are exact for any range. Rollups that
 * count distinct things are built once per filter kind, because a session in two brands of one
 * category is one session for the category but one for each brand:
 *   all    no product filter          l1     by top-level category
 *   brand  by brand                   lb     by category and brand
 * Two rare cases keep their detail rows, so answers stay exact: sessions spanning days (their
 * first view and first purchase depend on the range) and sessions with more than one user (whose
 * user, the smallest id among the events the filter keeps, depends on the filter and range).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lake } from '../../engine/lake.js';
import { Session, quoteIdent, quoteString } from '../../engine/session.js';

/** The widest date span a 64-bit day mask can hold; longer lakes are served from Gold. */
export const MAX_DAYS = 64;

export const ROLLUP_INPUTS = ['gold.fact_events', 'gold.fact_sessions', 'gold.dim_category', 'gold.dim_user', 'gold.user_segments'] as const;

export type Kind = 'all' | 'l1' | 'brand' | 'lb';

/**
 * Key columns per kind; fixed text, chosen by the kind, never taken from a request. While building,
 * l1 and brand are integer ids (see NAMES): grouping millions of rows on them is about twice as
 * fast as on the text. The rollups are written with the names.
 */
const KEYS: Record<Kind, string> = {
  all: 'null::integer as l1, null::integer as brand',
  l1: 'l1, null::integer as brand',
  brand: 'null::integer as l1, brand',
  lb: 'l1, brand',
};

/** Ids for the top-level categories and brands the Gold tables hold (a null name has no id). */
const NAMES = [
  `create or replace temp table l1_names as
   select row_number() over (order by name)::integer as id, name
   from (select distinct category_l1 as name from gold_dim_category where category_l1 is not null)`,
  `create or replace temp table brand_names as
   select row_number() over (order by name)::integer as id, name
   from (select distinct brand as name from gold_fact_events where brand is not null)`,
];

/** fact_events (as e) with its top-level category and brand as ids (l1, brand). */
const EVENTS_WITH_IDS = `
  gold_fact_events as e
  left join gold_dim_category as dc using (category_id)
  left join l1_names as ln on ln.name = dc.category_l1
  left join brand_names as bn on bn.name = e.brand`;

const KINDS = Object.keys(KEYS) as Kind[];

/** The rollups filled per filter kind, with their columns (each is created empty, then filled kind by kind). */
export const ROLLUP_TABLES = {
  rollup_sessions: 'kind varchar, l1 integer, brand integer, m_any ubigint, m_view ubigint, m_cart ubigint, m_purchase ubigint, n bigint',
  rollup_ttp: 'kind varchar, l1 integer, brand integer, first integer, last integer, secs bigint, n bigint',
  rollup_ttp_multi: 'kind varchar, l1 integer, brand integer, sid ubigint, first integer, last integer, d integer, fv timestamptz, fp timestamptz',
  rollup_daily: 'kind varchar, l1 integer, brand integer, d integer, sessions bigint, orders bigint, cart_sessions bigint, abandoned bigint',
  rollup_firsts: 'kind varchar, l1 integer, brand integer, measure varchar, d integer, prev integer, n bigint',
  rollup_user_detail: 'kind varchar, l1 integer, brand integer, user_id bigint, m_sview ubigint, m_scart ubigint, m_spurchase ubigint',
  rollup_user_sessions: 'kind varchar, l1 integer, brand integer, sid ubigint, d integer, u bigint, v boolean, c boolean, p boolean',
  rollup_events: 'kind varchar, l1 integer, brand integer, d integer, day_of_week integer, event_hour integer, events bigint, views bigint, carts bigint, purchases bigint, revenue decimal(38, 2)',
  rollup_bands: 'kind varchar, l1 integer, brand integer, d integer, band integer, views bigint, purchases bigint, revenue decimal(38, 2)',
} as const;

const bit = (cond: string) => `bit_or(case when ${cond} then 1::ubigint << d::ubigint else 0::ubigint end)`;

/** One row per (session, user, day, category, brand) with its step flags: the fold every session rollup reads. */
const FOLD = `
  create or replace temp table f as
  select case when e.session_id is null then null else hash(e.session_id) end as sid, e.user_id,
         date_diff('day', $base::date, e.event_date)::integer as d, ln.id as l1, bn.id as brand,
         bool_or(e.event_type = 'view') as v, bool_or(e.event_type = 'cart') as c, bool_or(e.event_type = 'purchase') as p,
         min(e.event_time) filter (where e.event_type = 'view') as fv,
         min(e.event_time) filter (where e.event_type = 'purchase') as fp
  from ${EVENTS_WITH_IDS}
  group by all`;

/** Sessions spanning days (md) or holding more than one user, or events without one (mu). */
const MULTI = `
  create or replace temp table multi as
  select sid, min(d) <> max(d) as md, (min(user_id) <> max(user_id) or count(user_id) < count(*)) as mu
  from f where sid is not null group by sid having md or mu`;

/** Per session and day within a kind's groups. */
const sessionDays = (kind: Kind) => `
  create or replace temp table sd as
  select ${KEYS[kind]}, sid, d, min(user_id) as u, bool_or(v) as v, bool_or(c) as c, bool_or(p) as p,
         min(fv) as fv, min(fp) as fp, coalesce(any_value(m.md), false) as md, coalesce(any_value(m.mu), false) as mu
  from f left join multi as m using (sid)
  where sid is not null
  group by all`;

const sessionRollups = (kind: Kind) => [
  `create or replace temp table ss as
   select l1, brand, sid, ${bit('true')} as m_any, ${bit('v')} as m_view, ${bit('c')} as m_cart, ${bit('p')} as m_purchase,
          min(d) as first, max(d) as last, min(fv) as fv, min(fp) as fp
   from sd group by l1, brand, sid`,
  `insert into rollup_sessions select '${kind}', l1, brand, m_any, m_view, m_cart, m_purchase, count(*) from ss group by all`,
  // Minutes to purchase of a session whose days a range covers are fixed; a range that covers only
  // some of a session's days (first < last) reads its days' detail.
  `insert into rollup_ttp
   select '${kind}', l1, brand, first, last, date_diff('second', fv, fp), count(*)
   from ss where fv is not null and fp is not null and fp >= fv group by all`,
  `insert into rollup_ttp_multi
   select '${kind}', l1, brand, sid, first, last, d, fv, fp from (
     select *, min(d) over w as first, max(d) over w as last from sd where md window w as (partition by l1, brand, sid)
   ) where first < last and (fv is not null or fp is not null)`,
  `insert into rollup_user_sessions select '${kind}', l1, brand, sid, d, u, v, c, p from sd where mu`,
  `insert into rollup_daily
   select '${kind}', l1, brand, d, count(*), count(*) filter (where p), count(*) filter (where c), count(*) filter (where c and not p)
   from sd group by all`,
];

/**
 * Each distinct day mask in `source` (a table of l1, brand and the mask column) expanded to its
 * (day, previous day) pairs, weighted by how many users have that mask.
 */
const firsts = (kind: Kind, measure: string, mask: string, source: string) => `
  insert into rollup_firsts
  select '${kind}', l1, brand, '${measure}', dp.d, dp.prev, sum(n) from (
    select l1, brand, n, unnest(list_transform(b, (x, i) -> {'d': x, 'prev': coalesce(b[i - 1], -1)})) as dp
    from (
      select l1, brand, n, list_filter(range(${MAX_DAYS}), i -> ((m >> i::ubigint) & 1::ubigint) = 1) as b
      from (select l1, brand, ${mask} as m, count(*) as n from ${source} where ${mask} <> 0 group by all)
    )
  ) group by all`;

/** Per user within a kind's groups: days with any event, a purchase, and steps in single-user sessions. */
const userRollups = (kind: Kind) => [
  `create or replace temp table uk as
   select ${KEYS[kind]}, user_id, ${bit('true')} as m_any, ${bit('p')} as m_buy,
          ${bit('v and sid is not null and not coalesce(m.mu, false)')} as m_sview,
          ${bit('c and sid is not null and not coalesce(m.mu, false)')} as m_scart,
          ${bit('p and sid is not null and not coalesce(m.mu, false)')} as m_spurchase
   from f left join multi as m using (sid)
   where user_id is not null
   group by all`,
  firsts(kind, 'u_any', 'm_any', 'uk'),
  firsts(kind, 'u_buy', 'm_buy', 'uk'),
  firsts(kind, 'u_sview', 'm_sview', 'uk'),
  firsts(kind, 'u_scart', 'm_scart', 'uk'),
  firsts(kind, 'u_spurchase', 'm_spurchase', 'uk'),
  `insert into rollup_user_detail
   select '${kind}', l1, brand, user_id, m_sview, m_scart, m_spurchase from uk
   where user_id in (select f.user_id from f join multi using (sid) where multi.mu)`,
];

const EVENT_BASE = `
  create or replace temp table eb as
  select date_diff('day', $base::date, e.event_date)::integer as d, e.day_of_week, e.event_hour, ln.id as l1, bn.id as brand,
         count(*) as events, count(*) filter (where e.event_type = 'view') as views,
         count(*) filter (where e.event_type = 'cart') as carts, count(*) filter (where e.event_type = 'purchase') as purchases,
         sum(e.revenue) as revenue
  from ${EVENTS_WITH_IDS}
  group by all`;

const BAND_BASE = `
  create or replace temp table bb as
  select date_diff('day', $base::date, e.event_date)::integer as d, ln.id as l1, bn.id as brand,
         case when e.price < 10 then 0 when e.price < 50 then 1 when e.price < 100 then 2 when e.price < 250 then 3
              when e.price < 500 then 4 when e.price < 1000 then 5 else 6 end as band,
         count(*) filter (where e.event_type = 'view') as views, count(*) filter (where e.event_type = 'purchase') as purchases,
         sum(e.revenue) as revenue
  from ${EVENTS_WITH_IDS}
  where e.price is not null
  group by all`;

const additiveRollups = (kind: Kind) => [
  `insert into rollup_events select '${kind}', ${KEYS[kind]}, d, day_of_week, event_hour, sum(events), sum(views), sum(carts), sum(purchases), sum(revenue) from eb group by all`,
  `insert into rollup_bands select '${kind}', ${KEYS[kind]}, d, band, sum(views), sum(purchases), sum(revenue) from bb group by all`,
];

/**
 * Running totals of `source`'s measures per key (numbered as `id`) for every day from the key's
 * first on, as a SELECT. Counts come out as BIGINT and money as DOUBLE, which page queries
 * subtract cheaply.
 */
function cumulative(id: string, source: string, keys: readonly string[]): string {
  const list = keys.join(', ');
  return `
   with pd as (
     select dense_rank() over (order by ${list}) as ${id}, d, ${list},
            sum(events) as events, sum(views) as views, sum(purchases) as purchases, sum(revenue) as revenue
     from ${source} group by d, ${list}
   ),
   firsts as (
     select ${id}, min(d) as first, ${keys.map((k) => `any_value(${k}) as ${k}`).join(', ')} from pd group by ${id}
   ),
   dense as (
     select f.*, g.d from firsts as f join range(0, $days) as g(d) on g.d >= f.first
   )
   select dense.${id}, dense.d, ${keys.map((k) => `dense.${k}`).join(', ')},
          (sum(coalesce(pd.events, 0)) over w)::bigint as events, (sum(coalesce(pd.views, 0)) over w)::bigint as views,
          (sum(coalesce(pd.purchases, 0)) over w)::bigint as purchases, (sum(coalesce(pd.revenue, 0)) over w)::double as revenue
   from dense left join pd on pd.${id} = dense.${id} and pd.d = dense.d
   window w as (partition by dense.${id} order by dense.d rows between unbounded preceding and current row)`;
}

/** The running totals kept per product and day (rollup_products_cum: `views_3` is views to day 3). */
export const PRODUCT_MEASURES = ['events', 'views', 'purchases', 'revenue'] as const;

/** Rollups without filter kinds: running totals of products and of category paths and brands, session starts, users. */
const PLAIN: (string | ((days: number) => string))[] = [
  `create temp table rollup_products as
   select date_diff('day', $base::date, e.event_date)::integer as d, e.product_id, dc.category_l1 as l1, dc.category_l2 as l2,
          dc.category_l3 as l3, e.brand, count(*) as events,
          count(*) filter (where e.event_type = 'view') as views, count(*) filter (where e.event_type = 'purchase') as purchases,
          sum(e.revenue) as revenue
   from gold_fact_events as e left join gold_dim_category as dc using (category_id)
   group by all`,
  // Running totals per product (and its category and brand): one row per combination, with one
  // column per measure and day (events_0, views_0, …), so a range's totals are two columns
  // subtracted in one scan, without a join. They hold numbers only; rollup_combos names each
  // combination. single marks the (usual) product seen with one category and brand, whose row
  // needs no grouping by product. Built from the days a combination was active (one row each, so
  // max picks it), one column per day, each running total the sum of its day and the days before
  // (money in whole cents, so the sums are exact).
  `create temp table products_daily as
   with pd as (
     select dense_rank() over (order by product_id, l1, l2, l3, brand) as combo, d, product_id, l1, l2, l3, brand,
            sum(events)::bigint as events, sum(views)::bigint as views, sum(purchases)::bigint as purchases,
            (sum(revenue) * 100)::bigint as revenue
     from rollup_products group by d, product_id, l1, l2, l3, brand
   )
   select pd.*, singles.single
   from pd join (select product_id, count(distinct combo) = 1 as single from pd group by product_id) as singles using (product_id)`,
  `create table rollup_combos as select distinct combo, product_id, l1, l2, l3, brand from products_daily order by combo`,
  (days: number) => {
    const day = (m: string, d: number) => `${m}_on_${d}`;
    const upTo = (m: string, d: number) => Array.from({ length: d + 1 }, (_, k) => day(m, k)).join(' + ');
    return `create table rollup_products_cum as
   with by_day as (
     select combo, any_value(product_id) as product_id, any_value(single) as single,
            ${Array.from({ length: days }, (_, d) =>
              PRODUCT_MEASURES.map((m) => `coalesce(max(${m}) filter (where d = ${d}), 0) as ${day(m, d)}`).join(', '),
            ).join(',\n            ')}
     from products_daily group by combo
   )
   select combo, product_id, single,
          ${Array.from({ length: days }, (_, d) =>
            PRODUCT_MEASURES.map((m) => (m === 'revenue' ? `(${upTo(m, d)})::double / 100 as ${m}_${d}` : `${upTo(m, d)} as ${m}_${d}`)).join(', '),
          ).join(',\n          ')}
   from by_day order by combo`;
  },
  // The same per category path and brand, for the brand, category and hierarchy sections.
  `create table rollup_groups_cum as ${cumulative('grp', 'rollup_products', ['l1', 'l2', 'l3', 'brand'])} order by dense.d, dense.brand`,
  // Sessions by the day they started, as gold.fact_sessions counts them without a product filter.
  `create table rollup_starts as
   select date_diff('day', $base::date, session_date)::integer as d, views > 0 as v, carts > 0 as c, purchases > 0 as p, count(*) as n
   from gold_fact_sessions group by all order by d`,
  `create temp table st as
   select null::varchar as l1, null::varchar as brand, user_id,
          ${bit('true')} as m_st, ${bit('views > 0')} as m_st_v, ${bit('carts > 0')} as m_st_c, ${bit('purchases > 0')} as m_st_p
   from (select user_id, date_diff('day', $base::date, session_date)::integer as d, views, carts, purchases from gold_fact_sessions)
   where user_id is not null group by user_id`,
  firsts('all', 'st', 'm_st', 'st'),
  firsts('all', 'st_v', 'm_st_v', 'st'),
  firsts('all', 'st_c', 'm_st_c', 'st'),
  firsts('all', 'st_p', 'm_st_p', 'st'),
  `create table rollup_new_returning as
   with s as (
     select distinct f.session_date, f.user_id, u.first_seen::date = f.session_date as is_new
     from gold_fact_sessions as f join gold_dim_user as u using (user_id)
   )
   select session_date as date, count(*) filter (where is_new) as new_users, count(*) filter (where not is_new) as returning_users
   from s group by 1 order by 1`,
  // Sessions per user for every range of days, as (lo, hi, bucket, users); buckets cap at 11, the
  // chart's last. One row per user and active day: its sessions (capped: a capped sum is the same),
  // its number among the user's days, the running total, and the user's active days around it.
  `create temp table spu_days as
   select user_id, d, c, row_number() over w as i, sum(c) over w as cum,
          coalesce(lag(d) over w, -1) as prev_d, coalesce(lead(d) over w, $days) as next_d
   from (
     select user_id, date_diff('day', $base::date, session_date)::integer as d, least(count(*), 11) as c
     from gold_fact_sessions group by all
   )
   window w as (partition by user_id order by d)`,
  // A user whose active days in a range are their i-th to j-th has the same total for every range
  // starting after the (i-1)-th and ending before the (j+1)-th: a rectangle of (lo, hi). Each
  // rectangle adds its users at four corners of a difference grid, and two running sums (along lo,
  // then along hi) turn the grid into the count for every range at once.
  `create table rollup_sessions_per_user as
   with rect as (
     select least(b.cum - a.cum + a.c, 11)::integer as bucket, a.prev_d + 1 as lo1, a.d as lo2, b.d as hi1, b.next_d - 1 as hi2,
            count(*) as n
     from spu_days as a join spu_days as b on a.user_id = b.user_id and a.i <= b.i
     group by all
   ),
   corners as (
     select bucket, lo1 as lo, hi1 as hi, n as w from rect
     union all select bucket, lo2 + 1, hi1, -n from rect
     union all select bucket, lo1, hi2 + 1, -n from rect
     union all select bucket, lo2 + 1, hi2 + 1, n from rect
   ),
   diff as (select bucket, lo, hi, sum(w) as w from corners where lo < $days and hi < $days group by all),
   dense as (
     select g.bucket, g.lo, g.hi, coalesce(diff.w, 0) as w
     from (select * from range(1, 12) as b(bucket), range(0, $days) as l(lo), range(0, $days) as h(hi)) as g
     left join diff using (bucket, lo, hi)
   ),
   along_lo as (select bucket, lo, hi, sum(w) over (partition by bucket, hi order by lo) as w from dense),
   counted as (select bucket, lo, hi, sum(w) over (partition by bucket, lo order by hi) as users from along_lo)
   select lo::integer as lo, hi::integer as hi, bucket, users::bigint as users
   from counted where lo <= hi and users <> 0 order by lo, hi, bucket`,
  `create table rollup_segments as
   select segment, is_buyer, count(*) as users, coalesce(sum(monetary), 0)::double as revenue
   from gold_user_segments group by all`,
];

export const ALL_ROLLUPS = [
  ...Object.keys(ROLLUP_TABLES),
  'rollup_groups_cum',
  'rollup_combos',
  'rollup_products_cum',
  'rollup_starts',
  'rollup_new_returning',
  'rollup_sessions_per_user',
  'rollup_segments',
];

export interface BuildInput {
  lakeDir: string;
  /** Versions of ROLLUP_INPUTS to read. */
  versions: Record<string, number>;
  /** The data's first and last day (gold.kpi_daily). */
  range: { min: string; max: string };
  threads?: number;
}

/** Builds every rollup and writes it to `<dir>/<name>.parquet`; returns the folder. */
export async function buildRollups(input: BuildInput): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'clicklake-rollups-'));
  const session = await Session.open({ threads: input.threads, memoryLimit: '4GB', tempDirectory: join(dir, 'spill') });
  try {
    const lake = new Lake(input.lakeDir, session);
    for (const table of ROLLUP_INPUTS) await lake.view(table.replace('.', '_'), table, { version: input.versions[table]! });
    const base = { base: input.range.min };
    for (const [name, columns] of Object.entries(ROLLUP_TABLES)) await session.run(`create table ${quoteIdent(name)} (${columns})`);
    for (const sql of NAMES) await session.run(sql);
    await session.run(FOLD, base);
    await session.run(MULTI);
    for (const kind of KINDS) {
      await session.run(sessionDays(kind));
      for (const sql of sessionRollups(kind)) await session.run(sql);
      for (const sql of userRollups(kind)) await session.run(sql);
    }
    await session.run('drop table if exists sd; drop table if exists ss; drop table if exists uk; drop table if exists f; drop table if exists multi');
    await session.run(EVENT_BASE, base);
    await session.run(BAND_BASE, base);
    for (const kind of KINDS) for (const sql of additiveRollups(kind)) await session.run(sql);
    const days = Math.round((Date.parse(input.range.max) - Date.parse(input.range.min)) / 86_400_000) + 1;
    for (const statement of PLAIN) {
      const sql = typeof statement === 'string' ? statement : statement(days);
      const params = { ...base, days };
      await session.run(sql, Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`$${k}`))));
    }
    for (const name of ALL_ROLLUPS) {
      // Keyed rollups get their names back, sorted by kind and keys so a filtered read skips the
      // row groups of other groups.
      const select =
        name in ROLLUP_TABLES
          ? `select t.* replace (ln.name as l1, bn.name as brand) from ${quoteIdent(name)} as t ` +
            'left join l1_names as ln on ln.id = t.l1 left join brand_names as bn on bn.id = t.brand order by kind, brand, l1'
          : `select * from ${quoteIdent(name)}`;
      await session.run(`copy (${select}) to ${quoteString(join(dir, `${name}.parquet`))} (format parquet)`);
    }
    return dir;
  } finally {
    session.close();
  }
}
