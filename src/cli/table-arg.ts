/**
 * Resolves the TABLE argument of the table-operation commands: `layer.name` under the lake
 * (--lake, CLICKLAKE_LAKE, ./lakehouse), or a path to a table folder. Fails with one line when
 * neither names a Delta table.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveLakeDir, tableDir } from '../config.js';
import { CliError } from './errors.js';

export function resolveTableArg(table: string, lake?: string): string {
  const isName = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(table) && !existsSync(resolve(table));
  const dir = isName ? tableDir(resolveLakeDir(lake), table) : resolve(table);
  if (!existsSync(join(dir, '_delta_log'))) {
    throw new CliError(`no Delta table at ${dir} (TABLE is layer.name under the lake, or a table folder)`);
  }
  return dir;
}

/** Parses a positive number option or fails naming the option. */
export function parseNumber(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new CliError(`${option} must be a non-negative number, got "${value}"`);
  return n;
}
