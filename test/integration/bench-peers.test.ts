/**
 * Smoke tests of the `peers` and `scale` benchmark suites on tiny generated months, run through
 * the built harness as `npm run bench -- <suite>` runs them, so the harness cannot rot. Nothing
 * here asserts a timing: only that each suite runs, prints its table, agrees on kpi_daily and
 * appends a well-formed JSON line.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/pipeline-data.js';
import { compareKpi, type KpiRow } from '../../bench/lib/kpi.js';
import { parseTime } from '../../bench/lib/measure.js';
import { renderScript, splitStatements } from '../../bench/peers/duckdb.js';
import { parseSizes } from '../../bench/scale.js';
import { parseCount } from '../../bench/lib/data.js';

const HARNESS = fileURLToPath(new URL('../../dist/bench/index.js', import.meta.url));

function bench(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('bench peers and scale on tiny data', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = tempDir();
    env = { CLICKLAKE_BENCH_DATA: join(dir, 'data'), CLICKLAKE_BENCH_RESULTS: join(dir, 'results') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('peers: every system runs, the table is printed, and Polars and DuckDB agree with clicklake on kpi_daily', async () => {
    const result = await bench(['peers', '--events', '20000'], env);
    expect(result.stderr + result.stdout).not.toContain('VOID');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/system\s+wall\s+CPU\s+peak RSS\s+rows out\s+× clicklake/);
    for (const name of ['clicklake', 'polars', 'duckdb', 'typed scan', 'read bytes']) {
      expect(result.stdout).toMatch(new RegExp(`^${name}\\s+\\d`, 'm'));
    }
    expect(result.stdout).toMatch(/polars: equal to clicklake's \(\d+ days\)/);
    expect(result.stdout).toMatch(/duckdb: equal to clicklake's \(\d+ days\)/);
    expect(result.stdout).toContain('targets (full month');

    const [record] = jsonLines(join(dir, 'results', 'peers.jsonl'));
    expect(record).toMatchObject({ suite: 'peers', args: ['--events', '20000'] });
    expect(record!.commit).toMatch(/^([0-9a-f]{7,40}(-dirty)?|unknown)$/);
    const machine = record!.machine as { cores: number; memoryGB: number; cpu: string };
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.memoryGB).toBeGreaterThan(0);
    expect(machine.cpu.length).toBeGreaterThan(0);
    const figures = record!.figures as Record<string, number | string | boolean>;
    expect(figures).toMatchObject({ events: 20000, verdict: 'valid' });
    for (const key of ['clicklakeOverPolars', 'clicklakeOverDuckdb', 'clicklakeOverTypedScan', 'clicklakeSeconds', 'polarsPeakRssGB']) {
      expect(figures[key], key).toBeGreaterThan(0);
    }
    const systems = (record!.detail as { systems: { name: string; rows: number; wallSeconds: number; cpuSeconds: number; peakRssBytes: number; kpiAgrees: boolean | null }[] }).systems;
    expect(systems.map((s) => s.name)).toEqual(['clicklake', 'polars', 'duckdb', 'typed scan', 'read bytes']);
    for (const s of systems) {
      expect(s.wallSeconds).toBeGreaterThan(0);
      expect(s.cpuSeconds).toBeGreaterThan(0);
      expect(s.peakRssBytes).toBeGreaterThan(1024 * 1024);
    }
    // the three pipelines keep the same clean, deduplicated events; the floors see every line
    const rows = Object.fromEntries(systems.map((s) => [s.name, s.rows]));
    expect(rows.polars).toBe(rows.clicklake);
    expect(rows.duckdb).toBe(rows.clicklake);
    expect(rows['typed scan']).toBe(20000);
    expect(rows['read bytes']).toBe(20000);
    expect(rows.clicklake).toBeLessThanOrEqual(20000);
    expect(systems.find((s) => s.name === 'polars')!.kpiAgrees).toBe(true);
    expect(systems.find((s) => s.name === 'duckdb')!.kpiAgrees).toBe(true);
    // the month was generated once and is reused by seed and size
    expect(existsSync(join(dir, 'data', 'month-2019-10-20000.csv'))).toBe(true);
  });

  it('scale: one row per size with time per million and peak RSS, measured by the children themselves without /usr/bin/time', async () => {
    const result = await bench(['scale', '--sizes', '5k,10k'], { ...env, CLICKLAKE_BENCH_NO_TIME: '1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/events\s+CSV\s+wall\s+s \/ M events\s+CPU\s+peak RSS/);
    expect(result.stdout).toMatch(/^\s*5,000\s/m);
    expect(result.stdout).toMatch(/^\s*10,000\s/m);
    expect(result.stdout).toMatch(/growth from 5,000 to 10,000 events \(2\.0×\)/);
    const [record] = jsonLines(join(dir, 'results', 'scale.jsonl'));
    expect(record).toMatchObject({ suite: 'scale', figures: { '5kPeakRssGB': expect.any(Number), '10kSecondsPerMillion': expect.any(Number) } });
    const points = (record!.detail as { points: unknown[] }).points as { events: number; secondsPerMillion: number; peakRssBytes: number; cpuSeconds: number; usageSource: string }[];
    expect(points.map((p) => p.events)).toEqual([5000, 10000]);
    for (const p of points) {
      expect(p.secondsPerMillion).toBeGreaterThan(0);
      expect(p.peakRssBytes).toBeGreaterThan(1024 * 1024);
      expect(p.cpuSeconds).toBeGreaterThan(0);
      expect(p.usageSource).toBe('self');
    }
  });

  it('a bad option is refused with a reason', async () => {
    const result = await bench(['scale', '--sizes', 'lots'], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('bench: --sizes: "lots" is not a count');
  });
});

describe('bench helpers', () => {
  const day = (date: string, revenue: string): KpiRow => ({
    event_date: date, events: '10', views: '7', carts: '2', removes: '0', purchases: '1',
    active_users: '4', sessions: '5', buyers: '1', revenue_cents: revenue,
  });

  it('compareKpi is exact to the cent and names missing and extra days', () => {
    const ours = [day('2019-10-01', '12345'), day('2019-10-02', '500')];
    expect(compareKpi(ours, [day('2019-10-01', '12345'), day('2019-10-02', '500')])).toEqual([]);
    expect(compareKpi(ours, [day('2019-10-01', '12346'), day('2019-10-03', '500')])).toEqual([
      '2019-10-01 revenue_cents: 12346 instead of 12345',
      '2019-10-02: missing',
      '2019-10-03: a day clicklake does not have',
    ]);
  });

  it('the DuckDB peer script is rendered with quoted paths and split into its statements', () => {
    expect(renderScript("copy t to {{out}};\n", { out: "/tmp/it's.parquet" })).toBe("copy t to '/tmp/it''s.parquet';\n");
    expect(() => renderScript('select {{nope}};\n', {})).toThrow('no value for placeholder {{nope}}');
    const sql = readFileSync(fileURLToPath(new URL('../../bench/peers/duckdb.sql', import.meta.url)), 'utf8');
    expect(splitStatements(sql)).toHaveLength(5);
  });

  it('GNU time output and counts are parsed', () => {
    expect(parseTime('Command exited with non-zero status 1\n3.50 2.25 0.50 204800\n')).toEqual({ cpuSeconds: 2.75, peakRssBytes: 204800 * 1024 });
    expect(parseCount('42.4M', 'n')).toBe(42_400_000);
    expect(parseCount('20k', 'n')).toBe(20_000);
    expect(parseSizes('1M,4M')).toEqual([1_000_000, 4_000_000]);
    expect(() => parseCount('0', 'n')).toThrow('at least 1');
  });
});
