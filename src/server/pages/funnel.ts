/**
 * Funnel: sessions and users reaching view, cart and purchase; conversion by top-level category or
 * brand; minutes from a session's first view to its first purchase; cart abandonment by category.
 * Sessions and users come from `fact_sessions` when no product filter applies (one row a session),
 * otherwise, like the breakdowns, from the filtered `fact_events`.
 */
import type { Catalog } from '../catalog.js';
import { dateRange } from '../context.js';
import { byProduct, period, type Filters } from '../filters.js';
import { FILTERED_EVENTS, eventParams, num, ratio } from '../sql.js';
import { FIRSTS, IN_DAYS, IN_GROUP, distinct, kindOf, meets, rollupParams } from '../rollups/sql.js';
import type { FunnelResponse } from '../types.js';

export const FUNNEL_TABLES = ['gold.fact_sessions', 'gold.fact_events', 'gold.dim_category', 'gold.kpi_daily'];

const STEPS_GOLD = `
  select
    count(*) filter (where views > 0) as view_sessions,
    count(*) filter (where carts > 0) as cart_sessions,
    count(*) filter (where purchases > 0) as purchase_sessions,
    count(*) filter (where carts > 0 and purchases > 0) as carted_and_purchased,
    count(distinct user_id) filter (where views > 0) as view_users,
    count(distinct user_id) filter (where carts > 0) as cart_users,
    count(distinct user_id) filter (where purchases > 0) as purchase_users
  from gold_fact_sessions
  where session_date between $from::date and $to::date`;

/** Group key chosen from a closed list; the text is fixed, never taken from the request. */
const GROUP_KEY = { category: 'category_l1', brand: 'brand' } as const;

/**
 * Everything event-level in one statement: the filtered events are folded once into one row per
 * (session, category, brand) with its step flags and first view/purchase times, and each section
 * is a small grouping of that, returned as rows tagged with their section (a, b, c, d by section).
 */
const eventLevelSql = (by: keyof typeof GROUP_KEY) => `
  with ev as (${FILTERED_EVENTS}),
  -- Sessions are keyed by a 64-bit hash of their id: grouping on it is about twice as fast as on the
  -- 36-character text, and a collision among millions of sessions is vanishingly unlikely.
  sg as materialized (
    select hash(session_id) as session_id, min(user_id) as user_id, category_l1, coalesce(brand, 'no brand') as brand,
           bool_or(event_type = 'view') as viewed, bool_or(event_type = 'cart') as carted, bool_or(event_type = 'purchase') as purchased,
           min(event_time) filter (where event_type = 'view') as first_view,
           min(event_time) filter (where event_type = 'purchase') as first_purchase
    from ev where session_id is not null group by 1, category_l1, brand
  ),
  per_session as (
    select session_id, min(user_id) as user_id, bool_or(viewed) as viewed, bool_or(carted) as carted, bool_or(purchased) as purchased,
           min(first_view) as first_view, min(first_purchase) as first_purchase
    from sg group by session_id
  ),
  steps as (
    select 'steps' as kind, null as name,
           count(*) filter (where viewed) as a, count(*) filter (where carted) as b, count(*) filter (where purchased) as c,
           count(*) filter (where carted and purchased) as d,
           count(distinct user_id) filter (where viewed) as e, count(distinct user_id) filter (where carted) as f,
           count(distinct user_id) filter (where purchased) as g
    from per_session
  ),
  per_group as (
    select ${GROUP_KEY[by]} as name, session_id, bool_or(viewed) as viewed, bool_or(carted) as carted, bool_or(purchased) as purchased
    from sg group by all
  ),
  groups as (
    select 'group' as kind, name,
           count(*) filter (where viewed) as a, count(*) filter (where carted) as b, count(*) filter (where purchased) as c,
           count(*) filter (where carted and purchased) as d, null as e, null as f, null as g
    from per_group group by name order by a desc, name limit 15
  ),
  minutes as (
    select date_diff('second', first_view, first_purchase) / 60.0 as m
    from per_session where first_view is not null and first_purchase is not null and first_purchase >= first_view
  ),
  times as (
    select 'time' as kind,
           (case when m < 1 then 0 when m < 5 then 1 when m < 15 then 2 when m < 60 then 3 when m < 360 then 4 else 5 end)::varchar as name,
           count(*) as a, null as b, null as c, null as d, any_value(median_minutes) as e, null as f, null as g
    from minutes cross join (select median(m) as median_minutes from minutes) group by 2
  ),
  per_category as (
    select category_l1, session_id, bool_or(carted) as carted, bool_or(purchased) as purchased from sg group by all
  ),
  abandonment as (
    select 'abandon' as kind, category_l1 as name, count(*) filter (where carted) as a,
           count(*) filter (where carted and not purchased) as b, null as c, null as d, null as e, null as f, null as g
    from per_category group by category_l1 having count(*) filter (where carted) > 0
  )
  select * from steps union all select * from groups union all select * from times union all select * from abandonment`;

