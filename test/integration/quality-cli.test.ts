// `clicklake quality` end to end through the built CLI: no results yet, the latest verdicts as text
// and JSON, and the self-contained HTML report, over a lake built by the real pipeline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath } from '../helpers/shared.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('clicklake quality without results', () => {
  it('fails with one line naming the lake', async () => {
    const lake = join(dir, 'empty');
    const r = await runCli(['quality', '--lake', lake]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`no quality results in ${lake}`);
  });

  it('refuses a report file that is not .html', async () => {
    const r = await runCli(['quality', '--lake', join(dir, 'empty'), '--report', join(dir, 'report.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--report needs an .html file name');
  });
});

describe.skipIf(!hasShared())('clicklake quality over a real head', () => {
  let lakeDir: string;
  beforeAll(async () => {
    lakeDir = join(dir, 'lake');
    // Two runs through the CLI (the gate and the end-of-run audit are the runner's defaults); the
    // second brings a new file (the November head), so trends have two points.
    for (const file of ['rees46-2019-oct-head.csv', 'rees46-2019-nov-rows.csv']) {
      const run = await runCli(['run', sharedPath('data', file), '--lake', lakeDir, '--json', '--threads', '1']);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { steps: { step: string; seconds: number }[] };
      expect(report.steps.map((s) => s.step)).toEqual(['bronze', 'silver', 'gold', 'quality']);
    }
    // A third run with nothing new checks nothing and records nothing.
    const again = await runCli(['run', '--lake', lakeDir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { steps: { step: string }[] }).steps.map((s) => s.step)).toEqual(['bronze', 'silver', 'gold']);
  }, 60_000);

  it('prints the latest verdict per table and expectation as JSON', async () => {
    const r = await runCli(['quality', '--lake', lakeDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { verdict: string; results: Record<string, unknown>[] };
    // Two months touched with one or two days each: coverage warns, nothing fails as an error.
    expect(out.verdict).toBe('warnings');
    const key = (x: Record<string, unknown>) => `${x.table} ${x.expectation}`;
    const keys = out.results.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('bronze.events mostly_parses');
    expect(keys).toContain('gold.fact_events product_in_dim_product');
    const coverage = out.results.find((x) => key(x) === 'silver.events every_day_present')!;
    // October: 30 of 31 days missing; November: 28 of 30 missing, and the 12th (19 rows) is below
    // half the median day (683 rows, the 1st of November).
    expect(coverage).toMatchObject({ passed: false, severity: 'warn', failingRows: 59, totalRows: 61, scope: 'table', observed: 0 });
    expect(coverage.sample).toEqual(['2019-10-02=0', '2019-10-03=0', '2019-10-04=0', '2019-10-05=0', '2019-10-06=0']);
    const accounted = out.results.find((x) => key(x) === 'silver.events bronze_rows_accounted')!;
    expect(accounted).toMatchObject({ passed: true, observed: 0, totalRows: 17434 + 702 });
    const mostly = out.results.find((x) => key(x) === 'bronze.events mostly_parses')!;
    expect(mostly).toMatchObject({ passed: true, totalRows: 702, scope: 'batch' });
  });

  it('keeps results as a Delta table: time travel shows what the first check saw', async () => {
    const sql = 'SELECT count(DISTINCT run_id)::INTEGER AS runs, count(*)::INTEGER AS n, min(table_name) AS t FROM ops.quality_results';
    const first = await runCli(['query', sql, '--lake', lakeDir, '--json', '--version', '0']);
    expect(first.code).toBe(0);
    // Version 0 is the first batch's Bronze gate: the seven Bronze rules of one run.
    expect(JSON.parse(first.stdout)).toEqual([{ runs: 1, n: 7, t: 'bronze.events' }]);
    const latest = await runCli(['query', sql, '--lake', lakeDir, '--json']);
    expect((JSON.parse(latest.stdout) as { runs: number }[])[0]!.runs).toBe(2);
  });

  it('prints a text table with a summary line', async () => {
    const r = await runCli(['quality', '--lake', lakeDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^table\s+expectation\s+severity\s+status\s+observed\s+threshold/);
    expect(r.stdout).toMatch(/silver\.events\s+every_day_present\s+warn\s+warn\s+0\s/);
    expect(r.stdout).toMatch(/\d+ expectations: \d+ passed, 0 failed errors, \d+ warnings/);
  });

  it('writes a self-contained HTML report', async () => {
    const file = join(dir, 'quality.html');
    const r = await runCli(['quality', '--lake', lakeDir, '--report', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    const html = readFileSync(file, 'utf8');
    for (const id of ['summary', 'layers', 'quarantine', 'reconciliation', 'trends', 'profiles', 'tables']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    // Self-contained: no scripts, no external stylesheets or images.
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(html).toContain('every_day_present');
    expect(html).toContain('approx_count_distinct');
    // Two runs checked, each expectation's trend drawn as an inline SVG.
    expect(html).toMatch(/<b>2<\/b>runs checked/);
    expect(html).toContain('<svg');
  });
});
