// The quality gate on the real pipeline and real Delta tables: results recorded in
// ops.quality_results, an `error` rule stopping promotion (the batch stays in Bronze), a later run
// after the severity is overridden proceeding, and the end-of-run audit with its column profile.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/runner.js';
import { Session } from '../../src/engine/session.js';
import { Lake } from '../../src/engine/lake.js';
import { qualityGate } from '../../src/quality/gate.js';
import { auditLake } from '../../src/quality/audit.js';
import { loadQualityConfig } from '../../src/quality/config.js';
import { QualityConfigError } from '../../src/quality/errors.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';
const GOOD = [
  '2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c',
  '2019-10-01 00:00:01 UTC,cart,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,554748717,9333dfbd-b87a-4708-9857-6336556b0fcc',
  '2019-10-01 00:00:02 UTC,purchase,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,554748717,9333dfbd-b87a-4708-9857-6336556b0fcc',
  '2019-10-01 00:00:03 UTC,view,1307067,2053013558920217191,computers.notebook,lenovo,251.74,550050854,7c90fc70-0e80-4590-96f3-13c02c18c713',
];
// Six lines that are not nine fields: cut short.
const MALFORMED = Array.from({ length: 6 }, (_, i) => `2019-10-01 00:01:0${i} UTC,view,1307067`);

async function withLake<T>(lakeDir: string, fn: (lake: Lake, session: Session) => Promise<T>): Promise<T> {
  const session = await Session.open({ threads: 1 });
  try {
    return await fn(new Lake(lakeDir, session), session);
  } finally {
    session.close();
  }
}

