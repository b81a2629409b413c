/**
 * Stages one source file for Bronze: every line becomes a row of the nine source columns as text,
 * plus `_rescued` (extra columns as JSON), `_parse_error`, `_raw_line` and `_source_line`.
 *
 * Four paths, cheapest first:
 * - numbered CSV: the byte scan's copy of the file with each line's number in front (see
 *   numbered-copy.ts) is read by DuckDB's strict parallel reader straight into Bronze; the write
 *   must produce one row per line, or nothing is committed and the next path is taken;
 * - strict CSV: DuckDB's strict reader copies the file to a Parquet staging file in file order; the
 *   Parquet row number is then the line number (checked against the line count from the byte scan);
 * - line by line: when strict reading fails (wrong field count, broken quoting, invalid UTF-8) or
 *   would lose a line, each line is split here and malformed ones are kept whole with a reason;
 * - Parquet: read as is, values cast to text, the row number standing in for the line.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { quoteIdent, quoteString, quoteStringList, type Session } from '../engine/session.js';
import type { NumberedPart } from './numbered-copy.js';
import { csvQuote, splitCsvLine } from './line-parser.js';
import { EXPECTED_COLUMNS, type SourceFile } from './inputs.js';

export interface StagedSource {
  /** A SELECT producing the staged columns (see STAGED_COLUMNS). */
  select: string;
  rows: number;
  malformed: number;
  path: 'numbered' | 'strict' | 'lines' | 'parquet';
}

export const STAGED_COLUMNS = [...EXPECTED_COLUMNS, '_rescued', '_parse_error', '_raw_line', '_source_line'] as const;

function rescuedExpr(extras: readonly string[]): string {
  if (extras.length === 0) return 'NULL::VARCHAR';
  const pairs = extras.map((name) => `${quoteString(name)}, ${quoteIdent(name)}::VARCHAR`).join(', ');
  return `json_object(${pairs})::VARCHAR`;
}

/**
 * The numbered copy of a CSV (its `_source_line` column first, then the file's columns), in one or
 * more parts read as one relation in order; each part's line offset is added back.
 */
export function stageNumbered(header: readonly string[], extras: readonly string[], parts: readonly NumberedPart[], dataLines: number): StagedSource {
  const columns = `{${['_source_line', ...header].map((name) => `${quoteString(name)}: ${name === '_source_line' ? "'BIGINT'" : "'VARCHAR'"}`).join(', ')}}`;
  const picked = EXPECTED_COLUMNS.map((name) => quoteIdent(name)).join(', ');
  const offsets = parts.some((p) => p.lineOffset !== 0);
  const line = offsets
    ? `_source_line + CASE filename ${parts.map((p) => `WHEN ${quoteString(p.path)} THEN ${p.lineOffset}`).join(' ')} END`
    : '_source_line';
  return {
    select:
      `SELECT ${picked}, ${rescuedExpr(extras)} AS _rescued, NULL::VARCHAR AS _parse_error, NULL::VARCHAR AS _raw_line, ` +
      `(${line})::BIGINT AS _source_line ` +
      `FROM read_csv(${quoteStringList(parts.map((p) => p.path))}, header = true, auto_detect = false, strict_mode = true, ` +
      `delim = ',', quote = '"', escape = '"', columns = ${columns}${offsets ? ', filename = true' : ''})`,
    rows: dataLines,
    malformed: 0,
    path: 'numbered',
  };
}

/**
 * Strict CSV to Parquet; returns undefined when the file needs the line-by-line path. `dataLines`
 * (the byte scan's line count) proves no line was lost or merged.
 */
export async function stageCsvStrict(
  session: Session,
  file: SourceFile,
  header: readonly string[],
  extras: readonly string[],
  dataLines: number,
  stagingParquet: string,
): Promise<StagedSource | undefined> {
  const columns = `{${header.map((name) => `${quoteString(name)}: 'VARCHAR'`).join(', ')}}`;
  const source =
    `read_csv(${quoteString(file.path)}, header = true, auto_detect = false, strict_mode = true, ` +
    `delim = ',', quote = '"', escape = '"', columns = ${columns})`;
  const picked = EXPECTED_COLUMNS.map((name) => quoteIdent(name)).join(', ');
  try {
    await session.run(
      `COPY (SELECT ${picked}, ${rescuedExpr(extras)} AS _rescued FROM ${source}) ` +
        // Read once, front to back: dictionaries would only cost time (a third of the copy's CPU).
        `TO ${quoteString(stagingParquet)} (FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 1)`,
    );
  } catch {
    return undefined;
  }
  const rows = Number(await session.scalar(`SELECT count(*) FROM read_parquet(${quoteString(stagingParquet)})`));
  // A blank line or a quoted newline would shift row numbers off line numbers: take the slow path.
  if (rows !== dataLines) return undefined;
  return {
    select:
      `SELECT ${picked}, _rescued, NULL::VARCHAR AS _parse_error, NULL::VARCHAR AS _raw_line, ` +
      `(file_row_number + 2)::BIGINT AS _source_line ` +
      `FROM read_parquet(${quoteString(stagingParquet)}, file_row_number = true)`,
    rows,
    malformed: 0,
    path: 'strict',
  };
}

/**
 * Reads the file line by line (bytes, so invalid UTF-8 is seen), writes a clean quoted CSV that
 * DuckDB reads strictly, and keeps every malformed line whole with its reason.
 */
