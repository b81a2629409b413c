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

const STEPS_FILTERED = `
  with ev as (${FILTERED_EVENTS}),
  s as (
    select session_id from ev where session_id is not null
    group by session_id having bool_or(event_type = 'cart') and bool_or(event_type = 'purchase')
  )
  select
    count(distinct session_id) filter (where event_type = 'view') as view_sessions,
    count(distinct session_id) filter (where event_type = 'cart') as cart_sessions,
    count(distinct session_id) filter (where event_type = 'purchase') as purchase_sessions,
    (select count(*) from s) as carted_and_purchased,
    count(distinct user_id) filter (where event_type = 'view') as view_users,
    count(distinct user_id) filter (where event_type = 'cart') as cart_users,
    count(distinct user_id) filter (where event_type = 'purchase') as purchase_users
  from ev`;

/** Group key chosen from a closed list; the text is fixed, never taken from the request. */
const GROUP_KEY = { category: 'category_l1', brand: "coalesce(brand, 'no brand')" } as const;

/** Per group, the sessions reaching each step within that group (as `funnel_daily` counts them). */
const groupsSql = (by: keyof typeof GROUP_KEY) => `
  with ev as (${FILTERED_EVENTS}),
  s as (
    select ${GROUP_KEY[by]} as name, session_id,
           bool_or(event_type = 'view') as viewed, bool_or(event_type = 'cart') as carted, bool_or(event_type = 'purchase') as purchased
    from ev where session_id is not null group by all
  )
  select name,
    count(*) filter (where viewed) as views,
    count(*) filter (where carted) as carts,
    count(*) filter (where purchased) as purchases,
    count(*) filter (where carted and purchased) as carted_and_purchased
  from s
  group by name
  order by views desc, name
  limit 15`;

const TIME_TO_PURCHASE = `
  with ev as (${FILTERED_EVENTS}),
  s as (
    select session_id,
           min(event_time) filter (where event_type = 'view') as first_view,
           min(event_time) filter (where event_type = 'purchase') as first_purchase
    from ev where session_id is not null group by session_id
  ),
  m as (
    select date_diff('second', first_view, first_purchase) / 60.0 as minutes
    from s where first_view is not null and first_purchase is not null and first_purchase >= first_view
  )
  select
    case when minutes < 1 then 0 when minutes < 5 then 1 when minutes < 15 then 2
         when minutes < 60 then 3 when minutes < 360 then 4 else 5 end as bucket,
    count(*) as sessions,
    any_value(median_minutes) as median_minutes
  from m cross join (select median(minutes) as median_minutes from m)
  group by 1 order by 1`;

const BUCKETS = ['< 1 min', '1–5 min', '5–15 min', '15–60 min', '1–6 h', '6 h +'];

const ABANDONMENT = `
  with ev as (${FILTERED_EVENTS}),
  s as (
    select category_l1, session_id, bool_or(event_type = 'cart') as carted, bool_or(event_type = 'purchase') as purchased
    from ev where session_id is not null group by all
  )
  select category_l1 as category, count(*) filter (where carted) as cart_sessions,
         count(*) filter (where carted and not purchased) as abandoned
  from s group by 1 having count(*) filter (where carted) > 0
  order by abandoned / count(*) filter (where carted) desc, category`;

export async function funnel(catalog: Catalog, filters: Filters, by: 'category' | 'brand'): Promise<FunnelResponse> {
  const blank: FunnelResponse = { steps: [], cartToPurchase: null, by, groups: [], timeToPurchase: [], medianMinutesToPurchase: null, abandonmentByCategory: [] };
  const missing = catalog.missing(FUNNEL_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  if (p.from > p.to) return blank;
  const params = eventParams(filters, p);
  const [steps] = byProduct(filters)
    ? await catalog.query(STEPS_FILTERED, params)
    : await catalog.query(STEPS_GOLD, { from: p.from, to: p.to });
  const groups = await catalog.query(groupsSql(by), params);
  const times = await catalog.query(TIME_TO_PURCHASE, params);
  const abandonment = await catalog.query(ABANDONMENT, params);
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
