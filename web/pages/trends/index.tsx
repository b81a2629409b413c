// Trends: when do people shop? Weekday × hour heatmaps of activity and conversion, daily and
// hourly trends, and the peak hours.
import type { PageProps } from '../types';
import type { TrendsResponse } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { filterQuery } from '../../lib/route';
import { PageHeader, GoldView } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption, heatmapOption, WEEKDAYS, HOURS } from '../../lib/charts';
import { compact, pct } from '../../lib/format';

export function TrendsPage({ filters }: PageProps) {
  const state = useApi<TrendsResponse>(`/api/trends${filterQuery(filters)}`);
  return (
    <GoldView state={state}>
      {(data) => (
        <Trends data={data} />
      )}
    </GoldView>
  );
}

function Trends({ data }: { data: TrendsResponse }) {
  const peak = data.peakHours[0];
  const byDay = WEEKDAYS.map((_, d) => data.heatmap.filter((c) => c.dayOfWeek === d).reduce((s, c) => s + Number(c.events ?? 0), 0));
  const busiest = byDay.indexOf(Math.max(...byDay));
  const bestConv = [...data.hourly].sort((a, b) => Number(b.conversion ?? 0) - Number(a.conversion ?? 0))[0];
  return (
    <>
      <PageHeader
        question="When do people shop?"
        answer={
          peak ? (
            <>
              Activity peaks at <strong>{HOURS[peak.hour]} UTC</strong> ({compact(peak.events)} events) and the busiest weekday is{' '}
              <strong>{WEEKDAYS[busiest]}</strong>
              {bestConv ? <>; visits convert best at {HOURS[bestConv.hour]} ({pct(bestConv.conversion)})</> : null}.
            </>
          ) : (
            'No activity in the selected period.'
          )
        }
      />
      <section className="grid">
        <Chart
          title="Activity by weekday and hour"
          table={tableOf(data.heatmap, ['dayOfWeek', 'hour', 'events', 'conversion'])}
          height={320}
          option={(p) => heatmapOption(p, HOURS, WEEKDAYS, data.heatmap.map((c) => [c.hour, c.dayOfWeek, c.events]), 'compact', 'Events')}
        />
        <Chart
          title="Conversion by weekday and hour"
          table={tableOf(data.heatmap, ['dayOfWeek', 'hour', 'events', 'conversion'])}
          height={320}
          option={(p) => heatmapOption(p, HOURS, WEEKDAYS, data.heatmap.map((c) => [c.hour, c.dayOfWeek, c.conversion]), 'pct', 'Conversion')}
        />
        <Chart
          wide
          title="Daily events and revenue"
          table={tableOf(data.daily, ['date', 'events', 'sessions', 'revenue'])}
          option={(p) =>
            xyOption(p, data.daily.map((d) => d.date), [
              { name: 'Events', values: data.daily.map((d) => d.events), format: 'compact', kind: 'line', area: true },
              { name: 'Revenue', values: data.daily.map((d) => d.revenue), format: 'money', kind: 'line', secondary: true },
            ])
          }
        />
        <Chart
          title="Hourly events and conversion"
          table={tableOf(data.hourly, ['hour', 'events', 'purchases', 'revenue', 'conversion'])}
          option={(p) =>
            xyOption(p, data.hourly.map((h) => HOURS[h.hour] ?? String(h.hour)), [
              { name: 'Events', values: data.hourly.map((h) => h.events), format: 'compact' },
              { name: 'Conversion', values: data.hourly.map((h) => h.conversion), format: 'pct', kind: 'line', secondary: true },
            ])
          }
        />
        <Chart
          title="Peak hours"
          table={tableOf(data.peakHours, ['hour', 'events'])}
          option={(p) => xyOption(p, data.peakHours.map((h) => HOURS[h.hour] ?? String(h.hour)), [{ name: 'Events', values: data.peakHours.map((h) => h.events), format: 'compact' }], { horizontal: true })}
        />
      </section>
    </>
  );
}
