/**
 * SQL shared by the page queries: the filtered event source and the bound parameters for it.
 * Views are named `<layer>_<table>` (see catalog.ts); every value from a request is a parameter.
 */
import type { Filters } from './filters.js';

/**
 * Events of `gold.fact_events` within the period, narrowed by top-level category and brand, with
 * the category levels joined from `gold.dim_category`. Parameters: $from, $to, $category, $brand.
 */
export const FILTERED_EVENTS = `
  select f.*, coalesce(c.category_l1, 'unknown') as category_l1, c.category_l2, c.category_l3, c.category_code
  from gold_fact_events as f
  left join gold_dim_category as c using (category_id)
  where f.event_date between $from::date and $to::date
    and ($category::varchar is null or c.category_l1 = $category::varchar)
    and ($brand::varchar is null or f.brand = $brand::varchar)`;

export function eventParams(filters: Filters, p: { from: string; to: string }): Record<string, string | null> {
  return { from: p.from, to: p.to, category: filters.category ?? null, brand: filters.brand ?? null };
}

/** Null-safe division in JS for ratios computed from summed counts. */
export function ratio(numerator: unknown, denominator: unknown): number | null {
  const n = Number(numerator);
  const d = Number(denominator);
  return Number.isFinite(n) && Number.isFinite(d) && d !== 0 ? n / d : null;
}

export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
