/**
 * The category tree and the brands, with how much of the month's traffic each one gets.
 *
 * Starts from the real category ids, codes and brand names seen in the real rows (seed.json),
 * then fills up to the real month's counts (624 category ids of which 372 never have a code,
 * 126 codes, 3,444 brands) with made-up ones shaped like the real ones. Traffic shares are fixed
 * where the month's figures say so (samsung, apple, xiaomi, huawei; no brand 14.40%; no category
 * code 31.84%) and follow the real rows' frequencies elsewhere. Which brands sell in which
 * category comes from the real category-brand pairs, fitted to both sets of shares by iterative
 * proportional fitting.
 */
import { readAsset, reference } from './assets.js';
import { hash32, Rng } from './rng.js';

interface Seed {
  categories: { id: string; code: string | null; weight: number; meanPrice: number | null }[];
  brands: { name: string; weight: number }[];
  pairs: [number, number, number][];
}

export interface Category { id: string; code: string | null; share: number; basePrice: number }
export interface Brand { name: string; share: number; priceFactor: number; conversion: number }
/** Traffic of one brand (or no brand, brand = -1) within one category. */
export interface Cell { category: number; brand: number; share: number }
export interface Taxonomy { categories: Category[]; brands: Brand[]; cells: Cell[]; noBrandShare: number }

export const TOP_BRANDS = ['samsung', 'apple', 'xiaomi', 'huawei'] as const;
const TOP_PRICE_FACTOR: Record<string, number> = { samsung: 0.62, apple: 1.85, xiaomi: 0.42, huawei: 0.5 };
const TOP_CONVERSION: Record<string, number> = { samsung: 1.25, apple: 1.3, xiaomi: 1.05, huawei: 1.0 };
const EXTRA_CODES = [
  'kids.toys.puzzle', 'sport.fitness.mat', 'construction.tools.saw', 'appliances.kitchen.toaster',
  'furniture.bedroom.wardrobe', 'electronics.audio.acoustic', 'accessories.umbrella', 'country_yard.lawn_mower',
];
const SYLLABLES = ['ka', 'ro', 'vi', 'ten', 'lux', 'mar', 'no', 'sel', 'fa', 'dor', 'pi', 'zet', 'ul', 'bra', 'gen', 'ko', 'ri', 'mas', 'te', 'vol'];

let seedCache: Seed | undefined;
function seed(): Seed {
  seedCache ??= readAsset<Seed>('seed.json');
  return seedCache;
}

/** The whole month's tree and brands (real sizes), deterministic in the seed. */
function fullTaxonomy(masterSeed: number): { categories: Category[]; brands: Brand[]; cells: Cell[] } {
  const ref = reference();
  const s = seed();
  const rng = new Rng(masterSeed, 0x7a70);
  const categories: Category[] = s.categories.map((c) => ({
    id: c.id,
    code: c.code,
    share: c.weight + 0.1,
    basePrice: c.meanPrice ?? rng.logNormal(60, 0.9),
  }));
  const knownIds = new Set(categories.map((c) => c.id));
  const codes = new Set(categories.flatMap((c) => (c.code ? [c.code] : [])));
  const newCodes = EXTRA_CODES.filter((c) => !codes.has(c)).slice(0, Math.max(0, ref.distinct.categoryCodes - codes.size));
  const codedList = [...codes];
  const prefixes = s.categories.map((c) => c.id.slice(0, 7));
  let withCode = categories.filter((c) => c.code).length;
  const wantWithCode = ref.distinct.categoryIds - ref.distinct.categoryIdsWithoutCode;
  while (categories.length < ref.distinct.categoryIds) {
    let id: string;
    do id = prefixes[rng.int(prefixes.length)]! + String(1e11 + rng.int(9e11));
    while (knownIds.has(id) || id.length !== 19);
    knownIds.add(id);
    let code: string | null = null;
    if (withCode < wantWithCode) {
      code = newCodes.shift() ?? codedList[rng.int(codedList.length)]!;
      withCode++;
    }
    categories.push({ id, code, share: 0.05 + rng.next() * 0.4, basePrice: rng.logNormal(60, 0.9) });
  }
  // Traffic: split between coded and uncoded categories as in the real month.
  const nullCodeShare = ref.nulls.categoryCode / ref.rows;
  normaliseGroup(categories.filter((c) => !c.code), nullCodeShare);
  normaliseGroup(categories.filter((c) => c.code), 1 - nullCodeShare);

  const brands: Brand[] = s.brands.map((b) => ({ name: b.name, share: b.weight + 0.1, priceFactor: 1, conversion: 1 }));
  const names = new Set(brands.map((b) => b.name));
  while (brands.length < ref.distinct.brands) {
    let name = '';
    const parts = 2 + rng.int(2);
    for (let i = 0; i < parts; i++) name += SYLLABLES[rng.int(SYLLABLES.length)];
    if (names.has(name)) name += String(rng.int(100));
    if (names.has(name)) continue;
    names.add(name);
    brands.push({ name, share: 0.02 + rng.next() * 0.3, priceFactor: 1, conversion: 1 });
  }
  for (const b of brands) {
    b.priceFactor = TOP_PRICE_FACTOR[b.name] ?? Math.exp(0.35 * gaussianFromHash(masterSeed, hash32(b.name.length, b.name.charCodeAt(0), b.name.charCodeAt(b.name.length - 1))));
    b.conversion = TOP_CONVERSION[b.name] ?? 1;
  }
  const cells: Cell[] = s.pairs.map(([category, brand, weight]) => ({ category, brand, share: weight + 0.05 }));
  // Made-up categories get a few brands, made-up brands a category, both weighted by traffic.
  const catPick = cumulative(categories.map((c) => c.share));
  for (let c = s.categories.length; c < categories.length; c++) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) cells.push({ category: c, brand: rng.next() < 0.4 ? -1 : s.brands.length + rng.int(brands.length - s.brands.length), share: 0.1 });
  }
  for (let b = s.brands.length; b < brands.length; b++) cells.push({ category: pick(catPick, rng), brand: b, share: 0.1 });
  return { categories, brands, cells };
}

