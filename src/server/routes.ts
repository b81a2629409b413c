/**
 * The /api routes: one JSON endpoint per page, the lake's metadata and versions, and a stream of
 * version changes. Every query string is validated (unknown parameters included) before any SQL
 * runs; page results are memoised until a table version changes.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Catalog } from './catalog.js';
import { dateRange, knownValues, validFilters } from './context.js';
import { BadRequestError } from './errors.js';
import { filterShape, parseQuery } from './filters.js';
import { overview } from './pages/overview.js';
import { funnel } from './pages/funnel.js';
import { products } from './pages/products.js';
import { users } from './pages/users.js';
import { trends } from './pages/trends.js';
import { optimization } from './pages/optimization.js';
import { quality } from './pages/quality.js';
import { lakeTables, tableAtVersion, tableDiff, tableHistory } from './pages/lakehouse.js';
import { DASHBOARD_TABLES } from './catalog.js';
import type { MetaResponse, VersionsResponse } from './types.js';
import type { Rollups } from './rollups/index.js';

const filtersOnly = z.object(filterShape).strict();
const funnelQuery = z.object({ ...filterShape, by: z.enum(['category', 'brand']).default('category') }).strict();
const productsQuery = z.object({ ...filterShape, metric: z.enum(['revenue', 'views', 'conversion']).default('revenue') }).strict();
const noQuery = z.object({}).strict();
const version = z.string().regex(/^\d{1,9}$/, 'must be a table version (a whole number)').transform(Number);
const diffQuery = z.object({ from: version, to: version }).strict();
const historyQuery = z.object({ before: version.optional() }).strict();
const tableName = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be a table name like gold.kpi_daily');

/**
 * Computes (and memoises) each page's default view, so the first visit after a pipeline commit
 * finds its answer ready instead of waiting on the event-level queries. Filtered views are
 * computed on demand.
 */
export async function warmDefaults(app: FastifyInstance, stopped: () => boolean): Promise<void> {
  for (const url of ['/api/meta', '/api/overview', '/api/funnel', '/api/products', '/api/users', '/api/trends', '/api/quality', '/api/optimization', '/api/lakehouse/tables']) {
    if (stopped()) return;
    await app.inject({ method: 'GET', url });
  }
}

export function registerRoutes(app: FastifyInstance, catalog: Catalog, rollups: Rollups | null = null): void {
  const memo = <T>(key: string, query: unknown, compute: () => Promise<T>) => catalog.cached(`${key}?${JSON.stringify(query)}`, compute);

  app.get('/api/meta', async (): Promise<MetaResponse> => {
    const known = await knownValues(catalog);
    return {
      lake: catalog.lakeDir,
      tables: DASHBOARD_TABLES.map((name) => {
        const problem = catalog.problems.get(name);
        return { name, exists: catalog.exists(name), version: catalog.version(name), ...(problem ? { problem } : {}) };
      }),
      rollups: rollups ? rollups.status : { state: 'off' },
      dateRange: await dateRange(catalog),
      ...known,
    };
  });

  app.get('/api/versions', async (): Promise<VersionsResponse> => ({ stamp: catalog.stamp, versions: catalog.snapshotOfVersions() }));

  app.get('/api/overview', async (request) => {
    const filters = await validFilters(catalog, parseQuery(filtersOnly, request.query));
    return memo('overview', filters, () => overview(catalog, filters));
  });

  app.get('/api/funnel', async (request) => {
    const { by, ...rest } = parseQuery(funnelQuery, request.query);
    const filters = await validFilters(catalog, rest);
    return memo('funnel', { ...filters, by }, () => funnel(catalog, filters, by));
  });

  app.get('/api/products', async (request) => {
    const { metric, ...rest } = parseQuery(productsQuery, request.query);
    const filters = await validFilters(catalog, rest);
    return memo('products', { ...filters, metric }, () => products(catalog, filters, metric));
  });

  app.get('/api/users', async (request) => {
    const filters = await validFilters(catalog, parseQuery(filtersOnly, request.query));
    return memo('users', filters, () => users(catalog, filters));
  });

  app.get('/api/trends', async (request) => {
    const filters = await validFilters(catalog, parseQuery(filtersOnly, request.query));
    return memo('trends', filters, () => trends(catalog, filters));
  });

  app.get('/api/optimization', async (request) => {
    parseQuery(noQuery, request.query);
    return memo('optimization', {}, () => optimization(catalog));
  });

  app.get('/api/quality', async (request) => {
    parseQuery(noQuery, request.query);
    return memo('quality', {}, () => quality(catalog));
  });

  app.get('/api/lakehouse/tables', async (request) => {
    parseQuery(noQuery, request.query);
    return memo('tables', {}, () => lakeTables(catalog));
  });

  app.get<{ Params: { table: string } }>('/api/lakehouse/tables/:table/history', async (request) => {
    const { before } = parseQuery(historyQuery, request.query);
    const name = parseParam(tableName, request.params.table, 'table');
    return memo('history', [name, before ?? null], () => tableHistory(catalog, name, before));
  });

  app.get<{ Params: { table: string; version: string } }>('/api/lakehouse/tables/:table/versions/:version', async (request) => {
    parseQuery(noQuery, request.query);
    const name = parseParam(tableName, request.params.table, 'table');
    const v = parseParam(version, request.params.version, 'version');
    return memo('version', [name, v], () => tableAtVersion(catalog, name, v));
  });

  app.get<{ Params: { table: string } }>('/api/lakehouse/tables/:table/diff', async (request) => {
    const name = parseParam(tableName, request.params.table, 'table');
    const { from, to } = parseQuery(diffQuery, request.query);
    return memo('diff', [name, from, to], () => tableDiff(catalog, name, from, to));
  });

  // Server-sent events: one 'versions' event now and one whenever new table versions are ready to
  // read ('published': after the default views are recomputed, so the refetch it causes is instant).
  // Open streams are ended when the server closes, which would otherwise wait on them forever.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.get('/api/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    streams.add(res);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = () => res.write(`event: versions\ndata: ${JSON.stringify({ stamp: catalog.stamp, versions: catalog.snapshotOfVersions() })}\n\n`);
    send();
    // A comment line every 20 s keeps proxies from closing an idle stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
    catalog.on('published', send);
    request.raw.on('close', () => {
      streams.delete(res);
      clearInterval(keepAlive);
      catalog.off('published', send);
    });
  });
}

function parseParam<S extends z.ZodType>(schema: S, value: unknown, field: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequestError(`${field} ${result.error.issues[0]!.message}`, field);
  return result.data;
}
