/**
 * Row predicates for delete, replaceWhere and file pruning: a small structured language
 * (comparisons, IN, IS NULL, AND/OR/NOT over column literals) that can be
 * - rendered as SQL with every literal bound as a parameter (never spliced into the text),
 * - evaluated on a file's partition values (exactly, when only partition columns are used),
 * - checked against a file's min/max/null-count stats (false = the file surely has no match).
 * Evaluation is three-valued: `undefined` means "cannot tell from this information".
 */
import type { PartitionValues } from './actions.js';
import { compareDecimal, exactDecimal, exactInteger, isExactDecimal, type ExactDecimal } from './exact-number.js';
import { parsePredicate, type Literal as ReaderLiteral, type Predicate as ReaderPredicate } from './predicate.js';
import { deltaToDuckdb, type DeltaType } from './type-map.js';

export type Literal = string | number | bigint | boolean | Date | null;
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Predicate =
  | { column: string; op: ComparisonOp; value: Literal }
  | { column: string; op: 'in'; values: Literal[] }
  | { column: string; op: 'is null' | 'is not null' }
  | { and: Predicate[] }
  | { or: Predicate[] }
  | { not: Predicate };

export function predicateColumns(p: Predicate, out = new Set<string>()): Set<string> {
  if ('and' in p) p.and.forEach((x) => predicateColumns(x, out));
  else if ('or' in p) p.or.forEach((x) => predicateColumns(x, out));
  else if ('not' in p) predicateColumns(p.not, out);
  else out.add(p.column);
  return out;
}

function literalText(value: Literal): string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** SQL for the predicate over columns named as in the table; literals become `$<prefix>N` parameters. */
export function predicateSql(
  p: Predicate,
  types: ReadonlyMap<string, DeltaType>,
  params: Record<string, string | null>,
  qualifier = '',
  prefix = 'pred',
): string {
  const render = (q: Predicate): string => {
    if ('and' in q) return q.and.length ? `(${q.and.map(render).join(' AND ')})` : 'TRUE';
    if ('or' in q) return q.or.length ? `(${q.or.map(render).join(' OR ')})` : 'FALSE';
    if ('not' in q) return `(NOT ${render(q.not)})`;
    const type = types.get(q.column);
    if (!type) throw new Error(`predicate names column ${q.column}, which the table does not have`);
    const col = `${qualifier}"${q.column.replaceAll('"', '""')}"`;
    const bind = (value: Literal): string => {
      const name = `${prefix}${Object.keys(params).length}`;
      params[name] = literalText(value);
      return `CAST($${name} AS ${deltaToDuckdb(type)})`;
    };
    switch (q.op) {
      case 'is null': return `(${col} IS NULL)`;
      case 'is not null': return `(${col} IS NOT NULL)`;
      case 'in': return q.values.length ? `(${col} IN (${q.values.map(bind).join(', ')}))` : 'FALSE';
      case '!=': return `(${col} <> ${bind(q.value)})`;
      default: return `(${col} ${q.op} ${bind(q.value)})`;
    }
  };
  return render(p);
}

type Comparable = number | string | bigint | ExactDecimal;

/**
 * Comparable form of a value of a Delta type, or undefined when it cannot be compared here.
 * Integers and decimals are exact: as doubles, ids above 2^53 would compare equal to their
 * neighbours and stats would rule out files that hold the value.
 */
function comparable(value: unknown, type: DeltaType): Comparable | undefined {
  if (value === null || value === undefined) return undefined;
  if (type === 'timestamp' || type === 'timestamp_ntz') {
    const text = value instanceof Date ? value.toISOString() : String(value);
    const iso = text.includes('T') ? text : text.replace(' ', 'T');
    const ms = Date.parse(type === 'timestamp' && !/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? `${iso}Z` : iso);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (type === 'date') return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  if (type === 'string') return String(value);
  if (type === 'long' || type === 'integer' || type === 'short' || type === 'byte') return exactInteger(value);
  if (typeof type === 'string' && type.startsWith('decimal(')) return exactDecimal(value);
  if (type === 'double' || type === 'float') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'boolean') return String(value) === 'true' ? 1 : 0;
  return undefined;
}

