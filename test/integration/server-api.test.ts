// The dashboard API over a real lakehouse built by the pipeline: each endpoint's answer, checked
// against independent SQL over Silver where a figure can be, and each kind of bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/index.js';
import { Session } from '../../src/engine/session.js';
import { Lake } from '../../src/engine/lake.js';
import { buildTestLake, type TestLake } from '../e2e/lake.js';
import type {
  FunnelResponse,
  LakehouseResponse,
  MetaResponse,
  OptimizationResponse,
  OverviewResponse,
  ProductsResponse,
  QualityResponse,
  TableAtVersionResponse,
  TableDiffResponse,
  TableHistoryResponse,
  TrendsResponse,
  UsersResponse,
} from '../../src/server/types.js';

let lake: TestLake;
let app: FastifyInstance;
let silver: Session;

async function get<T>(url: string, status = 200): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(status);
  return response.json() as T;
}

/** Figures straight from silver.events, independent of the Gold models the API reads. */
async function silverScalar(sql: string, params: Record<string, string> = {}): Promise<number> {
  const [row] = await silver.all(sql, params);
  return Number(Object.values(row!)[0]);
}

/** A scalar from any lake table, read through its own view named t. */
async function silverScalarOf(lakeDir: string, table: string, sql: string): Promise<number> {
  await new Lake(lakeDir, silver).view('t', table);
  return silverScalar(sql);
}

beforeAll(async () => {
  lake = await buildTestLake();
  ({ app } = await buildApp({ lakeDir: lake.lakeDir, threads: 1, watchMs: 0 }));
  silver = await Session.open({ threads: 1 });
  await new Lake(lake.lakeDir, silver).view('silver_events', 'silver.events');
});

afterAll(async () => {
  await app?.close();
  silver?.close();
  if (lake) rmSync(lake.root, { recursive: true, force: true });
});