function gaussianFromHash(a: number, b: number): number {
  const r = new Rng(a, b);
  return r.normal();
}

function normaliseGroup(items: { share: number }[], total: number): void {
  const sum = items.reduce((acc, x) => acc + x.share, 0);
  for (const x of items) x.share = sum > 0 ? (x.share * total) / sum : 0;
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => (out[i] = acc += w));
  return out;
}

function pick(cum: Float64Array, rng: Rng): number {
  const x = rng.next() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Weighted sampling without replacement (Efraimidis-Spirakis keys); `keep` are always chosen. */
function sampleIndices(weights: number[], count: number, rng: Rng, keep: Set<number> = new Set()): number[] {
  const keyed = weights.map((w, i) => ({ i, key: keep.has(i) ? Infinity : Math.log(rng.next() || 1e-300) / Math.max(w, 1e-12) }));
  keyed.sort((a, b) => b.key - a.key || a.i - b.i);
  return keyed.slice(0, Math.min(count, weights.length)).map((k) => k.i).sort((a, b) => a - b);
}

/** The tree and brands for a file with the given entity counts. */
export function buildTaxonomy(masterSeed: number, categoryCount: number, brandCount: number): Taxonomy {
  const ref = reference();
  const full = fullTaxonomy(masterSeed);
  const rng = new Rng(masterSeed, 0x5e1ec7);
  const catIdx = sampleIndices(full.categories.map((c) => c.share), categoryCount, rng);
  const topIdx = new Set(TOP_BRANDS.map((name) => full.brands.findIndex((b) => b.name === name)).filter((i) => i >= 0));
  const brandIdx = sampleIndices(full.brands.map((b) => b.share), brandCount, rng, topIdx);
  const catMap = new Map(catIdx.map((c, i) => [c, i]));
  const brandMap = new Map(brandIdx.map((b, i) => [b, i]));
  const categories = catIdx.map((i) => ({ ...full.categories[i]! }));
  const brands = brandIdx.map((i) => ({ ...full.brands[i]! }));
  const nullCodeShare = ref.nulls.categoryCode / ref.rows;
  normaliseGroup(categories.filter((c) => !c.code), nullCodeShare);
  normaliseGroup(categories.filter((c) => c.code), categories.some((c) => !c.code) ? 1 - nullCodeShare : 1);
  const noBrandShare = ref.nulls.brand / ref.rows;
  const topShare = TOP_BRANDS.reduce((acc, name) => acc + (ref.brandEvents[name] ?? 0), 0) / ref.rows;
  normaliseGroup(brands.filter((b) => !TOP_BRANDS.includes(b.name as never)), 1 - noBrandShare - topShare);
  for (const b of brands) {
    const real = ref.brandEvents[b.name as (typeof TOP_BRANDS)[number]];
    if (real !== undefined) b.share = real / ref.rows;
  }

  const cells: Cell[] = [];
  for (const c of full.cells) {
    const category = catMap.get(c.category);
    const brand = c.brand < 0 ? -1 : brandMap.get(c.brand);
    if (category !== undefined && brand !== undefined) cells.push({ category, brand, share: c.share });
  }
  // Every category and every brand sells somewhere.
  const hasCat = new Set(cells.map((c) => c.category));
  const hasBrand = new Set(cells.map((c) => c.brand));
  const catPick = cumulative(categories.map((c) => c.share));
  categories.forEach((_, i) => hasCat.has(i) || cells.push({ category: i, brand: -1, share: 0.1 }));
  brands.forEach((_, i) => hasBrand.has(i) || cells.push({ category: pick(catPick, rng), brand: i, share: 0.1 }));
  fitCells(cells, categories.map((c) => c.share), brands.map((b) => b.share), noBrandShare);
  return { categories, brands, cells, noBrandShare };
}

/** Iterative proportional fitting of the cell shares to the category and brand totals. */
function fitCells(cells: Cell[], catTargets: number[], brandTargets: number[], noBrandTarget: number): void {
  for (let iter = 0; iter < 60; iter++) {
    const catSum = new Float64Array(catTargets.length);
    for (const c of cells) catSum[c.category]! += c.share;
    for (const c of cells) c.share *= catTargets[c.category]! / catSum[c.category]!;
    const brandSum = new Float64Array(brandTargets.length);
    let noBrandSum = 0;
    for (const c of cells) {
      if (c.brand < 0) noBrandSum += c.share;
      else brandSum[c.brand]! += c.share;
    }
    for (const c of cells) c.share *= c.brand < 0 ? noBrandTarget / noBrandSum : brandTargets[c.brand]! / brandSum[c.brand]!;
  }
  const total = cells.reduce((acc, c) => acc + c.share, 0);
  for (const c of cells) c.share /= total;
}
