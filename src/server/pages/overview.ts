/**
 * Overview: the period's headline KPIs against the previous period of equal length, and the daily
 * series. Without a category or brand filter it reads the Gold aggregates (`kpi_daily` for days,
 * `fact_sessions` for distinct counts over the period, which daily figures cannot sum to); with
 * one it aggregates the filtered `fact_events`, keying sessions by a 64-bit hash of their id
 * (faster to group than the text; a collision among millions of sessions is vanishingly unlikely).
 */
import type { Catalog } from '../catalog.js';
import { dateRange } from '../context.js';
import { byProduct, period, previousPeriod, type Filters } from '../filters.js';
import { FILTERED_EVENTS, eventParams, num, ratio } from '../sql.js';
import { FIRSTS, IN_DAYS, IN_GROUP, distinct, meets, rollupParams } from '../rollups/sql.js';
import type { DailyPoint, KpiValue, OverviewResponse } from '../types.js';

export const OVERVIEW_TABLES = ['gold.kpi_daily', 'gold.fact_sessions', 'gold.fact_events', 'gold.dim_category'];

const DAILY_GOLD = `
  select event_date as date, revenue, events, views, carts, purchases, sessions, active_users, buyers,
         session_conversion_rate as conversion_rate, avg_order_value, cart_abandonment_rate as cart_abandonment
  from gold_kpi_daily
  where event_date between $from::date and $to::date
  order by event_date`;

const PERIOD_GOLD = `
  with s as (
    select * from gold_fact_sessions where session_date between $from::date and $to::date
  )
  select
    (select sum(revenue) from gold_kpi_daily where event_date between $from::date and $to::date) as revenue,
    count(*) as sessions,
    count(*) filter (where purchases > 0) as orders,
    count(distinct user_id) as active_users,
    count(distinct user_id) filter (where purchases > 0) as buyers,
    count(*) filter (where carts > 0) as cart_sessions,
    count(*) filter (where carts > 0 and purchases = 0) as abandoned
  from s`;

const DAILY_FILTERED = `
  with ev as (${FILTERED_EVENTS}),
  per_session as (
    select event_date, hash(session_id) as session_id, bool_or(event_type = 'cart') as carted, bool_or(event_type = 'purchase') as purchased
    from ev where session_id is not null group by all
  ),
  by_session as (
    select event_date, count(*) as sessions, count(*) filter (where purchased) as orders,
           count(*) filter (where carted) as cart_sessions, count(*) filter (where carted and not purchased) as abandoned
    from per_session group by event_date
  ),
  by_event as (
    select event_date, count(*) as events,
           count(*) filter (where event_type = 'view') as views,
           count(*) filter (where event_type = 'cart') as carts,
           count(*) filter (where event_type = 'purchase') as purchases,
           sum(revenue)::double as revenue,
           count(distinct user_id) as active_users,
           count(distinct user_id) filter (where event_type = 'purchase') as buyers
    from ev group by event_date
  )
  select e.event_date as date, e.revenue, e.events, e.views, e.carts, e.purchases, coalesce(s.sessions, 0) as sessions,
         e.active_users, e.buyers,
         s.orders / nullif(s.sessions, 0)::double as conversion_rate,
         e.revenue / nullif(s.orders, 0)::double as avg_order_value,
         s.abandoned / nullif(s.cart_sessions, 0)::double as cart_abandonment
  from by_event as e left join by_session as s using (event_date)
  order by e.event_date`;

const PERIOD_FILTERED = `
  with ev as (${FILTERED_EVENTS}),
  per_session as (
    select hash(session_id) as session_id, bool_or(event_type = 'cart') as carted, bool_or(event_type = 'purchase') as purchased
    from ev where session_id is not null group by 1
  ),
  totals as (
    select sum(revenue)::double as revenue, count(distinct user_id) as active_users,
           count(distinct user_id) filter (where event_type = 'purchase') as buyers
    from ev
  )
  select t.revenue, t.active_users, t.buyers,
         count(*) as sessions, count(*) filter (where purchased) as orders,
         count(*) filter (where carted) as cart_sessions, count(*) filter (where carted and not purchased) as abandoned
  from per_session cross join totals as t
  group by all`;

// The same figures from the rollups (rollups/build.ts): sessions by start day and users by their
// session start days without a product filter; otherwise events by day, sessions and users by the
// days they were active in the filter's group.

const PERIOD_ROLLUP = `
  select
    (select sum(revenue) from gold_kpi_daily where event_date between $from::date and $to::date) as revenue,
    s.sessions, s.orders, u.active_users, u.buyers, s.cart_sessions, s.abandoned
  from (
    select coalesce(sum(n), 0) as sessions, coalesce(sum(n) filter (where p), 0) as orders,
           coalesce(sum(n) filter (where c), 0) as cart_sessions, coalesce(sum(n) filter (where c and not p), 0) as abandoned
    from rollup_starts where ${IN_DAYS}
  ) as s, (select ${distinct('st')} as active_users, ${distinct('st_p')} as buyers from ${FIRSTS}) as u`;

