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

const BUCKETS = ['< 1 min', '1–5 min', '5–15 min', '15–60 min', '1–6 h', '6 h +'];

export async function funnel(catalog: Catalog, filters: Filters, by: 'category' | 'brand'): Promise<FunnelResponse> {
  const blank: FunnelResponse = { steps: [], cartToPurchase: null, by, groups: [], timeToPurchase: [], medianMinutesToPurchase: null, abandonmentByCategory: [] };
  const missing = catalog.missing(FUNNEL_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  if (p.from > p.to) return blank;
  const params = eventParams(filters, p);
  const rows = await catalog.query(eventLevelSql(by), params);
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const event = of('steps')[0];
  // Without a product filter, sessions and users come from fact_sessions (one row a session).
  const [gold] = byProduct(filters) ? [] : await catalog.query(STEPS_GOLD, { from: p.from, to: p.to });
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
