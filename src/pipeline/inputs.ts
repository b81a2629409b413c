/**
 * Finds the source files a run was given (files or folders of .csv, .csv.gz and .parquet), and
 * fingerprints each by the SHA-256 of its bytes: the fingerprint is the Bronze transaction id, so
 * a file is ingested exactly once however often it is passed, renamed or copied.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputHeaderError, InputNotFoundError } from './errors.js';

export type SourceFormat = 'csv' | 'csv.gz' | 'parquet';

export interface SourceFile {
  path: string;
  format: SourceFormat;
  bytes: number;
}

export const EXPECTED_COLUMNS = [
  'event_time',
  'event_type',
  'product_id',
  'category_id',
  'category_code',
  'brand',
  'price',
  'user_id',
  'user_session',
] as const;

export function formatOf(path: string): SourceFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.csv.gz')) return 'csv.gz';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** Expands files and folders (recursively) into supported files, sorted by path within each folder. */
export function listSourceFiles(paths: readonly string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const seen = new Set<string>();
  const visit = (path: string, explicit: boolean): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name.startsWith('.') || name.startsWith('_')) continue;
        visit(join(path, name), false);
      }
      return;
    }
    const format = formatOf(path);
    if (!format) {
      if (explicit) throw new InputNotFoundError(path, 'not a .csv, .csv.gz or .parquet file');
      return;
    }
    if (seen.has(path)) return;
    seen.add(path);
    out.push({ path, format, bytes: stat.size });
  };
  for (const raw of paths) {
    const path = resolve(raw);
    if (!existsSync(path)) throw new InputNotFoundError(path, 'no such file or folder');
    visit(path, true);
  }
  return out;
}

/** SHA-256 of a file's bytes, streamed so a multi-gigabyte file never sits in memory. */
export async function sha256File(path: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

/**
 * Checks a source's column names against the nine REES46 columns. A missing (or renamed) column is
 * an error naming it; columns beyond the nine are returned so Bronze keeps them in `_rescued`.
 */
export function checkHeader(file: string, columns: readonly string[]): { extras: string[] } {
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) throw new InputHeaderError(file, `header names column "${name}" more than once`);
    seen.add(name);
  }
  const missing = EXPECTED_COLUMNS.filter((name) => !seen.has(name));
  const expected = new Set<string>(EXPECTED_COLUMNS);
  const extras = columns.filter((name) => !expected.has(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    const others = extras.length > 0 ? `; unexpected: ${extras.map((name) => `"${name}"`).join(', ')}` : '';
    throw new InputHeaderError(file, `header is missing column${missing.length > 1 ? 's' : ''} ${list}${others}`);
  }
  return { extras };
}
