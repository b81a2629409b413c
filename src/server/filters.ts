/**
 * The global filters (date range, category, brand) and page parameters, validated with zod: a bad
 * date, an inverted range, an unknown parameter or a category/brand the lake has never seen is a
 * 400 naming the field. Valid filters become bound SQL parameters, never SQL text.
 */
import { z } from 'zod';
import { BadRequestError } from './errors.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a real calendar date');

const name = z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters');

export const filterShape = {
  from: isoDate.optional(),
  to: isoDate.optional(),
  category: name.optional(),
  brand: name.optional(),
};

export interface Filters {
  from?: string;
  to?: string;
  category?: string;
  brand?: string;
}

/** Parses a query string object against `schema`, turning the first issue into a 400. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    throw new BadRequestError(`unknown parameter ${keys.map((k) => `"${k}"`).join(', ')}`, keys[0]);
  }
  throw new BadRequestError(`${field || 'query'} ${issue.message}`, field);
}

export const filterSchema = z.object(filterShape).strict();

export interface KnownValues {
  categories: ReadonlySet<string>;
  brands: ReadonlySet<string>;
}

/** Checks the range is ordered and the category and brand exist in the lake. */
export function checkFilters(filters: Filters, known: KnownValues): Filters {
  if (filters.from && filters.to && filters.from > filters.to) {
    throw new BadRequestError(`from (${filters.from}) is after to (${filters.to})`, 'from');
  }
  if (filters.category !== undefined && !known.categories.has(filters.category)) {
    throw new BadRequestError(`unknown category "${filters.category}"`, 'category');
  }
  if (filters.brand !== undefined && !known.brands.has(filters.brand)) {
    throw new BadRequestError(`unknown brand "${filters.brand}"`, 'brand');
  }
  return filters;
}

/** True when the filters narrow by product attributes, which only the event-level fact answers. */
export function byProduct(filters: Filters): boolean {
  return filters.category !== undefined || filters.brand !== undefined;
}

/** The date range to use: the filters' bounds clamped to the data's range. */
export function period(filters: Filters, range: { min: string; max: string }): { from: string; to: string } {
  const from = filters.from && filters.from > range.min ? filters.from : range.min;
  const to = filters.to && filters.to < range.max ? filters.to : range.max;
  return { from, to };
}

/** The period of the same length just before `p` (inclusive days). */
export function previousPeriod(p: { from: string; to: string }): { from: string; to: string } {
  const day = 86_400_000;
  const start = Date.parse(`${p.from}T00:00:00Z`);
  const end = Date.parse(`${p.to}T00:00:00Z`);
  const days = Math.round((end - start) / day) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(start - days * day), to: iso(start - day) };
}
