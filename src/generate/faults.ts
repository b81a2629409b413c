/**
 * Fault injection: the closed list of faults `--faults RATE` can put into a file, and what each
 * does to its line. Each clean event is faulted with probability RATE (decided by a hash of the
 * seed and the event, so the choice does not depend on threads), the kind picked evenly from
 * FAULT_KINDS. Natural duplicates and null-session rows are never faulted. Every fault is one
 * physical line: no fault adds a line break or leaves a quote open past the end of its line, so
 * a line-by-line reader keeps every line, with its own number.
 *
 *   too_few_fields           the last field (user_session) and its comma are removed: 8 fields
 *   too_many_fields          `,extra` is appended: 10 fields
 *   broken_quoting           the brand becomes `"<brand>"x` (a closing quote followed by a
 *                            character, invalid CSV); the quotes pair up within the line
 *   invalid_utf8             a 0xFF byte (never valid UTF-8) is appended to the brand
 *   bad_timestamp            the hour becomes 25-29: `2019-10-03 27:14:09 UTC`
 *   timestamp_outside_month  a well-formed timestamp 40 days before the event, so in an earlier month
 *   unknown_event_type       event_type is `click`, `wishlist` or `checkout`
 *   negative_price           the price gets a minus sign (`-1.00` when the price was 0.00)
 *   non_numeric_price        the price is `n/a`
 *   non_numeric_id           product_id gets an `x` prefix (`x1004767`) or user_id a `u` prefix;
 *                            the manifest names the field
 *   missing_user_id          user_id is empty
 *   duplicate                an extra exact copy of the (clean) line follows it; the manifest
 *                            gives the copy's line
 *   late_event               the (clean) line is moved later in the file, to just before the first
 *                            line at least 10 minutes newer, and always after a line strictly
 *                            newer than itself; the manifest gives the line where it now is
 *
 * Detection that counts each kind exactly classifies a line by the first rule it breaks, in this
 * order: field count, quoting, UTF-8, timestamp format, month, event type, price, ids, user id,
 * duplicate (an exact copy of an earlier line), late (a timestamp earlier than the newest valid,
 * in-month timestamp on an earlier line). The file's natural duplicates (the real month's 0.071%)
 * are not faults; the manifest gives their count so a check can add them up.
 */
import { formatTimestamp } from './calendar.js';

export const FAULT_KINDS = [
  'too_few_fields',
  'too_many_fields',
  'broken_quoting',
  'invalid_utf8',
  'bad_timestamp',
  'timestamp_outside_month',
  'unknown_event_type',
  'negative_price',
  'non_numeric_price',
  'non_numeric_id',
  'missing_user_id',
  'duplicate',
  'late_event',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  /** 1-based physical line number in the output file, the header being line 1. */
  line: number;
  /** The clean row the fault replaced (or copied, or moved), without its line break. */
  row: string;
  /** For non_numeric_id: which id. */
  field?: 'product_id' | 'user_id';
}

/** Minimum lateness of a late_event, in seconds. */
export const LATE_SECONDS = 600;

const UNKNOWN_TYPES = ['click', 'wishlist', 'checkout'];

/**
 * The faulted text of a clean line (latin1: each char one byte) for the kinds that rewrite a line.
 * `variant` is a per-event hash that picks among the kind's variants.
 */
export function applyFault(kind: FaultKind, clean: string, epochSeconds: number, variant: number): { text: string; field?: 'product_id' | 'user_id' } {
  const f = clean.split(',');
  switch (kind) {
    case 'too_few_fields':
      return { text: f.slice(0, 8).join(',') };
    case 'too_many_fields':
      return { text: `${clean},extra` };
    case 'broken_quoting':
      f[5] = `"${f[5]}"x`;
      return { text: f.join(',') };
    case 'invalid_utf8':
      f[5] = `${f[5]}\u00ff`;
      return { text: f.join(',') };
    case 'bad_timestamp': {
      const ts = f[0]!;
      f[0] = `${ts.slice(0, 11)}2${5 + (variant % 5)}${ts.slice(13)}`;
      return { text: f.join(',') };
    }
    case 'timestamp_outside_month':
      f[0] = formatTimestamp(epochSeconds - 40 * 86_400);
      return { text: f.join(',') };
    case 'unknown_event_type':
      f[1] = UNKNOWN_TYPES[variant % UNKNOWN_TYPES.length]!;
      return { text: f.join(',') };
    case 'negative_price':
      f[6] = f[6] === '0.00' ? '-1.00' : `-${f[6]}`;
      return { text: f.join(',') };
    case 'non_numeric_price':
      f[6] = 'n/a';
      return { text: f.join(',') };
    case 'non_numeric_id':
      if (variant % 2 === 0) {
        f[2] = `x${f[2]}`;
        return { text: f.join(','), field: 'product_id' };
      }
      f[7] = `u${f[7]}`;
      return { text: f.join(','), field: 'user_id' };
    case 'missing_user_id':
      f[7] = '';
      return { text: f.join(',') };
    case 'duplicate':
    case 'late_event':
      return { text: clean };
  }
}