const DAILY_FILTERED_ROLLUP = `
  with e as (
    select d, sum(events) as events, sum(views) as views, sum(carts) as carts, sum(purchases) as purchases, sum(revenue)::double as revenue
    from rollup_events where ${IN_GROUP} and ${IN_DAYS} group by d
  ),
  s as (
    select d, sum(sessions) as sessions, sum(orders) as orders, sum(cart_sessions) as cart_sessions, sum(abandoned) as abandoned
    from rollup_daily where ${IN_GROUP} and ${IN_DAYS} group by d
  ),
  u as (
    select d, ${distinct('u_any')} as active_users, ${distinct('u_buy')} as buyers
    from rollup_firsts where ${IN_GROUP} and ${IN_DAYS} group by d
  )
  select $base::date + e.d as date, e.revenue, e.events, e.views, e.carts, e.purchases, coalesce(s.sessions, 0) as sessions,
         coalesce(u.active_users, 0) as active_users, coalesce(u.buyers, 0) as buyers,
         s.orders / nullif(s.sessions, 0)::double as conversion_rate,
         e.revenue / nullif(s.orders, 0)::double as avg_order_value,
         s.abandoned / nullif(s.cart_sessions, 0)::double as cart_abandonment
  from e left join s using (d) left join u using (d)
  order by e.d`;

const PERIOD_FILTERED_ROLLUP = `
  with s as (
    select coalesce(sum(n) filter (where ${meets('m_any')}), 0) as sessions, coalesce(sum(n) filter (where ${meets('m_purchase')}), 0) as orders,
           coalesce(sum(n) filter (where ${meets('m_cart')}), 0) as cart_sessions,
           coalesce(sum(n) filter (where ${meets('m_cart')} and not (${meets('m_purchase')})), 0) as abandoned
    from rollup_sessions where ${IN_GROUP}
  ),
  t as (select sum(revenue)::double as revenue from rollup_events where ${IN_GROUP} and ${IN_DAYS}),
  u as (select ${distinct('u_any')} as active_users, ${distinct('u_buy')} as buyers from ${FIRSTS})
  select t.revenue, u.active_users, u.buyers, s.sessions, s.orders, s.cart_sessions, s.abandoned
  from s, t, u where s.sessions > 0`;

type PeriodRow = {
  revenue: unknown;
  sessions: unknown;
  orders: unknown;
  active_users: unknown;
  buyers: unknown;
  cart_sessions: unknown;
  abandoned: unknown;
};

function kpisOf(row: PeriodRow | undefined) {
  return {
    revenue: num(row?.revenue) ?? 0,
    orders: num(row?.orders),
    buyers: num(row?.buyers),
    activeUsers: num(row?.active_users),
    sessions: num(row?.sessions),
    conversionRate: ratio(row?.orders, row?.sessions),
    averageOrderValue: ratio(row?.revenue, row?.orders),
    cartAbandonment: ratio(row?.abandoned, row?.cart_sessions),
  };
}

export async function overview(catalog: Catalog, filters: Filters): Promise<OverviewResponse> {
  const empty = { value: null, previous: null };
  const blank: OverviewResponse = {
    period: null,
    previous: null,
    kpis: { revenue: empty, orders: empty, buyers: empty, activeUsers: empty, sessions: empty, conversionRate: empty, averageOrderValue: empty, cartAbandonment: empty },
    daily: [],
  };
  const missing = catalog.missing(OVERVIEW_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  if (p.from > p.to) return blank;
  const prev = previousPeriod(p);
  const filtered = byProduct(filters);
  const base = catalog.rollupBase();
  const periodSql = base ? (filtered ? PERIOD_FILTERED_ROLLUP : PERIOD_ROLLUP) : filtered ? PERIOD_FILTERED : PERIOD_GOLD;
  const dailySql = filtered ? (base ? DAILY_FILTERED_ROLLUP : DAILY_FILTERED) : DAILY_GOLD;
  const params = (q: { from: string; to: string }) => ({
    ...(filtered ? eventParams(filters, q) : { from: q.from, to: q.to }),
    ...(base ? { ...rollupParams(filters, q, base), base } : {}),
  });

  const [dailyRows, [current], [before]] = [
    await catalog.query(dailySql, params(p)),
    await catalog.query<PeriodRow>(periodSql, params(p)),
    await catalog.query<PeriodRow>(periodSql, params(prev)),
  ];
  const now = kpisOf(current);
  // No data before the range means there is no previous period to compare with.
  const hasPrevious = prev.to >= range.min;
  const then = hasPrevious ? kpisOf(before) : undefined;
  const kpis = Object.fromEntries(
    Object.entries(now).map(([k, v]) => [k, { value: v, previous: then ? (then[k as keyof typeof then] ?? null) : null } satisfies KpiValue]),
  ) as OverviewResponse['kpis'];
  const daily: DailyPoint[] = dailyRows.map((r) => ({
    date: String(r.date),
    revenue: num(r.revenue),
    events: num(r.events),
    views: num(r.views),
    carts: num(r.carts),
    purchases: num(r.purchases),
    sessions: num(r.sessions),
    activeUsers: num(r.active_users),
    buyers: num(r.buyers),
    conversionRate: num(r.conversion_rate),
    averageOrderValue: num(r.avg_order_value),
    cartAbandonment: num(r.cart_abandonment),
  }));
  return { period: p, previous: hasPrevious ? prev : null, kpis, daily };
}
