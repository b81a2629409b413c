/**
 * Real Chromium for the dashboard tests and benchmark: Debian's /usr/bin/chromium driven by
 * playwright-core, headless, sandbox and network extras off, with a fresh profile per launch.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CLICKLAKE_CHROMIUM ?? '/usr/bin/chromium';

/** True when Chromium is installed; otherwise says why the browser suites are skipped. */
export function hasChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  console.warn(`skipping the browser suites: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CLICKLAKE_CHROMIUM)`);
  return false;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'clicklake-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and uncaught page errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Waits until the page has loaded its data and every chart canvas reports ECharts' 'finished'
 * event; returns the number of charts drawn.
 */
export async function waitForCharts(page: Page, timeout = 15_000): Promise<number> {
  await page.waitForFunction(
    () => {
      if (document.querySelector('.loading')) return false;
      const main = document.querySelector('main');
      if (!main || main.childElementCount === 0) return false;
      const charts = [...document.querySelectorAll<HTMLElement>('.chart-canvas')];
      return charts.every((c) => c.dataset.rendered === 'true');
    },
    undefined,
    { timeout, polling: 50 },
  );
  return page.locator('.chart-canvas').count();
}
