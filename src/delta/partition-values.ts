/**
 * Partition values: the log stores them as strings (null or '' for null); this module turns them
 * into typed values by the column's schema type, and into a canonical text an engine can cast
 * without guessing formats. Timestamps come in two written forms, `2021-09-08 11:11:11[.ffffff]`
 * (no zone: UTC, as the protocol advises) and ISO-8601 with `Z` or an offset; both are accepted.
 */
import { DeltaError } from './errors.js';
import { typeName, type DataType } from './schema.js';

export type PartitionValue = string | number | bigint | boolean | Date | Uint8Array | null;

/** A partition value does not parse as its column's type. */
export class DeltaPartitionValueError extends DeltaError {
  constructor(
    message: string,
    readonly column: string,
    readonly file?: string,
    table?: string,
  ) {
    super(message, table);
  }
}

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4,})-(\d{2})-(\d{2})$/;
// A bare date is midnight: predicates compare timestamps with dates, and some writers drop a zero time.
const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const RANGES: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
};

interface TimestampParts {
  date: string;
  time: string;
  /** Fraction as exactly six digits (microseconds). */
  micros: string;
  /** Offset in minutes east of UTC. */
  offsetMinutes: number;
}

function parseTimestamp(raw: string): TimestampParts | undefined {
  const m = TIMESTAMP.exec(raw.trim());
  if (!m) return undefined;
  const zone = m[8];
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  return {
    date: `${m[1]}-${m[2]}-${m[3]}`,
    time: `${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`,
    micros: (m[7] ?? '').padEnd(6, '0').slice(0, 6),
    offsetMinutes,
  };
}

function fail(column: string, raw: string, type: DataType, file?: string, table?: string): never {
  throw new DeltaPartitionValueError(
    `partition value ${JSON.stringify(raw)} of column "${column}"${file ? ` in ${file}` : ''} is not a valid ${typeName(type)}`,
    column,
    file,
    table,
  );
}

/** The typed value of a serialised partition value. Timestamps are Dates (millisecond precision). */
export function parsePartitionValue(
  raw: string | null | undefined,
  type: DataType,
  column: string,
  file?: string,
  table?: string,
): PartitionValue {
  if (raw === null || raw === undefined) return null;
  if (raw === '') return null; // the protocol serialises null as '' for every type, strings included
  const text = partitionValueText(raw, type, column, file, table);
  if (text === null) return null;
  switch (typeof type === 'string' ? type : type.type) {
    case 'string': return raw;
    case 'byte': case 'short': case 'integer': return Number(text);
    case 'long': {
      const n = BigInt(text);
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'float': case 'double': return Number(text);
    case 'decimal': return text;
    case 'boolean': return text === 'true';
    case 'date': return new Date(`${text}T00:00:00Z`);
    case 'timestamp': return new Date(text.replace(' ', 'T').replace(/\.(\d{3})\d*/, '.$1'));
    case 'timestamp_ntz': return new Date(`${text.replace(' ', 'T').replace(/\.(\d{3})\d*/, '.$1')}Z`);
    case 'binary': return new TextEncoder().encode(raw);
    default: return raw;
  }
}

/**
 * Canonical text of a partition value for an engine cast: integers and decimals normalised,
 * booleans lower-case, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS.ffffff` in UTC with a
 * `+00:00` suffix (timestamp) or none (timestamp_ntz). Null for a null value; throws naming the
 * column and file when the text does not parse as the type.
 */
export function partitionValueText(
  raw: string | null | undefined,
  type: DataType,
  column: string,
  file?: string,
  table?: string,
): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const kind = typeof type === 'string' ? type : type.type;
  switch (kind) {
    case 'string': case 'binary': return raw;
    case 'byte': case 'short': case 'integer': case 'long': {
      // Some writers store integral partitions with a trailing '.0' (e.g. "2021.0").
      const t = raw.trim().replace(/\.0+$/, '');
      if (!INT.test(t)) fail(column, raw, type, file, table);
      const range = RANGES[kind];
      if (range && (Number(t) < range[0] || Number(t) > range[1])) fail(column, raw, type, file, table);
      return BigInt(t).toString();
    }
    case 'float': case 'double': {
      const t = raw.trim();
      if (/^[+-]?(NaN|Infinity|inf)$/i.test(t)) return /nan/i.test(t) ? 'NaN' : t.startsWith('-') ? '-Infinity' : 'Infinity';
      if (!DECIMAL.test(t)) fail(column, raw, type, file, table);
      return String(Number(t));
    }
    case 'decimal': {
      const t = raw.trim();
      if (!DECIMAL.test(t)) fail(column, raw, type, file, table);
      return t;
    }
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t !== 'true' && t !== 'false') fail(column, raw, type, file, table);
      return t;
    }
    case 'date': {
      const m = DATE.exec(raw.trim());
      if (!m || Number.isNaN(Date.parse(`${m[0]}T00:00:00Z`))) fail(column, raw, type, file, table);
      return m[0];
    }
    case 'timestamp': case 'timestamp_ntz': {
      const p = parseTimestamp(raw);
      if (!p || Number.isNaN(Date.parse(`${p.date}T${p.time}Z`))) fail(column, raw, type, file, table);
      let date = p.date;
      let time = p.time;
      if (p.offsetMinutes !== 0) {
        const ms = Date.parse(`${p.date}T${p.time}Z`) - p.offsetMinutes * 60_000;
        if (Number.isNaN(ms)) fail(column, raw, type, file, table);
        const iso = new Date(ms).toISOString();
        date = iso.slice(0, 10);
        time = iso.slice(11, 19);
      }
      return `${date} ${time}.${p.micros}${kind === 'timestamp' ? '+00:00' : ''}`;
    }
    default:
      fail(column, raw, type, file, table);
  }
}