describe('dashboard API', () => {
  it('describes the lake: tables, date range, categories and brands', async () => {
    const meta = await get<MetaResponse>('/api/meta');
    expect(meta.tables.find((t) => t.name === 'gold.kpi_daily')).toEqual({ name: 'gold.kpi_daily', exists: true, version: 1 });
    expect(meta.tables.find((t) => t.name === 'ops.lab_results')?.exists).toBe(false);
    const range = await silver.all<{ min: string; max: string }>('select min(event_date)::varchar as min, max(event_date)::varchar as max from silver_events');
    expect(meta.dateRange).toEqual(range[0]);
    expect(meta.categories.length).toBeGreaterThan(0);
    expect(meta.brands.length).toBeGreaterThan(0);
  });

  it('overview: revenue and daily series match Silver; a brand filter narrows them', async () => {
    const all = await get<OverviewResponse>('/api/overview');
    const revenue = await silverScalar(`select sum(price) from silver_events where event_type = 'purchase'`);
    expect(all.kpis.revenue.value).toBeCloseTo(revenue, 2);
    const buyers = await silverScalar(`select count(distinct user_id) from silver_events where event_type = 'purchase' and user_session is not null`);
    expect(all.kpis.buyers.value).toBe(buyers);
    expect(all.daily.length).toBe(await silverScalar('select count(distinct event_date) from silver_events'));
    expect(all.kpis.conversionRate.value).toBeGreaterThan(0);
    expect(all.kpis.conversionRate.value).toBeLessThan(1);

    const meta = await get<MetaResponse>('/api/meta');
    const [top] = await silver.all<{ brand: string }>(`select brand from silver_events where event_type = 'purchase' and brand is not null group by brand order by sum(price) desc limit 1`);
    expect(meta.brands).toContain(top!.brand);
    const one = await get<OverviewResponse>(`/api/overview?brand=${encodeURIComponent(top!.brand)}`);
    const brandRevenue = await silverScalar(`select sum(price) from silver_events where event_type = 'purchase' and brand = $brand`, { brand: top!.brand });
    expect(one.kpis.revenue.value).toBeCloseTo(brandRevenue, 2);
    expect(one.kpis.revenue.value!).toBeLessThan(all.kpis.revenue.value!);
  });

  it('overview: a date range compares against the previous period of equal length', async () => {
    const meta = await get<MetaResponse>('/api/meta');
    const from = meta.dateRange!.min;
    const days = await silver.all<{ d: string }>('select distinct event_date::varchar as d from silver_events order by d');
    const mid = days[Math.floor(days.length / 2)]!.d;
    const later = await get<OverviewResponse>(`/api/overview?from=${mid}`);
    expect(later.period).toEqual({ from: mid, to: meta.dateRange!.max });
    expect(later.previous).not.toBeNull();
    expect(later.kpis.revenue.previous).not.toBeNull();
    const inRange = await silverScalar(`select sum(price) from silver_events where event_type = 'purchase' and event_date >= $mid::date`, { mid });
    expect(later.kpis.revenue.value).toBeCloseTo(inRange, 2);
    const first = await get<OverviewResponse>(`/api/overview?to=${from}`);
    expect(first.previous).toBeNull();
    expect(first.daily.map((d) => d.date)).toEqual([from]);
  });

  it('funnel: steps by sessions and users, breakdowns by category and brand', async () => {
    const f = await get<FunnelResponse>('/api/funnel');
    expect(f.steps.map((s) => s.step)).toEqual(['view', 'cart', 'purchase']);
    const viewSessions = await silverScalar(`select count(distinct user_session) from silver_events where event_type = 'view'`);
    expect(f.steps[0]!.sessions).toBe(viewSessions);
    expect(f.steps[0]!.users!).toBeGreaterThanOrEqual(f.steps[2]!.users!);
    expect(f.groups.length).toBeGreaterThan(0);
    expect(f.cartToPurchase).toBeGreaterThanOrEqual(0);
    expect(f.cartToPurchase).toBeLessThanOrEqual(1);
    expect(f.timeToPurchase.reduce((a, b) => a + Number(b.sessions), 0)).toBeGreaterThan(0);
    const byBrand = await get<FunnelResponse>('/api/funnel?by=brand');
    expect(byBrand.by).toBe('brand');
    expect(byBrand.groups.map((g) => g.name)).not.toEqual(f.groups.map((g) => g.name));
    for (const g of byBrand.groups) expect(g.cartToPurchase ?? 0).toBeLessThanOrEqual(1);
  });

  it('products: rankings, hierarchy, price bands; the ranking metric changes the order', async () => {
    const byRevenue = await get<ProductsResponse>('/api/products');
    expect(byRevenue.topProducts.length).toBeGreaterThan(0);
    const revenues = byRevenue.topProducts.map((p) => Number(p.revenue));
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
    const [best] = await silver.all<{ product_id: bigint }>(`select product_id from silver_events where event_type = 'purchase' group by 1 order by sum(price) desc, count(*) desc, product_id::varchar limit 1`);
    expect(byRevenue.topProducts[0]!.productId).toBe(String(best!.product_id));
    expect(byRevenue.hierarchy.length).toBeGreaterThan(0);
    expect(byRevenue.priceBands.length).toBeGreaterThan(0);
    const byViews = await get<ProductsResponse>('/api/products?metric=views');
    const views = byViews.topProducts.map((p) => Number(p.views));
    expect(views).toEqual([...views].sort((a, b) => b - a));
  });

  it('users: segments with revenue shares summing to one, cohorts, new and returning', async () => {
    const u = await get<UsersResponse>('/api/users');
    expect(u.segments.length).toBeGreaterThan(0);
    expect(u.segments.reduce((a, s) => a + Number(s.revenueShare), 0)).toBeCloseTo(1, 6);
    expect(u.tiers[0]!.tier).toBe('Buyers');
    expect(u.cohorts.some((c) => c.weekOffset === 0 && c.retention === 1)).toBe(true);
    expect(u.newVsReturning.length).toBeGreaterThan(0);
    // A session belongs to one user (the smallest id when a session id was shared), as in fact_sessions.
    const users = await silverScalar('select count(distinct u) from (select min(user_id) as u from silver_events where user_session is not null group by user_session)');
    expect(u.sessionsPerUser.reduce((a, s) => a + Number(s.users), 0)).toBe(users);
  });

  it('trends: a weekday × hour grid totalling every event, and peak hours', async () => {
    const t = await get<TrendsResponse>('/api/trends');
    const total = await silverScalar('select count(*) from silver_events');
    expect(t.heatmap.reduce((a, c) => a + Number(c.events), 0)).toBe(total);
    for (const c of t.heatmap) {
      expect(c.dayOfWeek).toBeGreaterThanOrEqual(0);
      expect(c.dayOfWeek).toBeLessThanOrEqual(6);
    }
    expect(t.hourly).toHaveLength(24);
    expect(t.peakHours[0]!.events).toBe(Math.max(...t.hourly.map((h) => Number(h.events))));
    const meta = await get<MetaResponse>('/api/meta');
    const narrowed = await get<TrendsResponse>(`/api/trends?category=${encodeURIComponent(meta.categories[0]!)}`);
    expect(narrowed.heatmap.reduce((a, c) => a + Number(c.events), 0)).toBeLessThan(total);
  });

  it('optimization: says the lab results are missing until the lab has run', async () => {
    const o = await get<OptimizationResponse>('/api/optimization');
    expect(o.missing).toEqual(['ops.lab_results']);
    expect(o.techniques).toEqual([]);
  });

  it('quality: reconciles the layers from the logs', async () => {
    const q = await get<QualityResponse>('/api/quality');
    const bronze = q.reconciliation.find((r) => r.stage === 'Bronze events')!.rows;
    const silverRows = q.reconciliation.find((r) => r.stage === 'Silver events')!.rows;
    expect(silverRows).toBe(await silverScalar('select count(*) from silver_events'));
    expect(bronze!).toBeGreaterThanOrEqual(silverRows!);
    expect(q.batches).toHaveLength(2);
    for (const b of q.batches) expect(b.bronze).toBe(b.silver! + b.quarantined! + b.duplicates!);
    // The pipeline records expectation results and profiles; when it has, the page shows the latest run.
    const meta = await get<MetaResponse>('/api/meta');
    if (meta.tables.find((t) => t.name === 'ops.quality_results')?.exists) {
      const latest = await silverScalarOf(lake.lakeDir, 'ops.quality_results', 'select count(*) from t where run_id = (select run_id from t order by checked_at desc limit 1)');
      expect(q.verdicts).toHaveLength(latest);
      expect(q.runs.length).toBeGreaterThan(0);
      for (const v of q.verdicts) expect(['pass', 'warn', 'fail']).toContain(v.status);
    }
    if (meta.tables.find((t) => t.name === 'ops.column_profiles')?.exists) {
      expect(q.profiles.length).toBeGreaterThan(0);
      expect(q.profiles.every((p) => p.nullFraction === null || (p.nullFraction >= 0 && p.nullFraction <= 1))).toBe(true);
    }
  });

  it('lakehouse: tables, history, time travel and diff', async () => {
    const { tables } = await get<LakehouseResponse>('/api/lakehouse/tables');
    const bronze = tables.find((t) => t.name === 'bronze.events')!;
    expect(bronze.version).toBe(1);
    const h = await get<TableHistoryResponse>('/api/lakehouse/tables/bronze.events/history');
    expect(h.history.map((e) => e.version)).toEqual([0, 1]);
    const v0 = await get<TableAtVersionResponse>('/api/lakehouse/tables/bronze.events/versions/0');
    const v1 = await get<TableAtVersionResponse>('/api/lakehouse/tables/bronze.events/versions/1');
    expect(v0.rows).toBe(h.history[0]!.rows);
    expect(v1.rows).toBe(bronze.rows);
    expect(v0.rows!).toBeLessThan(v1.rows!);
    expect(h.history[1]!.rows).toBe(v1.rows);
    // A merged table (files removed and added): the history's running file set ends where the table is.
    const kpi = tables.find((t) => t.name === 'gold.kpi_daily')!;
    const kh = await get<TableHistoryResponse>('/api/lakehouse/tables/gold.kpi_daily/history');
    expect(kh.history.at(-1)).toMatchObject({ version: kpi.version, rows: kpi.rows, files: kpi.files, bytes: kpi.bytes });
    expect(kh.history.at(-1)!.operation).toBe(kpi.lastOperation);
    expect(v0.sample.length).toBeGreaterThan(0);
    expect(v0.columns.map((c) => c.name)).toContain('event_type');
    const diff = await get<TableDiffResponse>('/api/lakehouse/tables/bronze.events/diff?from=0&to=1');
    expect(diff.rowDelta).toBe(v1.rows! - v0.rows!);
    expect(diff.filesAdded).toBeGreaterThan(0);
  });

  it('rejects bad input with a 400 naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['/api/overview?from=2019-02-30', /from is not a real calendar date/],
      ['/api/overview?from=yesterday', /from must be a date as YYYY-MM-DD/],
      ['/api/overview?from=2019-10-20&to=2019-10-01', /from \(2019-10-20\) is after to \(2019-10-01\)/],
      ['/api/overview?brand=no-such-brand', /unknown brand "no-such-brand"/],
      ['/api/products?category=nowhere', /unknown category "nowhere"/],
      ['/api/trends?sql=select%201', /unknown parameter "sql"/],
      ['/api/funnel?by=color', /by/],
      ['/api/products?metric=profit', /metric/],
      ['/api/quality?x=1', /unknown parameter "x"/],
      ['/api/lakehouse/tables/bronze.events/versions/abc', /version must be a table version/],
      ['/api/lakehouse/tables/not%20a%20table/history', /table must be a table name/],
      ['/api/lakehouse/tables/bronze.events/diff?from=0', /to/],
    ];
    for (const [url, message] of cases) {
      const body = await get<{ message: string }>(url, 400);
      expect(body.message, url).toMatch(message);
    }
  });

  it('answers 404 for unknown tables, versions and routes', async () => {
    expect((await get<{ message: string }>('/api/lakehouse/tables/gold.nothing/history', 404)).message).toMatch(/no table "gold.nothing"/);
    expect((await get<{ message: string }>('/api/lakehouse/tables/bronze.events/versions/99', 404)).message).toMatch(/no version 99/);
    await get('/api/nothing', 404);
  });

  it('serves the web app for page URLs so they can be shared', async () => {
    const response = await app.inject({ method: 'GET', url: '/funnel?brand=apple' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('<div id="root">');
  });
});
