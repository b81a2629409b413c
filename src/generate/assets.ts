/**
 * Loads the generator's JSON data files (reference figures, catalog seed). They sit next to the
 * compiled module after `npm run build` copies them; a plain `tsc` build does not copy them, so
 * the source folder is the fallback.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function readAsset<T>(name: string): T {
  const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
  const inSource = fileURLToPath(new URL(`../../../src/generate/${name}`, import.meta.url));
  const path = existsSync(beside) ? beside : inSource;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface Reference {
  month: string;
  rows: number;
  bytes: number;
  header: string;
  eventTypes: { view: number; cart: number; purchase: number };
  distinct: {
    users: number;
    sessions: number;
    products: number;
    categoryIds: number;
    categoryIdsWithoutCode: number;
    categoryCodes: number;
    brands: number;
  };
  nulls: { categoryCode: number; brand: number; userSession: number };
  duplicateLines: number;
  price: { max: number; mean: number; zeroRows: number; zeroViews: number; zeroCarts: number };
  buyers: number;
  purchaseSessions: number;
  purchaseSessionsWithoutCartShare: number;
  eventsPerSession: { mean: number; median: number; max: number };
  sessionDurationSeconds: { mean: number; median: number };
  distinctProductsPerSession: number;
  revenue: number;
  meanPurchasePrice: number;
  brandEvents: Record<'samsung' | 'apple' | 'xiaomi' | 'huawei', number>;
  smartphoneRevenueShare: number;
  nonV4SessionShare: number;
  hourShares: number[];
  hourSharesPublished: number[];
  dayPartPurchaseShares: Record<string, number>;
  firstDayRows: number;
  head: { rows: number; users: number; sessions: number; products: number; categoryIds: number; brands: number };
  monthRows: Record<string, number>;
  usersSharedOctNov: number;
}

let cached: Reference | undefined;
export function reference(): Reference {
  cached ??= readAsset<Reference>('reference.json');
  return cached;
}
