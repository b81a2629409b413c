/**
 * One chunk of the output: the lines of every event in a window of the month, in time order.
 * Sessions that started in an earlier window but run into this one are drawn again (from their
 * own streams) and only their events inside the window kept, so chunks are independent and the
 * file is the same whatever the number of threads.
 */
import { formatTimestamp } from './calendar.js';
import type { Catalog } from './catalog.js';
import { applyFault, FAULT_KINDS, LATE_SECONDS, type FaultKind } from './faults.js';
import { FLAG_NULL_SESSION, type Plan } from './plan.js';
import { hash32, hashUnit, Rng } from './rng.js';
import { drawSession, SessionScratch } from './session-events.js';
import { sessionStream } from './session-shape.js';
import { SessionIds } from './session-ids.js';

export interface ChunkContext {
  catalog: Catalog;
  plan: Plan;
  seed: number;
  /** Seconds since the epoch at the month's start. */
  monthStart: number;
  monthSeconds: number;
  faultRate: number;
}

export interface ChunkFault {
  kind: FaultKind;
  /** 0-based line within the chunk. */
  localLine: number;
  row: string;
  field?: 'product_id' | 'user_id';
}

export interface ChunkResult {
  bytes: Uint8Array;
  lines: number;
  faults: ChunkFault[];
  naturalDuplicates: number;
}

const TYPE_TEXT = ['view,', 'cart,', 'purchase,'];
const TYPE_BYTES = TYPE_TEXT.map((t) => Buffer.from(t, 'latin1'));
/** Longest `user_id,user_session\n`: ten digits, a comma, 36 characters, a line feed. */
const TAIL_MAX = 48;
const stampBytes = Buffer.alloc(24, 44);

class Events {
  n = 0;
  time = new Uint32Array(1 << 16);
  product = new Int32Array(1 << 16);
  type = new Uint8Array(1 << 16);
  session = new Int32Array(1 << 16);
  ordinal = new Int32Array(1 << 16);
  /** The session's number among the sessions drawn for this chunk (indexes the line-tail cache). */
  local = new Int32Array(1 << 16);
  /** Bits 0-5: extra exact copies; bit 6: written without a session id. */
  extra = new Uint8Array(1 << 16);

  push(time: number, product: number, type: number, session: number, ordinal: number, extra: number, local: number): void {
    if (this.n === this.time.length) this.grow();
    const i = this.n++;
    this.local[i] = local;
    this.time[i] = time;
    this.product[i] = product;
    this.type[i] = type;
    this.session[i] = session;
    this.ordinal[i] = ordinal;
    this.extra[i] = extra;
  }

  private grow(): void {
    const size = this.time.length * 2;
    const g = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    this.time = g(this.time, new Uint32Array(size));
    this.product = g(this.product, new Int32Array(size));
    this.type = g(this.type, new Uint8Array(size));
    this.session = g(this.session, new Int32Array(size));
    this.ordinal = g(this.ordinal, new Int32Array(size));
    this.local = g(this.local, new Int32Array(size));
    this.extra = g(this.extra, new Uint8Array(size));
  }
}

const NULL_BIT = 64;

