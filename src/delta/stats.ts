/**
 * Per-file statistics (`add.stats`): record count and per-column min, max and null count, nested
 * like the schema and keyed by physical column names. Stats only ever prune files; they are never
 * read as data, and malformed stats are dropped (the file is then simply always scanned). Bounds a
 * double would round (longs above 2^53, long decimals) are kept as their exact text.
 */
import { parseJsonExact } from './exact-number.js';

export interface FileStats {
  numRecords?: number;
  tightBounds?: boolean;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Parses a stats JSON string; undefined when absent or unusable. */
export function parseStats(json: string | null | undefined): FileStats | undefined {
  if (json === null || json === undefined || json === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonExact(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  const numRecords = typeof o.numRecords === 'number' ? o.numRecords : typeof o.numRecords === 'string' ? Number(o.numRecords) : undefined;
  return {
    numRecords: numRecords !== undefined && Number.isFinite(numRecords) ? numRecords : undefined,
    tightBounds: typeof o.tightBounds === 'boolean' ? o.tightBounds : undefined,
    minValues: record(o.minValues),
    maxValues: record(o.maxValues),
    nullCount: record(o.nullCount),
  };
}

/** The stat at a physical column path (nested columns are nested objects), or undefined. */
export function statAt(values: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = values;
  for (const part of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === null ? undefined : current;
}
