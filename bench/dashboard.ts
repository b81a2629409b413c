/**
 * `npm run bench -- dashboard [--lake DIR] [--events N] [--runs N]`: how fast the dashboard answers. Per page,
 * the API calls it makes, timed over real HTTP with result memoisation off (the SQL itself) and on
 * (what a repeat visitor gets), reported as p50/p95; then each page in headless Chromium, timed
 * from navigation until every chart has drawn. Figures are printed, never asserted. Without --lake
 * it builds a lakehouse from `clicklake generate --events N` (default 200,000) with the real
 * pipeline in a temp dir. Each server is timed once its rollups of the Gold tables are built (the
 * build time is printed), so the figures are those of the rollup-backed queries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, type RunningServer } from '../src/server/index.js';
import type { MetaResponse } from '../src/server/types.js';
import type { BenchResult, BenchSuite, Figure } from './index.js';

const CLI = fileURLToPath(new URL('../src/cli/index.js', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let API_RUNS = 20;
let PAGE_RUNS = 5;

function cli(args: string[]): void {
  const result = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`clicklake ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const f = (ms: number) => `${ms.toFixed(1)} ms`.padStart(10);

/** The API calls each page makes on load (the lakehouse page: list, history, version, diff). */
function pageCalls(meta: MetaResponse, tables: { name: string; version: number }[]): Record<string, string[]> {
  const brand = meta.brands[0] ? `?brand=${encodeURIComponent(meta.brands[0])}` : '';
  const t = tables.find((x) => x.name === 'silver.events') ?? tables[0];
  const lake = t
    ? [
        '/api/lakehouse/tables',
        `/api/lakehouse/tables/${t.name}/history`,
        `/api/lakehouse/tables/${t.name}/versions/${t.version}`,
        `/api/lakehouse/tables/${t.name}/diff?from=${Math.max(0, t.version - 1)}&to=${t.version}`,
      ]
    : ['/api/lakehouse/tables'];
  const category = meta.categories[0] ? `category=${encodeURIComponent(meta.categories[0])}` : '';
  const week = meta.dateRange ? `from=${meta.dateRange.min}&to=${addDays(meta.dateRange.min, 6)}` : '';
  // A week inside the data, not from its first day: a range's running totals differ at both ends.
  const mid = meta.dateRange ? `from=${addDays(meta.dateRange.min, 9)}&to=${addDays(meta.dateRange.min, 16)}` : '';
  const q = (...parts: string[]) => {
    const text = parts.filter(Boolean).join('&');
    return text ? `?${text}` : '';
  };
  return {
    overview: ['/api/meta', '/api/overview', `/api/overview${brand}`, `/api/overview${q(category, week)}`, `/api/overview${q(mid)}`],
    funnel: ['/api/funnel', '/api/funnel?by=brand', `/api/funnel${brand}`, `/api/funnel${q(category)}`, `/api/funnel${q(category, week)}`, `/api/funnel${q(mid)}`],
    products: ['/api/products', '/api/products?metric=conversion', `/api/products${q(week)}`, `/api/products${q(mid)}`, `/api/products${brand}`],
    users: ['/api/users', `/api/users${q(week)}`, `/api/users${q(mid)}`],
    trends: ['/api/trends', `/api/trends${brand}`, `/api/trends${q(category, week)}`],
    optimization: ['/api/optimization'],
    quality: ['/api/quality'],
    lakehouse: lake,
  };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Waits until the server's rollups are built (or cannot be), and says how long that took. */
async function rollupsBuilt(server: RunningServer, label: string, figures: Record<string, Figure>, key: string): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const { rollups } = (await (await fetch(`${server.url}/api/meta`)).json()) as MetaResponse;
    if (!['pending', 'building', 'stale'].includes(rollups.state)) {
      const waited = (performance.now() - t0) / 1000;
      console.log(`\n${label}: rollups ${rollups.state}${rollups.reason ? ` (${rollups.reason})` : ''}${rollups.builtMs ? `, built and loaded in ${(rollups.builtMs / 1000).toFixed(1)} s` : ''} (waited ${waited.toFixed(1)} s)`);
      if (rollups.builtMs) figures[`rollup build s (${key})`] = Number((rollups.builtMs / 1000).toFixed(1));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function timeApi(server: RunningServer, calls: Record<string, string[]>, label: string, key: string, figures: Record<string, Figure>): Promise<void> {
  console.log(`\nAPI, ${label} (${API_RUNS} runs per call after one warm-up)`);
  console.log(`${'page'.padEnd(14)}${'first'.padStart(10)}${'p50'.padStart(10)}${'p95'.padStart(10)}  slowest call`);
  for (const [page, urls] of Object.entries(calls)) {
    const firsts: number[] = [];
    const times: number[] = [];
    let slowest = { url: '', p95: 0 };
    for (const url of urls) {
      const t0 = performance.now();
      const response = await fetch(`${server.url}${url}`);
      await response.arrayBuffer();
      firsts.push(performance.now() - t0);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const mine: number[] = [];
      for (let i = 0; i < API_RUNS; i++) {
        const t = performance.now();
        await (await fetch(`${server.url}${url}`)).arrayBuffer();
        mine.push(performance.now() - t);
      }
      times.push(...mine);
      const p95 = percentile(mine, 95);
      if (p95 > slowest.p95) slowest = { url, p95 };
    }
    console.log(`${page.padEnd(14)}${f(Math.max(...firsts))}${f(percentile(times, 50))}${f(percentile(times, 95))}  ${slowest.url}`);
    figures[`${page} api p95 ms (${key})`] = Number(percentile(times, 95).toFixed(1));
  }
}

async function timePages(server: RunningServer, pages: string[], figures: Record<string, Figure>): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'clicklake-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    console.log(`\nPages in Chromium, navigation until every chart has drawn (${PAGE_RUNS} runs after one warm-up)`);
    console.log(`${'page'.padEnd(14)}${'charts'.padStart(7)}${'median'.padStart(10)}${'max'.padStart(10)}`);
    for (const id of pages) {
      const times: number[] = [];
      let charts = 0;
      for (let i = 0; i <= PAGE_RUNS; i++) {
        const t0 = performance.now();
        await page.goto(`${server.url}/${id}`);
        await page.waitForFunction(
          () =>
            !document.querySelector('.loading') &&
            (document.querySelector('main')?.childElementCount ?? 0) > 0 &&
            [...document.querySelectorAll<HTMLElement>('.chart-canvas')].every((c) => c.dataset.rendered === 'true'),
          undefined,
          { timeout: 60_000, polling: 20 },
        );
        if (i > 0) times.push(performance.now() - t0);
        charts = await page.locator('.chart-canvas').count();
      }
      console.log(`${id.padEnd(14)}${String(charts).padStart(7)}${f(percentile(times, 50))}${f(Math.max(...times))}`);
      figures[`${id} render median ms`] = Number(percentile(times, 50).toFixed(1));
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function run(args: string[] = []): Promise<BenchResult> {
  const figures: Record<string, Figure> = {};
  // Fewer runs for big lakes, where one uncached funnel takes seconds.
  const runs = option(args, '--runs');
  if (runs) {
    API_RUNS = Math.max(1, Number(runs));
    PAGE_RUNS = Math.max(1, Math.min(5, Number(runs)));
  }
  let lakeDir = option(args, '--lake');
  let temp: string | undefined;
  if (!lakeDir) {
    const events = option(args, '--events') ?? '200000';
    temp = mkdtempSync(join(tmpdir(), 'clicklake-bench-dashboard-'));
    lakeDir = join(temp, 'lake');
    const csv = join(temp, 'events.csv');
    console.log(`building a lakehouse from ${events} generated events in ${temp}`);
    const t0 = performance.now();
    cli(['generate', '--events', events, '--out', csv]);
    cli(['run', csv, '--lake', lakeDir]);
    console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else if (!existsSync(lakeDir)) {
    throw new Error(`no lakehouse at ${lakeDir}`);
  }
  try {
    const raw = await startServer({ lakeDir, port: 0, cache: false, watchMs: 0 });
    const meta = (await (await fetch(`${raw.url}/api/meta`)).json()) as MetaResponse;
    const tables = ((await (await fetch(`${raw.url}/api/lakehouse/tables`)).json()) as { tables: { name: string; version: number; rows: number }[] }).tables;
    const events = tables.find((t) => t.name === 'gold.fact_events')?.rows;
    console.log(`lake ${lakeDir}: ${events ?? '?'} events in gold.fact_events, ${meta.dateRange?.min} to ${meta.dateRange?.max}`);
    figures['events in gold.fact_events'] = events ?? 'unknown';
    const calls = pageCalls(meta, tables);
    try {
      await rollupsBuilt(raw, 'memoisation off', figures, 'SQL');
      await timeApi(raw, calls, 'memoisation off: the SQL itself', 'SQL', figures);
    } finally {
      await raw.close();
    }
    const server = await startServer({ lakeDir, port: 0, watchMs: 0 });
    try {
      await rollupsBuilt(server, 'memoisation on', figures, 'memoised');
      await timeApi(server, calls, 'memoisation on: repeat visits', 'memoised', figures);
      await timePages(server, Object.keys(calls), figures);
    } finally {
      await server.close();
    }
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
  return { figures };
}

export const dashboardSuite: BenchSuite = {
  name: 'dashboard',
  describe: 'API p50/p95 per page (SQL and memoised) and page render time in Chromium [--lake DIR] [--events N] [--runs N]',
  run,
};

// Run directly (node dist/bench/dashboard.js …) as well as through the suite registry.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
