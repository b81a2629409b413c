/**
 * Runs one table's rule set against a relation and returns a result per expectation. Row-level
 * rules share one scan (a `count(*) FILTER` per rule), so adding a rule costs a predicate, not a
 * pass over the data; samples of failing keys are fetched only for rules that failed.
 */
import type { Session } from '../engine/session.js';
import {
  isRowExpectation,
  scopeOf,
  type Expectation,
  type ExpectationKind,
  type RowExpectation,
  type Scope,
  type Severity,
  type TableExpectations,
} from './expectations.js';
import {
  coverageQuery,
  filterPredicate,
  mixDriftQuery,
  oneValuePerKeyQuery,
  rateQuery,
  reconciliationQuery,
  rowFailing,
  sampleKeyExpr,
  uniqueQuery,
  valueDriftQuery,
  type RelationOf,
  type Sql,
  type SqlValue,
} from './templates.js';

export interface ExpectationResult {
  table: string;
  expectation: string;
  kind: ExpectationKind;
  severity: Severity;
  passed: boolean;
  /** The figure judged: failing rows, a ratio, a difference (see the kind). Null when there was nothing to judge. */
  observed: number | null;
  /** The bound the observed value was judged against, as a person reads it. */
  threshold: string;
  /** Rows (or keys, or days) that broke the rule. */
  failingRows: number;
  /** Rows (or keys, or days) the rule looked at. */
  total: number | null;
  /** Up to `sampleLimit` keys of failing rows, or the figures behind an aggregate verdict. */
  sample: string[];
}

export interface RunOptions {
  /** Which rules to run; all when absent. */
  scope?: Scope;
  /** Failing keys kept per rule (default 5). */
  sampleLimit?: number;
  /** Severity per expectation name, replacing the declared one (from the lake's quality config). */
  severityOverrides?: Readonly<Record<string, Severity>>;
}

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Runs the set's rules against `subject` (a quoted relation); `relationOf` resolves other tables. */
export async function runExpectations(
  session: Session,
  set: TableExpectations,
  subject: string,
  relationOf: RelationOf,
  options: RunOptions = {},
): Promise<ExpectationResult[]> {
  const sampleLimit = options.sampleLimit ?? 5;
  const chosen = set.expectations.filter((e) => !options.scope || scopeOf(e) === options.scope);
  const severityOf = (e: Expectation) => options.severityOverrides?.[e.name] ?? e.severity;
  const rows = chosen.filter(isRowExpectation);
  const byName = new Map<string, ExpectationResult>();
  for (const r of await runRowRules(session, set, rows, subject, relationOf, sampleLimit)) {
    byName.set(r.expectation, { ...r, severity: severityOf(rows.find((e) => e.name === r.expectation)!) });
  }
  for (const e of chosen) {
    if (isRowExpectation(e)) continue;
    const r = await runAggregate(session, set.table, e, subject, relationOf, sampleLimit);
    byName.set(e.name, { ...r, severity: severityOf(e) });
  }
  // Declaration order, so reports read like the rule file.
  return chosen.map((e) => byName.get(e.name)!);
}

