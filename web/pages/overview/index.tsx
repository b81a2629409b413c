// Overview: how is the business doing? Headline KPIs with trend and change against the previous
// period, then daily revenue and events.
import type { PageProps } from '../types';
import type { OverviewResponse, DailyPoint } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { filterQuery } from '../../lib/route';
import { PageHeader, GoldView } from '../../components/States';
import { Kpi } from '../../components/Kpi';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption } from '../../lib/charts';
import { money, change, integer, type FormatName } from '../../lib/format';

const CARDS: { key: keyof OverviewResponse['kpis']; label: string; format: FormatName; daily: keyof DailyPoint; inverse?: boolean }[] = [
  { key: 'revenue', label: 'Revenue', format: 'money', daily: 'revenue' },
  { key: 'orders', label: 'Orders', format: 'compact', daily: 'purchases' },
  { key: 'buyers', label: 'Buyers', format: 'compact', daily: 'buyers' },
  { key: 'activeUsers', label: 'Active users', format: 'compact', daily: 'activeUsers' },
  { key: 'sessions', label: 'Sessions', format: 'compact', daily: 'sessions' },
  { key: 'conversionRate', label: 'Conversion rate', format: 'pct', daily: 'conversionRate' },
  { key: 'averageOrderValue', label: 'Average order value', format: 'money', daily: 'averageOrderValue' },
  { key: 'cartAbandonment', label: 'Cart abandonment', format: 'pct', daily: 'cartAbandonment', inverse: true },
];

export function OverviewPage({ filters }: PageProps) {
  const scope = [filters.category, filters.brand].filter(Boolean).join(', ');
  const state = useApi<OverviewResponse>(`/api/overview${filterQuery(filters)}`);
  return (
    <GoldView state={state}>
      {(data) => (
        <Overview data={data} scope={scope} />
      )}
    </GoldView>
  );
}

function Overview({ data, scope }: { data: OverviewResponse; scope: string }) {
  const { kpis, period } = data;
  const revenueChange =
    kpis.revenue.previous && kpis.revenue.value !== null ? (kpis.revenue.value - kpis.revenue.previous) / kpis.revenue.previous : null;
  const table = tableOf(data.daily, ['date', 'revenue', 'events', 'views', 'carts', 'purchases', 'sessions', 'activeUsers', 'conversionRate']);
  return (
    <>
      <PageHeader
        question="How is the business doing?"
        answer={
          period ? (
            <>
              Revenue{scope ? <> from {scope}</> : null} was <strong>{money(kpis.revenue.value)}</strong> from {period.from} to {period.to}
              {revenueChange !== null ? <>, {change(revenueChange)} against the previous period</> : null}, from{' '}
              <strong>{integer(kpis.orders.value)}</strong> orders by {integer(kpis.buyers.value)} buyers.
            </>
          ) : (
            'There are no events in the selected period.'
          )
        }
      />
      <section className="kpis">
        {CARDS.map((c) => (
          <Kpi
            key={c.key}
            label={c.label}
            value={kpis[c.key].value}
            previous={kpis[c.key].previous}
            format={c.format}
            inverse={c.inverse}
            trend={data.daily.map((d) => ({ date: d.date, value: d[c.daily] as number | null }))}
          />
        ))}
      </section>
      <section className="grid">
        <Chart
          wide
          title="Daily revenue and events"
          table={table}
          height={340}
          option={(p) =>
            xyOption(p, data.daily.map((d) => d.date), [
              { name: 'Revenue', values: data.daily.map((d) => d.revenue), format: 'money' },
              { name: 'Events', values: data.daily.map((d) => d.events), format: 'compact', kind: 'line', secondary: true },
            ])
          }
        />
        <Chart
          title="Daily sessions and buyers"
          table={table}
          option={(p) =>
            xyOption(p, data.daily.map((d) => d.date), [
              { name: 'Sessions', values: data.daily.map((d) => d.sessions), format: 'compact', kind: 'line', area: true },
              { name: 'Buyers', values: data.daily.map((d) => d.buyers), format: 'compact', kind: 'line', secondary: true },
            ])
          }
        />
        <Chart
          title="Daily conversion rate"
          table={tableOf(data.daily, ['date', 'conversionRate', 'cartAbandonment'])}
          option={(p) =>
            xyOption(p, data.daily.map((d) => d.date), [
              { name: 'Conversion rate', values: data.daily.map((d) => d.conversionRate), format: 'pct', kind: 'line' },
              { name: 'Cart abandonment', values: data.daily.map((d) => d.cartAbandonment), format: 'pct', kind: 'line', secondary: true },
            ])
          }
        />
      </section>
    </>
  );
}
