/**
 * One streaming pass over a source file's bytes: its SHA-256 (the Bronze transaction id), its
 * header line and its number of data lines (and, before it, `readHeader` for the header alone). The line count is what proves DuckDB's strict reader
 * kept every line (so Parquet row numbers are line numbers); a mismatch sends the file down the
 * line-by-line path instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { SourceFile } from './inputs.js';
import { InputReadError } from './errors.js';

export interface SourceScan {
  sha256: string;
  /** The first line, without BOM or line ending; undefined for Parquet. */
  header?: string;
  /** Data lines after the header (CSV only). */
  dataLines?: number;
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

export async function scanSource(file: SourceFile, onBytes?: (n: number) => void): Promise<SourceScan> {
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
    }
  } catch (error) {
    throw new InputReadError(file.path, `cannot be read: ${(error as Error).message}`);
  }
  if (headerBytes) header = Buffer.concat(headerBytes).toString('utf8');
  if (!any) throw new InputReadError(file.path, 'is empty (no header line)');
  const lines = newlines + (last === NEWLINE ? 0 : 1);
  return { sha256: hash.digest('hex'), header: cleanHeader(header ?? ''), dataLines: lines - 1 };
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
