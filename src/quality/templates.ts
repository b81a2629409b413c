/**
 * Expectations compiled to SQL, one named template per kind. Identifiers (columns, relations) are
 * quoted with quoteIdent; values (accepted values, bounds, patterns, thresholds) are bound as `?`
 * parameters, so a rule set can never splice text into a query.
 *
 * Row-level kinds compile to a *failing-row predicate* over alias `t`, so one scan can count every
 * row rule of a table at once (run.ts). Aggregate kinds compile to a query returning one row with
 * `observed`, `failing`, `total` and `sample` (a list of text keys).
 */
import { quoteIdent } from '../engine/session.js';
import type {
  AcceptedValues,
  Coverage,
  Format,
  IsNull,
  MixDrift,
  NotNull,
  OneValuePerKey,
  Range,
  Rate,
  Reconciliation,
  Relationship,
  RowExpectation,
  RowFilter,
  Unique,
  ValueDrift,
} from './expectations.js';

export type SqlValue = string | number | boolean | null;
/** A SQL fragment and the values its `?` placeholders take, in order. */
export interface Sql {
  text: string;
  params: SqlValue[];
}

/** Resolves a table name (`silver.events`) to a quoted relation the query can read. */
export type RelationOf = (table: string) => string;

/**
 * How a row rule names a column: by default `t."column"`, but a subject may map a column to an
 * expression over another relation's columns (Silver's names over the pipeline's typed batch), so
 * rules of several subjects can share one scan.
 */
export type ColumnRef = (column: string) => string;
export const tableColumn: ColumnRef = (name) => `t.${quoteIdent(name)}`;

/** `(t.col = ?)` for a rule's optional row filter; TRUE when absent. */
export function filterPredicate(filter: RowFilter | undefined, col: ColumnRef = tableColumn): Sql {
  if (!filter) return { text: 'TRUE', params: [] };
  return { text: `(${col(filter.column)} = ?)`, params: [filter.equals] };
}

export function notNullFailing(e: NotNull, col: ColumnRef = tableColumn): Sql {
  return { text: `${col(e.column)} IS NULL`, params: [] };
}

export function isNullFailing(e: IsNull, col: ColumnRef = tableColumn): Sql {
  return { text: `${col(e.column)} IS NOT NULL`, params: [] };
}

export function acceptedValuesFailing(e: AcceptedValues, col: ColumnRef = tableColumn): Sql {
  const marks = e.values.map(() => '?').join(', ');
  return { text: `(${col(e.column)} IS NOT NULL AND ${col(e.column)} NOT IN (${marks}))`, params: [...e.values] };
}

export function rangeFailing(e: Range, col: ColumnRef = tableColumn): Sql {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (e.min !== undefined) {
    parts.push(`${col(e.column)} ${e.exclusiveMin ? '<=' : '<'} ?`);
    params.push(e.min);
  }
  if (e.max !== undefined) {
    parts.push(`${col(e.column)} ${e.exclusiveMax ? '>=' : '>'} ?`);
    params.push(e.max);
  }
  return { text: `(${col(e.column)} IS NOT NULL AND (${parts.join(' OR ')}))`, params };
}

export function formatFailing(e: Format, col: ColumnRef = tableColumn): Sql {
  const c = col(e.column);
  return { text: `(${c} IS NOT NULL AND NOT regexp_full_match(CAST(${c} AS VARCHAR), ?))`, params: [e.pattern] };
}

/**
 * Rows whose non-null key is missing from the dimension; `total` is the rows with a key and the
 * sample lists missing key values. Keys are grouped before the anti-join, so the dimension is
 * probed once per distinct key rather than once per fact row (3x faster on a fact table).
 */
export function relationshipQuery(e: Relationship, subject: string, relationOf: RelationOf, sampleLimit: number): Sql {
  const c = tableColumn(e.column);
  const filter = filterPredicate(e.where);
  return {
    text: `WITH g AS (SELECT ${c} AS k, count(*) AS n FROM ${subject} AS t WHERE ${c} IS NOT NULL AND ${filter.text} GROUP BY 1),
      m AS (SELECT g.k, g.n FROM g ANTI JOIN ${relationOf(e.to)} AS r ON r.${quoteIdent(e.field)} = g.k)
      SELECT CAST(coalesce((SELECT sum(n) FROM m), 0) AS DOUBLE) AS observed, CAST(coalesce((SELECT sum(n) FROM m), 0) AS BIGINT) AS failing,
        CAST(coalesce((SELECT sum(n) FROM g), 0) AS BIGINT) AS total,
        (SELECT list(k) FROM (SELECT CAST(k AS VARCHAR) AS k FROM m ORDER BY k LIMIT ${sampleLimit})) AS sample`,
    params: [...filter.params],
  };
}

/** Row rules counted by a predicate in the shared scan (relationships run their own grouped query). */
export type ScannedRowExpectation = Exclude<RowExpectation, Relationship>;