// The same sections from the rollups (rollups/build.ts), each with the rows of its filter kind.

const STEPS_ROLLUP = `
  select s.*, u.* from (
    select coalesce(sum(n) filter (where v), 0) as view_sessions, coalesce(sum(n) filter (where c), 0) as cart_sessions,
           coalesce(sum(n) filter (where p), 0) as purchase_sessions, coalesce(sum(n) filter (where c and p), 0) as carted_and_purchased
    from rollup_starts where ${IN_DAYS}
  ) as s, (select ${distinct('st_v')} as view_users, ${distinct('st_c')} as cart_users, ${distinct('st_p')} as purchase_users from ${FIRSTS}) as u`;

/**
 * Steps within a product filter: sessions by their step days in the range; users of single-user
 * sessions by their step days, plus the smallest user of each multi-user session in the range
 * when not already counted.
 */
const FILTERED_STEPS_ROLLUP = `
  with ms as (
    select sid, min(u) as u, bool_or(v) as v, bool_or(c) as c, bool_or(p) as p
    from rollup_user_sessions where ${IN_GROUP} and ${IN_DAYS} group by sid
  ),
  det as (
    select user_id, ${meets('m_sview')} as v, ${meets('m_scart')} as c, ${meets('m_spurchase')} as p
    from rollup_user_detail where ${IN_GROUP}
  ),
  extra as (
    select count(distinct ms.u) filter (where ms.v and not coalesce(det.v, false)) as e,
           count(distinct ms.u) filter (where ms.c and not coalesce(det.c, false)) as f,
           count(distinct ms.u) filter (where ms.p and not coalesce(det.p, false)) as g
    from ms left join det on det.user_id = ms.u
  ),
  single as (select ${distinct('u_sview')} as e, ${distinct('u_scart')} as f, ${distinct('u_spurchase')} as g from ${FIRSTS}),
  sess as (
    select coalesce(sum(n) filter (where ${meets('m_view')}), 0) as a, coalesce(sum(n) filter (where ${meets('m_cart')}), 0) as b,
           coalesce(sum(n) filter (where ${meets('m_purchase')}), 0) as c,
           coalesce(sum(n) filter (where ${meets('m_cart')} and ${meets('m_purchase')}), 0) as d
    from rollup_sessions where ${IN_GROUP}
  )
  select 'steps' as kind, null as name, a, b, c, d, single.e + extra.e as e, single.f + extra.f as f, single.g + extra.g as g
  from sess, single, extra`;

const groupsRollup = (by: keyof typeof GROUP_KEY) => `
  select 'group' as kind, name, a, b, c, d, null as e, null as f, null as g from (
    select ${by === 'category' ? "coalesce(l1, 'unknown')" : "coalesce(brand, 'no brand')"} as name,
           coalesce(sum(n) filter (where ${meets('m_view')}), 0) as a, coalesce(sum(n) filter (where ${meets('m_cart')}), 0) as b,
           coalesce(sum(n) filter (where ${meets('m_purchase')}), 0) as c,
           coalesce(sum(n) filter (where ${meets('m_cart')} and ${meets('m_purchase')}), 0) as d
    from rollup_sessions where ${IN_GROUP} and ${meets('m_any')} group by 1
  ) order by a desc, name limit 15`;

/**
 * Seconds from first view to first purchase, weighted: sessions the range covers whole from their
 * fixed value, sessions it covers in part from their days in it; the median as median() interpolates it.
 */
const TIMES_ROLLUP = `
  with m as (
    select secs, n from rollup_ttp where ${IN_GROUP} and first >= $lo::integer and last <= $hi::integer
    union all
    select date_diff('second', fv, fp) as secs, 1 as n from (
      select min(fv) as fv, min(fp) as fp from rollup_ttp_multi
      where ${IN_GROUP} and ${IN_DAYS} and first <= $hi::integer and last >= $lo::integer and (first < $lo::integer or last > $hi::integer)
      group by sid
    ) where fv is not null and fp is not null and fp >= fv
  ),
  w as (select secs, sum(n) as n from m group by secs),
  c as (select secs, sum(n) over (order by secs) as cum, sum(n) over () as total from w),
  med as (
    select (min(secs) filter (where cum > (total - 1) // 2) / 60.0) * 0.5 + (min(secs) filter (where cum > total // 2) / 60.0) * 0.5 as median_minutes
    from c
  )
  select 'time' as kind,
         (case when secs < 60 then 0 when secs < 300 then 1 when secs < 900 then 2 when secs < 3600 then 3 when secs < 21600 then 4 else 5 end)::varchar as name,
         sum(n) as a, null as b, null as c, null as d, any_value(med.median_minutes) as e, null as f, null as g
  from w cross join med group by 2`;