describe('quality gate in the pipeline', () => {
  it('stops a batch on a failed error rule, keeps it in Bronze, and promotes it once the rule is downgraded', async () => {
    const dir = tempDir();
    const lakeDir = join(dir, 'lake');
    const file = join(dir, 'mostly-broken.csv');
    writeFileSync(file, [HEADER, ...GOOD, ...MALFORMED, ''].join('\n'));

    const first = await runPipeline({ lakeDir, inputs: [file], quality: qualityGate(lakeDir), threads: 1 });
    expect(first.status).toBe('failed');
    expect(first.error).toMatch(/bronze\.events mostly_parses \(observed 6, threshold <= 5 rows \(mostly 0\.5\)\)/);
    await withLake(lakeDir, async (lake, session) => {
      expect(lake.exists('silver.events')).toBe(false);
      await lake.view('b', 'bronze.events');
      expect(Number(await session.scalar('SELECT count(*) FROM b'))).toBe(10);
      await lake.view('r', 'ops.quality_results');
      const failed = await session.all(
        `SELECT table_name, expectation, observed_value, failing_rows, total_rows, len(sample_keys) AS samples FROM r WHERE NOT passed ORDER BY expectation`,
      );
      expect(failed).toEqual([
        { table_name: 'bronze.events', expectation: 'line_parses', observed_value: 6, failing_rows: 6n, total_rows: 10n, samples: 5n },
        { table_name: 'bronze.events', expectation: 'mostly_parses', observed_value: 6, failing_rows: 6n, total_rows: 10n, samples: 5n },
      ]);
    });

    writeFileSync(join(lakeDir, 'quality.json'), JSON.stringify({ severity: { 'bronze.events': { mostly_parses: 'warn' } } }));
    const second = await runPipeline({ lakeDir, inputs: [], quality: qualityGate(lakeDir), threads: 1 });
    expect(second.status).toBe('succeeded');
    expect(second.silver).toHaveLength(1);
    await withLake(lakeDir, async (lake, session) => {
      await lake.view('s', 'silver.events');
      await lake.view('q', 'silver.quarantine');
      expect(Number(await session.scalar('SELECT count(*) FROM s'))).toBe(4);
      expect(await session.all('SELECT reason, count(*) AS n FROM q GROUP BY reason')).toEqual([{ reason: 'malformed_line', n: 6n }]);
      await lake.view('r', 'ops.quality_results');
      const latest = await session.all(
        `SELECT severity, passed FROM r WHERE expectation = 'mostly_parses' ORDER BY checked_at`,
      );
      expect(latest).toEqual([{ severity: 'error', passed: false }, { severity: 'warn', passed: false }]);
    });
  });

  it('stops Gold when a Silver error rule fails on the new batch; the rows stay in Silver until the rule is relaxed', async () => {
    const dir = tempDir();
    const lakeDir = join(dir, 'lake');
    const file = join(dir, 'free-purchase.csv');
    // A purchase at 0.00: valid for the quarantine, but it breaks purchase_price_positive, which
    // this lake's quality.json raises from warn to error.
    const free = '2019-10-01 00:00:04 UTC,purchase,1307067,2053013558920217191,computers.notebook,lenovo,0.00,550050854,7c90fc70-0e80-4590-96f3-13c02c18c713';
    writeFileSync(file, [HEADER, ...GOOD, free, ''].join('\n'));
    mkdirSync(lakeDir, { recursive: true });
    writeFileSync(join(lakeDir, 'quality.json'), JSON.stringify({ severity: { 'silver.events': { purchase_price_positive: 'error' } } }));

    const first = await runPipeline({ lakeDir, inputs: [file], quality: qualityGate(lakeDir), threads: 1 });
    expect(first.status).toBe('failed');
    expect(first.error).toContain('silver.events purchase_price_positive (observed 1, threshold = 0 rows)');
    expect(first.error).toContain('its rows stay in silver');
    await withLake(lakeDir, async (lake, session) => {
      expect(lake.exists('gold.fact_events')).toBe(false);
      await lake.view('s', 'silver.events');
      expect(Number(await session.scalar('SELECT count(*) FROM s'))).toBe(5);
      await lake.view('r', 'ops.quality_results');
      expect(await session.all(`SELECT layer, scope, severity, failing_rows, sample_keys FROM r WHERE expectation = 'purchase_price_positive'`)).toEqual([
        { layer: 'silver', scope: 'batch', severity: 'error', failing_rows: 1n, sample_keys: [`${file}:6`] },
      ]);
    });

    rmSync(join(lakeDir, 'quality.json'));
    const second = await runPipeline({ lakeDir, inputs: [file], quality: qualityGate(lakeDir), threads: 1 });
    expect(second.status).toBe('succeeded');
    expect(second.silver).toHaveLength(0);
    await withLake(lakeDir, async (lake, session) => {
      await lake.view('f', 'gold.fact_events');
      expect(Number(await session.scalar('SELECT count(*) FROM f'))).toBe(5);
    });
  });

  it('makes clicklake run exit non-zero with the failed rule, and succeed once the rule is downgraded', async () => {
    const dir = tempDir();
    const lakeDir = join(dir, 'lake');
    const file = join(dir, 'mostly-broken.csv');
    writeFileSync(file, [HEADER, ...GOOD, ...MALFORMED, ''].join('\n'));
    const failed = await runCli(['run', file, '--lake', lakeDir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^clicklake: run \S+ failed: promotion to silver stopped: batch \S+ failed bronze\.events mostly_parses \(observed 6, threshold <= 5 rows \(mostly 0\.5\)\); its rows stay in bronze$/m);
    writeFileSync(join(lakeDir, 'quality.json'), JSON.stringify({ severity: { 'bronze.events': { mostly_parses: 'warn' } } }));
    const fixed = await runCli(['run', '--lake', lakeDir]);
    expect(fixed.code, fixed.stderr).toBe(0);
    writeFileSync(join(lakeDir, 'quality.json'), '{ "severity": { "bronze.events": { "mostly_parses": "fatal" } } }');
    const bad = await runCli(['run', '--lake', lakeDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('quality.json: severity.bronze.events.mostly_parses');
  });

  it('rejects a quality.json naming an unknown expectation, naming the file and key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'quality.json'), JSON.stringify({ severity: { 'silver.events': { no_such_rule: 'warn' } } }));
    expect(() => loadQualityConfig(dir)).toThrow(QualityConfigError);
    expect(() => loadQualityConfig(dir)).toThrow(/quality\.json: severity\.silver\.events\.no_such_rule: silver\.events has no expectation "no_such_rule"/);
    writeFileSync(join(dir, 'quality.json'), JSON.stringify({ severity: { 'silver.events': { event_type_known: 'fatal' } } }));
    expect(() => loadQualityConfig(dir)).toThrow(/severity\.silver\.events\.event_type_known/);
  });
});

describe.skipIf(!hasShared())('audit of a real REES46 head', () => {
  it('records batch and table results, reconciles layers and profiles Silver', async () => {
    const lakeDir = join(tempDir(), 'lake');
    const gate = qualityGate(lakeDir);
    // The audit is called here, not by the runner, to check what it returns.
    const report = await runPipeline({ lakeDir, inputs: [sharedPath('data', 'rees46-2019-oct-head.csv')], quality: gate, audit: false, threads: 1 });
    expect(report.status).toBe('succeeded');
    expect(gate.stats.failed).toBe(0);
    expect(report.steps.map((s) => s.step)).toEqual(['bronze', 'silver', 'gold']);
    await withLake(lakeDir, async (lake, session) => {
      const audit = await auditLake(lake, report.runId);
      expect(audit.errors).toEqual([]);
      const byName = new Map(audit.results.map((r) => [`${r.table} ${r.expectation}`, r]));
      // 17,434 lines, 5 of them exact duplicates (one line 4 times, two twice), nothing quarantined.
      expect(byName.get('silver.events bronze_rows_accounted')).toMatchObject({
        passed: true, observed: 0, total: 17434,
        sample: ['ops.reconciliation.sum(bronze_rows)=17434', 'silver.events=17429', 'silver.quarantine=0', 'ops.reconciliation.sum(duplicate_rows)=5'],
      });
      expect(byName.get('gold.fact_events rows_match_silver')).toMatchObject({ passed: true, observed: 0, total: 17429 });
      expect(byName.get('gold.fact_events product_in_dim_product')).toMatchObject({ passed: true, failingRows: 0, total: 17429 });
      // The head covers three hours of 1 October: 30 days of the month are missing.
      expect(byName.get('silver.events every_day_present')).toMatchObject({ passed: false, severity: 'warn', failingRows: 30, total: 31 });
      expect(byName.get('gold.kpi_daily every_day_present')).toMatchObject({ passed: false, failingRows: 30 });

      await lake.view('p', 'ops.column_profiles');
      const profile = await session.all(
        `SELECT column_name, row_count, null_count, top_values[1].value AS top, top_values[1].count AS top_n FROM p
         WHERE column_name IN ('event_type', 'brand', 'category_code') ORDER BY column_name`,
      );
      await lake.view('s', 'silver.events');
      const [exact] = await session.all(`SELECT count(*) FILTER (WHERE brand IS NULL) AS b, count(*) FILTER (WHERE category_code IS NULL) AS c,
        count(*) FILTER (WHERE event_type = 'view') AS v FROM s`);
      expect(profile).toEqual([
        { column_name: 'brand', row_count: 17429n, null_count: exact!.b, top: expect.any(String), top_n: expect.any(BigInt) },
        { column_name: 'category_code', row_count: 17429n, null_count: exact!.c, top: expect.any(String), top_n: expect.any(BigInt) },
        { column_name: 'event_type', row_count: 17429n, null_count: 0n, top: 'view', top_n: exact!.v },
      ]);
    });
  });
});