/** The failing-row predicate of a scanned row rule, its row filter included. */
export function rowFailing(e: ScannedRowExpectation, col: ColumnRef = tableColumn): Sql {
  const base = rowBase(e, col);
  if (!e.where) return base;
  const filter = filterPredicate(e.where, col);
  return { text: `(${filter.text} AND ${base.text})`, params: [...filter.params, ...base.params] };
}

function rowBase(e: ScannedRowExpectation, col: ColumnRef): Sql {
  switch (e.kind) {
    case 'not_null':
      return notNullFailing(e, col);
    case 'is_null':
      return isNullFailing(e, col);
    case 'accepted_values':
      return acceptedValuesFailing(e, col);
    case 'range':
      return rangeFailing(e, col);
    case 'format':
      return formatFailing(e, col);
  }
}

/** A text key naming a row in samples: the key columns joined with ':'. */
export function sampleKeyExpr(columns: readonly string[], col: ColumnRef = tableColumn): string {
  return `concat_ws(':', ${columns.map((c) => `CAST(${col(c)} AS VARCHAR)`).join(', ')})`;
}

/** Rows beyond the first per key; `total` is the number of rows. */
export function uniqueQuery(e: Unique, subject: string, sampleLimit: number): Sql {
  const cols = e.columns.map((c) => `t.${quoteIdent(c)}`).join(', ');
  return {
    text: `WITH d AS (SELECT ${cols}, count(*) AS n FROM ${subject} AS t GROUP BY ${cols} HAVING count(*) > 1)
      SELECT CAST(coalesce(sum(n - 1), 0) AS DOUBLE) AS observed, CAST(coalesce(sum(n - 1), 0) AS BIGINT) AS failing,
        (SELECT count(*) FROM ${subject}) AS total,
        (SELECT list(k) FROM (SELECT ${sampleKeyExpr(e.columns)} AS k FROM d AS t ORDER BY k LIMIT ${sampleLimit})) AS sample
      FROM d`,
    params: [],
  };
}

/** Keys with more than one value of the column; `total` is the number of keys. */
export function oneValuePerKeyQuery(e: OneValuePerKey, subject: string, sampleLimit: number): Sql {
  const key = `t.${quoteIdent(e.key)}`;
  const value = `t.${quoteIdent(e.column)}`;
  // min <> max finds a second value without count(DISTINCT …), which is far dearer on big tables.
  return {
    text: `WITH k AS (SELECT ${key} AS k, min(${value}) <> max(${value}) AS bad FROM ${subject} AS t
        WHERE ${key} IS NOT NULL GROUP BY ${key})
      SELECT CAST(count(*) FILTER (WHERE bad) AS DOUBLE) AS observed, count(*) FILTER (WHERE bad) AS failing, count(*) AS total,
        (SELECT list(k) FROM (SELECT CAST(k AS VARCHAR) AS k FROM k WHERE bad ORDER BY k LIMIT ${sampleLimit})) AS sample
      FROM k`,
    params: [],
  };
}

function countTerm(term: { table: string; sumColumn?: string }, relationOf: RelationOf): string {
  const rel = relationOf(term.table);
  return term.sumColumn
    ? `(SELECT coalesce(sum(${quoteIdent(term.sumColumn)}), 0) FROM ${rel})`
    : `(SELECT count(*) FROM ${rel})`;
}

/** observed = upstream − Σ downstream; `total` is the upstream figure; sample lists each term's figure. */
export function reconciliationQuery(e: Reconciliation, relationOf: RelationOf): Sql {
  const up = countTerm(e.upstream, relationOf);
  const downs = e.downstream.map((d) => countTerm(d, relationOf));
  const labels = [e.upstream, ...e.downstream].map((d) => `${d.table}${d.sumColumn ? `.sum(${d.sumColumn})` : ''}`);
  const figures = [up, ...downs].map((f, i) => `? || '=' || CAST(${f} AS VARCHAR)`);
  return {
    text: `WITH f AS (SELECT CAST(${up} AS HUGEINT) AS up, CAST(${downs.join(' + ')} AS HUGEINT) AS down)
      SELECT CAST(up - down AS DOUBLE) AS observed, CAST(abs(up - down) AS BIGINT) AS failing, CAST(up AS BIGINT) AS total,
        [${figures.join(', ')}] AS sample FROM f`,
    params: labels,
  };
}

