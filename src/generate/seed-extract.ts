/**
 * Rebuilds src/generate/seed.json, the generator's starting point for the catalog, from real
 * REES46 rows (the shared reference folder). Run by hand after the real rows change:
 *   node dist/src/generate/seed-extract.js <shared>/data src/generate/seed.json
 * Only aggregates are kept (category ids and codes, brand names, how often each category and
 * category-brand pair occurs, mean price per category), never rows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface CategoryAcc { code: string; weight: number; priceSum: number; priceN: number }

// The random samples stand for the whole month; the head and the November rows are contiguous
// stretches (night hours, one day), so they count for less.
const SOURCES: [file: string, weight: number][] = [
  ['rees46-2019-oct-sample.csv', 1],
  ['rees46-2019-nov-sample.csv', 1],
  ['rees46-2019-oct-head.csv', 0.25],
  ['rees46-2019-nov-rows.csv', 0.25],
];

export function extractSeed(dataDir: string): unknown {
  const categories = new Map<string, CategoryAcc>();
  const brands = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const [file, weight] of SOURCES) {
    const lines = readFileSync(join(dataDir, file), 'utf8').split('\n').slice(1);
    for (const line of lines) {
      if (line === '') continue;
      const f = line.split(',');
      const [, , , categoryId = '', code = '', brand = '', price = '0'] = f;
      const acc = categories.get(categoryId) ?? { code: '', weight: 0, priceSum: 0, priceN: 0 };
      if (code && !acc.code) acc.code = code;
      acc.weight += weight;
      if (Number(price) > 0) {
        acc.priceSum += Number(price);
        acc.priceN += 1;
      }
      categories.set(categoryId, acc);
      if (brand) brands.set(brand, (brands.get(brand) ?? 0) + weight);
      const key = `${categoryId}|${brand}`;
      pairs.set(key, (pairs.get(key) ?? 0) + weight);
    }
  }
  const categoryList = [...categories].sort((a, b) => b[1].weight - a[1].weight || a[0].localeCompare(b[0]));
  const brandList = [...brands].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const categoryIndex = new Map(categoryList.map(([id], i) => [id, i]));
  const brandIndex = new Map(brandList.map(([name], i) => [name, i]));
  return {
    source: 'aggregates of the real REES46 rows in the shared data folder (see seed-extract.ts)',
    categories: categoryList.map(([id, c]) => ({
      id,
      code: c.code || null,
      weight: Number(c.weight.toFixed(2)),
      meanPrice: c.priceN ? Number((c.priceSum / c.priceN).toFixed(2)) : null,
    })),
    brands: brandList.map(([name, weight]) => ({ name, weight: Number(weight.toFixed(2)) })),
    // [category index, brand index or -1 for no brand, weight]
    pairs: [...pairs].map(([key, weight]) => {
      const [categoryId = '', brand = ''] = key.split('|');
      return [categoryIndex.get(categoryId), brand ? brandIndex.get(brand) : -1, Number(weight.toFixed(2))];
    }),
  };
}

if (process.argv[1]?.endsWith('seed-extract.js')) {
  const [dataDir, out] = process.argv.slice(2);
  if (!dataDir || !out) throw new Error('usage: seed-extract <data dir> <out.json>');
  writeFileSync(out, `${JSON.stringify(extractSeed(dataDir))}\n`);
}
