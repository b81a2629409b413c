// Products: what sells, and what only gets looked at? Top products, brands and categories, the
// category hierarchy, price bands against conversion, and products viewed often but rarely bought.
import type { EChartsOption } from 'echarts';
import type { PageProps } from '../types';
import type { ProductsResponse, RankedItem } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { filterQuery } from '../../lib/route';
import { PageHeader, GoldView } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption } from '../../lib/charts';
import { money, pct, compact } from '../../lib/format';
import type { Palette } from '../../lib/theme';

type Metric = 'revenue' | 'views' | 'conversion';
const METRIC_FORMAT = { revenue: 'money', views: 'compact', conversion: 'pct' } as const;

export function ProductsPage({ filters, extra, setExtra }: PageProps) {
  const metric: Metric = extra.metric === 'views' || extra.metric === 'conversion' ? extra.metric : 'revenue';
  const state = useApi<ProductsResponse>(`/api/products${filterQuery(filters, { metric })}`);
  return (
    <GoldView state={state}>
      {(data) => (
        <Products data={data} metric={metric} setMetric={(m) => setExtra({ ...extra, metric: m })} />
      )}
    </GoldView>
  );
}

function ranked(p: Palette, items: RankedItem[], metric: Metric): EChartsOption {
  return xyOption(p, items.map((i) => i.name), [{ name: metric, values: items.map((i) => i[metric]), format: METRIC_FORMAT[metric] }], { horizontal: true });
}

function treemapOption(p: Palette, rows: ProductsResponse['hierarchy']): EChartsOption {
  type Node = { name: string; value: number; children?: Node[] };
  const root: Node[] = [];
  const child = (list: Node[], name: string): Node => {
    let node = list.find((x) => x.name === name);
    if (!node) list.push((node = { name, value: 0, children: [] }));
    return node;
  };
  for (const r of rows) {
    const v = Number(r.revenue ?? 0);
    const a = child(root, r.l1 || 'unknown');
    a.value += v;
    const b = child(a.children!, r.l2 || '(none)');
    b.value += v;
    b.children!.push({ name: r.l3 || '(none)', value: v });
  }
  return {
    tooltip: { formatter: (x: unknown) => { const it = x as { treePathInfo: { name: string }[]; value: number }; return `${it.treePathInfo.map((t) => t.name).filter(Boolean).join(' › ')}<br/><b>${money(it.value)}</b>`; } },
    series: [
      {
        type: 'treemap',
        data: root,
        top: 8,
        bottom: 0,
        left: 0,
        right: 0,
        roam: false,
        leafDepth: 2,
        drillDownIcon: '',
        breadcrumb: { show: false },
        nodeClick: false,
        label: { show: true, formatter: '{b}', overflow: 'truncate' },
        upperLabel: { show: true, height: 20, color: '#fff' },
        levels: [{ itemStyle: { borderWidth: 2, gapWidth: 2, borderColor: p.background } }, { itemStyle: { gapWidth: 1 } }, {}],
      },
    ],
  } as EChartsOption;
}

function Products({ data, metric, setMetric }: { data: ProductsResponse; metric: Metric; setMetric: (m: Metric) => void }) {
  const totalRevenue = data.topCategories.reduce((s, c) => s + Number(c.revenue ?? 0), 0);
  const topCategory = [...data.topCategories].sort((a, b) => Number(b.revenue ?? 0) - Number(a.revenue ?? 0))[0];
  const topBrand = [...data.topBrands].sort((a, b) => Number(b.revenue ?? 0) - Number(a.revenue ?? 0))[0];
  const productTable = tableOf(
    data.topProducts.map((p) => ({ ...p })),
    ['productId', 'name', 'brand', 'category', 'revenue', 'views', 'purchases', 'conversion'],
  );
  const label = metric === 'revenue' ? 'revenue' : metric === 'views' ? 'views' : 'conversion';
  return (
    <>
      <PageHeader
        question="What sells, and what only gets looked at?"
        answer={
          topCategory ? (
            <>
              <strong>{topCategory.name}</strong> brings {pct(totalRevenue ? Number(topCategory.revenue) / totalRevenue : null)} of category revenue ({money(topCategory.revenue)})
              {topBrand ? (
                <>
                  ; the leading brand is <strong>{topBrand.name}</strong> at {money(topBrand.revenue)}
                </>
              ) : null}
              .
            </>
          ) : (
            'No product activity in the selected period.'
          )
        }
      />
      <div className="controls">
        <label>
          Rank by
          <select name="metric" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
            <option value="revenue">Revenue</option>
            <option value="views">Views</option>
            <option value="conversion">Conversion</option>
          </select>
        </label>
      </div>
      <section className="grid">
        <Chart
          title={`Top products by ${label}`}
          table={productTable}
          height={360}
          option={(p) => ranked(p, data.topProducts.map((x) => ({ ...x, name: x.brand ? `${x.productId} (${x.brand})` : x.productId })), metric)}
        />
        <Chart title={`Top brands by ${label}`} table={tableOf(data.topBrands, ['name', 'revenue', 'views', 'purchases', 'conversion'])} height={360} option={(p) => ranked(p, data.topBrands, metric)} />
        <Chart title={`Top categories by ${label}`} table={tableOf(data.topCategories, ['name', 'revenue', 'views', 'purchases', 'conversion'])} height={360} option={(p) => ranked(p, data.topCategories, metric)} />
        <Chart title="Category hierarchy by revenue" table={tableOf(data.hierarchy, ['l1', 'l2', 'l3', 'revenue', 'views'])} height={360} option={(p) => treemapOption(p, data.hierarchy)} />
        <Chart
          title="Price bands against conversion"
          table={tableOf(data.priceBands, ['band', 'views', 'purchases', 'conversion', 'revenue'])}
          option={(p) =>
            xyOption(p, data.priceBands.map((b) => b.band), [
              { name: 'Views', values: data.priceBands.map((b) => b.views), format: 'compact' },
              { name: 'Conversion', values: data.priceBands.map((b) => b.conversion), format: 'pct', kind: 'line', secondary: true },
            ])
          }
        />
        <Chart
          title="Viewed often, rarely bought"
          table={tableOf(data.viewedNotBought, ['productId', 'brand', 'category', 'views', 'purchases', 'conversion'])}
          empty="Every often-viewed product also sells."
          option={(p) =>
            xyOption(
              p,
              data.viewedNotBought.map((x) => `${x.productId}${x.brand ? ` (${x.brand})` : ''}`),
              [
                { name: 'Views', values: data.viewedNotBought.map((x) => x.views), format: 'compact' },
                { name: 'Purchases', values: data.viewedNotBought.map((x) => x.purchases), format: 'compact' },
              ],
              { horizontal: true },
            )
          }
        />
      </section>
      <p className="reasoning">Conversion here is purchases per view of the product; {compact(data.viewedNotBought.length)} products are shown in the last chart.</p>
    </>
  );
}