const ABANDONMENT_ROLLUP = `
  select 'abandon' as kind, name, a, b, null as c, null as d, null as e, null as f, null as g from (
    select coalesce(l1, 'unknown') as name, coalesce(sum(n) filter (where ${meets('m_cart')}), 0) as a,
           coalesce(sum(n) filter (where ${meets('m_cart')} and not (${meets('m_purchase')})), 0) as b
    from rollup_sessions where ${IN_GROUP} group by 1
  ) where a > 0`;

async function eventLevelRows(catalog: Catalog, filters: Filters, p: { from: string; to: string }, by: keyof typeof GROUP_KEY): Promise<Record<string, unknown>[]> {
  const base = catalog.rollupBase();
  if (!base) return catalog.query(eventLevelSql(by), eventParams(filters, p));
  const at = (kind?: ReturnType<typeof kindOf>) => rollupParams(filters, p, base, kind);
  return [
    ...(byProduct(filters) ? await catalog.query(FILTERED_STEPS_ROLLUP, at()) : []),
    ...(await catalog.query(groupsRollup(by), at(kindOf(filters, by === 'category' ? 'l1' : 'brand')))),
    ...(await catalog.query(TIMES_ROLLUP, at())),
    ...(await catalog.query(ABANDONMENT_ROLLUP, at(kindOf(filters, 'l1')))),
  ];
}

const BUCKETS = ['< 1 min', '1–5 min', '5–15 min', '15–60 min', '1–6 h', '6 h +'];

export async function funnel(catalog: Catalog, filters: Filters, by: 'category' | 'brand'): Promise<FunnelResponse> {
  const blank: FunnelResponse = { steps: [], cartToPurchase: null, by, groups: [], timeToPurchase: [], medianMinutesToPurchase: null, abandonmentByCategory: [] };
  const missing = catalog.missing(FUNNEL_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  if (p.from > p.to) return blank;
  const rows = await eventLevelRows(catalog, filters, p, by);
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const event = of('steps')[0];
  // Without a product filter, sessions and users come from fact_sessions (one row a session).
  const base = catalog.rollupBase();
  const [gold] = byProduct(filters)
    ? []
    : base
      ? await catalog.query(STEPS_ROLLUP, rollupParams(filters, p, base))
      : await catalog.query(STEPS_GOLD, { from: p.from, to: p.to });
  const steps = gold ?? {
    view_sessions: event?.a,
    cart_sessions: event?.b,
    purchase_sessions: event?.c,
    carted_and_purchased: event?.d,
    view_users: event?.e,
    cart_users: event?.f,
    purchase_users: event?.g,
  };
  const groups = of('group').map((g) => ({ name: g.name, views: g.a, carts: g.b, purchases: g.c, carted_and_purchased: g.d }));
  const times = of('time').map((t) => ({ bucket: t.name, sessions: t.a, median_minutes: t.e }));
  const abandonment = of('abandon')
    .map((a) => ({ category: a.name, cart_sessions: a.a, abandoned: a.b }))
    .sort((x, y) => Number(y.abandoned) / Number(y.cart_sessions) - Number(x.abandoned) / Number(x.cart_sessions) || String(x.category).localeCompare(String(y.category)));
  return {
    steps: (['view', 'cart', 'purchase'] as const).map((step) => ({
      step,
      sessions: num(steps?.[`${step}_sessions`]),
      users: num(steps?.[`${step}_users`]),
    })),
    cartToPurchase: ratio(steps?.carted_and_purchased, steps?.cart_sessions),
    by,
    groups: groups.map((g) => ({
      name: String(g.name),
      views: num(g.views),
      carts: num(g.carts),
      purchases: num(g.purchases),
      viewToCart: ratio(g.carts, g.views),
      cartToPurchase: ratio(g.carted_and_purchased, g.carts),
      conversion: ratio(g.purchases, g.views),
    })),
    timeToPurchase: BUCKETS.map((bucket, i) => ({ bucket, sessions: num(times.find((t) => Number(t.bucket) === i)?.sessions) ?? 0 })),
    medianMinutesToPurchase: num(times[0]?.median_minutes),
    abandonmentByCategory: abandonment.map((a) => ({
      category: String(a.category),
      cartSessions: num(a.cart_sessions),
      abandoned: num(a.abandoned),
      rate: ratio(a.abandoned, a.cart_sessions),
    })),
  };
}
