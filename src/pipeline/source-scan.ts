/**
 * One streaming pass over a source file's bytes: its SHA-256 (the Bronze transaction id), its
 * header line, its number of data lines and, for a CSV, a copy with each line's number in front
 * (`readHeader` reads the header alone, so it can be checked first). DuckDB's parallel CSV reader cannot tell
 * which line a row came from; the numbered copy carries it as a column, so Bronze is written
 * straight from it. The line count proves the reader kept every line.
 */
import { createHash } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { SourceFile } from './inputs.js';
import { InputReadError } from './errors.js';
import {
  copyRangeOnWorker, lineBoundaryAfter, NumberedCopy, parallelCopyAvailable, PARALLEL_COPY_FROM_BYTES, type NumberedPart,
} from './numbered-copy.js';

export interface SourceScan {
  sha256: string;
  /** The first line, without BOM or line ending; undefined for Parquet. */
  header?: string;
  /** Data lines after the header (CSV only). */
  dataLines?: number;
  /**
   * The numbered copy asked for, when it is complete: every line of the (decompressed) file with
   * its line number and a comma in front (see numbered-copy.ts), in one or two parts. Absent when
   * the file holds a double quote: a quoted field may span lines, so a line need not be a row.
   */
  numbered?: NumberedPart[];
}

const NEWLINE = 0x0a;

function countNewlines(buf: Buffer): number {
  let count = 0;
  let at = buf.indexOf(NEWLINE);
  while (at >= 0) {
    count++;
    at = buf.indexOf(NEWLINE, at + 1);
  }
  return count;
}

/** Where to write a numbered copy, and the file's header line (already read, see readHeader). */
export interface NumberedCopyRequest {
  /** Path prefix of the copy's files; they are listed in SourceScan.numbered. */
  base: string;
  header: string;
}

/**
 * Reads the file once: its hash, header and line count, and for a CSV asked for it, the numbered
 * copy (see SourceScan.numbered). A copy abandoned or failed leaves no file behind.
 */
export async function scanSource(file: SourceFile, onBytes?: (n: number) => void, numberedCopy?: NumberedCopyRequest): Promise<SourceScan> {
  // A large plain file is copied in two parts on worker threads while this one hashes and counts;
  // otherwise the copy is made here, in the same loop. (Started before the file is opened below:
  // the stream flows as soon as it has a listener.)
  const parts = numberedCopy !== undefined && file.format !== 'parquet' ? startParts(file, numberedCopy) : undefined;
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
  let copy = numberedCopy !== undefined && !parts ? new NumberedCopy(`${numberedCopy.base}.csv`) : undefined;
  let newlines = 0;
  let newlinesBeforeCut = 0;
  let offset = 0;
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
      const count = countNewlines(buf);
      newlines += count;
      if (parts && offset < parts.cut) {
        newlinesBeforeCut += offset + buf.length <= parts.cut ? count : countNewlines(buf.subarray(0, parts.cut - offset));
      }
      offset += buf.length;
      last = buf[buf.length - 1]!;
      if (copy && !copy.add(buf)) {
        copy.abandon();
        copy = undefined;
      }
    }
    copy?.finish();
  } catch (error) {
    copy?.abandon();
    await parts?.discard();
    throw new InputReadError(file.path, `cannot be read: ${(error as Error).message}`);
  }
  if (headerBytes) header = Buffer.concat(headerBytes).toString('utf8');
  if (!any) {
    await parts?.discard();
    throw new InputReadError(file.path, 'is empty (no header line)');
  }
  const lines = newlines + (last === NEWLINE ? 0 : 1);
  let numbered: NumberedPart[] | undefined = copy ? [{ path: copy.path, lineOffset: 0 }] : undefined;
  if (parts) numbered = await parts.finished(newlinesBeforeCut);
  return {
    sha256: hash.digest('hex'),
    header: cleanHeader(header ?? ''),
    dataLines: lines - 1,
    ...(numbered ? { numbered } : {}),
  };
}

interface PartsInFlight {
  /** Where the second part starts (just after a newline). */
  cut: number;
  /** The parts once both are copied, the second offset by the lines before the cut; undefined if a quote showed. */
  finished(linesBeforeCut: number): Promise<NumberedPart[] | undefined>;
  discard(): Promise<void>;
}

/** Starts the two-part copy of a large plain CSV, or returns undefined when it should be copied inline. */
function startParts(file: SourceFile, { base, header }: NumberedCopyRequest): PartsInFlight | undefined {
  if (file.format !== 'csv' || file.bytes < PARALLEL_COPY_FROM_BYTES || !parallelCopyAvailable()) return undefined;
  const cut = lineBoundaryAfter(file.path, Math.floor(file.bytes / 2), file.bytes);
  if (cut === undefined) return undefined;
  const paths = [`${base}.1.csv`, `${base}.2.csv`] as const;
  const copies = Promise.allSettled([
    copyRangeOnWorker(file.path, 0, cut, paths[0]),
    copyRangeOnWorker(file.path, cut, file.bytes, paths[1], header),
  ]);
  const remove = () => paths.forEach((path) => rmSync(path, { force: true }));
  return {
    cut,
    async finished(linesBeforeCut) {
      const outcomes = await copies;
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) {
        remove();
        throw new InputReadError(file.path, `cannot be read: ${(failed.reason as Error).message}`);
      }
      if (outcomes.some((o) => o.status === 'fulfilled' && o.value.quoted)) {
        remove();
        return undefined;
      }
      return [
        { path: paths[0], lineOffset: 0 },
        { path: paths[1], lineOffset: linesBeforeCut },
      ];
    },
    async discard() {
      await copies;
      remove();
    },
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
