/**
 * `clicklake query "SQL" [--lake DIR] [--json|--csv] [--version N | --timestamp T]`: read-only
 * SQL over lake tables named `layer.table`; time travel applies to the tables the query names.
 */
import type { Command } from 'commander';
import { resolveLakeDir } from '../config.js';
import { Session } from '../engine/session.js';
import { checkReadOnly, prepareReadOnly } from '../engine/readonly-query.js';
import { textTable } from '../pipeline/summary.js';
import { csvQuote } from '../pipeline/line-parser.js';
import { CliError, parseCount } from './errors.js';

interface QueryOptions {
  lake?: string;
  json?: boolean;
  csv?: boolean;
  version?: string;
  timestamp?: string;
}

export function register(program: Command): void {
  program
    .command('query')
    .description('run read-only SQL over lake tables (bronze.events, silver.events, gold.kpi_daily, ...)')
    .argument('<sql>', 'one SELECT statement')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--json', 'print rows as a JSON array')
    .option('--csv', 'print rows as CSV')
    .option('--version <n>', 'read the named tables as of this version')
    .option('--timestamp <time>', 'read the named tables as of this time (ISO 8601)')
    .action(async (sql: string, options: QueryOptions) => {
      if (options.json && options.csv) throw new CliError('give --json or --csv, not both');
      if (options.version !== undefined && options.timestamp !== undefined) {
        throw new CliError('give --version or --timestamp, not both');
      }
      const version = options.version !== undefined ? parseCount(options.version, '--version') : undefined;
      let timestamp: Date | undefined;
      if (options.timestamp !== undefined) {
        timestamp = new Date(options.timestamp);
        if (Number.isNaN(timestamp.getTime())) throw new CliError(`--timestamp must be an ISO 8601 time, got "${options.timestamp}"`);
      }
      const session = await Session.open({ threads: 2 });
      try {
        const refs = await checkReadOnly(session, sql);
        await prepareReadOnly(session, resolveLakeDir(options.lake), refs, { version, timestamp });
        const columns = (await session.describe(sql.trim().replace(/;+$/, ''))).map((c) => c.name);
        const rows = await session.json(sql);
        process.stdout.write(`${render(columns, rows, options)}\n`);
      } finally {
        session.close();
      }
    });
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function render(columns: string[], rows: Record<string, unknown>[], options: QueryOptions): string {
  if (options.json) return JSON.stringify(rows, null, 2);
  if (options.csv) {
    const body = rows.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '' : csvQuote(text(row[c])))).join(','));
    return [columns.map((c) => csvQuote(c)).join(','), ...body].join('\n');
  }
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || /^-?[\d.]+(e[-+]?\d+)?$/i.test(text(r[c]))));
  return `${textTable(columns, rows.map((r) => columns.map((c) => text(r[c]))), numeric)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})`;
}
