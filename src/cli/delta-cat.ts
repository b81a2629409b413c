/**
 * `clicklake delta cat PATH [--version N | --timestamp T] [--json] [--limit N] [--where PRED]`:
 * prints the rows of any Delta table, ours or another writer's. `--where` takes the predicate
 * grammar of delta/predicate.ts; it prunes files by partition values and stats, then filters rows
 * with bound parameters. A summary of the scan (version, rows, files and bytes read) goes to stderr.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { parsePredicate, type Predicate } from '../delta/predicate.js';
import { openDeltaView, predicateFilter } from '../engine/delta-view.js';
import { quoteIdent, Session } from '../engine/session.js';
import { textTable } from '../pipeline/summary.js';
import { CliError, parseCount } from './errors.js';

interface CatOptions {
  version?: string;
  timestamp?: string;
  json?: boolean;
  limit?: string;
  where?: string;
}

export function register(program: Command): void {
  const delta = program.command('delta').description('work with any Delta table directly, by path');
  delta
    .command('cat')
    .description('print the rows of a Delta table (ours or any other writer\'s)')
    .argument('<path>', 'the table root (the folder holding _delta_log/)')
    .option('--version <n>', 'read the table as of this version')
    .option('--timestamp <time>', 'read the table as of this time (ISO 8601; UTC when no zone is given)')
    .option('--json', 'print one JSON object per row (JSON lines)')
    .option('--limit <n>', 'print at most this many rows')
    .option('--where <predicate>', "keep rows matching, e.g. \"letter = 'a' AND number BETWEEN 1 AND 5\" (=, !=, <, <=, >, >=, IN, BETWEEN, IS [NOT] NULL, AND, OR, NOT)")
    .action(async (path: string, options: CatOptions) => {
      if (options.version !== undefined && options.timestamp !== undefined) {
        throw new CliError('give --version or --timestamp, not both');
      }
      const version = options.version !== undefined ? parseCount(options.version, '--version') : undefined;
      const timestamp = options.timestamp !== undefined ? parseTimestamp(options.timestamp) : undefined;
      const limit = options.limit !== undefined ? parseCount(options.limit, '--limit') : undefined;
      let predicate: Predicate | undefined;
      if (options.where !== undefined) {
        try {
          predicate = parsePredicate(options.where);
        } catch (error) {
          throw new CliError(`--where: ${(error as Error).message}`);
        }
      }
      const session = await Session.open({ threads: 2 });
      try {
        const { snapshot, scan } = await openDeltaView(session, 'delta_cat', resolve(path), { version, timestamp, predicate });
        const filter = predicate ? predicateFilter(predicate, snapshot.schema, snapshot.table) : undefined;
        const params: (string | number)[] = [...(filter?.params ?? [])];
        let sql = `SELECT * FROM ${quoteIdent('delta_cat')}`;
        if (filter) sql += ` WHERE ${filter.sql}`;
        if (limit !== undefined) {
          sql += ' LIMIT ?';
          params.push(limit);
        }
        const columns = snapshot.schema.fields.map((f) => f.name);
        const types = new Map((await session.describe(`SELECT * FROM ${quoteIdent('delta_cat')}`)).map((c) => [c.name, c.type] as const));
        const numericCol = columns.map((c) => NUMERIC.test(types.get(c) ?? ''));
        const rows = (await session.json(sql, params)).map((row) => safeIntegers(row, types));
        if (options.json) {
          process.stdout.write(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
        } else {
          const cells = rows.map((row) => columns.map((c) => text(row[c])));
          process.stdout.write(`${textTable(columns, cells, numericCol)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
        }
        process.stderr.write(
          `version ${snapshot.version}: ${rows.length} row${rows.length === 1 ? '' : 's'}; files scanned ${scan.filesScanned}/${scan.filesTotal}, bytes ${scan.bytesScanned}/${scan.bytesTotal}\n`,
        );
      } finally {
        session.close();
      }
    });
}

/** ISO 8601 time; a time without a zone (or a bare date) is UTC, as timestamps are UTC end to end. */
export function parseTimestamp(value: string): Date {
  const trimmed = value.trim();
  let text = trimmed;
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) text = `${trimmed}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed)) text = `${trimmed.replace(' ', 'T')}Z`;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new CliError(`--timestamp must be an ISO 8601 time such as 2024-05-01T12:00:00Z, got "${value}"`);
  }
  return date;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|DOUBLE|DECIMAL)/;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/;

/**
 * 64-bit integers arrive as text to keep precision; those that fit a JS number print as numbers.
 * Top-level maps arrive as `{ key, value }` entry lists; they print as JSON objects (keys as text),
 * as other engines show them.
 */
function safeIntegers(row: Record<string, unknown>, types: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const type = types.get(key) ?? '';
    if (typeof value === 'string' && INTEGER.test(type) && Number.isSafeInteger(Number(value))) out[key] = Number(value);
    else if (type.startsWith('MAP(') && Array.isArray(value)) out[key] = Object.fromEntries(value.map((e: { key: unknown; value: unknown }) => [String(e.key), e.value]));
    else out[key] = value;
  }
  return out;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
