/**
 * The month's session plan, drawn once on the main thread: when each session starts, who owns
 * it, how many events, carts and purchases it has, which products it must show (so every product
 * of the catalog appears), its duplicates and its duration. Workers turn sessions into lines; the
 * plan is what keeps their output independent of how many there are.
 *
 * Counts are exact by construction: every user owns at least one session, every session has at
 * least one event, every product is the anchor of some session, and session lengths are adjusted
 * until the events add up to the target. Buyers are picked among users (more active users more
 * likely), each buyer gets one purchase session and the remaining purchase sessions go to buyers'
 * other sessions, which is what makes 11.5% of users buy while 6.8% of sessions do.
 */
import { reference } from './assets.js';
import { hourSlotWeights, type Month } from './calendar.js';
import { buildAlias, drawAlias, Rng } from './rng.js';
import type { Targets } from './scale.js';
import { drawLength, drawTimes, sessionStream, tailMedianFor } from './session-shape.js';

export interface Plan {
  sessions: number;
  /** Seconds since the month start, ascending. */
  start: Uint32Array;
  duration: Uint32Array;
  /** Events of the session, not counting duplicate copies. */
  length: Uint32Array;
  user: Uint32Array;
  purchases: Uint16Array;
  carts: Uint16Array;
  dups: Uint8Array;
  /** Bit 1: the session's first event is written without a session id (the real null sessions). */
  flags: Uint8Array;
  anchorStart: Int32Array;
  anchors: Int32Array;
  userIds: Uint32Array;
  maxDuration: number;
}

export const FLAG_NULL_SESSION = 1;

/** Share of never-bought carts placed in buyers' sessions (fitted to the real 11.2% of users who cart). */
const CARTS_TO_BUYERS = 0.55;

type TypedCtor<T> = new (buffer: SharedArrayBuffer) => T;
function shared<T>(Ctor: TypedCtor<T> & { BYTES_PER_ELEMENT: number }, n: number): T {
  return new Ctor(new SharedArrayBuffer(Math.max(1, n) * Ctor.BYTES_PER_ELEMENT));
}

export function buildPlan(seed: number, month: Month, t: Targets, products: number, userIds: Uint32Array): Plan {
  const rng = new Rng(seed, 0x91a7);
  const S = t.sessions;
  const U = t.users;
  // Start times, drawn from the month's hour shape, then sorted: sessions are numbered in start order.
  const slots = buildAlias(hourSlotWeights(month));
  const start = shared(Uint32Array, S);
  for (let s = 0; s < S; s++) start[s] = drawAlias(slots, rng) * 3600 + rng.int(3600);
  start.sort();

  // Owners: each user once, the rest by a heavy-tailed activity, in random order.
  const activity = new Float64Array(U);
  for (let u = 0; u < U; u++) activity[u] = rng.logNormal(1, 1.5);
  const byActivity = buildAlias(activity);
  const user = shared(Uint32Array, S);
  for (let s = 0; s < S; s++) user[s] = s < U ? s : drawAlias(byActivity, rng);
  for (let s = S - 1; s > 0; s--) {
    const j = rng.int(s + 1);
    const x = user[s]!;
    user[s] = user[j]!;
    user[j] = x;
  }

  const length = shared(Uint32Array, S);
  const tailMedian = tailMedianFor((t.events - t.duplicates) / S);
  for (let s = 0; s < S; s++) length[s] = drawLength(rng, tailMedian);

  const { purchases, carts } = assignPurchases(rng, t, user);
  for (let s = 0; s < S; s++) {
    const p = purchases[s]!;
    const c = carts[s]!;
    // A purchase session browses before it buys; every cart and purchase follows a view.
    if (p > 0) length[s] = Math.max(length[s]!, p + c + 1 + rng.geometric(0.2));
    else if (c > 0) length[s] = Math.max(length[s]!, c + 1);
  }

  const { anchorStart, anchors } = assignAnchors(rng, products, length, purchases, carts);
  const flags = shared(Uint8Array, S);
  for (let i = 0, tries = 0; i < t.nullSessionRows && tries < 100 * S; tries++) {
    const s = rng.int(S);
    if (length[s]! >= 2 && !flags[s]) {
      flags[s] = FLAG_NULL_SESSION;
      i++;
    }
  }
  const dups = shared(Uint8Array, S);
  const byLength = buildAlias(length);
  for (let i = 0; i < t.duplicates; i++) {
    const s = drawAlias(byLength, rng);
    if (dups[s]! < 255) dups[s]!++;
  }
  fixTotal(rng, t.events - sum(dups), length, purchases, carts, anchorStart);

  // Durations are drawn by the workers (computeDurations), in parallel, before any chunk.
  const duration = shared(Uint32Array, S);
  const maxDuration = 0;
  return { sessions: S, start, duration, length, user, purchases, carts, dups, flags, anchorStart, anchors, userIds, maxDuration };
}

/**
 * Fills plan.duration[from, to) by drawing each session's times from its own stream (the same
 * draws the chunk workers make), and returns the longest. Run in slices on the worker threads.
 */
export function computeDurations(plan: Plan, seed: number, monthSeconds: number, from: number, to: number): number {
  const times = new Float64Array(4096);
  const rng = new Rng(0);
  const stream = sessionStream(seed);
  let max = 0;
  for (let s = from; s < to; s++) {
    const L = plan.length[s]!;
    const buf = L <= times.length ? times : new Float64Array(L);
    const d = drawTimes(rng.reset(stream, s), L, plan.start[s]!, monthSeconds - 1, buf);
    plan.duration[s] = d;
    if (d > max) max = d;
  }
  return max;
}

function sum(a: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]!;
  return total;
}