function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The events of [t0, t1) (seconds since the month start), sorted by time. */
function collect(ctx: ChunkContext, t0: number, t1: number): { ev: Events; order: Int32Array; sessions: number } {
  const { plan, catalog } = ctx;
  const ev = new Events();
  const rng = new Rng(0);
  const scratch = new SessionScratch();
  const stream = sessionStream(ctx.seed);
  const hi = lowerBound(plan.start, t1);
  let local = 0;
  for (let s = lowerBound(plan.start, Math.max(0, t0 - plan.maxDuration)); s < hi; s++) {
    if (plan.start[s]! + plan.duration[s]! < t0) continue;
    const L = drawSession(catalog, plan, s, ctx.monthSeconds, rng.reset(stream, s), scratch);
    const nullFirst = plan.flags[s]! & FLAG_NULL_SESSION ? NULL_BIT : 0;
    for (let k = 0; k < L; k++) {
      const t = scratch.times[k]!;
      if (t < t0 || t >= t1) continue;
      ev.push(t - t0, scratch.product[k]!, scratch.type[k]!, s, k, scratch.dup[k]! | (k === 0 ? nullFirst : 0), local);
    }
    local++;
  }
  // Counting sort by second: stable, so events of one second keep their drawing order.
  const seconds = t1 - t0;
  const first = new Int32Array(seconds + 1);
  for (let i = 0; i < ev.n; i++) first[ev.time[i]! + 1]!++;
  for (let k = 0; k < seconds; k++) first[k + 1]! += first[k]!;
  const order = new Int32Array(ev.n);
  for (let i = 0; i < ev.n; i++) order[first[ev.time[i]!]!++] = i;
  return { ev, order, sessions: local };
}