function compare(a: Comparable, b: Comparable): number {
  if (isExactDecimal(a) || isExactDecimal(b)) return isExactDecimal(a) && isExactDecimal(b) ? compareDecimal(a, b) : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exact value of the predicate on one partition, or undefined if it needs other columns. */
export function evalOnPartition(p: Predicate, values: PartitionValues, types: ReadonlyMap<string, DeltaType>): boolean | undefined {
  if ('and' in p) {
    const parts = p.and.map((x) => evalOnPartition(x, values, types));
    return parts.includes(false) ? false : parts.includes(undefined) ? undefined : true;
  }
  if ('or' in p) {
    const parts = p.or.map((x) => evalOnPartition(x, values, types));
    return parts.includes(true) ? true : parts.includes(undefined) ? undefined : false;
  }
  if ('not' in p) {
    const inner = evalOnPartition(p.not, values, types);
    return inner === undefined ? undefined : !inner;
  }
  if (!(p.column in values)) return undefined;
  const raw = values[p.column] ?? null;
  if (p.op === 'is null') return raw === null;
  if (p.op === 'is not null') return raw !== null;
  const type = types.get(p.column)!;
  if (raw === null) return false; // SQL: a comparison with NULL is never true
  const v = comparable(raw, type);
  if (v === undefined) return undefined;
  const test = (literal: Literal): boolean | undefined => {
    const l = comparable(literal, type);
    if (literal === null) return false;
    if (l === undefined) return undefined;
    const c = compare(v, l);
    switch (p.op) {
      case '=': case 'in': return c === 0;
      case '!=': return c !== 0;
      case '<': return c < 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '>=': return c >= 0;
      default: return undefined;
    }
  };
  if (p.op === 'in') {
    const parts = p.values.map(test);
    return parts.includes(true) ? true : parts.includes(undefined) ? undefined : false;
  }
  return test((p as { value: Literal }).value);
}

export interface StatsView {
  numRecords?: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
}

/**
 * False only when the stats prove no row of the file can match; partition columns are
 * evaluated exactly. Anything not understood counts as a possible match.
 */
export function mayMatch(p: Predicate, partition: PartitionValues, stats: StatsView | undefined, types: ReadonlyMap<string, DeltaType>): boolean {
  if ('and' in p) return p.and.every((x) => mayMatch(x, partition, stats, types));
  if ('or' in p) return p.or.some((x) => mayMatch(x, partition, stats, types));
  if ('not' in p) {
    const exact = evalOnPartition(p, partition, types);
    return exact !== false;
  }
  if (p.column in partition) return evalOnPartition(p, partition, types) !== false;
  if (!stats) return true;
  const type = types.get(p.column);
  if (!type) return true;
  const nulls = stats.nullCount[p.column];
  if (p.op === 'is null') return nulls === undefined || Number(nulls) > 0;
  if (p.op === 'is not null') return nulls === undefined || stats.numRecords === undefined || Number(nulls) < stats.numRecords;
  const lo = comparable(stats.minValues[p.column], type);
  const rawMax = stats.maxValues[p.column];
  // A cut string maximum ends in a tie-breaker whose UTF-16 order differs from UTF-8 byte order.
  const hi = type === 'string' && typeof rawMax === 'string' && rawMax.endsWith('\u{10FFFF}') ? undefined : comparable(rawMax, type);
  if (lo === undefined && hi === undefined) return true;
  // Each bound rules files out on its own; a missing bound rules nothing out.
  const inRange = (literal: Literal, op: ComparisonOp): boolean => {
    const l = comparable(literal, type);
    if (literal === null) return false;
    if (l === undefined) return true;
    const aboveMin = (strict: boolean) => lo === undefined || (strict ? compare(lo, l) < 0 : compare(lo, l) <= 0);
    const belowMax = (strict: boolean) => hi === undefined || (strict ? compare(hi, l) > 0 : compare(hi, l) >= 0);
    switch (op) {
      case '=': return aboveMin(false) && belowMax(false);
      case '!=': return !(lo !== undefined && hi !== undefined && compare(lo, l) === 0 && compare(hi, l) === 0);
      case '<': return aboveMin(true);
      case '<=': return aboveMin(false);
      case '>': return belowMax(true);
      case '>=': return belowMax(false);
    }
  };
  if (p.op === 'in') return p.values.some((v) => inRange(v, '='));
  return inRange((p as { value: Literal }).value, p.op as ComparisonOp);
}

/** A predicate as callers may give it: this module's form, the reader's AST, or its text. */
export type AnyPredicate = Predicate | ReaderPredicate | string;

/**
 * Normalises a predicate to this module's form. Text goes through the reader's parser (so the
 * CLI and library accept the same grammar); the reader's AST maps one to one, BETWEEN becoming
 * two comparisons and negations a NOT.
 */
export function toRowPredicate(p: AnyPredicate): Predicate {
  if (typeof p === 'string') return toRowPredicate(parsePredicate(p));
  if (!isReaderPredicate(p)) return p;
  const literal = (l: ReaderLiteral): Literal => (l.kind === 'boolean' ? l.text === 'true' : l.text);
  const negate = (q: Predicate, negated: boolean): Predicate => (negated ? { not: q } : q);
  switch (p.op) {
    case 'and': return { and: p.args.map(toRowPredicate) };
    case 'or': return { or: p.args.map(toRowPredicate) };
    case 'not': return { not: toRowPredicate(p.arg) };
    case 'cmp': return { column: p.column, op: p.cmp, value: literal(p.value) };
    case 'in': return negate({ column: p.column, op: 'in', values: p.values.map(literal) }, p.negated);
    case 'between':
      return negate({ and: [{ column: p.column, op: '>=', value: literal(p.low) }, { column: p.column, op: '<=', value: literal(p.high) }] }, p.negated);
    case 'isNull': return { column: p.column, op: p.negated ? 'is not null' : 'is null' };
  }
}

function isReaderPredicate(p: Predicate | ReaderPredicate): p is ReaderPredicate {
  const op = (p as { op?: unknown }).op;
  return op === 'and' || op === 'or' || op === 'not' || op === 'cmp' || op === 'between' || op === 'isNull'
    || (op === 'in' && typeof (p as { negated?: unknown }).negated === 'boolean');
}