export async function stageCsvLines(
  session: Session,
  file: SourceFile,
  header: readonly string[],
  extras: readonly string[],
  stagingCsv: string,
  onBytes?: (n: number) => void,
): Promise<StagedSource> {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
  raw.on('data', (chunk) => onBytes?.((chunk as Buffer).length));
  const input = file.format === 'csv.gz' ? raw.pipe(createGunzip()) : raw;
  const out = createWriteStream(stagingCsv);
  const index = new Map(header.map((name, i) => [name, i] as const));
  const wanted = EXPECTED_COLUMNS.map((name) => index.get(name)!);
  const extraIdx = extras.map((name) => index.get(name)!);
  const fatal = new TextDecoder('utf-8', { fatal: true });
  const lenient = new TextDecoder('utf-8');
  let pending: string[] = [];
  let rows = 0;
  let malformed = 0;
  let lineNo = 0;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    if (!out.write(text)) await once(out, 'drain');
  };

  const emit = (bytes: Buffer): void => {
    lineNo++;
    if (lineNo === 1) return; // the header, checked already
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    const body = bytes.subarray(0, end);
    let line: string;
    let error: string | null = null;
    try {
      line = fatal.decode(body);
    } catch {
      line = lenient.decode(body);
      error = 'invalid_utf8';
    }
    let values: (string | null)[] = EXPECTED_COLUMNS.map(() => null);
    let rescued: string | null = null;
    let rawLine: string | null = null;
    const parsed = line.length === 0 ? ({ ok: false, error: 'empty_line' } as const) : splitCsvLine(line);
    if (!parsed.ok) {
      error = parsed.error;
    } else if (parsed.fields.length !== header.length) {
      error = `wrong_field_count:${parsed.fields.length}`;
    } else {
      values = wanted.map((i) => nullIfEmpty(parsed.fields[i]!));
      if (extraIdx.length > 0) {
        rescued = JSON.stringify(Object.fromEntries(extras.map((name, k) => [name, nullIfEmpty(parsed.fields[extraIdx[k]!]!)])));
      }
    }
    if (error !== null) {
      malformed++;
      rawLine = line;
    }
    rows++;
    pending.push([String(lineNo), ...values.map(csvQuote), csvQuote(rescued), csvQuote(error), csvQuote(rawLine)].join(',') + '\n');
  };

  let carry: Buffer | undefined;
  for await (const chunk of input) {
    let buf = chunk as Buffer;
    if (carry) {
      buf = Buffer.concat([carry, buf]);
      carry = undefined;
    }
    let start = 0;
    let nl = buf.indexOf(0x0a, start);
    while (nl >= 0) {
      emit(buf.subarray(start, nl));
      start = nl + 1;
      nl = buf.indexOf(0x0a, start);
    }
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
    if (pending.length > 4096) await flush();
  }
  if (carry && carry.length > 0) emit(carry);
  await flush();
  out.end();
  await once(out, 'finish');

  const cols = ['_source_line', ...EXPECTED_COLUMNS, '_rescued', '_parse_error', '_raw_line'];
  const columns = `{${cols.map((name) => `${quoteString(name)}: ${name === '_source_line' ? "'BIGINT'" : "'VARCHAR'"}`).join(', ')}}`;
  return {
    select:
      `SELECT ${STAGED_COLUMNS.map(quoteIdent).join(', ')} FROM read_csv(${quoteString(stagingCsv)}, header = false, ` +
      `auto_detect = false, strict_mode = true, delim = ',', quote = '"', escape = '"', ` +
      `allow_quoted_nulls = false, columns = ${columns})`,
    rows,
    malformed,
    path: 'lines',
  };
}

function nullIfEmpty(value: string): string | null {
  return value === '' ? null : value;
}

/** Column names and DuckDB types of a Parquet source. */
export async function parquetColumns(session: Session, path: string): Promise<{ name: string; type: string }[]> {
  return session.describe(`SELECT * FROM read_parquet(${quoteString(path)})`);
}

/** A Parquet source: values as text (timestamps in the CSV's `YYYY-MM-DD HH:MM:SS UTC` form). */
export async function stageParquet(
  session: Session,
  file: SourceFile,
  columns: readonly { name: string; type: string }[],
  extras: readonly string[],
): Promise<StagedSource> {
  const types = new Map(columns.map((c) => [c.name, c.type] as const));
  const text = (name: string): string => {
    const type = types.get(name) ?? 'VARCHAR';
    if (type.startsWith('TIMESTAMP')) {
      return `strftime(${quoteIdent(name)}::TIMESTAMPTZ, '%Y-%m-%d %H:%M:%S UTC')`;
    }
    return `${quoteIdent(name)}::VARCHAR`;
  };
  const picked = EXPECTED_COLUMNS.map((name) => `${text(name)} AS ${quoteIdent(name)}`).join(', ');
  const select =
    `SELECT ${picked}, ${rescuedExpr(extras)} AS _rescued, NULL::VARCHAR AS _parse_error, NULL::VARCHAR AS _raw_line, ` +
    `(file_row_number + 1)::BIGINT AS _source_line FROM read_parquet(${quoteString(file.path)}, file_row_number = true)`;
  const rows = Number(await session.scalar(`SELECT count(*) FROM read_parquet(${quoteString(file.path)})`));
  return { select, rows, malformed: 0, path: 'parquet' };
}
