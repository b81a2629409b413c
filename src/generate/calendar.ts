/**
 * The month's time shape: which hour of which day events fall in, and how timestamps are written.
 * Hour-of-day shares come from the real month (reference.json); days follow a mild weekly cycle
 * with a slow rise over the month, and the first day of October carries its real share.
 */
import { reference } from './assets.js';
import { GenerateOptionError } from './errors.js';

export interface Month {
  /** YYYY-MM */
  label: string;
  /** Milliseconds since the epoch at 00:00:00 UTC on the first day. */
  startMs: number;
  days: number;
  seconds: number;
}

export function parseMonth(label: string): Month {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12 || year < 1970 || year > 9999) {
    throw new GenerateOptionError('--month', label, 'expected YYYY-MM, e.g. 2019-10');
  }
  const startMs = Date.UTC(year, month - 1, 1);
  const days = Math.round((Date.UTC(year, month, 1) - startMs) / 86_400_000);
  return { label, startMs, days, seconds: days * 86_400 };
}

/** The month K months after `month`. */
export function addMonths(month: Month, k: number): Month {
  const d = new Date(month.startMs);
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1));
  return parseMonth(`${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}`);
}

/** Weight of each hour of the month (days × 24), the shape session starts are drawn from. */
export function hourSlotWeights(month: Month): Float64Array {
  const ref = reference();
  const dayWeights = new Float64Array(month.days);
  for (let d = 0; d < month.days; d++) {
    const weekday = new Date(month.startMs + d * 86_400_000).getUTCDay();
    // Weekends a little quieter, a slow rise over the month (November is busier than October).
    const weekly = weekday === 0 || weekday === 6 ? 0.95 : 1.02;
    dayWeights[d] = weekly * (0.95 + (0.1 * d) / Math.max(1, month.days - 1));
  }
  if (month.label === ref.month) {
    // The real 1 October is a little quieter than the average day.
    const firstShare = ref.firstDayRows / ref.rows;
    let rest = 0;
    for (let d = 1; d < month.days; d++) rest += dayWeights[d]!;
    dayWeights[0] = (firstShare * rest) / (1 - firstShare);
  }
  const slots = new Float64Array(month.days * 24);
  for (let d = 0; d < month.days; d++) {
    for (let h = 0; h < 24; h++) slots[d * 24 + h] = dayWeights[d]! * startShapeForHour(h);
  }
  return slots;
}

/**
 * Session starts lead their events (a session's later events spill into the next hour), so the
 * start shape is the event shape corrected against that spill: an hour that gains less from the
 * hour before it than it passes on starts more sessions. LEAD is the share of an hour's events
 * that come from sessions started in the previous hour, measured on generated months.
 */
function startShapeForHour(h: number): number {
  const shares = reference().hourShares;
  const here = shares[h]!;
  const prev = shares[(h + 23) % 24]!;
  return Math.max(1e-6, here + START_LEAD * (here - prev));
}

const START_LEAD = 0.5;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD HH:MM:SS UTC` for a whole number of seconds since the epoch. */
export function formatTimestamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC`;
}