function assignPurchases(rng: Rng, t: Targets, user: Uint32Array) {
  const ref = reference();
  const S = user.length;
  const U = t.users;
  const purchases = shared(Uint16Array, S);
  const carts = shared(Uint16Array, S);
  // Sessions of each user (CSR).
  const userStart = new Int32Array(U + 1);
  for (let s = 0; s < S; s++) userStart[user[s]! + 1]!++;
  for (let u = 0; u < U; u++) userStart[u + 1]! += userStart[u]!;
  const fill = userStart.slice(0, U);
  const userSessions = new Int32Array(S);
  for (let s = 0; s < S; s++) userSessions[fill[user[s]!]!++] = s;

  // Buyers: weighted sampling without replacement, weight growing with the user's sessions.
  const keys = new Float64Array(U);
  for (let u = 0; u < U; u++) keys[u] = Math.log(rng.next() || 1e-300) / Math.pow(userStart[u + 1]! - userStart[u]!, 0.9);
  const sorted = keys.slice().sort();
  const threshold = t.buyers > 0 ? sorted[U - t.buyers]! : Infinity;
  const pool: number[] = [];
  const purchaseSessions: number[] = [];
  for (let u = 0; u < U; u++) {
    if (keys[u]! < threshold || purchaseSessions.length >= t.buyers) continue;
    const from = userStart[u]!;
    const n = userStart[u + 1]! - from;
    const first = rng.int(n);
    for (let i = 0; i < n; i++) (i === first ? purchaseSessions : pool).push(userSessions[from + i]!);
  }
  let used = 0;
  for (; used < pool.length && purchaseSessions.length < t.purchaseSessions; used++) {
    const j = used + rng.int(pool.length - used);
    const s = pool[j]!;
    pool[j] = pool[used]!;
    purchaseSessions.push(s);
  }
  for (const s of purchaseSessions) purchases[s] = 1;
  for (let i = purchaseSessions.length; i < t.purchases && purchaseSessions.length > 0; i++) {
    const s = purchaseSessions[rng.int(purchaseSessions.length)]!;
    if (purchases[s]! < 60000) purchases[s]!++;
  }
  // Carts: in the purchase sessions whose cart was logged (46.4%), one per purchase; the rest
  // are carts that were never bought. Those go mostly to buyers' other sessions (people who buy
  // also cart: in the real month 11.2% of users carted, about as many as bought), else anywhere.
  let cartsLeft = t.carts;
  for (const s of purchaseSessions) {
    if (rng.next() >= ref.purchaseSessionsWithoutCartShare && cartsLeft >= purchases[s]!) {
      carts[s] = purchases[s]!;
      cartsLeft -= purchases[s]!;
    }
  }
  const rest = pool.length - used;
  while (cartsLeft > 0) {
    const s = rest > 0 && rng.next() < CARTS_TO_BUYERS ? pool[used + rng.int(rest)]! : rng.int(S);
    if (purchases[s]) continue;
    carts[s]!++;
    cartsLeft--;
  }
  return { purchases, carts };
}

/** Gives every product one session that shows it, the sessions picked in proportion to length. */
function assignAnchors(rng: Rng, products: number, length: Uint32Array, purchases: Uint16Array, carts: Uint16Array) {
  const S = length.length;
  const byLength = buildAlias(length);
  const owner = new Int32Array(products);
  const anchorStart = shared(Int32Array, S + 1);
  for (let q = 0; q < products; q++) {
    owner[q] = drawAlias(byLength, rng);
    anchorStart[owner[q]! + 1]!++;
  }
  for (let s = 0; s < S; s++) {
    const n = anchorStart[s + 1]!;
    // Views must cover the first product (never an anchor) and the anchors.
    const views = length[s]! - purchases[s]! - carts[s]!;
    const need = n + 1;
    if (views < need) length[s] = length[s]! + (need - views);
    anchorStart[s + 1]! += anchorStart[s]!;
  }
  const fill = anchorStart.slice(0, S);
  const anchors = shared(Int32Array, products);
  for (let q = 0; q < products; q++) anchors[fill[owner[q]!]!++] = q;
  return { anchorStart, anchors };
}

/** Lengthens or shortens sessions of three or more events until the events add up to `target`. */
function fixTotal(rng: Rng, target: number, length: Uint32Array, purchases: Uint16Array, carts: Uint16Array, anchorStart: Int32Array): void {
  const S = length.length;
  let diff = target - sum(length);
  // Views must cover the first product and the anchors.
  const floor = (s: number) => purchases[s]! + carts[s]! + 1 + anchorStart[s + 1]! - anchorStart[s]!;
  // Walk the sessions from a random place with a stride coprime to S, one event per session per
  // pass, so the change is spread evenly and the loop ends in a bounded number of passes.
  const stride = coprimeStride(S, rng);
  let s = rng.int(S);
  for (let steps = 0; diff !== 0 && steps < 50 * S; steps++, s = (s + stride) % S) {
    if (diff > 0 && length[s]! >= 3) {
      length[s]!++;
      diff--;
    } else if (diff < 0 && length[s]! > Math.max(3, floor(s))) {
      length[s]!--;
      diff++;
    }
  }
  // Tiny files may have no long sessions to trim: take from any session above its floor.
  for (let s = 0; diff < 0 && s < S; s++) {
    const cut = Math.min(-diff, length[s]! - floor(s));
    if (cut > 0) {
      length[s]! -= cut;
      diff += cut;
    }
  }
  for (let s = 0; diff > 0; s = (s + 1) % S) {
    length[s]!++;
    diff--;
  }
}

function coprimeStride(n: number, rng: Rng): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = 1 + rng.int(Math.max(1, n - 1));
  while (gcd(stride, n) !== 1) stride++;
  return stride;
}
