// Column profiles on a small DuckDB table (exact nulls, min/max and top-value counts; the
// HyperLogLog distinct count within its error) and the HTML report's escaping and sections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import { profileRelation } from '../../src/quality/profile.js';
import { renderReportHtml } from '../../src/quality/report-html.js';
import type { ReportData } from '../../src/quality/report-data.js';

let session: Session;
beforeAll(async () => {
  session = await Session.open({ threads: 1 });
  await session.run(`CREATE TABLE p AS SELECT
      CASE WHEN i % 10 = 0 THEN NULL ELSE ['view', 'view', 'view', 'cart', 'purchase'][1 + i % 5] END AS kind,
      CAST(i AS BIGINT) AS id, CAST(i % 7 AS DECIMAL(12, 2)) AS price, [i] AS nested, 'x' AS _lineage
    FROM range(1000) r(i)`);
});
afterAll(() => session.close());

describe('profileRelation', () => {
  it('profiles every column but the excluded ones: exact distinct and top values, HyperLogLog for keys', async () => {
    const profiles = await profileRelation(session, 'p', { exclude: ['_lineage'], keyColumns: ['id'], topK: 3 });
    expect(profiles.map((p) => p.column)).toEqual(['kind', 'id', 'price', 'nested']);
    const [kind, id, price, nested] = profiles;
    // i % 10 = 0 is null (100 rows); of the rest, i % 5 in {0, 1, 2} is a view.
    expect(kind).toMatchObject({ rows: 1000, nulls: 100, nullRate: 0.1, min: 'cart', max: 'view', distinct: 3, distinctIsApprox: false });
    expect(kind!.topValues).toEqual([
      { value: 'view', count: 500 },
      { value: 'cart', count: 200 },
      { value: 'purchase', count: 200 },
    ]);
    // A key column: HyperLogLog estimate, no top values. DuckDB estimates 1,000 distinct values as
    // 1,249 (its error is largest at small cardinalities); the profile stores it as is.
    expect(id).toMatchObject({ nulls: 0, min: '0', max: '999', distinctIsApprox: true, topValues: [] });
    expect(id!.distinct).toBeGreaterThan(700);
    expect(id!.distinct).toBeLessThan(1300);
    expect(price).toMatchObject({ min: '0.00', max: '6.00', distinct: 7, distinctIsApprox: false });
    expect(price!.topValues).toEqual([
      { value: '0.00', count: 143 },
      { value: '1.00', count: 143 },
      { value: '2.00', count: 143 },
    ]);
    // Nested columns only get their null count.
    expect(nested).toMatchObject({ nulls: 0, min: null, max: null, distinctIsApprox: false, topValues: [] });
  });
});

describe('renderReportHtml', () => {
  const data: ReportData = {
    lakeDir: '/lake/<a>',
    generatedAt: '2026-01-01T00:00:00.000Z',
    latest: [
      {
        runId: 'r1', checkedAt: '2026-01-01T00:00:00.000Z', layer: 'silver', table: 'silver.events', tableVersion: 3, batchId: 'b1',
        scope: 'batch', expectation: 'event_type_known', kind: 'accepted_values', severity: 'error', passed: false, observed: 2,
        threshold: '= 0 rows', failingRows: 2, totalRows: 10, sample: ['f.csv:3', '<script>alert(1)</script>'],
      },
      {
        runId: 'r1', checkedAt: '2026-01-01T00:00:00.000Z', layer: 'gold', table: 'gold.kpi_daily', tableVersion: 1, batchId: null,
        scope: 'table', expectation: 'every_day_present', kind: 'coverage', severity: 'warn', passed: true, observed: 1,
        threshold: 'every day >= 0.5 x median day', failingRows: 0, totalRows: 31, sample: [],
      },
    ],
    runs: [{ runId: 'r1', checkedAt: '2026-01-01T00:00:00.000Z', checks: 2, failedErrors: 1, failedWarnings: 0 }],
    trends: [{ table: 'silver.events', expectation: 'event_type_known', points: [
      { runId: 'r0', checkedAt: '2025-12-31T00:00:00.000Z', observed: 0, passed: true },
      { runId: 'r1', checkedAt: '2026-01-01T00:00:00.000Z', observed: 2, passed: false },
    ] }],
    quarantine: [{ reason: 'bad_event_type', rows: 2, samples: [{ file: 'f.csv', line: 3, raw: 'a,"b",<c>' }] }],
    reconciliation: [{ batchId: 'b1', bronze: 12, silver: 10, quarantined: 2, duplicates: 0, balanced: true }],
    profiles: [],
    tables: [{ name: 'silver.events', version: 3, rows: 10 }],
  };

  it('escapes every value and shows the failed error first', () => {
    const html = renderReportHtml(data);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('/lake/&lt;a&gt;');
    expect(html).toContain('a,&quot;b&quot;,&lt;c&gt;');
    expect(html).toContain('<h2>Summary: <span class="err">errors</span></h2>');
    expect(html.indexOf('Failed errors')).toBeLessThan(html.indexOf('id="layers"'));
    // One red dot for the failing run in the trend line.
    expect(html.match(/class="dot-bad"/g)).toHaveLength(1);
    expect(html).toContain('No profile recorded.');
  });
});
