// The dashboard server over real HTTP: `clicklake serve` starts and answers, bad options fail with
// one line, and when the pipeline commits new versions the server pushes an event and serves the
// new numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { appendBatch, buildTestLake, type TestLake } from '../e2e/lake.js';
import type { MetaResponse, OverviewResponse } from '../../src/server/types.js';

let lake: TestLake;

beforeAll(async () => {
  lake = await buildTestLake(8_000);
});

afterAll(() => {
  if (lake) rmSync(lake.root, { recursive: true, force: true });
});

/** Reads server-sent events from a streaming fetch, one parsed `data` payload at a time. */
async function* events(url: string, signal: AbortSignal): AsyncGenerator<{ event: string; data: unknown }> {
  const response = await fetch(url, { signal });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
    }
  }
}

describe('dashboard server over HTTP', () => {
  it('pushes a versions event and serves new numbers when the pipeline commits', async () => {
    const server: RunningServer = await startServer({ lakeDir: lake.lakeDir, port: 0, threads: 1, watchMs: 200 });
    const abort = new AbortController();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const before = (await (await fetch(`${server.url}/api/overview`)).json()) as OverviewResponse;
      const stream = events(`${server.url}/api/events`, abort.signal);
      const first = (await stream.next()).value!;
      expect(first.event).toBe('versions');
      const stamp = (first.data as { stamp: string }).stamp;

      await appendBatch(lake, 3_000, 21);
      // The run commits table by table, so events may arrive for Bronze before Gold; read on until Gold.
      type Versions = { stamp: string; versions: Record<string, number> };
      let next = (await stream.next()).value! as { event: string; data: Versions };
      expect(next.data.stamp).not.toBe(stamp);
      while (next.data.versions['gold.kpi_daily'] !== 2) next = (await stream.next()).value! as typeof next;
      expect(next.event).toBe('versions');

      const meta = (await (await fetch(`${server.url}/api/meta`)).json()) as MetaResponse;
      expect(meta.tables.find((t) => t.name === 'bronze.events')!.version).toBe(2);
      const after = (await (await fetch(`${server.url}/api/overview`)).json()) as OverviewResponse;
      expect(after.kpis.sessions.value!).toBeGreaterThan(before.kpis.sessions.value!);
      // Polling sees the same versions the stream reported (the run may have committed more since).
      const polled = (await (await fetch(`${server.url}/api/versions`)).json()) as Versions;
      expect(polled.versions['gold.kpi_daily']).toBe(2);
      expect(polled.stamp).not.toBe(stamp);
    } finally {
      abort.abort();
      await server.close();
    }
  });

  it('closes while a browser still holds the event stream open', async () => {
    const server = await startServer({ lakeDir: lake.lakeDir, port: 0, threads: 1 });
    const stream = events(`${server.url}/api/events`, new AbortController().signal);
    expect((await stream.next()).value!.event).toBe('versions');
    await server.close();
    // The stream ends rather than hanging, and the port is free again.
    expect((await stream.next()).done).toBe(true);
    await expect(fetch(`${server.url}/api/versions`)).rejects.toThrow();
  });

  it('clicklake serve binds to 127.0.0.1, prints its URL and answers', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'serve', '--lake', lake.lakeDir, '--port', '0', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /dashboard: (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (chunk) => (err += chunk));
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const meta = (await (await fetch(`${url}/api/meta`)).json()) as MetaResponse;
      expect(meta.lake).toBe(lake.lakeDir);
      const page = await fetch(`${url}/overview`);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('clicklake serve fails with one line on bad options', async () => {
    const port = await runCli(['serve', '--port', 'eighty', '--lake', lake.lakeDir]);
    expect(port.code).not.toBe(0);
    expect(port.stderr).toMatch(/--port must be a non-negative whole number, got "eighty"/);
    const missing = await runCli(['serve', '--lake', `${lake.root}/nowhere`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no lakehouse at .*nowhere/);
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port <n>/);
    expect(help.stdout).toMatch(/--host <host>/);
  });
});
