// The dashboard API at the edges: a lake with no tables answers every page with an honest empty
// state rather than an error, and the optimization page reads lab results once a table exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/index.js';
import type { Catalog } from '../../src/server/catalog.js';
import { Session } from '../../src/engine/session.js';
import { Lake } from '../../src/engine/lake.js';
import type { LakehouseResponse, MetaResponse, OptimizationResponse, OverviewResponse } from '../../src/server/types.js';

let root: string;
let app: FastifyInstance;
let catalog: Catalog;

async function get<T>(url: string, status = 200): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(status);
  return response.json() as T;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  mkdirSync(join(root, 'lake'));
  ({ app, catalog } = await buildApp({ lakeDir: join(root, 'lake'), threads: 1, watchMs: 0 }));
});

afterAll(async () => {
  await app?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('dashboard API at the edges', () => {
  it('an empty lake: every page answers, naming the tables it needs', async () => {
    const meta = await get<MetaResponse>('/api/meta');
    expect(meta.tables.every((t) => !t.exists)).toBe(true);
    expect(meta.dateRange).toBeNull();
    expect(meta.categories).toEqual([]);
    const overview = await get<OverviewResponse>('/api/overview');
    expect(overview.missing).toContain('gold.kpi_daily');
    expect(overview.daily).toEqual([]);
    for (const page of ['funnel', 'products', 'users', 'trends', 'optimization']) {
      const body = await get<{ missing?: string[] }>(`/api/${page}`);
      expect(body.missing?.length, page).toBeGreaterThan(0);
    }
    expect((await get<{ tables: unknown[] }>('/api/lakehouse/tables')).tables).toEqual([]);
    // A filter naming a brand the (empty) lake has never seen is still refused.
    expect((await get<{ message: string }>('/api/overview?brand=apple', 400)).message).toMatch(/unknown brand "apple"/);
  });

  it('reads lab results once ops.lab_results exists, latest run per technique', async () => {
    const session = await Session.open({ threads: 1 });
    try {
      const lake = new Lake(join(root, 'lake'), session);
      await lake.append(
        'ops.lab_results',
        `select * from (values
          ('partition pruning', 900.0, 120.0, 500000000, 40000000, 'Only the days asked for are read.', '2026-01-01T00:00:00Z'::timestamptz),
          ('partition pruning', 880.0, 110.0, 500000000, 40000000, 'Only the days asked for are read.', '2026-01-02T00:00:00Z'::timestamptz),
          ('z-order', 400.0, 200.0, 300000000, 100000000, 'Clustering lets file stats skip files.', '2026-01-02T00:00:00Z'::timestamptz)
        ) as t(technique, before_ms, after_ms, before_bytes, after_bytes, reasoning, run_at)`,
      );
    } finally {
      session.close();
    }
    // This app has no watcher: look for new versions the way the watcher does, once.
    expect(await catalog.refresh()).toBe(true);
    const o = await get<OptimizationResponse>('/api/optimization');
    expect(o.missing).toBeUndefined();
    expect(o.techniques.map((t) => t.technique)).toEqual(['partition pruning', 'z-order']);
    expect(o.techniques[0]).toMatchObject({ beforeMs: 880, afterMs: 110, speedup: 8, beforeBytes: 500000000, afterBytes: 40000000 });
    expect(o.techniques[1]!.reasoning).toBe('Clustering lets file stats skip files.');
    expect(o.runAt).toMatch(/^2026-01-02/);
  });

  it('a table that cannot be opened counts as missing and says why, without taking the server down', async () => {
    const log = join(root, 'lake', 'gold', 'kpi_daily', '_delta_log');
    mkdirSync(log, { recursive: true });
    writeFileSync(join(log, '00000000000000000000.json'), 'this is not a commit\n');
    await catalog.refresh();
    const meta = await get<MetaResponse>('/api/meta');
    const kpi = meta.tables.find((t) => t.name === 'gold.kpi_daily')!;
    expect(kpi.exists).toBe(false);
    expect(kpi.problem).toMatch(/00000000000000000000\.json/);
    expect((await get<OverviewResponse>('/api/overview')).missing).toContain('gold.kpi_daily');
    expect((await get<OptimizationResponse>('/api/optimization')).techniques).toHaveLength(2);
    const { tables } = await get<LakehouseResponse>('/api/lakehouse/tables');
    expect(tables.find((t) => t.name === 'gold.kpi_daily')).toMatchObject({ version: null, problem: expect.stringMatching(/not a commit|JSON|corrupt/i) });
    expect(tables.find((t) => t.name === 'ops.lab_results')).toMatchObject({ version: 0, rows: 3 });
  });
});
