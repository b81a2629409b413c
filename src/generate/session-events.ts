/**
 * One session's events: times, products and types, drawn from the session's own random stream
 * so any worker that needs the session (its own chunk, or the next one it spills into) draws
 * exactly the same events.
 *
 * The funnel: a session looks at a first product (for a buying session, drawn by purchase
 * propensity; otherwise by popularity), then shows the products it must show, then views more, re-viewing an
 * earlier product 45% of the time and otherwise mostly staying in the first product's category.
 * Carts follow the first view of their product, purchases follow their cart (or, when the cart
 * was not logged, the first view).
 */
import type { Catalog } from './catalog.js';
import type { Plan } from './plan.js';
import type { Rng } from './rng.js';
import { drawTimes } from './session-shape.js';

export const VIEW = 0;
export const CART = 1;
export const PURCHASE = 2;

const REVIEW = 0.45;
const SAME_CATEGORY = 0.65;

export class SessionScratch {
  times = new Float64Array(1024);
  product = new Int32Array(1024);
  type = new Uint8Array(1024);
  dup = new Uint8Array(1024);
  distinct = new Int32Array(1024);
  bought = new Int32Array(64);

  ensure(n: number): void {
    if (n <= this.times.length) return;
    const size = Math.max(n, this.times.length * 2);
    this.times = new Float64Array(size);
    this.product = new Int32Array(size);
    this.type = new Uint8Array(size);
    this.dup = new Uint8Array(size);
    this.distinct = new Int32Array(size);
  }
}

function alias(prob: Float64Array, al: Int32Array, from: number, to: number, rng: Rng): number {
  const x = rng.next() * (to - from);
  const i = Math.floor(x);
  return from + (x - i < prob[from + i]! ? i : al[from + i]!);
}

/** Draws session s into `out`; returns its number of events (before duplicate copies). */
export function drawSession(cat: Catalog, plan: Plan, s: number, monthSeconds: number, rng: Rng, out: SessionScratch): number {
  const L = plan.length[s]!;
  const p = plan.purchases[s]!;
  const c = plan.carts[s]!;
  out.ensure(L + 1);
  drawTimes(rng, L, plan.start[s]!, monthSeconds - 1, out.times);
  const P = cat.products;
  const views = L - p - c;
  const aFrom = plan.anchorStart[s]!;
  const aTo = plan.anchorStart[s + 1]!;
  let ai = aFrom;
  let focus: number;
  // The first product sets the session's category, so it is never an anchor (anchors are spread
  // evenly over products and would tilt the categories on small files).
  if (p > 0) focus = alias(cat.buyProb, cat.buyAlias, 0, P, rng);
  else focus = alias(cat.viewProb, cat.viewAlias, 0, P, rng);
  const cFrom = cat.categoryStart[cat.productCategory[focus]!]!;
  const cTo = cat.categoryStart[cat.productCategory[focus]! + 1]!;
  const prod = out.product;
  const type = out.type;
  const distinct = out.distinct;
  let nd = 0;
  prod[0] = focus;
  type[0] = VIEW;
  distinct[nd++] = focus;
  // Products bought besides the first: another unit of it, or a neighbour in its category.
  if (out.bought.length < p) out.bought = new Int32Array(p * 2);
  const bought = out.bought;
  bought[0] = focus;
  for (let i = 1; i < p; i++) bought[i] = rng.next() < 0.5 ? focus : alias(cat.catBuyProb, cat.catBuyAlias, cFrom, cTo, rng);
  let bi = 1;
  for (let j = 1; j < views; j++) {
    let q: number;
    while (bi < p && bought[bi] === focus) bi++;
    if (ai < aTo) q = plan.anchors[ai++]!;
    else if (bi < p) q = bought[bi++]!;
    else if (rng.next() < REVIEW) {
      prod[j] = distinct[rng.int(nd)]!;
      type[j] = VIEW;
      continue;
    } else q = rng.next() < SAME_CATEGORY ? alias(cat.catViewProb, cat.catViewAlias, cFrom, cTo, rng) : alias(cat.viewProb, cat.viewAlias, 0, P, rng);
    prod[j] = q;
    type[j] = VIEW;
    distinct[nd++] = q;
  }
  // Bought products that found no view slot of their own are another unit of the first product.
  for (; bi < p; bi++) if (bought[bi] !== focus) bought[bi] = focus;
  let len = views;
  for (let i = 0; i < c; i++) {
    const q = p > 0 && i < p ? bought[i]! : distinct[rng.int(Math.min(nd, 3))]!;
    len = insertAfter(prod, type, len, firstIndex(prod, type, len, q, VIEW), q, CART, rng);
  }
  for (let i = 0; i < p; i++) {
    const q = bought[i]!;
    const after = lastIndex(prod, type, len, q, CART);
    len = insertAfter(prod, type, len, after >= 0 ? after : firstIndex(prod, type, len, q, VIEW), q, PURCHASE, rng);
  }
  out.dup.fill(0, 0, L);
  for (let i = plan.dups[s]!; i > 0; i--) out.dup[rng.int(L)]!++;
  return L;
}

function firstIndex(prod: Int32Array, type: Uint8Array, len: number, q: number, t: number): number {
  for (let i = 0; i < len; i++) if (prod[i] === q && type[i] === t) return i;
  return 0;
}

function lastIndex(prod: Int32Array, type: Uint8Array, len: number, q: number, t: number): number {
  for (let i = len - 1; i >= 0; i--) if (prod[i] === q && type[i] === t) return i;
  return -1;
}

/** Inserts (q, t) at a random place after index `after`; returns the new length. */
function insertAfter(prod: Int32Array, type: Uint8Array, len: number, after: number, q: number, t: number, rng: Rng): number {
  const at = after + 1 + rng.int(len - after);
  prod.copyWithin(at + 1, at, len);
  type.copyWithin(at + 1, at, len);
  prod[at] = q;
  type[at] = t;
  return len + 1;
}
