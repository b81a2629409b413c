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
  relationshipQuery,
  rowFailing,
  type ScannedRowExpectation,
  sampleKeyExpr,
  uniqueQuery,
  valueDriftQuery,
  tableColumn,
  type ColumnRef,
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

/**
 * One table's row rules judged over the rows of a shared relation: `where` picks the subject's
 * rows and `column` maps its column names, so several subjects (a Bronze batch, its clean rows
 * under Silver names, its rejected rows) are counted in a single scan.
 */
export interface RowSubject {
  set: TableExpectations;
  relationOf: RelationOf;
  column?: ColumnRef;
  /** A predicate over `t` built by our code (never user input); every row when absent. */
  where?: string;
  /** Severity per expectation name for this subject's table (RunOptions' apply otherwise). */
  severityOverrides?: Readonly<Record<string, Severity>>;
}

/** Runs the set's rules against `subject` (a quoted relation); `relationOf` resolves other tables. */
export async function runExpectations(
  session: Session,
  set: TableExpectations,
  subject: string,
  relationOf: RelationOf,
  options: RunOptions = {},
): Promise<ExpectationResult[]> {
  const [rows] = await runRowScan(session, subject, [{ set, relationOf }], options);
  const aggregates = await runAggregates(session, set, subject, relationOf, options);
  const byName = new Map([...rows!, ...aggregates].map((r) => [r.expectation, r]));
  // Declaration order, so reports read like the rule file.
  return set.expectations.filter((e) => byName.has(e.name)).map((e) => byName.get(e.name)!);
}

function chosen<E extends Expectation>(rules: readonly E[], options: RunOptions): E[] {
  return rules.filter((e) => !options.scope || scopeOf(e) === options.scope);
}

function severityOf(e: Expectation, options: RunOptions): Severity {
  return options.severityOverrides?.[e.name] ?? e.severity;
}

/** The non-row rules of the set (unique, reconciliation, coverage, drift, rate) on `subject`. */
export async function runAggregates(
  session: Session,
  set: TableExpectations,
  subject: string,
  relationOf: RelationOf,
  options: RunOptions = {},
): Promise<ExpectationResult[]> {
  const results: ExpectationResult[] = [];
  for (const e of chosen(set.expectations, options)) {
    if (isScanned(e)) continue;
    const r = await runAggregate(session, set.table, e, subject, relationOf, options.sampleLimit ?? 5);
    results.push({ ...r, severity: severityOf(e, options) });
  }
  return results;
}

/** Counts every subject's row rules in one scan of `relation`; one result list per subject. */
export async function runRowScan(
  session: Session,
  relation: string,
  subjects: readonly RowSubject[],
  options: RunOptions = {},
): Promise<ExpectationResult[][]> {
  const sampleLimit = options.sampleLimit ?? 5;
  const plans = subjects.map((s) => ({
    subject: s,
    rules: chosen(s.set.expectations.filter(isScanned), options),
    col: s.column ?? tableColumn,
    where: s.where ?? 'TRUE',
  }));
  const columns: string[] = [];
  const params: SqlValue[] = [];
  const predicates: Sql[][] = [];
  plans.forEach((plan, si) => {
    predicates.push([]);
    plan.rules.forEach((rule, i) => {
      const failing = rowFailing(rule, plan.col);
      const scope = filterPredicate(rule.where, plan.col);
      predicates[si]!.push(failing);
      columns.push(
        `count(*) FILTER (WHERE (${plan.where}) AND ${failing.text}) AS f${si}_${i}`,
        `count(*) FILTER (WHERE (${plan.where}) AND ${scope.text}) AS n${si}_${i}`,
      );
      params.push(...failing.params, ...scope.params);
    });
  });
  if (columns.length === 0) return plans.map(() => []);
  const [counts] = await session.all(`SELECT ${columns.join(', ')} FROM ${relation} AS t`, params);
  const out: ExpectationResult[][] = [];
  for (const [si, plan] of plans.entries()) {
    const results: ExpectationResult[] = [];
    for (const [i, rule] of plan.rules.entries()) {
      const failing = Number(counts?.[`f${si}_${i}`] ?? 0);
      const inScope = Number(counts?.[`n${si}_${i}`] ?? 0);
      const mostly = rule.mostly ?? 1;
      const allowed = Math.floor((1 - mostly) * inScope + 1e-9);
      let sample: string[] = [];
      if (failing > 0) {
        const p = predicates[si]![i]!;
        const keys = await session.all<{ k: string }>(
          `SELECT ${sampleKeyExpr(plan.subject.set.sampleKey, plan.col)} AS k FROM ${relation} AS t ` +
            `WHERE (${plan.where}) AND ${p.text} LIMIT ${sampleLimit}`,
          p.params,
        );
        sample = keys.map((k) => String(k.k));
      }
      results.push({
        table: plan.subject.set.table,
        expectation: rule.name,
        kind: rule.kind,
        severity: plan.subject.severityOverrides?.[rule.name] ?? severityOf(rule, options),
        passed: failing <= allowed,
        observed: failing,
        threshold: mostly < 1 ? `<= ${allowed} rows (mostly ${mostly})` : '= 0 rows',
        failingRows: failing,
        total: inScope,
        sample,
      });
    }
    out.push(results);
  }
  return out;
}

/** Row rules counted in the shared scan; relationships run a grouped anti-join of their own. */
function isScanned(e: Expectation): e is ScannedRowExpectation {
  return isRowExpectation(e) && e.kind !== 'relationship';
}

type AggregateExpectation = Exclude<Expectation, ScannedRowExpectation>;

function aggregateQuery(e: AggregateExpectation, subject: string, relationOf: RelationOf, sampleLimit: number): Sql {
  switch (e.kind) {
    case 'relationship':
      return relationshipQuery(e, subject, relationOf, sampleLimit);
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
    case 'relationship': {
      const mostly = e.mostly ?? 1;
      const allowed = Math.floor((1 - mostly) * (total ?? 0) + 1e-9);
      return { passed: failing <= allowed, threshold: mostly < 1 ? `<= ${allowed} rows (mostly ${mostly})` : `= 0 rows missing from ${e.to}` };
    }
    case 'unique':
      return { passed: failing === 0, threshold: '= 0 duplicate rows' };
    case 'one_value_per_key': {
      const allowed = Math.floor((e.maxFraction ?? 0) * (total ?? 0) + 1e-9);
      return { passed: failing <= allowed, threshold: `<= ${allowed} keys with several ${e.column}` };
    }
    case 'reconciliation':
      return { passed: failing <= (e.tolerance ?? 0), threshold: `|difference| <= ${e.tolerance ?? 0}` };
    case 'coverage':
      return {
        passed: failing === 0,
        threshold: e.minFractionOfMedian > 0 ? `every day >= ${e.minFractionOfMedian} x median day` : 'every day present',
      };
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
