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
  const periodSql = filtered ? PERIOD_FILTERED : PERIOD_GOLD;
  const params = (q: { from: string; to: string }) => (filtered ? eventParams(filters, q) : { from: q.from, to: q.to });

  const [dailyRows, [current], [before]] = [
    await catalog.query(filtered ? DAILY_FILTERED : DAILY_GOLD, params(p)),
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
