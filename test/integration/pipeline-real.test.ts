// The pipeline on the real REES46 head file (17,434 lines), end to end through the CLI: every table
// a valid Delta table, kpi_daily against a TypeScript computation over the CSV, an idempotent
// re-run, and the file cut in three and run part by part giving the same Gold tables.
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasShared } from '../helpers/shared.js';
import { GOLD_FINGERPRINT_SQL, GOLD_TABLES as GOLD, independentDaily, realHeadLines, tempDir, writeCsv } from '../helpers/pipeline-data.js';
import { expectValid } from '../helpers/deltavalidate.js';

async function query(lake: string, sql: string, extra: string[] = []): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json', ...extra]);
  expect(result.stderr, sql).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

async function run(lake: string, paths: string[]): Promise<{ code: number; stdout: string; stderr: string; report: any }> {
  const result = await runCli(['run', ...paths, '--lake', lake, '--json', '--threads', '1']);
  return { ...result, report: result.stdout ? JSON.parse(result.stdout) : undefined };
}

describe.skipIf(!hasShared())('clicklake run on the real REES46 head file', () => {
  const lines = realHeadLines() ?? [];
  const dir = tempDir();
  const parts = join(dir, 'parts');
  const fullLake = join(dir, 'full');
  const incLake = join(dir, 'incremental');
  const whole = join(dir, 'whole.csv');

  beforeAll(() => {
    mkdirSync(parts);
    // Three files cut mid-stream, so duplicates straddle files and sessions span batches.
    const cuts = [0, 5000, 11003, lines.length];
    for (let i = 0; i < 3; i++) writeCsv(join(parts, `part-${i}.csv`), lines.slice(cuts[i], cuts[i + 1]));
    writeCsv(whole, lines);
  });

  it('builds every table, each a valid Delta table', async () => {
    const { code, report } = await run(fullLake, [whole]);
    expect(code).toBe(0);
    expect(report.status).toBe('succeeded');
    const names = (report.tables as { name: string }[]).map((t) => t.name);
    for (const t of GOLD) expect(names).toContain(`gold.${t}`);
    for (const t of ['bronze.events', 'silver.events', 'silver.quarantine', 'ops.reconciliation', 'ops.pipeline_runs']) expect(names).toContain(t);
    for (const name of names) {
      const [layer, table] = name.split('.') as [string, string];
      await expectValid(join(fullLake, layer, table), name);
    }
  });

  it('gold.kpi_daily equals an independent computation over the CSV', async () => {
    const expected = independentDaily(lines);
    const rows = await query(fullLake, 'select strftime(event_date, \'%Y-%m-%d\') as d, events::int as events, views::int as views, carts::int as carts, purchases::int as purchases, (revenue * 100)::bigint::int as cents, active_users::int as users, sessions::int as sessions, buyers::int as buyers from gold.kpi_daily order by d');
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      const e = expected.get(String(row.d))!;
      expect(row).toEqual({ d: row.d, events: e.events, views: e.views, carts: e.carts, purchases: e.purchases, cents: e.revenueCents, users: e.activeUsers, sessions: e.sessions, buyers: e.buyers });
    }
    const reconciliation = await query(fullLake, 'select bronze_rows::int b, silver_rows::int s, quarantined_rows::int q, duplicate_rows::int d from ops.reconciliation');
    expect(reconciliation).toEqual([{ b: lines.length, s: new Set(lines).size, q: 0, d: lines.length - new Set(lines).size }]);
  });

  it('a re-run with nothing new writes nothing and says so', async () => {
    const before = await runCli(['tables', '--lake', fullLake, '--json']);
    const again = await runCli(['run', whole, '--lake', fullLake]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing new/);
    const after = await runCli(['tables', '--lake', fullLake, '--json']);
    const versions = (text: string) => (JSON.parse(text) as { name: string; version: number }[]).filter((t) => t.name !== 'ops.pipeline_runs').map((t) => [t.name, t.version]);
    expect(versions(after.stdout)).toEqual(versions(before.stdout));
  });

  it('running the files one by one gives the same Gold tables as one full run', async () => {
    const files = readdirSync(parts).sort().map((f) => join(parts, f));
    for (const file of files) expect((await run(incLake, [file])).code).toBe(0);
    // the second file's first run ingests it; passing all of them again changes nothing
    const rerun = await run(incLake, files);
    expect(rerun.report.nothingNew).toBe(true);
    const [a, b] = [await query(fullLake, GOLD_FINGERPRINT_SQL), await query(incLake, GOLD_FINGERPRINT_SQL)];
    expect(a.map((r) => r.table_name)).toEqual([...GOLD].sort());
    expect(b).toEqual(a);
    const rec = await query(incLake, 'select sum(bronze_rows)::int b, sum(silver_rows)::int s, sum(duplicate_rows)::int d, bool_and(balanced) ok from ops.reconciliation');
    expect(rec[0]).toEqual({ b: lines.length, s: new Set(lines).size, d: lines.length - new Set(lines).size, ok: true });
    expect(existsSync(join(incLake, 'gold', 'fact_events', '_delta_log'))).toBe(true);
  });
});