/** Days of each month touched that are missing or below the fraction of the median day. */
export function coverageQuery(e: Coverage, subject: string): Sql {
  const d = `CAST(t.${quoteIdent(e.dateColumn)} AS DATE)`;
  return {
    text: `WITH days AS (SELECT ${d} AS d, count(*) AS n FROM ${subject} AS t WHERE ${d} IS NOT NULL GROUP BY 1),
      span AS (SELECT CAST(range AS DATE) AS d FROM range(
        CAST(date_trunc('month', (SELECT min(d) FROM days)) AS TIMESTAMP),
        CAST(last_day((SELECT max(d) FROM days)) AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY)),
      med AS (SELECT median(n) AS m FROM days),
      cal AS (SELECT span.d, coalesce(days.n, 0) AS n FROM span LEFT JOIN days USING (d))
      SELECT min(n / nullif(m, 0)) AS observed, count(*) FILTER (WHERE n = 0 OR n < ? * m) AS failing, count(*) AS total,
        list(strftime(d, '%Y-%m-%d') || '=' || CAST(n AS VARCHAR) ORDER BY d) FILTER (WHERE n = 0 OR n < ? * m) AS sample
      FROM cal, med`,
    params: [e.minFractionOfMedian, e.minFractionOfMedian],
  };
}

/** Per day, the largest gap between a category's share that day and its share over the other days. */
export function mixDriftQuery(e: MixDrift, subject: string): Sql {
  const d = `CAST(t.${quoteIdent(e.dateColumn)} AS DATE)`;
  const c = `CAST(t.${quoteIdent(e.categoryColumn)} AS VARCHAR)`;
  return {
    text: `WITH c AS (SELECT ${d} AS d, ${c} AS c, count(*) AS n FROM ${subject} AS t WHERE ${d} IS NOT NULL GROUP BY ALL),
      dt AS (SELECT d, sum(n) AS dn FROM c GROUP BY d),
      ct AS (SELECT c, sum(n) AS cn FROM c GROUP BY c),
      tot AS (SELECT sum(n) AS tn FROM c),
      grid AS (SELECT dt.d, ct.c, coalesce(c.n, 0) AS n, dt.dn, ct.cn FROM dt CROSS JOIN ct
        LEFT JOIN c ON c.d = dt.d AND c.c IS NOT DISTINCT FROM ct.c),
      dev AS (SELECT d, c, abs(n / dn - (cn - n) / nullif(tn - dn, 0)) AS delta FROM grid, tot),
      per_day AS (SELECT d, first(c ORDER BY round(delta, 9) DESC NULLS LAST, c) AS c, max(delta) AS delta FROM dev GROUP BY d)
      SELECT max(delta) AS observed, count(*) FILTER (WHERE delta > ?) AS failing, count(*) AS total,
        list(strftime(d, '%Y-%m-%d') || ':' || coalesce(c, 'null') || '=' || CAST(round(delta, 4) AS VARCHAR) ORDER BY d)
          FILTER (WHERE delta > ?) AS sample
      FROM per_day`,
    params: [e.maxShareDelta, e.maxShareDelta],
  };
}

/** Per day, the sum of the value over the median day's (or its inverse, whichever is larger). */
export function valueDriftQuery(e: ValueDrift, subject: string): Sql {
  const d = `CAST(t.${quoteIdent(e.dateColumn)} AS DATE)`;
  const filter = filterPredicate(e.where);
  return {
    text: `WITH days AS (SELECT ${d} AS d, coalesce(sum(t.${quoteIdent(e.valueColumn)}) FILTER (WHERE ${filter.text}), 0) AS v
        FROM ${subject} AS t WHERE ${d} IS NOT NULL GROUP BY 1),
      med AS (SELECT median(v) AS m FROM days),
      r AS (SELECT d, v, CASE WHEN m = 0 THEN NULL WHEN v = 0 THEN CAST('Infinity' AS DOUBLE)
        ELSE greatest(v / m, m / v) END AS ratio FROM days, med)
      SELECT CAST(max(ratio) AS DOUBLE) AS observed, count(*) FILTER (WHERE ratio > ?) AS failing, count(*) AS total,
        list(strftime(d, '%Y-%m-%d') || '=' || CAST(round(v, 2) AS VARCHAR) ORDER BY d) FILTER (WHERE ratio > ?) AS sample
      FROM r`,
    params: [...filter.params, e.maxRatio, e.maxRatio],
  };
}

/** count(numerator rows) / count(denominator rows); `failing` is 1 when outside [min, max]. */
export function rateQuery(e: Rate, subject: string): Sql {
  const num = filterPredicate(e.numerator);
  const den = filterPredicate(e.denominator);
  return {
    text: `WITH c AS (SELECT count(*) FILTER (WHERE ${num.text}) AS num, count(*) FILTER (WHERE ${den.text}) AS den
        FROM ${subject} AS t)
      SELECT CAST(num AS DOUBLE) / nullif(den, 0) AS observed,
        CASE WHEN den = 0 THEN CAST(num > 0 AS INTEGER)
          WHEN CAST(num AS DOUBLE) / den < ? OR CAST(num AS DOUBLE) / den > ? THEN 1 ELSE 0 END AS failing,
        den AS total, [CAST(num AS VARCHAR) || '/' || CAST(den AS VARCHAR)] AS sample
      FROM c`,
    params: [...num.params, ...den.params, e.min, e.max],
  };
}
