// `clicklake query` and `clicklake tables` through the CLI: output formats, time travel on the
// tables a query names, and refusal of everything that could write or reach outside the lake.
import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeCsv } from '../helpers/pipeline-data.js';

const dir = tempDir();
const lake = join(dir, 'lake');
const DAY1 = [
  '2019-10-01 10:00:00 UTC,view,1,2053013555631882655,electronics.smartphone,apple,10.00,100,72d76fde-8bb3-4e00-8c23-a032dfed738c',
  '2019-10-01 10:01:00 UTC,purchase,1,2053013555631882655,electronics.smartphone,apple,10.00,100,72d76fde-8bb3-4e00-8c23-a032dfed738c',
];
const DAY2 = ['2019-10-02 08:00:00 UTC,view,2,2053013555631882655,"electronics,phone",Samsung,5.50,101,'];

beforeAll(async () => {
  expect((await runCli(['run', writeCsv(join(dir, 'a.csv'), DAY1), '--lake', lake])).code).toBe(0);
  expect((await runCli(['run', writeCsv(join(dir, 'b.csv'), DAY2), '--lake', lake])).code).toBe(0);
});

describe('clicklake query', () => {
  it('prints a table, JSON or CSV', async () => {
    const sql = 'select event_type, count(*) as n from silver.events group by 1 order by 1';
    const table = await runCli(['query', sql, '--lake', lake]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/event_type\s+n\n-+\s+-+\npurchase\s+1\nview\s+2\n\(2 rows\)/);
    const json = await runCli(['query', sql, '--lake', lake, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([{ event_type: 'purchase', n: '1' }, { event_type: 'view', n: '2' }]);
    const csv = await runCli(['query', 'select category_code, brand from silver.events where product_id = 2', '--lake', lake, '--csv']);
    expect(csv.stdout.trim()).toBe('"category_code","brand"\n"electronics,phone","samsung"');
  });

  it('reads the tables it names as of a version or a timestamp', async () => {
    const sql = 'select count(*)::int as n from silver.events';
    const now = JSON.parse((await runCli(['query', sql, '--lake', lake, '--json'])).stdout);
    const v0 = JSON.parse((await runCli(['query', sql, '--lake', lake, '--json', '--version', '0'])).stdout);
    expect(now).toEqual([{ n: 3 }]);
    expect(v0).toEqual([{ n: 2 }]);
    const early = await runCli(['query', sql, '--lake', lake, '--timestamp', '2000-01-01T00:00:00Z']);
    expect(early.code).not.toBe(0);
    expect(early.stderr).toMatch(/^clicklake: /);
  });

  it('joins tables across layers', async () => {
    const out = await runCli(['query', 'select k.revenue::varchar as r, count(*)::int as n from gold.kpi_daily k join silver.events s using (event_date) group by 1 order by 1', '--lake', lake, '--json']);
    expect(JSON.parse(out.stdout)).toEqual([{ r: '0.00', n: 1 }, { r: '10.00', n: 2 }]);
  });

  const refused: [string, RegExp][] = [
    [`COPY (SELECT 1) TO '${join(dir, 'out.csv')}'`, /only a read-only SELECT/],
    ['CREATE TABLE t AS SELECT 1', /only a read-only SELECT/],
    ['INSERT INTO silver.events SELECT * FROM silver.events', /only a read-only SELECT/],
    [`ATTACH '${join(dir, 'x.db')}' AS x`, /only a read-only SELECT/],
    ['INSTALL httpfs', /only a read-only SELECT/],
    ['SET enable_external_access = true', /only a read-only SELECT/],
    ["PRAGMA database_list", /only a read-only SELECT/],
    ['DELETE FROM silver.events', /only a read-only SELECT/],
    ['SELECT 1; SELECT 2', /exactly one SELECT/],
    ["SELECT * FROM read_csv('/etc/passwd')", /table function read_csv\(\)/],
    ["SELECT * FROM query('SELECT 1')", /table function query\(\)/],
    ["SELECT getenv('HOME')", /function getenv\(\)/],
    ["SELECT * FROM '/etc/passwd'", /Permission|not exist|disabled/i],
    ['SELECT * FROM silver.nope', /no table silver\.nope/],
  ];
  for (const [sql, message] of refused) {
    it(`refuses ${sql.split(' ').slice(0, 2).join(' ')}`, async () => {
      const result = await runCli(['query', sql, '--lake', lake]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    });
  }

  it('leaves no file behind after a refused COPY', () => {
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });
});

describe('clicklake tables', () => {
  it('lists every table with version, rows, files and bytes', async () => {
    const result = await runCli(['tables', '--lake', lake, '--json']);
    expect(result.code).toBe(0);
    const tables = JSON.parse(result.stdout) as { name: string; version: number; rows: number; files: number; bytes: number }[];
    const silver = tables.find((t) => t.name === 'silver.events')!;
    expect(silver).toMatchObject({ version: 1, rows: 3 });
    expect(silver.files).toBeGreaterThan(0);
    expect(silver.bytes).toBeGreaterThan(0);
    expect(tables.map((t) => t.name)).toContain('gold.kpi_daily');
    const text = await runCli(['tables', '--lake', lake]);
    expect(text.stdout).toMatch(/silver\.events\s+1\s+3\s/);
  });
});
