/**
 * Temporal trends: weekday × hour grids of activity and conversion, daily and hourly series, and
 * the peak hours. Without filters the grid is `gold.hourly_activity` and the days `gold.kpi_daily`;
 * any filter aggregates the filtered `fact_events` instead (the hourly aggregate has no dates).
 * Weekdays go out 0 = Monday … 6 = Sunday; the Gold tables use ISO 1 … 7.
 */
import type { Catalog } from '../catalog.js';
import { dateRange } from '../context.js';
import { period, type Filters } from '../filters.js';
import { FILTERED_EVENTS, eventParams, num, ratio } from '../sql.js';
import { IN_DAYS, IN_GROUP, rollupParams } from '../rollups/sql.js';
import type { TrendsResponse } from '../types.js';

export const TRENDS_TABLES = ['gold.hourly_activity', 'gold.kpi_daily', 'gold.fact_events', 'gold.dim_category'];

const GRID_GOLD = `
  select day_of_week, event_hour, events, views, purchases from gold_hourly_activity order by 1, 2`;

const GRID_FILTERED = `
  with ev as (${FILTERED_EVENTS})
  select day_of_week, event_hour, count(*) as events,
         count(*) filter (where event_type = 'view') as views,
         count(*) filter (where event_type = 'purchase') as purchases,
         coalesce(sum(revenue), 0)::double as revenue
  from ev group by 1, 2 order by 1, 2`;

const DAILY_GOLD = `
  select event_date as date, events, revenue::double as revenue, sessions from gold_kpi_daily
  where event_date between $from::date and $to::date order by 1`;

const DAILY_FILTERED = `
  with ev as (${FILTERED_EVENTS})
  select event_date as date, count(*) as events, coalesce(sum(revenue), 0)::double as revenue, count(distinct hash(session_id)) filter (where session_id is not null) as sessions
  from ev group by 1 order by 1`;

const GRID_ROLLUP = `
  select day_of_week, event_hour, sum(events) as events, sum(views) as views, sum(purchases) as purchases,
         coalesce(sum(revenue), 0)::double as revenue
  from rollup_events where ${IN_GROUP} and ${IN_DAYS} group by 1, 2 order by 1, 2`;

const DAILY_ROLLUP = `
  with e as (
    select d, sum(events) as events, coalesce(sum(revenue), 0)::double as revenue
    from rollup_events where ${IN_GROUP} and ${IN_DAYS} group by d
  ),
  s as (select d, sum(sessions) as sessions from rollup_daily where ${IN_GROUP} and ${IN_DAYS} group by d)
  select $base::date + e.d as date, e.events, e.revenue, coalesce(s.sessions, 0) as sessions
  from e left join s using (d) order by e.d`;

function unfiltered(filters: Filters): boolean {
  return !filters.from && !filters.to && !filters.category && !filters.brand;
}

export async function trends(catalog: Catalog, filters: Filters): Promise<TrendsResponse> {
  const blank: TrendsResponse = { heatmap: [], daily: [], hourly: [], peakHours: [] };
  const missing = catalog.missing(TRENDS_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  if (p.from > p.to) return blank;
  const gold = unfiltered(filters);
  const base = catalog.rollupBase();
  const at = base ? { ...rollupParams(filters, p, base), base } : eventParams(filters, p);
  const grid = gold ? await catalog.query(GRID_GOLD) : await catalog.query(base ? GRID_ROLLUP : GRID_FILTERED, at);
  const daily = filters.category || filters.brand ? await catalog.query(base ? DAILY_ROLLUP : DAILY_FILTERED, at) : await catalog.query(DAILY_GOLD, p);

  const heatmap = grid.map((c) => ({
    dayOfWeek: Number(c.day_of_week) - 1,
    hour: Number(c.event_hour),
    events: num(c.events),
    conversion: ratio(c.purchases, c.views),
  }));
  const hours = Array.from({ length: 24 }, (_, hour) => {
    const cells = grid.filter((c) => Number(c.event_hour) === hour);
    const sum = (k: string) => cells.reduce((a, c) => a + Number(c[k] ?? 0), 0);
    return { hour, events: sum('events'), purchases: sum('purchases'), views: sum('views'), revenue: gold ? null : sum('revenue') };
  });
  return {
    heatmap,
    daily: daily.map((d) => ({ date: String(d.date), events: num(d.events), revenue: num(d.revenue), sessions: num(d.sessions) })),
    hourly: hours.map((h) => ({ hour: h.hour, events: h.events, purchases: h.purchases, revenue: h.revenue, conversion: ratio(h.purchases, h.views) })),
    peakHours: [...hours]
      .filter((h) => h.events > 0)
      .sort((a, b) => b.events - a.events || a.hour - b.hour)
      .slice(0, 5)
      .map((h) => ({ hour: h.hour, events: h.events })),
  };
}
