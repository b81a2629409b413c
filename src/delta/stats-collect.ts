/**
 * Builds the `stats` JSON of an `add` action from the per-column statistics the Parquet writer
 * reports (DuckDB's RETURN_STATS: min, max and null_count as text, keyed by quoted column path).
 * Statistics cover the first `delta.dataSkippingNumIndexedCols` leaf columns (default 32) in
 * schema order, partition columns excluded since they are not in the file. Values are converted
 * per Delta type: numbers stay exact (long and decimal are written as raw JSON numbers, never
 * through a double), timestamps become ISO-8601 UTC at millisecond precision with the minimum
 * truncated and the maximum rounded up, so the bounds still hold. Long strings are cut to 32
 * characters, the maximum followed by the highest code point, as other engines do.
 */
import type { DeltaType, StructField, StructType } from './type-map.js';
import { ceilMillis, formatTimestamp, parseTimestampMicros, truncateMillis } from './path-encoding.js';

/** Per column path (names joined by '\u0000'): the writer's statistics as text. */
export type ColumnStatsText = Map<string, { min?: string | null; max?: string | null; nullCount?: string | null }>;

export interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
}

const STRING_PREFIX = 32;
const TIE_BREAKER = '\u{10FFFF}';

/** A number kept as its exact decimal text when serialized. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** Parses DuckDB's quoted column path `"a"."b"` into its names. */
export function parseColumnPath(key: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < key.length) {
    if (key[i] === '.') { i++; continue; }
    if (key[i] !== '"') {
      const end = key.indexOf('.', i);
      names.push(key.slice(i, end < 0 ? undefined : end));
      i = end < 0 ? key.length : end;
      continue;
    }
    let name = '';
    i++;
    while (i < key.length) {
      if (key[i] === '"' && key[i + 1] === '"') { name += '"'; i += 2; continue; }
      if (key[i] === '"') { i++; break; }
      name += key[i++];
    }
    names.push(name);
  }
  return names;
}

export function buildStats(
  schema: StructType,
  partitionColumns: readonly string[],
  numRecords: number,
  columns: ColumnStatsText,
  numIndexedCols = 32,
): FileStats {
  const stats: FileStats = { numRecords, minValues: {}, maxValues: {}, nullCount: {} };
  let budget = numIndexedCols < 0 ? Number.POSITIVE_INFINITY : numIndexedCols;
  const partitions = new Set(partitionColumns);

  const visit = (fields: StructField[], path: string[], min: Record<string, unknown>, max: Record<string, unknown>, nulls: Record<string, unknown>): void => {
    for (const f of fields) {
      if (budget <= 0) return;
      if (path.length === 0 && partitions.has(f.name)) continue;
      const type = f.type;
      if (typeof type !== 'string') {
        if (type.type === 'struct') {
          const cmin: Record<string, unknown> = {};
          const cmax: Record<string, unknown> = {};
          const cnull: Record<string, unknown> = {};
          visit(type.fields, [...path, f.name], cmin, cmax, cnull);
          if (Object.keys(cmin).length) min[f.name] = cmin;
          if (Object.keys(cmax).length) max[f.name] = cmax;
          if (Object.keys(cnull).length) nulls[f.name] = cnull;
        } else {
          budget--; // arrays and maps count as a column but carry no comparable bounds
        }
        continue;
      }
      budget--;
      const column = columns.get([...path, f.name].join('\u0000'));
      if (!column) continue;
      if (column.nullCount !== undefined && column.nullCount !== null) nulls[f.name] = new RawNumber(String(BigInt(column.nullCount)));
      const lo = column.min === null || column.min === undefined ? undefined : statValue(column.min, type, 'min');
      const hi = column.max === null || column.max === undefined ? undefined : statValue(column.max, type, 'max');
      if (lo !== undefined && hi !== undefined) {
        min[f.name] = lo;
        max[f.name] = hi;
      }
    }
  };
  visit(schema.fields, [], stats.minValues, stats.maxValues, stats.nullCount);
  return stats;
}

function statValue(text: string, type: DeltaType, bound: 'min' | 'max'): unknown {
  switch (type) {
    case 'long': case 'integer': case 'short': case 'byte':
      return /^-?\d+$/.test(text) ? new RawNumber(String(BigInt(text))) : undefined;
    case 'double': case 'float': {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'string': {
      const chars = Array.from(text);
      if (chars.length <= STRING_PREFIX) return text;
      const prefix = chars.slice(0, STRING_PREFIX).join('');
      return bound === 'min' ? prefix : prefix + TIE_BREAKER;
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
    case 'timestamp': case 'timestamp_ntz': {
      const micros = parseTimestampMicros(text);
      const bounded = bound === 'min' ? truncateMillis(micros) : ceilMillis(micros);
      const iso = formatTimestamp(bounded, 'millis');
      return type === 'timestamp' ? iso : iso.slice(0, -1);
    }
    case 'boolean': case 'binary':
      return undefined; // no useful ordering for skipping; other engines omit them too
    default:
      if (typeof type === 'string' && type.startsWith('decimal(') && /^-?\d+(\.\d+)?$/.test(text)) return new RawNumber(text);
      return undefined;
  }
}

/** JSON.stringify that writes RawNumber values as their exact text. */
export function statsToJson(stats: FileStats): string {
  return JSON.stringify(stats, (_key, value: unknown) =>
    value instanceof RawNumber ? `\u0000raw:${value.text}\u0000` : value,
  ).replace(/"\\u0000raw:(-?[0-9.]+)\\u0000"/g, '$1');
}
