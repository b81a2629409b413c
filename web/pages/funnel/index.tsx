// Funnel: where do shoppers drop off between viewing, carting and buying? Sessions and users,
// by category or brand, time to purchase, and cart abandonment by category.
import type { EChartsOption } from 'echarts';
import type { PageProps } from '../types';
import type { FunnelResponse } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { filterQuery } from '../../lib/route';
import { PageHeader, GoldView } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption } from '../../lib/charts';
import { pct, compact, duration } from '../../lib/format';
import type { Palette } from '../../lib/theme';

export function FunnelPage({ filters, extra, setExtra }: PageProps) {
  const by = extra.by === 'brand' ? 'brand' : 'category';
  const state = useApi<FunnelResponse>(`/api/funnel${filterQuery(filters, { by })}`);
  return (
    <GoldView state={state}>
      {(data) => (
        <Funnel data={data} by={by} setBy={(value) => setExtra({ ...extra, by: value })} />
      )}
    </GoldView>
  );
}

function funnelOption(p: Palette, steps: FunnelResponse['steps'], key: 'sessions' | 'users'): EChartsOption {
  const top = Number(steps[0]?.[key] ?? 0) || 1;
  return {
    tooltip: { trigger: 'item', formatter: (x: unknown) => { const it = x as { name: string; value: number }; return `${it.name}: <b>${compact(it.value)}</b> (${pct(it.value / top)})`; } },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        top: 16,
        bottom: 8,
        // Narrow steps stay wide enough to carry their label; the label gives the exact share.
        minSize: '28%',
        label: { show: true, position: 'inside', color: '#fff', lineHeight: 16, formatter: (x: unknown) => { const it = x as { name: string; value: number }; return `${it.name}\n${compact(it.value)} · ${pct(it.value / top)}`; } },
        data: steps.map((s) => ({ name: s.step, value: Number(s[key] ?? 0) })),
      },
    ],
  } as EChartsOption;
}

function Funnel({ data, by, setBy }: { data: FunnelResponse; by: string; setBy: (by: string) => void }) {
  const [view, cart, purchase] = data.steps;
  const viewToCart = view?.sessions && cart?.sessions !== null ? Number(cart?.sessions) / view.sessions : null;
  // Of the sessions that carted, the share that also bought (some purchases skip the cart event).
  const cartToBuy = data.cartToPurchase;
  const overall = view?.sessions ? Number(purchase?.sessions ?? 0) / view.sessions : null;
  const worst = viewToCart !== null && cartToBuy !== null ? (viewToCart < cartToBuy ? 'view → cart' : 'cart → purchase') : null;
  const groups = data.groups;
  return (
    <>
      <PageHeader
        question="Where do shoppers drop off?"
        answer={
          <>
            <strong>{pct(overall)}</strong> of sessions that viewed a product went on to buy
            {worst ? (
              <>
                ; the steepest drop is <strong>{worst}</strong> ({pct(viewToCart)} of viewing sessions add to cart, {pct(cartToBuy)} of carting sessions buy)
              </>
            ) : null}
            {data.medianMinutesToPurchase !== null ? <>. Half of buying sessions buy within {duration(Number(data.medianMinutesToPurchase) * 60)} of their first view.</> : '.'}
          </>
        }
      />
      <section className="grid">
        <Chart title="Funnel by sessions" table={tableOf(data.steps, ['step', 'sessions', 'users'])} option={(p) => funnelOption(p, data.steps, 'sessions')} />
        <Chart title="Funnel by users" table={tableOf(data.steps, ['step', 'sessions', 'users'])} option={(p) => funnelOption(p, data.steps, 'users')} />
      </section>
      <div className="controls">
        <label>
          Break down by
          <select name="by" value={by} onChange={(e) => setBy(e.target.value)}>
            <option value="category">Category</option>
            <option value="brand">Brand</option>
          </select>
        </label>
      </div>
      <section className="grid">
        <Chart
          wide
          title={`Conversion by ${by}`}
          table={tableOf(groups, ['name', 'views', 'carts', 'purchases', 'viewToCart', 'cartToPurchase', 'conversion'])}
          height={Math.max(300, groups.length * 34 + 60)}
          option={(p) =>
            xyOption(p, groups.map((g) => g.name), [
              { name: 'View → cart', values: groups.map((g) => g.viewToCart), format: 'pct' },
              { name: 'Cart → purchase', values: groups.map((g) => g.cartToPurchase), format: 'pct' },
              { name: 'View → purchase', values: groups.map((g) => g.conversion), format: 'pct' },
            ], { horizontal: true })
          }
        />
        <Chart
          title="Time from first view to purchase"
          table={tableOf(data.timeToPurchase, ['bucket', 'sessions'])}
          option={(p) => xyOption(p, data.timeToPurchase.map((b) => b.bucket), [{ name: 'Buying sessions', values: data.timeToPurchase.map((b) => b.sessions), format: 'compact' }])}
        />
        <Chart
          title="Cart abandonment by category"
          table={tableOf(data.abandonmentByCategory, ['category', 'cartSessions', 'abandoned', 'rate'])}
          option={(p) =>
            xyOption(p, data.abandonmentByCategory.map((a) => a.category), [{ name: 'Abandonment rate', values: data.abandonmentByCategory.map((a) => a.rate), format: 'pct' }], {
              horizontal: true,
            })
          }
        />
      </section>
    </>
  );
}
