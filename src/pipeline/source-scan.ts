/**
 * One streaming pass over a source file's bytes: its SHA-256 (the Bronze transaction id), its
 * header line, its number of data lines and, for a CSV, a copy with each line's number in front
 * (and, before it, `readHeader` for the header alone). DuckDB's parallel CSV reader cannot tell
 * which line a row came from; the numbered copy carries it as a column, so Bronze is written
 * straight from it. The line count proves the reader kept every line.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { SourceFile } from './inputs.js';
import { InputReadError } from './errors.js';

export interface SourceScan {
  sha256: string;
  /** The first line, without BOM or line ending; undefined for Parquet. */
  header?: string;
  /** Data lines after the header (CSV only). */
  dataLines?: number;
  /**
   * The numbered copy asked for, when it is complete: every line of the (decompressed) file with
   * its line number and a comma in front, the header with `_source_line,`. Absent when the file
   * holds a double quote: a quoted field may span lines, so a line need not be a row.
   */
  numbered?: string;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

function countNewlines(buf: Buffer): number {
  let count = 0;
  let at = buf.indexOf(NEWLINE);
  while (at >= 0) {
    count++;
    at = buf.indexOf(NEWLINE, at + 1);
  }
  return count;
}

/**
 * Writes a CSV with each line's number in front, in large blocks. A line number is kept as ASCII
 * digits and incremented in place: formatting eight million numbers would cost more than copying
 * the lines.
 */
class NumberedCopy {
  private static readonly BLOCK = 8 << 20;
  private static readonly HEADER = Buffer.from('_source_line,', 'latin1');
  private readonly out = Buffer.allocUnsafe(NumberedCopy.BLOCK);
  private used = 0;
  // The current line number, right-aligned in 20 digits, then a comma.
  private readonly digits = Buffer.from('00000000000000000001,', 'latin1');
  private firstDigit = 19;
  private atLineStart = true;
  private headerDone = false;
  private closed = false;
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Copies a chunk of the file, numbering each line that starts in it. */
  add(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      if (this.atLineStart) {
        if (this.headerDone) this.put(this.digits, this.firstDigit, this.digits.length);
        else this.put(NumberedCopy.HEADER, 0, NumberedCopy.HEADER.length);
        this.headerDone = true;
        this.atLineStart = false;
      }
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) {
        this.put(chunk, start, chunk.length);
        return;
      }
      this.put(chunk, start, nl + 1);
      start = nl + 1;
      this.nextLine();
    }
  }

  finish(): void {
    this.flush();
    this.close();
  }

  abandon(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private nextLine(): void {
    let i = 19;
    while (this.digits[i] === 0x39) this.digits[i--] = 0x30;
    this.digits[i] = this.digits[i]! + 1;
    if (i < this.firstDigit) this.firstDigit = i;
    this.atLineStart = true;
  }

  private put(from: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.used + length > this.out.length) {
      this.flush();
      if (length > this.out.length) {
        writeSync(this.fd, from, start, length);
        return;
      }
    }
    from.copy(this.out, this.used, start, end);
    this.used += length;
  }

  private flush(): void {
    let at = 0;
    while (at < this.used) at += writeSync(this.fd, this.out, at, this.used - at);
    this.used = 0;
  }
}

/**
 * Reads the file once: its hash, header and line count, and for a CSV asked for it
 * (`numberedCopy`), the numbered copy (see SourceScan.numbered).
 */
export async function scanSource(file: SourceFile, onBytes?: (n: number) => void, numberedCopy?: string): Promise<SourceScan> {
  const hash = createHash('sha256');
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
  if (file.format === 'parquet') {
    for await (const chunk of raw) {
      hash.update(chunk as Buffer);
      onBytes?.((chunk as Buffer).length);
    }
    return { sha256: hash.digest('hex') };
  }
  raw.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  });
  const text = file.format === 'csv.gz' ? raw.pipe(createGunzip()) : raw;
  let copy = numberedCopy !== undefined ? new NumberedCopy(numberedCopy) : undefined;
  let newlines = 0;
  let headerBytes: Buffer[] | undefined = [];
  let last = -1;
  let any = false;
  let header: string | undefined;
  try {
    for await (const chunk of text) {
      const buf = chunk as Buffer;
      if (buf.length === 0) continue;
      any = true;
      if (headerBytes) {
        const nl = buf.indexOf(NEWLINE);
        if (nl < 0) headerBytes.push(buf);
        else {
          headerBytes.push(buf.subarray(0, nl));
          const headerText = Buffer.concat(headerBytes).toString('utf8');
          headerBytes = undefined;
          header = headerText;
        }
      }
      newlines += countNewlines(buf);
      last = buf[buf.length - 1]!;
      if (copy && buf.indexOf(QUOTE) >= 0) {
        copy.abandon();
        copy = undefined;
      }
      copy?.add(buf);
    }
    copy?.finish();
  } catch (error) {
    copy?.abandon();
    throw new InputReadError(file.path, `cannot be read: ${(error as Error).message}`);
  }
  if (headerBytes) header = Buffer.concat(headerBytes).toString('utf8');
  if (!any) throw new InputReadError(file.path, 'is empty (no header line)');
  const lines = newlines + (last === NEWLINE ? 0 : 1);
  return {
    sha256: hash.digest('hex'),
    header: cleanHeader(header ?? ''),
    dataLines: lines - 1,
    ...(copy ? { numbered: copy.path } : {}),
  };
}

/** The header line of a CSV source (plain or gzipped), read on its own so staging need not wait for the hash. */
export async function readHeader(file: SourceFile): Promise<string> {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 16 });
  const text = file.format === 'csv.gz' ? raw.pipe(createGunzip()) : raw;
  const parts: Buffer[] = [];
  try {
    for await (const chunk of text) {
      const buf = chunk as Buffer;
      const nl = buf.indexOf(NEWLINE);
      if (nl >= 0) {
        parts.push(buf.subarray(0, nl));
        break;
      }
      parts.push(buf);
    }
  } catch (error) {
    throw new InputReadError(file.path, `cannot be read: ${(error as Error).message}`);
  } finally {
    raw.destroy();
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length === 0 && parts.length === 0) throw new InputReadError(file.path, 'is empty (no header line)');
  return cleanHeader(bytes.toString('utf8'));
}

function cleanHeader(line: string): string {
  return line.replace(/^\uFEFF/, '').replace(/\r$/, '');
}
