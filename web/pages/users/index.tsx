// Users: who are our customers and do they come back? RFM segments, engagement tiers, weekly
// cohort retention, new against returning users, and sessions per user.
import type { EChartsOption } from 'echarts';
import type { PageProps } from '../types';
import type { UsersResponse } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { filterQuery, type Filters } from '../../lib/route';
import { PageHeader, GoldView } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption, heatmapOption } from '../../lib/charts';
import { pct, compact, formatters } from '../../lib/format';
import type { Palette } from '../../lib/theme';

export function UsersPage({ filters }: PageProps) {
  const state = useApi<UsersResponse>(`/api/users${filterQuery(filters)}`);
  return (
    <GoldView state={state}>
      {(data) => (
        <>
          <Users data={data} filters={filters} />
          <p className="reasoning" data-filter-note="true">
            Segments, tiers and cohorts describe each user over all their data, so no filter applies to them; the date range applies to new and
            returning users and sessions per user. A user and a session are not tied to one category or brand, so those filters do not apply on
            this page.
          </p>
        </>
      )}
    </GoldView>
  );
}

function pieOption(p: Palette, items: { name: string; value: number | null }[], format: 'compact' | 'pct'): EChartsOption {
  return {
    tooltip: { trigger: 'item', formatter: (x: unknown) => { const it = x as { name: string; value: number; percent: number }; return `${it.name}: <b>${formatters[format](it.value)}</b> (${it.percent}%)`; } },
    legend: { type: 'scroll', bottom: 0, textStyle: { color: p.muted } },
    series: [{ type: 'pie', radius: ['40%', '70%'], top: 0, bottom: 24, minShowLabelAngle: 12, itemStyle: { borderColor: p.background, borderWidth: 2 }, label: { color: p.text }, data: items }],
  } as EChartsOption;
}

/** What each chart covers, marked when a filter set in the URL does not apply to it. */
function scopes(filters: Filters) {
  const product = Boolean(filters.category || filters.brand);
  const dates = Boolean(filters.from || filters.to);
  return {
    allData: {
      text: product || dates ? 'All data: the date, category and brand filters do not apply to this chart.' : 'All data; filters do not apply to this chart.',
      ignored: product || dates,
    },
    inRange: {
      text: product ? 'The date range applies; category and brand do not (a user is not tied to one).' : 'The date range applies; category and brand filters do not.',
      ignored: product,
    },
  };
}

function Users({ data, filters }: { data: UsersResponse; filters: Filters }) {
  const scope = scopes(filters);
  const top = [...data.segments].sort((a, b) => Number(b.revenueShare ?? 0) - Number(a.revenueShare ?? 0))[0];
  // Newest first: the heatmap's y axis runs upwards, so the oldest cohort ends on top, as cohort tables read.
  const weeks = [...new Set(data.cohorts.map((c) => c.cohortWeek))].sort().reverse();
  const maxOffset = Math.max(0, ...data.cohorts.map((c) => c.weekOffset));
  const offsets = Array.from({ length: maxOffset + 1 }, (_, i) => `week ${i}`);
  const week1 = data.cohorts.filter((c) => c.weekOffset === 1);
  const week1Avg = week1.length ? week1.reduce((s, c) => s + Number(c.retention ?? 0), 0) / week1.length : null;
  return (
    <>
      <PageHeader
        question="Who are our customers, and do they come back?"
        answer={
          top ? (
            <>
              <strong>{top.segment}</strong> are {pct(top.userShare)} of segmented users and bring <strong>{pct(top.revenueShare)}</strong> of revenue
              {week1Avg !== null ? <>; on average {pct(week1Avg)} of a weekly cohort comes back the following week</> : null}.
            </>
          ) : (
            'No users in the selected period.'
          )
        }
      />
      <section className="grid">
        <Chart
          scope={scope.allData}
          title="RFM segments: users and revenue share"
          table={tableOf(data.segments, ['segment', 'users', 'userShare', 'revenue', 'revenueShare'])}
          option={(p) =>
            xyOption(p, data.segments.map((s) => s.segment), [
              { name: 'Users', values: data.segments.map((s) => s.users), format: 'compact' },
              { name: 'Revenue share', values: data.segments.map((s) => s.revenueShare), format: 'pct', kind: 'line', secondary: true },
            ], { rotate: 20 })
          }
        />
        <Chart scope={scope.allData} title="Engagement tiers" table={tableOf(data.tiers, ['tier', 'users', 'share'])} option={(p) => pieOption(p, data.tiers.map((t) => ({ name: t.tier, value: t.users })), 'compact')} />
        <Chart
          wide
          scope={scope.allData}
          title="Weekly cohort retention"
          table={tableOf(data.cohorts, ['cohortWeek', 'weekOffset', 'users', 'retention'])}
          height={Math.max(220, weeks.length * 34 + 90)}
          option={(p) =>
            heatmapOption(
              p,
              offsets,
              weeks,
              data.cohorts.map((c) => [c.weekOffset, weeks.indexOf(c.cohortWeek), c.retention]),
              'pct',
              'Retained',
              {
                scaleFrom: data.cohorts.filter((c) => c.weekOffset > 0).map((c) => [c.weekOffset, weeks.indexOf(c.cohortWeek), c.retention]),
                labels: data.cohorts.length <= 120,
              },
            )
          }
        />
        <Chart
          scope={scope.inRange}
          title="New and returning users per day"
          table={tableOf(data.newVsReturning, ['date', 'newUsers', 'returningUsers'])}
          option={(p) =>
            xyOption(p, data.newVsReturning.map((d) => d.date), [
              { name: 'New', values: data.newVsReturning.map((d) => d.newUsers), format: 'compact', stack: 'u' },
              { name: 'Returning', values: data.newVsReturning.map((d) => d.returningUsers), format: 'compact', stack: 'u' },
            ])
          }
        />
        <Chart
          scope={scope.inRange}
          title="Sessions per user"
          table={tableOf(data.sessionsPerUser, ['sessions', 'users'])}
          option={(p) => xyOption(p, data.sessionsPerUser.map((s) => s.sessions), [{ name: 'Users', values: data.sessionsPerUser.map((s) => s.users), format: 'compact' }])}
        />
      </section>
      <p className="reasoning">{compact(data.segments.reduce((s, x) => s + Number(x.users ?? 0), 0))} users carry an RFM segment (segments are computed over buyers).</p>
    </>
  );
}