export function generateChunk(ctx: ChunkContext, t0: number, t1: number): ChunkResult {
  const { plan, catalog } = ctx;
  const { ev, order, sessions } = collect(ctx, t0, t1);
  // Each session's line tail (`user_id,user_session\n`) is built once and copied per event.
  const tails = new Uint8Array(sessions * TAIL_MAX);
  const tailLength = new Uint8Array(sessions);
  const lineBytes = localCopy(catalog.lineBytes);
  const lineStart = catalog.lineStart;
  const ids = new SessionIds(ctx.seed);
  const faultSeed = hash32(ctx.seed, 0xfa17);
  // Which events get a fault, decided per event so it does not depend on chunking.
  const fault = new Int8Array(ev.n).fill(-1);
  if (ctx.faultRate > 0) {
    for (let i = 0; i < ev.n; i++) {
      if (ev.extra[i] !== 0) continue;
      if (hashUnit(faultSeed, ev.session[i]!, ev.ordinal[i]!) < ctx.faultRate) {
        fault[i] = hash32(faultSeed ^ 0x55, ev.session[i]!, ev.ordinal[i]!) % FAULT_KINDS.length;
      }
    }
  }
  const userText = (i: number) => String(plan.userIds[plan.user[ev.session[i]!]!]!);
  const lineText = (i: number): string => {
    const p = ev.product[i]!;
    const seg = Buffer.from(catalog.lineBytes.buffer, catalog.lineBytes.byteOffset + catalog.lineStart[p]!, catalog.lineStart[p + 1]! - catalog.lineStart[p]!).toString('latin1');
    const sid = ev.extra[i]! & NULL_BIT ? '' : ids.text(ev.session[i]!);
    return `${formatTimestamp(ctx.monthStart + t0 + ev.time[i]!)},${TYPE_TEXT[ev.type[i]!]}${seg}${userText(i)},${sid}`;
  };

  // Bytes: every clean line is at most this long; faulted lines are sized on their own.
  let size = 0;
  for (let i = 0; i < ev.n; i++) {
    const p = ev.product[i]!;
    size += (90 + catalog.lineStart[p + 1]! - catalog.lineStart[p]!) * (1 + (ev.extra[i]! & 63));
    if (fault[i]! >= 0) size += 200;
  }
  // Never from the shared small-buffer pool: the bytes are transferred to the main thread.
  const out = Buffer.allocUnsafeSlow(size + 1024);
  let pos = 0;
  let lines = 0;
  let natural = 0;
  const faults: ChunkFault[] = [];
  const late: { i: number; text: string; time: number }[] = [];
  let lastTime = -1;
  let stamp = -1;
  const writeText = (text: string) => {
    pos += out.write(text, pos, 'latin1');
    out[pos++] = 10;
    lines++;
  };
  const flushLate = (now: number, force: boolean) => {
    while (late.length > 0 && lastTime > late[0]!.time && (force || now >= late[0]!.time + LATE_SECONDS)) {
      const l = late.shift()!;
      faults.push({ kind: 'late_event', localLine: lines, row: l.text });
      writeText(l.text);
    }
  };
  for (let j = 0; j < ev.n; j++) {
    const i = order[j]!;
    const t = ev.time[i]!;
    if (late.length > 0) flushLate(t, false);
    const f = fault[i]!;
    if (f >= 0) {
      const kind = FAULT_KINDS[f]!;
      const clean = lineText(i);
      const variant = hash32(faultSeed ^ 0x77, ev.session[i]!, ev.ordinal[i]!);
      if (kind === 'late_event') {
        late.push({ i, text: clean, time: t });
        continue;
      }
      const { text, field } = applyFault(kind, clean, ctx.monthStart + t0 + t, variant);
      writeText(text);
      if (kind === 'duplicate') writeText(text);
      faults.push({ kind, localLine: lines - 1, row: clean, ...(field ? { field } : {}) });
      continue;
    }
    const start = pos;
    if (t !== stamp) {
      stamp = t;
      stampBytes.write(formatTimestamp(ctx.monthStart + t0 + t), 0, 'latin1');
    }
    for (let k = 0; k < 24; k++) out[pos++] = stampBytes[k]!;
    const typeBytes = TYPE_BYTES[ev.type[i]!]!;
    for (let k = 0; k < typeBytes.length; k++) out[pos++] = typeBytes[k]!;
    const p = ev.product[i]!;
    for (let k = lineStart[p]!, end = lineStart[p + 1]!; k < end; k++) out[pos++] = lineBytes[k]!;
    if (ev.extra[i]! & NULL_BIT) {
      pos = writeUint(out, pos, plan.userIds[plan.user[ev.session[i]!]!]!);
      out[pos++] = 44;
      out[pos++] = 10;
    } else {
      const l = ev.local[i]!;
      const base = l * TAIL_MAX;
      if (tailLength[l] === 0) {
        const tailBuf = Buffer.from(tails.buffer, tails.byteOffset + base, TAIL_MAX);
        let q = writeUint(tailBuf, 0, plan.userIds[plan.user[ev.session[i]!]!]!);
        tailBuf[q++] = 44;
        q = ids.write(tailBuf, q, ev.session[i]!);
        tailBuf[q++] = 10;
        tailLength[l] = q;
      }
      for (let k = base, end = base + tailLength[l]!; k < end; k++) out[pos++] = tails[k]!;
    }
    lines++;
    const copies = ev.extra[i]! & 63;
    const lineLength = pos - start;
    for (let c = 0; c < copies; c++) {
      out.copy(out, pos, start, start + lineLength);
      pos += lineLength;
    }
    natural += copies;
    lines += copies;
    // Only clean lines with a session count as "newer" for placing late events.
    if (!(ev.extra[i]! & NULL_BIT)) lastTime = t;
  }
  flushLate(Number.POSITIVE_INFINITY, true);
  // A late event with no newer line after it stays where it is and is no fault.
  for (const l of late) writeText(l.text);
  return { bytes: out.subarray(0, pos), lines, faults, naturalDuplicates: natural };
}

/**
 * The catalog's line bytes, copied once per thread out of shared memory: byte-by-byte reads of a
 * plain buffer are markedly faster than of a shared one, and every line copies from it.
 */
let localLines: { from: Uint8Array; copy: Uint8Array } | undefined;
function localCopy(shared: Uint8Array): Uint8Array {
  if (localLines?.from !== shared) localLines = { from: shared, copy: new Uint8Array(shared) };
  return localLines.copy;
}

const DIGITS = 48;
function writeUint(out: Buffer, pos: number, v: number): number {
  let n = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) n++;
  for (let k = n - 1, x = v; k >= 0; k--, x = Math.floor(x / 10)) out[pos + k] = DIGITS + (x % 10);
  return pos + n;
}
