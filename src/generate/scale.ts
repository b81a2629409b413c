/**
 * How many users, sessions, products, category ids and brands a file of n events has, and how
 * many of its events are carts, purchases, duplicates and null sessions.
 *
 * The rule: each entity count is a power law in the number of events, count(n) = head ×
 * (n / 17,434)^a, with the exponent fitted so the law passes through both real points, the real
 * head (17,434 rows) and the real month (42,448,764 rows):
 *   users 4,504 → 3,022,290 (a ≈ 0.835), sessions 5,066 → 9,244,421 (a ≈ 0.963),
 *   products 6,493 → 166,794 (a ≈ 0.416), category ids 434 → 624 (a ≈ 0.047),
 *   brands 864 → 3,444 (a ≈ 0.177).
 * Below the head's size the laws are clamped so they stay possible: sessions ≤ n / 1.2,
 * users ≤ sessions, products ≤ 0.4 n, category ids and brands ≤ products. Shares (event types,
 * duplicates, buyers, sessions with a purchase) are the real month's, at every size.
 */
import { reference } from './assets.js';

export interface Targets {
  events: number;
  users: number;
  sessions: number;
  products: number;
  categoryIds: number;
  brands: number;
  carts: number;
  purchases: number;
  duplicates: number;
  nullSessionRows: number;
  purchaseSessions: number;
  buyers: number;
}

function powerLaw(n: number, headCount: number, fullCount: number): number {
  const ref = reference();
  const a = Math.log(fullCount / headCount) / Math.log(ref.rows / ref.head.rows);
  return headCount * Math.pow(n / ref.head.rows, a);
}

export function scalingExponents(): Record<string, number> {
  const ref = reference();
  const ratio = Math.log(ref.rows / ref.head.rows);
  return {
    users: Math.log(ref.distinct.users / ref.head.users) / ratio,
    sessions: Math.log(ref.distinct.sessions / ref.head.sessions) / ratio,
    products: Math.log(ref.distinct.products / ref.head.products) / ratio,
    categoryIds: Math.log(ref.distinct.categoryIds / ref.head.categoryIds) / ratio,
    brands: Math.log(ref.distinct.brands / ref.head.brands) / ratio,
  };
}

export function targetsFor(events: number): Targets {
  const ref = reference();
  const d = ref.distinct;
  const h = ref.head;
  const share = (count: number) => count / ref.rows;
  const sessions = Math.max(1, Math.round(Math.min(powerLaw(events, h.sessions, d.sessions), events / 1.2)));
  const users = Math.max(1, Math.round(Math.min(powerLaw(events, h.users, d.users), sessions)));
  const products = Math.max(1, Math.round(Math.min(powerLaw(events, h.products, d.products), events * 0.4)));
  const categoryIds = Math.max(1, Math.round(Math.min(powerLaw(events, h.categoryIds, d.categoryIds), products)));
  const brands = Math.max(1, Math.round(Math.min(powerLaw(events, h.brands, d.brands), products)));
  const purchases = Math.round(events * share(ref.eventTypes.purchase));
  const carts = Math.round(events * share(ref.eventTypes.cart));
  const purchaseSessions = Math.min(purchases, Math.round((sessions * ref.purchaseSessions) / d.sessions));
  const buyers = Math.min(purchaseSessions, Math.round((users * ref.buyers) / d.users));
  const duplicates = Math.round(events * share(ref.duplicateLines));
  // The real month has two rows without a session; keep at least one in any file big enough to
  // notice, so pipelines meet the case on small files too.
  const nullSessionRows = events >= 10_000 ? Math.max(1, Math.round(events * share(ref.nulls.userSession))) : 0;
  return { events, users, sessions, products, categoryIds, brands, carts, purchases, duplicates, nullSessionRows, purchaseSessions, buyers };
}

/** The default number of events for a month: the real row count where known, else October's. */
export function defaultEventsFor(month: string): number {
  const ref = reference();
  return ref.monthRows[month] ?? ref.rows;
}
