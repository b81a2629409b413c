/**
 * Users: RFM segments of buyers with their revenue share, engagement tiers, cohort retention (from
 * `gold.user_segments` and `gold.cohort_retention`, over all data), and, within the date range,
 * new against returning users per day and the distribution of sessions per user.
 */
import type { Catalog } from '../catalog.js';
import { dateRange } from '../context.js';
import { period, type Filters } from '../filters.js';
import { num, ratio } from '../sql.js';
import { rollupParams } from '../rollups/sql.js';
import type { UsersResponse } from '../types.js';

export const USERS_TABLES = ['gold.user_segments', 'gold.cohort_retention', 'gold.fact_sessions', 'gold.dim_user', 'gold.kpi_daily'];

const SEGMENTS = `
  select segment, is_buyer, count(*) as users, coalesce(sum(monetary), 0)::double as revenue
  from gold_user_segments group by all order by is_buyer desc, revenue desc, users desc`;

const COHORTS = `
  select cohort_start, period, period_index, active_users, retention_rate
  from gold_cohort_retention order by cohort_start, period_index`;

const NEW_VS_RETURNING = `
  with s as (
    select distinct f.session_date, f.user_id, u.first_seen::date = f.session_date as is_new
    from gold_fact_sessions as f join gold_dim_user as u using (user_id)
    where f.session_date between $from::date and $to::date
  )
  select session_date as date, count(*) filter (where is_new) as new_users, count(*) filter (where not is_new) as returning_users
  from s group by 1 order by 1`;

const SESSIONS_PER_USER = `
  with u as (
    select user_id, count(*) as sessions from gold_fact_sessions
    where session_date between $from::date and $to::date group by user_id
  )
  select least(sessions, 11) as bucket, count(*) as users from u group by 1 order by 1`;

// From the rollups: the same segment totals, new and returning users by day, and sessions per user
// looked up by the range's first and last day.
const SEGMENTS_ROLLUP = `select segment, is_buyer, users, revenue from rollup_segments order by is_buyer desc, revenue desc, users desc`;
const NEW_VS_RETURNING_ROLLUP = `
  select date, new_users, returning_users from rollup_new_returning where date between $from::date and $to::date order by 1`;
const SESSIONS_PER_USER_ROLLUP = `
  select bucket, users from rollup_sessions_per_user where lo = $lo::integer and hi = $hi::integer order by bucket`;

export async function users(catalog: Catalog, filters: Filters): Promise<UsersResponse> {
  const blank: UsersResponse = { segments: [], tiers: [], cohorts: [], newVsReturning: [], sessionsPerUser: [] };
  const missing = catalog.missing(USERS_TABLES);
  if (missing.length) return { ...blank, missing };
  const range = await dateRange(catalog);
  if (!range) return blank;
  const p = period(filters, range);
  const base = catalog.rollupBase();
  const rollups = base !== null;
  const segments = await catalog.query(rollups ? SEGMENTS_ROLLUP : SEGMENTS);
  const cohorts = await catalog.query(COHORTS);
  const newVsReturning = p.from <= p.to ? await catalog.query(rollups ? NEW_VS_RETURNING_ROLLUP : NEW_VS_RETURNING, p) : [];
  const perUser = p.from > p.to ? [] : base ? await catalog.query(SESSIONS_PER_USER_ROLLUP, rollupParams(filters, p, base)) : await catalog.query(SESSIONS_PER_USER, p);

  const buyers = segments.filter((s) => s.is_buyer);
  const browsers = segments.filter((s) => !s.is_buyer);
  const buyerUsers = buyers.reduce((a, s) => a + Number(s.users), 0);
  const buyerRevenue = buyers.reduce((a, s) => a + Number(s.revenue), 0);
  const allUsers = segments.reduce((a, s) => a + Number(s.users), 0);
  return {
    segments: buyers.map((s) => ({
      segment: label(String(s.segment)),
      users: num(s.users),
      revenue: num(s.revenue),
      revenueShare: ratio(s.revenue, buyerRevenue),
      userShare: ratio(s.users, buyerUsers),
    })),
    tiers: [
      { tier: 'Buyers', users: buyerUsers, share: ratio(buyerUsers, allUsers) },
      ...browsers.map((s) => ({ tier: label(String(s.segment)), users: num(s.users), share: ratio(s.users, allUsers) })),
    ],
    cohorts: cohorts.map((c) => ({
      cohortWeek: `${c.period === 'month' ? 'month of' : 'week of'} ${String(c.cohort_start)}`,
      weekOffset: Number(c.period_index),
      users: num(c.active_users),
      retention: num(c.retention_rate),
    })),
    newVsReturning: newVsReturning.map((r) => ({ date: String(r.date), newUsers: num(r.new_users), returningUsers: num(r.returning_users) })),
    sessionsPerUser: perUser.map((r) => ({ sessions: Number(r.bucket) >= 11 ? '11+' : String(r.bucket), users: num(r.users) })),
  };
}

/** 'loyal_customers' -> 'Loyal customers'. */
function label(segment: string): string {
  const text = segment.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
