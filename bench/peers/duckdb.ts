/**
 * The bare DuckDB peer of `bench peers`: runs bench/peers/duckdb.sql, clicklake's core work as one
 * SQL script with no Delta log, lineage, quarantine or quality, in its own process. The difference
 * between this and `clicklake run` is our own overhead, measured.
 *
 * Usage: node dist/bench/peers/duckdb.js CSV OUT_DIR   (prints one JSON line: rows and outputs)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, quoteString } from '../../src/engine/session.js';
import { KPI_FILE, peerMain, type PeerOutput } from './contract.js';

// The script sits beside this module in the source tree; compiled, this module is in dist/bench/peers.
const SCRIPT_CANDIDATES = ['./duckdb.sql', '../../../bench/peers/duckdb.sql'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export function scriptPath(): string {
  const found = SCRIPT_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`bench/peers/duckdb.sql not found (looked in ${SCRIPT_CANDIDATES.join(', ')})`);
  return found;
}

/** Fills each {{name}} with its path as a quoted SQL string; a placeholder without a value is an error. */
export function renderScript(template: string, paths: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = paths[name];
    if (value === undefined) throw new Error(`duckdb.sql: no value for placeholder {{${name}}}`);
    return quoteString(value);
  });
}

/** Statements end with `;` at the end of a line (the script has no `;` inside strings). */
export function splitStatements(script: string): string[] {
  return script
    .split(/;[ \t]*\r?\n/)
    .map((s) => s.replace(/;\s*$/, '').trim())
    .filter((s) => s.replace(/--[^\n]*/g, '').trim().length > 0);
}

async function main(args: string[]): Promise<PeerOutput> {
  const [csv, outDir] = args;
  if (!csv || !outDir) throw new Error('usage: duckdb.js CSV OUT_DIR');
  mkdirSync(outDir, { recursive: true });
  const script = renderScript(readFileSync(scriptPath(), 'utf8'), {
    csv,
    events: join(outDir, 'events.parquet'),
    sessions: join(outDir, 'sessions.parquet'),
    kpi_daily: join(outDir, KPI_FILE),
    product_performance: join(outDir, 'product_performance.parquet'),
  });
  const session = await Session.open({ tempDirectory: join(outDir, 'spill') });
  try {
    for (const statement of splitStatements(script)) await session.run(statement);
    const rows = Number(await session.scalar<bigint>('select count(*) from events'));
    const sessions = Number(await session.scalar<bigint>('select count(distinct user_session) from events'));
    return { rows, sessions, outDir };
  } finally {
    session.close();
  }
}

peerMain(import.meta.url, main);
