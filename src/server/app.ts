/**
 * The Fastify application: /api over the lake (routes.ts) and the built dashboard (dist/web) as
 * static files, with any other path answered by the app's index.html so page URLs can be shared.
 * A watcher lists the tables' logs every second and rebinds views when the pipeline commits.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Session } from '../engine/session.js';
import { Catalog } from './catalog.js';
import { ApiError, WebBuildMissingError } from './errors.js';
import { registerRoutes, warmDefaults } from './routes.js';
import { Rollups } from './rollups/index.js';

/** Quiet time after the last new version before the default views are recomputed. */
const WARM_QUIET_MS = 1500;

export interface AppOptions {
  lakeDir: string;
  /** Folder of the built web app; found next to the compiled server when absent. */
  webDir?: string;
  /** How often to look for new table versions, in ms (default 1000; 0 turns the watcher off). */
  watchMs?: number;
  /** DuckDB worker threads (default: all cores). */
  threads?: number;
  logger?: boolean;
  /** Memoise page results until a table version changes (default true; benchmarks turn it off). */
  cache?: boolean;
  /** Compute the pages' default views at start and after each commit (default: when caching). */
  warm?: boolean;
  /** Build rollups of the Gold tables in the background and answer from them (default true). */
  rollups?: boolean;
}

/** dist/web, whether this module runs compiled (dist/src/server) or from source (src/server). */
export function resolveWebDir(): string {
  for (const rel of ['../../dist/web', '../../web']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}/index.html`) && existsSync(`${dir}/assets`)) return dir;
  }
  throw new WebBuildMissingError(fileURLToPath(new URL('../../web', import.meta.url)));
}

export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; catalog: Catalog; rollups: Rollups | null }> {
  const session = await Session.open({ threads: options.threads });
  const catalog = new Catalog(options.lakeDir, session, options.cache ?? true);
  await catalog.refresh();
  const rollups = options.rollups === false ? null : new Rollups(catalog, options.threads);
  const app = Fastify({ logger: options.logger ?? false });

  app.setErrorHandler((error: Error, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send({ error: error.name, message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: 'BadRequest', message: error.message });
    request.log.error(error);
    return reply.code(500).send({ error: 'InternalError', message: error.message });
  });

  registerRoutes(app, catalog, rollups);

  const webDir = options.webDir ?? resolveWebDir();
  await app.register(fastifyStatic, { root: webDir, prefix: '/', index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET') {
      return reply.code(404).send({ error: 'NotFound', message: `no route ${request.method} ${request.url.split('?')[0]}` });
    }
    return reply.type('text/html').sendFile('index.html');
  });

  let closing = false;
  let warmTimer: ReturnType<typeof setTimeout> | undefined;
  const publish = () => catalog.emit('published', catalog.stamp);
  if (options.warm ?? options.cache ?? true) {
    // A pipeline run commits table after table; wait for a quiet moment before recomputing, then
    // tell open pages, whose refetch then finds the answers ready.
    const warm = (delayMs: number, announce: boolean) => {
      clearTimeout(warmTimer);
      warmTimer = setTimeout(() => {
        if (closing) return;
        warmDefaults(app, () => closing)
          .catch((error: unknown) => app.log.warn({ err: error }, 'could not precompute the default views'))
          .finally(() => announce && !closing && publish());
      }, delayMs);
      warmTimer.unref();
    };
    catalog.on('change', () => warm(WARM_QUIET_MS, true));
    app.addHook('onReady', async () => warm(0, false));
  } else {
    catalog.on('change', publish);
  }

  if (rollups) {
    catalog.on('change', () => rollups.schedule(WARM_QUIET_MS));
    app.addHook('onReady', async () => rollups.schedule(0));
  }

  const watchMs = options.watchMs ?? 1000;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (watchMs > 0) {
    timer = setInterval(() => {
      catalog.refresh().catch((error: unknown) => app.log.warn({ err: error }, 'could not refresh table versions'));
    }, watchMs);
    timer.unref();
  }
  app.addHook('onClose', async () => {
    closing = true;
    clearTimeout(warmTimer);
    rollups?.close();
    if (timer) clearInterval(timer);
    // Let a refresh in flight finish before the connection it uses goes away.
    await catalog.exclusive(async () => undefined);
    session.close();
  });
  return { app, catalog, rollups };
}
