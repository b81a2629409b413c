// The dashboard's rollups against the Gold tables: over one generated lakehouse, two servers, one
// reading Gold only and one reading its rollups once built, must answer every page the same for
// each filter combination (counts exactly; sums of money to the cent, as they are added in another
// order). Also covers the rollup status in /api/meta and the rare cases the rollups keep detail for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/index.js';
import type { Catalog } from '../../src/server/catalog.js';
import { appendBatch, buildTestLake, type TestLake } from '../e2e/lake.js';
import type { MetaResponse, RollupStatus } from '../../src/server/types.js';

let lake: TestLake;
let gold: FastifyInstance;
let rolled: FastifyInstance;
let rolledCatalog: Catalog;
let meta: MetaResponse;

async function get(app: FastifyInstance, url: string): Promise<unknown> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
  return response.json();
}

async function rollupStatus(app: FastifyInstance): Promise<RollupStatus> {
  return ((await get(app, '/api/meta')) as MetaResponse).rollups;
}

async function waitForRollups(app: FastifyInstance): Promise<RollupStatus> {
  for (let i = 0; i < 600; i++) {
    const status = await rollupStatus(app);
    if (status.state !== 'pending' && status.state !== 'building' && status.state !== 'stale') return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('rollups were not built within a minute');
}

/** Equal, numbers within a relative 1e-9 (money summed in a different order). */
function expectSame(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected) && Number.isInteger(actual) && Math.abs(expected) < 2 ** 53) expect(actual, path).toBe(expected);
    else expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectSame((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object', path).toBe(true);
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

beforeAll(async () => {
  lake = await buildTestLake(20_000);
  ({ app: gold } = await buildApp({ lakeDir: lake.lakeDir, threads: 1, watchMs: 0, cache: false, rollups: false }));
  ({ app: rolled, catalog: rolledCatalog } = await buildApp({ lakeDir: lake.lakeDir, threads: 1, watchMs: 0, cache: false }));
  meta = (await get(gold, '/api/meta')) as MetaResponse;
});

afterAll(async () => {
  await gold?.close();
  await rolled?.close();
  if (lake) rmSync(lake.root, { recursive: true, force: true });
});

describe('dashboard rollups', () => {
  it('are built in the background and reported in /api/meta', async () => {
    expect(((await get(gold, '/api/meta')) as MetaResponse).rollups).toEqual({ state: 'off' });
    const status = await waitForRollups(rolled);
    expect(status.state, status.reason).toBe('ready');
    expect(status.versions?.['gold.fact_events']).toBe(1);
    expect(rolledCatalog.rollupBase()).toBe(meta.dateRange!.min);
  });

  it('keep detail for sessions spanning days and sessions shared by users, which this lake has', async () => {
    const [multiDay] = await rolledCatalog.query<{ n: number }>(`select count(distinct sid) as n from rollup_ttp_multi where kind = 'all'`);
    const [multiUser] = await rolledCatalog.query<{ n: number }>(`select count(distinct sid) as n from rollup_user_sessions where kind = 'all'`);
    expect(multiDay!.n).toBeGreaterThan(0);
    expect(multiUser!.n).toBeGreaterThan(0);
  });

  it('answer every page as the Gold tables do, for each filter combination', async () => {
    expect(rolledCatalog.rollupBase()).not.toBeNull();
    const { min, max } = meta.dateRange!;
    const day = (offset: number) => new Date(Date.parse(`${min}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    // The busiest category and a brand of it, so the combined filter is not empty.
    const [pair] = await rolledCatalog.query<{ l1: string; brand: string }>(
      `select l1, brand from rollup_events where kind = 'lb' and l1 is not null and brand is not null group by all order by sum(events) desc limit 1`,
    );
    const category = encodeURIComponent(pair!.l1);
    const brand = encodeURIComponent(pair!.brand);
    const filters = [
      '',
      `from=${day(3)}&to=${day(12)}`,
      `from=${day(10)}`,
      `to=${day(0)}`,
      `category=${category}`,
      `brand=${brand}`,
      `category=${category}&brand=${brand}`,
      `category=${category}&from=${day(5)}&to=${day(20)}`,
      `brand=${brand}&from=${day(8)}&to=${max}`,
      `category=${category}&brand=${brand}&from=${day(2)}&to=${day(9)}`,
    ];
    for (const f of filters) {
      const q = (more: string) => `?${[f, more].filter(Boolean).join('&')}`;
      for (const url of [
        `/api/overview${q('')}`,
        `/api/funnel${q('')}`,
        `/api/funnel${q('by=brand')}`,
        `/api/products${q('')}`,
        `/api/products${q('metric=conversion')}`,
        `/api/products${q('metric=views')}`,
        `/api/users${q('')}`,
        `/api/trends${q('')}`,
      ]) {
        expectSame(await get(rolled, url), await get(gold, url), url);
      }
    }
  });

  it('answer sessions per user and the products over many ranges as the Gold tables do', async () => {
    // The precomputed grid answers every (first, last) day pair and the product running totals are
    // read by day column: ranges starting on several days, each ending on every later day.
    const { min, max } = meta.dateRange!;
    const days = Math.round((Date.parse(max) - Date.parse(min)) / 86_400_000) + 1;
    const day = (offset: number) => new Date(Date.parse(`${min}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    for (const first of [0, 1, 7, Math.floor(days / 2), days - 1]) {
      for (let last = first; last < days; last += first % 2 === 0 ? 1 : 3) {
        const range = `from=${day(first)}&to=${day(last)}`;
        const users = (u: unknown) => (u as { sessionsPerUser: unknown }).sessionsPerUser;
        expectSame(users(await get(rolled, `/api/users?${range}`)), users(await get(gold, `/api/users?${range}`)), `users ${range}`);
        if (last % 5 === 0) expectSame(await get(rolled, `/api/products?${range}`), await get(gold, `/api/products?${range}`), `products ${range}`);
      }
    }
  });

  it('are rebuilt when the pipeline commits, and read Gold until then', async () => {
    await appendBatch(lake, 3_000, 41);
    // A Gold-only app opened on the new versions; the rolled app has no watcher, so it looks for
    // them the way the watcher does, once.
    const fresh = (await buildApp({ lakeDir: lake.lakeDir, threads: 1, watchMs: 0, cache: false, rollups: false })).app;
    try {
      expect(await rolledCatalog.refresh()).toBe(true);
      // The rollups describe the old versions now: pages must not read them.
      expect(rolledCatalog.rollupBase()).toBeNull();
      expect((await rollupStatus(rolled)).state).toMatch(/stale|building/);
      const url = `/api/funnel?brand=${encodeURIComponent(meta.brands[0]!)}`;
      expectSame(await get(rolled, url), await get(fresh, url), url);
      const status = await waitForRollups(rolled);
      expect(status.state).toBe('ready');
      expect(status.versions?.['gold.fact_events']).toBe(2);
      expect(rolledCatalog.rollupBase()).not.toBeNull();
      for (const u of [url, '/api/overview?category=' + encodeURIComponent(meta.categories[0]!), '/api/users', '/api/products']) {
        expectSame(await get(rolled, u), await get(fresh, u), u);
      }
    } finally {
      await fresh.close();
    }
  });

  it('refuse bad input the same way with rollups on', async () => {
    for (const url of ['/api/funnel?category=nowhere', '/api/overview?from=2019-10-20&to=2019-10-01', '/api/trends?kind=all']) {
      const response = await rolled.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
    }
  });
});
