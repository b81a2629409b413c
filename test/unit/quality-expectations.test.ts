// Each expectation kind on small DuckDB tables: a passing and a failing case, with the observed
// value, the failing count and the sample checked exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, quoteIdent } from '../../src/engine/session.js';
import { defineExpectations, type Expectation } from '../../src/quality/expectations.js';
import { QualityDefinitionError } from '../../src/quality/errors.js';
import { runExpectations, runRowScan, type ExpectationResult } from '../../src/quality/run.js';

let session: Session;
const relationOf = (table: string) => quoteIdent(table.replace('.', '_'));

beforeAll(async () => {
  session = await Session.open({ threads: 1 });
  await session.run(`CREATE TABLE ev (id INTEGER, d DATE, kind VARCHAR, price DECIMAL(12,2), usr INTEGER, sess VARCHAR, code VARCHAR)`);
  await session.run(`INSERT INTO ev VALUES
    (1, DATE '2019-10-01', 'view', 10.00, 1, 's1', 'ab-12'),
    (2, DATE '2019-10-01', 'cart', 10.00, 1, 's1', 'ab-13'),
    (3, DATE '2019-10-01', 'purchase', 0.00, 1, 's1', 'AB-14'),
    (4, DATE '2019-10-02', 'view', NULL, 2, 's2', NULL),
    (5, DATE '2019-10-02', 'refund', -5.00, 3, 's2', 'zz'),
    (5, DATE '2019-10-02', 'view', 7.50, 3, 's3', 'cd-01')`);
  await session.run(`CREATE TABLE dim_user (usr INTEGER)`);
  await session.run(`INSERT INTO dim_user VALUES (1), (2)`);
});
afterAll(() => session.close());

async function check(expectations: Expectation[], table = 'ev'): Promise<ExpectationResult[]> {
  const set = defineExpectations({ table: `test.${table}`, sampleKey: ['id'], expectations });
  return runExpectations(session, set, quoteIdent(table), relationOf);
}
async function one(e: Expectation, table = 'ev'): Promise<ExpectationResult> {
  const [r] = await check([e], table);
  return r!;
}

describe('row-level kinds', () => {
  it('not_null counts nulls and samples their keys', async () => {
    const r = await one({ kind: 'not_null', name: 'price_present', severity: 'error', column: 'price' });
    expect(r).toMatchObject({ passed: false, observed: 1, failingRows: 1, total: 6, sample: ['4'], threshold: '= 0 rows' });
    expect((await one({ kind: 'not_null', name: 'id_present', severity: 'error', column: 'id' })).passed).toBe(true);
  });

  it('accepted_values binds the list and ignores nulls', async () => {
    const r = await one({ kind: 'accepted_values', name: 'kind_known', severity: 'error', column: 'kind', values: ['view', 'cart', 'purchase'] });
    expect(r).toMatchObject({ passed: false, observed: 1, failingRows: 1, sample: ['5'] });
    const ok = await one({ kind: 'accepted_values', name: 'kind_all', severity: 'error', column: 'kind', values: ['view', 'cart', 'purchase', 'refund'] });
    expect(ok).toMatchObject({ passed: true, observed: 0, failingRows: 0, sample: [] });
  });

  it('range with a row filter checks a purchase has a positive price', async () => {
    const r = await one({
      kind: 'range', name: 'purchase_price_positive', severity: 'error', column: 'price', min: 0, exclusiveMin: true,
      where: { column: 'kind', equals: 'purchase' },
    });
    expect(r).toMatchObject({ passed: false, observed: 1, failingRows: 1, total: 1, sample: ['3'] });
    const all = await one({ kind: 'range', name: 'price_non_negative', severity: 'warn', column: 'price', min: 0, max: 100 });
    expect(all).toMatchObject({ passed: false, failingRows: 1, sample: ['5'] });
  });

  it('format matches the whole text against a bound pattern', async () => {
    const r = await one({ kind: 'format', name: 'code_shape', severity: 'warn', column: 'code', pattern: '[a-z]{2}-[0-9]{2}' });
    expect(r).toMatchObject({ passed: false, failingRows: 2, sample: ['3', '5'] });
    const injection = await one({ kind: 'format', name: 'code_quote', severity: 'warn', column: 'code', pattern: "'; DROP TABLE ev; --" });
    expect(injection.failingRows).toBe(5);
  });

  it('mostly tolerates a share of failing rows', async () => {
    const r = await one({ kind: 'format', name: 'code_mostly', severity: 'warn', column: 'code', pattern: '[a-z]{2}-[0-9]{2}', mostly: 0.5 });
    expect(r).toMatchObject({ passed: true, failingRows: 2, threshold: '<= 3 rows (mostly 0.5)' });
  });

  it('relationship finds facts without their dimension row', async () => {
    const r = await one({ kind: 'relationship', name: 'user_known', severity: 'error', column: 'usr', to: 'dim.user', field: 'usr' });
    // Two rows point at user 3, which dim_user lacks: the sample names the missing key.
    expect(r).toMatchObject({ passed: false, observed: 2, failingRows: 2, total: 6, sample: ['3'], threshold: '= 0 rows missing from dim.user' });
    const tolerant = await one({ kind: 'relationship', name: 'user_known', severity: 'error', column: 'usr', to: 'dim.user', field: 'usr', mostly: 0.6 });
    expect(tolerant).toMatchObject({ passed: true, failingRows: 2, threshold: '<= 2 rows (mostly 0.6)' });
    const filtered = await one({ kind: 'relationship', name: 'user_known', severity: 'error', column: 'usr', to: 'dim.user', field: 'usr', where: { column: 'kind', equals: 'view' } });
    expect(filtered).toMatchObject({ passed: false, failingRows: 1, total: 3 });
  });
});

