/**
 * What every page query gets: the catalog, plus lookups shared across pages (the data's date
 * range and the known categories and brands), memoised until a table version changes.
 */
import type { Catalog } from './catalog.js';
import { checkFilters, type Filters, type KnownValues } from './filters.js';

export async function dateRange(catalog: Catalog): Promise<{ min: string; max: string } | null> {
  if (!catalog.exists('gold.kpi_daily')) return null;
  return catalog.cached('dateRange', async () => {
    const [row] = await catalog.query<{ min: string | null; max: string | null }>(
      'select min(event_date) as min, max(event_date) as max from gold_kpi_daily',
    );
    return row?.min && row.max ? { min: row.min, max: row.max } : null;
  });
}

export async function knownValues(catalog: Catalog): Promise<{ categories: string[]; brands: string[] }> {
  return catalog.cached('known', async () => {
    const categories = catalog.exists('gold.dim_category')
      ? (await catalog.query<{ v: string }>('select distinct category_l1 as v from gold_dim_category where category_l1 is not null order by v')).map((r) => r.v)
      : [];
    const brands = catalog.exists('gold.dim_brand')
      ? (await catalog.query<{ v: string }>('select brand as v from gold_dim_brand where brand is not null order by brand')).map((r) => r.v)
      : [];
    return { categories, brands };
  });
}

/** Validates the filters against the lake's categories and brands (400 on unknown ones). */
export async function validFilters(catalog: Catalog, filters: Filters): Promise<Filters> {
  const sets = await catalog.cached<KnownValues>('knownSets', async () => {
    const known = await knownValues(catalog);
    return { categories: new Set(known.categories), brands: new Set(known.brands) };
  });
  return checkFilters(filters, sets);
}
