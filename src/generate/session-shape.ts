/**
 * The shape of one session: how many events it has and when they happen. Shared by the planner
 * (which needs each session's length and duration up front) and the workers (which redraw the
 * same times from the session's own stream), so both agree to the second.
 */
import { hash32, type Rng } from './rng.js';

/**
 * Share of sessions drawn with one and with two events. In the real month 52% of sessions have
 * fewer than three events; carts and purchases lengthen some short sessions, hence 56% here.
 */
const P_ONE = 0.35;
const P_TWO = 0.21;
const TAIL_SIGMA = 1.2;
/** Longest session the model produces before purchases and carts are added. */
export const MAX_DRAWN_LENGTH = 1159;

/** Gaps between a session's events: log-normal, heavy-tailed (mean ≈ 1,042 s per session). */
const GAP_MEDIAN = 30;
const GAP_SIGMA = 2.2;
const GAP_MAX = 6 * 3600;
/** No session runs longer than two days. */
export const MAX_DURATION = 2 * 86_400;

/**
 * The median of the log-normal tail (sessions of three or more events) that gives a mean
 * session length of `mean`: E[L] ≈ P1 + 2 P2 + P3+ (3 + e^{σ²/2} median − 0.5).
 */
export function tailMedianFor(mean: number): number {
  const pTail = 1 - P_ONE - P_TWO;
  const m = ((mean - P_ONE - 2 * P_TWO) / pTail - 2.5) / Math.exp((TAIL_SIGMA * TAIL_SIGMA) / 2);
  return Math.max(0.05, m);
}

export function drawLength(rng: Rng, tailMedian: number): number {
  const u = rng.next();
  if (u < P_ONE) return 1;
  if (u < P_ONE + P_TWO) return 2;
  return Math.min(MAX_DRAWN_LENGTH, 3 + Math.floor(rng.logNormal(tailMedian, TAIL_SIGMA)));
}

/** The seed of a session's own stream: its times first, then its products and event types. */
export function sessionStream(seed: number): number {
  return hash32(seed, 0x5e55);
}

/**
 * Fills out[0..length) with the session's event times (seconds since the month start, non-
 * decreasing) and returns its duration. A session that would run past `end` (the month's last
 * second) or past MAX_DURATION is compressed to fit, keeping its gaps' proportions.
 */
export function drawTimes(rng: Rng, length: number, start: number, end: number, out: Float64Array): number {
  out[0] = start;
  let t = start;
  for (let k = 1; k < length; k++) {
    // At least a second apart: two views of one product in one second would be exact duplicates.
    t += Math.min(GAP_MAX, Math.max(1, Math.round(rng.logNormal(GAP_MEDIAN, GAP_SIGMA))));
    out[k] = t;
  }
  const limit = Math.min(end - start, MAX_DURATION);
  if (t - start > limit) {
    const scale = limit / (t - start);
    for (let k = 1; k < length; k++) out[k] = start + Math.floor((out[k]! - start) * scale);
  }
  return out[length - 1]! - start;
}