async function runRowRules(
  session: Session,
  set: TableExpectations,
  rules: RowExpectation[],
  subject: string,
  relationOf: RelationOf,
  sampleLimit: number,
): Promise<ExpectationResult[]> {
  if (rules.length === 0) return [];
  const columns: string[] = [];
  const params: SqlValue[] = [];
  const predicates: Sql[] = [];
  rules.forEach((rule, i) => {
    const failing = rowFailing(rule, relationOf);
    const scope = filterPredicate(rule.where);
    predicates.push(failing);
    columns.push(`count(*) FILTER (WHERE ${failing.text}) AS f${i}`, `count(*) FILTER (WHERE ${scope.text}) AS n${i}`);
    params.push(...failing.params, ...scope.params);
  });
  const [counts] = await session.all(`SELECT ${columns.join(', ')} FROM ${subject} AS t`, params);
  const results: ExpectationResult[] = [];
  for (const [i, rule] of rules.entries()) {
    const failing = Number(counts?.[`f${i}`] ?? 0);
    const inScope = Number(counts?.[`n${i}`] ?? 0);
    const mostly = rule.mostly ?? 1;
    const allowed = Math.floor((1 - mostly) * inScope + 1e-9);
    const passed = failing <= allowed;
    let sample: string[] = [];
    if (failing > 0) {
      const p = predicates[i]!;
      const keys = await session.all<{ k: string }>(
        `SELECT ${sampleKeyExpr(set.sampleKey)} AS k FROM ${subject} AS t WHERE ${p.text} LIMIT ${sampleLimit}`,
        p.params,
      );
      sample = keys.map((k) => String(k.k));
    }
    results.push({
      table: set.table,
      expectation: rule.name,
      kind: rule.kind,
      severity: rule.severity,
      passed,
      observed: failing,
      threshold: mostly < 1 ? `<= ${allowed} rows (mostly ${mostly})` : '= 0 rows',
      failingRows: failing,
      total: inScope,
      sample,
    });
  }
  return results;
}

type AggregateExpectation = Exclude<Expectation, RowExpectation>;

function aggregateQuery(e: AggregateExpectation, subject: string, relationOf: RelationOf, sampleLimit: number): Sql {
  switch (e.kind) {
    case 'unique':
      return uniqueQuery(e, subject, sampleLimit);
    case 'one_value_per_key':
      return oneValuePerKeyQuery(e, subject, sampleLimit);
    case 'reconciliation':
      return reconciliationQuery(e, relationOf);
    case 'coverage':
      return coverageQuery(e, subject);
    case 'mix_drift':
      return mixDriftQuery(e, subject);
    case 'value_drift':
      return valueDriftQuery(e, subject);
    case 'rate':
      return rateQuery(e, subject);
  }
}

/** The verdict and the threshold text of an aggregate rule, from its one-row answer. */
function judge(e: AggregateExpectation, failing: number, total: number | null): { passed: boolean; threshold: string } {
  switch (e.kind) {
    case 'unique':
      return { passed: failing === 0, threshold: '= 0 duplicate rows' };
    case 'one_value_per_key': {
      const allowed = Math.floor((e.maxFraction ?? 0) * (total ?? 0) + 1e-9);
      return { passed: failing <= allowed, threshold: `<= ${allowed} keys with several ${e.column}` };
    }
    case 'reconciliation':
      return { passed: failing <= (e.tolerance ?? 0), threshold: `|difference| <= ${e.tolerance ?? 0}` };
    case 'coverage':
      return { passed: failing === 0, threshold: `every day >= ${e.minFractionOfMedian} x median day` };
    case 'mix_drift':
      return { passed: failing === 0, threshold: `share delta <= ${e.maxShareDelta}` };
    case 'value_drift':
      return { passed: failing === 0, threshold: `within ${e.maxRatio} x median day` };
    case 'rate':
      return { passed: failing === 0, threshold: `${e.min} .. ${e.max}` };
  }
}

async function runAggregate(
  session: Session,
  table: string,
  e: AggregateExpectation,
  subject: string,
  relationOf: RelationOf,
  sampleLimit: number,
): Promise<ExpectationResult> {
  const q = aggregateQuery(e, subject, relationOf, sampleLimit);
  const [row] = await session.all(q.text, q.params);
  const failing = Number(row?.failing ?? 0);
  const total = toNumber(row?.total);
  const sample = ((row?.sample as unknown[] | null) ?? []).slice(0, Math.max(sampleLimit, 1)).map(String);
  const observed = toNumber(row?.observed);
  return {
    table,
    expectation: e.name,
    kind: e.kind,
    severity: e.severity,
    ...judge(e, failing, total),
    observed: observed !== null && Number.isNaN(observed) ? null : observed,
    failingRows: failing,
    total,
    sample,
  };
}
