/**
 * How file paths and partition values are written into the log. `add.path` is a relative URI
 * (RFC 2396), so every byte outside the unreserved set is percent-encoded; a Hive directory that
 * already holds an escape such as `%2F` therefore appears in the log as `%252F`. Partition values
 * are strings in the protocol's serialization per type, with null as JSON null.
 */
import type { PartitionValues } from './actions.js';
import type { DeltaType } from './type-map.js';

const KEEP = /[A-Za-z0-9\-_.~/=]/;

/** Encodes a '/'-separated relative path as the URI string `add.path` holds. */
export function encodeLogPath(relativePath: string): string {
  let out = '';
  for (const char of relativePath) {
    if (KEEP.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The on-disk relative path an `add.path` names. */
export function decodeLogPath(logPath: string): string {
  return decodeURIComponent(logPath);
}

/** Microseconds since the epoch, parsed from DuckDB's text for TIMESTAMP / TIMESTAMPTZ values. */
export function parseTimestampMicros(text: string): bigint {
  const m = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) throw new Error(`not a timestamp: "${text}"`);
  const [, date, hh, mm, ss, frac = '', zone] = m;
  const seconds = Date.parse(`${date}T${hh}:${mm}:${ss}Z`);
  if (Number.isNaN(seconds)) throw new Error(`not a timestamp: "${text}"`);
  let micros = BigInt(seconds) * 1000n + BigInt((frac + '000000').slice(0, 6));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    micros -= sign * offsetMinutes * 60_000_000n;
  }
  return micros;
}

function pad(n: bigint | number, width: number): string {
  return String(n).padStart(width, '0');
}

/** ISO-8601 in UTC with a `Z`, at microsecond or millisecond precision. */
export function formatTimestamp(micros: bigint, precision: 'micros' | 'millis', withZone = true): string {
  const millis = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const base = new Date(Number(millis)).toISOString().slice(0, 19);
  const frac = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const fraction = precision === 'micros' ? pad(frac, 6) : pad(frac / 1000n, 3);
  return withZone ? `${base}.${fraction}Z` : `${base.replace('T', ' ')}.${fraction}`;
}

/** Millisecond floor and ceiling of a microsecond timestamp, for stats bounds that stay safe. */
export function truncateMillis(micros: bigint): bigint {
  const rem = ((micros % 1000n) + 1000n) % 1000n;
  return micros - rem;
}

export function ceilMillis(micros: bigint): bigint {
  const rem = ((micros % 1000n) + 1000n) % 1000n;
  return rem === 0n ? micros : micros + (1000n - rem);
}

/**
 * Converts DuckDB's text for a partition value to the protocol's string form for the column's
 * type. Empty strings become null, as Hive-style partitioning cannot tell them apart.
 */
export function partitionValueFromText(text: string | null | undefined, type: DeltaType, column: string): string | null {
  if (text === null || text === undefined || text === '') return null;
  switch (type) {
    case 'timestamp':
      return formatTimestamp(parseTimestampMicros(text), 'micros');
    case 'timestamp_ntz':
      return formatTimestamp(parseTimestampMicros(text), 'micros', false);
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return 'true';
      if (lower === 'false' || lower === '0') return 'false';
      throw new Error(`partition column ${column}: "${text}" is not a boolean`);
    }
    case 'string': case 'long': case 'integer': case 'short': case 'byte': case 'double': case 'float': case 'date':
      return text;
    default:
      if (typeof type === 'string' && type.startsWith('decimal(')) return text;
      throw new Error(`partition column ${column} has type ${JSON.stringify(type)}, which cannot be a partition column`);
  }
}

/** Two sets of partition values name the same partition. */
export function samePartition(a: PartitionValues, b: PartitionValues): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if ((a[key] ?? null) !== (b[key] ?? null)) return false;
  return true;
}

/** A stable key for grouping files by partition. */
export function partitionKey(values: PartitionValues, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => values[c] ?? null));
}
