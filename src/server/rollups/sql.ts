/**
 * What page queries need to read the rollups: the filter kind whose rows answer a request, the
 * predicate that picks the filter's group, and the bound parameters (days numbered from the
 * rollups' first day, and the range as a day mask).
 */
import type { Filters } from '../filters.js';
import { MAX_DAYS, type Kind } from './build.js';

/** Rows of the filter's kind and group. Parameters: $kind, $category, $brand. */
export const IN_GROUP = `kind = $kind and ($category::varchar is null or l1 = $category::varchar) and ($brand::varchar is null or brand = $brand::varchar)`;

/** Days within the range. Parameters: $lo, $hi. */
export const IN_DAYS = `d between $lo::integer and $hi::integer`;

/**
 * Distinct users active in the range, by measure: the rollup_firsts rows of a day in the range
 * whose previous active day is before it. Select distinct('u_any') … from FIRSTS.
 */
export const FIRSTS = `rollup_firsts where ${IN_GROUP} and ${IN_DAYS} and prev < $lo::integer`;
export const distinct = (measure: string) => `coalesce(sum(n) filter (where measure = '${measure}'), 0)`;

/** A day mask meets the range. */
export const meets = (mask: string) => `${mask} & $mask::ubigint <> 0`;

/** The rows that answer for these filters, optionally broken down by category or brand. */
export function kindOf(filters: Filters, by?: 'l1' | 'brand'): Kind {
  const l1 = filters.category !== undefined || by === 'l1';
  const brand = filters.brand !== undefined || by === 'brand';
  return l1 && brand ? 'lb' : l1 ? 'l1' : brand ? 'brand' : 'all';
}

function dayIndex(base: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${base}T00:00:00Z`)) / 86_400_000);
}

export interface RollupParams {
  [key: string]: string | number | null;
  kind: Kind;
  category: string | null;
  brand: string | null;
  lo: number;
  hi: number;
  /** The days lo…hi as a 64-bit mask, in decimal (bound as text, cast to UBIGINT). */
  mask: string;
}

export function rollupParams(filters: Filters, p: { from: string; to: string }, base: string, kind: Kind = kindOf(filters)): RollupParams {
  const lo = Math.max(0, dayIndex(base, p.from));
  const hi = Math.min(MAX_DAYS - 1, dayIndex(base, p.to));
  let mask = 0n;
  for (let d = lo; d <= hi; d++) mask |= 1n << BigInt(d);
  return { kind, category: filters.category ?? null, brand: filters.brand ?? null, lo, hi, mask: mask.toString() };
}