describe('aggregate kinds', () => {
  it('unique counts rows beyond the first per key, single or compound', async () => {
    expect(await one({ kind: 'unique', name: 'id_unique', severity: 'error', columns: ['id'] })).toMatchObject({
      passed: false, observed: 1, failingRows: 1, total: 6, sample: ['5'],
    });
    expect(await one({ kind: 'unique', name: 'id_kind_unique', severity: 'error', columns: ['id', 'kind'] })).toMatchObject({
      passed: true, observed: 0, failingRows: 0, sample: [],
    });
  });

  it('one_value_per_key finds a session shared by two users', async () => {
    const r = await one({ kind: 'one_value_per_key', name: 'session_one_user', severity: 'warn', key: 'sess', column: 'usr' });
    expect(r).toMatchObject({ passed: false, observed: 1, failingRows: 1, total: 3, sample: ['s2'] });
    const tolerant = await one({ kind: 'one_value_per_key', name: 'session_one_user', severity: 'warn', key: 'sess', column: 'usr', maxFraction: 0.5 });
    expect(tolerant.passed).toBe(true);
  });

  it('reconciliation compares counts and sums across relations', async () => {
    await session.run(`CREATE OR REPLACE TABLE up AS SELECT * FROM range(10)`);
    await session.run(`CREATE OR REPLACE TABLE down AS SELECT * FROM range(7)`);
    await session.run(`CREATE OR REPLACE TABLE dups AS SELECT 2 AS extra UNION ALL SELECT 1`);
    const e: Expectation = {
      kind: 'reconciliation', name: 'rows_accounted', severity: 'error',
      upstream: { table: 'x.up' }, downstream: [{ table: 'x.down' }, { table: 'x.dups', sumColumn: 'extra' }],
    };
    const rel = (t: string) => quoteIdent(t.split('.')[1]!);
    const set = defineExpectations({ table: 'x.down', sampleKey: ['range'], expectations: [e] });
    const [ok] = await runExpectations(session, set, rel('x.down'), rel);
    expect(ok).toMatchObject({ passed: true, observed: 0, failingRows: 0, total: 10, sample: ['x.up=10', 'x.down=7', 'x.dups.sum(extra)=3'] });
    await session.run(`DELETE FROM dups WHERE extra = 1`);
    const [bad] = await runExpectations(session, set, rel('x.down'), rel);
    expect(bad).toMatchObject({ passed: false, observed: 1, failingRows: 1 });
  });

  it('coverage reports missing and thin days of the month', async () => {
    await session.run(`CREATE OR REPLACE TABLE days AS
      SELECT DATE '2019-10-01' + CAST(i AS INTEGER) AS d FROM range(31) r(i), range(10) k(j)
      WHERE i <> 4 AND NOT (i = 9 AND j >= 3)`);
    const r = await one({ kind: 'coverage', name: 'every_day', severity: 'warn', dateColumn: 'd', minFractionOfMedian: 0.5 }, 'days');
    expect(r).toMatchObject({ passed: false, observed: 0, failingRows: 2, total: 31, sample: ['2019-10-05=0', '2019-10-10=3'] });
    await session.run(`CREATE OR REPLACE TABLE full_days AS SELECT DATE '2019-10-01' + CAST(i AS INTEGER) AS d FROM range(31) r(i)`);
    expect(await one({ kind: 'coverage', name: 'every_day', severity: 'warn', dateColumn: 'd', minFractionOfMedian: 0.5 }, 'full_days'))
      .toMatchObject({ passed: true, observed: 1, failingRows: 0, total: 31 });
  });

  it('mix_drift flags a day whose event-type mix departs from the others', async () => {
    // Days 1-4: 90 views, 10 carts. Day 5: 50 / 50.
    await session.run(`CREATE OR REPLACE TABLE mix AS
      SELECT DATE '2019-10-01' + CAST(d AS INTEGER) AS d, CASE WHEN i < (CASE WHEN d = 4 THEN 50 ELSE 90 END) THEN 'view' ELSE 'cart' END AS kind
      FROM range(5) a(d), range(100) b(i)`);
    const r = await one({ kind: 'mix_drift', name: 'mix_stable', severity: 'warn', dateColumn: 'd', categoryColumn: 'kind', maxShareDelta: 0.2 }, 'mix');
    expect(r.passed).toBe(false);
    expect(r.failingRows).toBe(1);
    expect(r.observed).toBeCloseTo(0.4, 10);
    expect(r.sample).toEqual(['2019-10-05:cart=0.4']);
    expect((await one({ kind: 'mix_drift', name: 'mix_loose', severity: 'warn', dateColumn: 'd', categoryColumn: 'kind', maxShareDelta: 0.5 }, 'mix')).passed).toBe(true);
  });

  it('value_drift flags a day whose revenue departs from the median day', async () => {
    await session.run(`CREATE OR REPLACE TABLE rev AS
      SELECT DATE '2019-10-01' + CAST(d AS INTEGER) AS d, 'purchase' AS kind, CASE WHEN d = 2 THEN 400.0 ELSE 100.0 END AS price FROM range(5) a(d)
      UNION ALL SELECT DATE '2019-10-01', 'view', 99999.0`);
    const e: Expectation = { kind: 'value_drift', name: 'revenue_stable', severity: 'warn', dateColumn: 'd', valueColumn: 'price', where: { column: 'kind', equals: 'purchase' }, maxRatio: 3 };
    expect(await one(e, 'rev')).toMatchObject({ passed: false, observed: 4, failingRows: 1, total: 5, sample: ['2019-10-03=400.0'] });
    expect((await one({ ...e, maxRatio: 5 }, 'rev')).passed).toBe(true);
  });

  it('rate checks cart to purchase within bounds', async () => {
    const e: Expectation = { kind: 'rate', name: 'cart_to_purchase', severity: 'warn', numerator: { column: 'kind', equals: 'purchase' }, denominator: { column: 'kind', equals: 'cart' }, min: 0.1, max: 0.9 };
    expect(await one(e)).toMatchObject({ passed: false, observed: 1, failingRows: 1, total: 1, sample: ['1/1'], threshold: '0.1 .. 0.9' });
    expect((await one({ ...e, max: 1.5 })).passed).toBe(true);
  });
});

