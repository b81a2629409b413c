// Paging back through a table's history on the Lakehouse page: a table with more versions than a
// page holds answers the newest page by default and older pages with ?before=N, each version with
// the rows it had then; bad paging input is a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/index.js';
import { Session } from '../../src/engine/session.js';
import { Lake } from '../../src/engine/lake.js';
import type { TableHistoryResponse } from '../../src/server/types.js';

const VERSIONS = 130;
let root: string;
let app: FastifyInstance;

async function get<T>(url: string, status = 200): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(status);
  return response.json() as T;
}

const versionsOf = (h: TableHistoryResponse) => h.history.map((e) => e.version);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  const session = await Session.open({ threads: 1 });
  try {
    // One row a commit: version v holds v + 1 rows.
    const lake = new Lake(join(root, 'lake'), session);
    for (let v = 0; v < VERSIONS; v++) await lake.append('ops.pipeline_runs', `select ${v} as run, 'append' as note`);
  } finally {
    session.close();
  }
  ({ app } = await buildApp({ lakeDir: join(root, 'lake'), threads: 1, watchMs: 0 }));
}, 300_000);

afterAll(async () => {
  await app?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('lakehouse history pages', () => {
  it('shows the newest versions first, saying older ones exist', async () => {
    const h = await get<TableHistoryResponse>('/api/lakehouse/tables/ops.pipeline_runs/history');
    expect(versionsOf(h)).toEqual(range(VERSIONS - 60, VERSIONS - 1));
    expect(h).toMatchObject({ limit: 60, latest: VERSIONS - 1, hasOlder: true, hasNewer: false });
    for (const e of h.history) expect(e.rows).toBe(e.version + 1);
  });

  it('pages back with before, down to version 0', async () => {
    const middle = await get<TableHistoryResponse>(`/api/lakehouse/tables/ops.pipeline_runs/history?before=${VERSIONS - 60}`);
    expect(versionsOf(middle)).toEqual(range(VERSIONS - 120, VERSIONS - 61));
    expect(middle).toMatchObject({ hasOlder: true, hasNewer: true });
    for (const e of middle.history) expect(e.rows).toBe(e.version + 1);
    const oldest = await get<TableHistoryResponse>(`/api/lakehouse/tables/ops.pipeline_runs/history?before=${VERSIONS - 120}`);
    expect(versionsOf(oldest)).toEqual(range(0, VERSIONS - 121));
    expect(oldest).toMatchObject({ hasOlder: false, hasNewer: true });
    expect(oldest.history[0]).toMatchObject({ version: 0, rows: 1, files: 1 });
    const none = await get<TableHistoryResponse>('/api/lakehouse/tables/ops.pipeline_runs/history?before=0');
    expect(none).toMatchObject({ history: [], hasOlder: false, hasNewer: true });
    const past = await get<TableHistoryResponse>(`/api/lakehouse/tables/ops.pipeline_runs/history?before=${VERSIONS + 50}`);
    expect(versionsOf(past)).toEqual(range(VERSIONS - 60, VERSIONS - 1));
  });

  it('refuses bad paging input', async () => {
    for (const [url, message] of [
      ['/api/lakehouse/tables/ops.pipeline_runs/history?before=abc', /before must be a table version/],
      ['/api/lakehouse/tables/ops.pipeline_runs/history?before=-1', /before must be a table version/],
      ['/api/lakehouse/tables/ops.pipeline_runs/history?before=1.5', /before must be a table version/],
      ['/api/lakehouse/tables/ops.pipeline_runs/history?page=2', /unknown parameter "page"/],
    ] as const) {
      expect((await get<{ message: string }>(url, 400)).message, url).toMatch(message);
    }
  });
});
