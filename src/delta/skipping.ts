/**
 * Data skipping: which files may hold rows matching a predicate, judged from each file's
 * partition values (exact) and stats (min, max, null count). A file is skipped only when no row
 * can match; anything unknown (missing stats, a type the stats cannot order) keeps the file. The
 * predicate is first put in negation normal form, so each condition is judged on its own: under
 * SQL's rules a row matches AND when it matches both sides and OR when it matches either, so "no
 * row matches" composes exactly.
 */
import { physicalName, type ColumnMappingMode } from './column-mapping.js';
import { compareDecimal, exactDecimal, exactInteger, isExactDecimal, type ExactDecimal } from './exact-number.js';
import { partitionValueText, type PartitionValue } from './partition-values.js';
import { toNnf, type CompareOp, type Literal, type Predicate } from './predicate.js';
import type { DataType, StructField, StructType } from './schema.js';
import type { LiveFile } from './snapshot.js';
import { statAt } from './stats.js';

export interface SkippingContext {
  schema: StructType;
  partitionColumns: readonly string[];
  columnMapping: ColumnMappingMode;
}

type Comparable = number | string | boolean | bigint | ExactDecimal;

/** Files that may match, in their original order. */
export function pruneFiles<T extends LiveFile>(files: readonly T[], predicate: Predicate, ctx: SkippingContext): T[] {
  const nnf = toNnf(predicate);
  return files.filter((f) => mayMatch(nnf, f, ctx));
}

/** False only when no row of the file can satisfy the (NNF) predicate. */
export function mayMatch(p: Predicate, file: LiveFile, ctx: SkippingContext): boolean {
  switch (p.op) {
    case 'and': return p.args.every((a) => mayMatch(a, file, ctx));
    case 'or': return p.args.some((a) => mayMatch(a, file, ctx));
    case 'not': return mayMatch(toNnf(p), file, ctx);
    default: break;
  }
  const field = ctx.schema.fields.find((f) => f.name === p.column);
  if (!field) return true;
  if (ctx.partitionColumns.includes(field.name)) return partitionMatch(p, file.partitionValues[field.name] ?? null, field.type);
  return statsMatch(p, file, field, ctx.columnMapping);
}

/**
 * Orders values of a type: exact integers for integral types and exact decimals for decimal (a
 * double would merge neighbouring ids above 2^53), numbers for floating, date and timestamp
 * types; strings; booleans.
 */
export function comparable(value: unknown, type: DataType): Comparable | undefined {
  if (value === null || value === undefined) return undefined;
  const kind = typeof type === 'string' ? type : type.type;
  switch (kind) {
    case 'byte': case 'short': case 'integer': case 'long': return exactInteger(value);
    case 'decimal': return exactDecimal(value);
    case 'float': case 'double': {
      const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : NaN;
      return Number.isNaN(n) ? undefined : n;
    }
    case 'string': return typeof value === 'string' ? value : undefined;
    case 'boolean': return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
    case 'date': case 'timestamp': case 'timestamp_ntz': {
      if (value instanceof Date) return value.getTime();
      if (typeof value !== 'string') return undefined;
      let text: string | null;
      try {
        text = kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)
          ? value
          : partitionValueText(value, kind === 'date' ? 'timestamp' : kind, 'stat');
      } catch {
        return undefined;
      }
      if (text === null) return undefined;
      const ms = kind === 'date' && text.length === 10
        ? Date.parse(`${text}T00:00:00Z`)
        : Date.parse(text.replace(' ', 'T').replace(/\.(\d{3})\d*/, '.$1').replace(/\+00:00$/, 'Z') + (kind === 'timestamp_ntz' ? 'Z' : ''));
      if (Number.isNaN(ms)) return undefined;
      return kind === 'date' ? Math.floor(ms / 86_400_000) * 86_400_000 : ms;
    }
    default: return undefined;
  }
}

function literalValue(lit: Literal, type: DataType): Comparable | undefined {
  if (lit.kind === 'boolean') return comparable(lit.text === 'true', type);
  return comparable(lit.text, type);
}

function compare(a: Comparable, b: Comparable): number {
  if (isExactDecimal(a) || isExactDecimal(b)) return isExactDecimal(a) && isExactDecimal(b) ? compareDecimal(a, b) : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

function test(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function partitionMatch(p: Predicate, value: PartitionValue, type: DataType): boolean {
  if (p.op === 'isNull') return p.negated ? value !== null : value === null;
  if (value === null) return false; // any comparison with NULL is not true
  const v = comparable(value, type);
  if (v === undefined) return true;
  const cmp = (lit: Literal, op: CompareOp): boolean => {
    const l = literalValue(lit, type);
    return l === undefined || typeof l !== typeof v ? true : test(op, compare(v, l));
  };
  switch (p.op) {
    case 'cmp': return cmp(p.value, p.cmp);
    case 'in': return p.negated ? p.values.every((l) => cmp(l, '!=')) : p.values.some((l) => cmp(l, '='));
    case 'between': {
      const inside = cmp(p.low, '>=') && cmp(p.high, '<=');
      return p.negated ? cmp(p.low, '<') || cmp(p.high, '>') : inside;
    }
    default: return true;
  }
}

function statsMatch(p: Predicate, file: LiveFile, field: StructField, mode: ColumnMappingMode): boolean {
  const stats = file.stats;
  if (!stats) return true;
  const path = [physicalName(field, mode)];
  const type = field.type;
  const nullCount = numberOr(statAt(stats.nullCount, path));
  const tight = stats.tightBounds !== false;
  const allNull = tight && nullCount !== undefined && stats.numRecords !== undefined && nullCount >= stats.numRecords;
  if (p.op === 'isNull') {
    if (!tight || nullCount === undefined) return true;
    return p.negated ? !allNull : nullCount > 0;
  }
  if (allNull) return false;
  const min = comparable(statAt(stats.minValues, path), type);
  let max = comparable(statAt(stats.maxValues, path), type);
  // Writers truncate timestamp stats to milliseconds and may truncate long strings: widen the max.
  if (typeof max === 'number' && (type === 'timestamp' || type === 'timestamp_ntz')) max += 1;
  if (typeof max === 'string' && max.length >= 32) max = undefined;
  const cmpOk = (lit: Literal, op: CompareOp): boolean => {
    const l = literalValue(lit, type);
    if (l === undefined || (typeof l === 'number' && Number.isNaN(l))) return true;
    const lo = min !== undefined && typeof min === typeof l ? min : undefined;
    const hi = max !== undefined && typeof max === typeof l ? max : undefined;
    switch (op) {
      case '=': return (lo === undefined || compare(lo, l) <= 0) && (hi === undefined || compare(hi, l) >= 0);
      case '!=': return lo === undefined || hi === undefined || !(compare(lo, l) === 0 && compare(hi, l) === 0);
      case '<': return lo === undefined || compare(lo, l) < 0;
      case '<=': return lo === undefined || compare(lo, l) <= 0;
      case '>': return hi === undefined || compare(hi, l) > 0;
      case '>=': return hi === undefined || compare(hi, l) >= 0;
    }
  };
  switch (p.op) {
    case 'cmp': return cmpOk(p.value, p.cmp);
    case 'in': return p.negated ? p.values.every((l) => cmpOk(l, '!=')) : p.values.some((l) => cmpOk(l, '='));
    case 'between':
      return p.negated ? cmpOk(p.low, '<') || cmpOk(p.high, '>') : cmpOk(p.low, '>=') && cmpOk(p.high, '<=');
    default: return true;
  }
}

function numberOr(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}