describe('one scan for several subjects', () => {
  it('counts each subject over its own rows and under its own column names', async () => {
    const bronze = defineExpectations({ table: 'test.raw', sampleKey: ['id'], expectations: [
      { kind: 'not_null', name: 'code_present', severity: 'warn', column: 'code' },
    ] });
    const silver = defineExpectations({ table: 'test.clean', sampleKey: ['id'], expectations: [
      { kind: 'range', name: 'amount_positive', severity: 'error', column: 'amount', min: 0, exclusiveMin: true },
      { kind: 'accepted_values', name: 'kind_known', severity: 'error', column: 'kind', values: ['view', 'cart', 'purchase'] },
    ] });
    const [raw, clean] = await runRowScan(session, 'ev', [
      { set: bronze, relationOf },
      // The clean subject sees only rows with a known kind, and reads `amount` from `price`.
      { set: silver, relationOf, where: `t.kind <> 'refund'`, column: (c) => (c === 'amount' ? 't.price' : `t.${quoteIdent(c)}`), severityOverrides: { kind_known: 'warn' } },
    ]);
    expect(raw).toMatchObject([{ expectation: 'code_present', failingRows: 1, total: 6, sample: ['4'] }]);
    expect(clean).toMatchObject([
      { table: 'test.clean', expectation: 'amount_positive', severity: 'error', failingRows: 1, total: 5, sample: ['3'] },
      { expectation: 'kind_known', severity: 'warn', passed: true, failingRows: 0, total: 5 },
    ]);
  });
});

describe('scopes, overrides and definitions', () => {
  it('runs only the scope asked for and applies severity overrides', async () => {
    const set = defineExpectations({
      table: 'test.ev', sampleKey: ['id'], expectations: [
        { kind: 'not_null', name: 'price_present', severity: 'error', column: 'price' },
        { kind: 'coverage', name: 'every_day', severity: 'warn', dateColumn: 'd', minFractionOfMedian: 0.5 },
      ],
    });
    const batch = await runExpectations(session, set, 'ev', relationOf, { scope: 'batch', severityOverrides: { price_present: 'warn' } });
    expect(batch.map((r) => [r.expectation, r.severity])).toEqual([['price_present', 'warn']]);
    const table = await runExpectations(session, set, 'ev', relationOf, { scope: 'table' });
    expect(table.map((r) => r.expectation)).toEqual(['every_day']);
  });

  it('rejects malformed rule sets naming the rule', () => {
    const base = { table: 'test.ev', sampleKey: ['id'] };
    expect(() => defineExpectations({ ...base, expectations: [
      { kind: 'not_null', name: 'a', severity: 'error', column: 'x' },
      { kind: 'not_null', name: 'a', severity: 'error', column: 'y' },
    ] })).toThrow(/test.ev expectation "a": declared twice/);
    expect(() => defineExpectations({ ...base, expectations: [{ kind: 'format', name: 'f', severity: 'warn', column: 'x', pattern: '(' }] }))
      .toThrow(QualityDefinitionError);
    expect(() => defineExpectations({ ...base, expectations: [{ kind: 'range', name: 'r', severity: 'warn', column: 'x' }] }))
      .toThrow(/range needs min or max/);
  });
});
