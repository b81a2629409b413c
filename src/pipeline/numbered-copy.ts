/**
 * The numbered copy of a CSV: each line with its line number and a comma in front, so DuckDB's
 * parallel reader, which cannot tell which line a row came from, reads the number as a column.
 *
 * A large plain file is copied in two parts at once, each on a worker thread, while the calling
 * thread hashes the file: the copy is most of the pass's work and would otherwise keep one core
 * busy while the other waits. The second part numbers its lines from 1; the reader adds the
 * first part's line count back (`NumberedPart.lineOffset`).
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** One file of a numbered copy. */
export interface NumberedPart {
  path: string;
  /** Added to the part's `_source_line` to give the line in the source file. */
  lineOffset: number;
}

/** What copying a range found: a double quote anywhere (the copy is then abandoned). */
export interface CopyOutcome {
  quoted: boolean;
}

/**
 * Writes lines in large blocks. A line number is kept as ASCII digits and incremented in place:
 * formatting eight million numbers would cost more than copying the lines.
 */
export class NumberedCopy {
  private static readonly BLOCK = 8 << 20;
  private readonly out = Buffer.allocUnsafe(NumberedCopy.BLOCK);
  private used = 0;
  // The current line number, right-aligned in 20 digits, then a comma.
  private readonly digits = Buffer.from('00000000000000000001,', 'latin1');
  private firstDigit = 19;
  private atLineStart = true;
  private header: Buffer | undefined;
  private closed = false;
  private readonly fd: number;

  /**
   * `header`: the first line of the output, before line 1 (for a part that starts mid-file);
   * when absent, the first line copied is the file's header and gets `_source_line,` in front.
   */
  constructor(readonly path: string, header?: string) {
    this.fd = openSync(path, 'w');
    if (header !== undefined) {
      const line = Buffer.from(`_source_line,${header}\n`, 'utf8');
      this.put(line, 0, line.length);
    } else {
      this.header = Buffer.from('_source_line,', 'latin1');
    }
  }

  /**
   * Copies a chunk, numbering each line that starts in it. Returns false, copying nothing, when
   * the chunk holds a double quote: a quoted field may span lines, so the copy must be abandoned.
   */
  add(chunk: Buffer): boolean {
    if (chunk.indexOf(QUOTE) >= 0) return false;
    let start = 0;
    while (start < chunk.length) {
      if (this.atLineStart) {
        if (this.header) {
          this.put(this.header, 0, this.header.length);
          this.header = undefined;
        } else {
          this.put(this.digits, this.firstDigit, this.digits.length);
        }
        this.atLineStart = false;
      }
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) {
        this.put(chunk, start, chunk.length);
        return true;
      }
      this.put(chunk, start, nl + 1);
      start = nl + 1;
      this.nextLine();
    }
    return true;
  }

  finish(): void {
    this.flush();
    this.close();
  }

  abandon(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  /** The next line's number: after the file's header (line 1) comes line 2; a part's lines start at 1. */
  private nextLine(): void {
    let i = 19;
    while (this.digits[i] === 0x39) this.digits[i--] = 0x30;
    this.digits[i] = this.digits[i]! + 1;
    if (i < this.firstDigit) this.firstDigit = i;
    this.atLineStart = true;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private put(from: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.used + length > this.out.length) {
      this.flush();
      if (length > this.out.length) {
        this.write(from, start, end);
        return;
      }
    }
    from.copy(this.out, this.used, start, end);
    this.used += length;
  }

  private flush(): void {
    this.write(this.out, 0, this.used);
    this.used = 0;
  }

  private write(from: Buffer, start: number, end: number): void {
    let at = start;
    while (at < end) at += writeSync(this.fd, from, at, end - at);
  }
}

/** Copies bytes [start, end) of a file into a numbered copy; the copy is removed if a quote shows. */
export async function copyRange(source: string, start: number, end: number, out: string, header?: string): Promise<CopyOutcome> {
  const copy = new NumberedCopy(out, header);
  try {
    if (end > start) {
      for await (const chunk of createReadStream(source, { start, end: end - 1, highWaterMark: 1 << 20 })) {
        if (!copy.add(chunk as Buffer)) {
          copy.abandon();
          return { quoted: true };
        }
      }
    }
    copy.finish();
    return { quoted: false };
  } catch (error) {
    copy.abandon();
    throw error;
  }
}

/** Files below this size are copied on the calling thread: a worker's start-up would not pay. */
export const PARALLEL_COPY_FROM_BYTES = 64 << 20;

const WORKER = new URL('./numbered-copy-worker.js', import.meta.url);

/** True when the worker can run (it is compiled JavaScript; sources run under a test runner are not). */
export function parallelCopyAvailable(): boolean {
  return WORKER.protocol === 'file:' && existsSync(fileURLToPath(WORKER));
}

/**
 * The offset just past the first newline at or after `from`, or undefined when there is none
 * before the end: where a file can be cut without splitting a line.
 */
export function lineBoundaryAfter(path: string, from: number, size: number): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    for (let at = from; at < size; at += buf.length) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
      if (n <= 0) return undefined;
      const nl = buf.subarray(0, n).indexOf(NEWLINE);
      if (nl >= 0) return at + nl + 1 < size ? at + nl + 1 : undefined;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Copies a byte range on a worker thread. */
export function copyRangeOnWorker(source: string, start: number, end: number, out: string, header?: string): Promise<CopyOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { source, start, end, out, header } });
    let outcome: CopyOutcome | undefined;
    worker.once('message', (message: CopyOutcome | { error: string }) => {
      if ('error' in message) reject(new Error(message.error));
      else outcome = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`the numbered copy of ${source} stopped (exit code ${code})`));
    });
  });
}
