/**
 * Where things live. One function per setting so every command resolves them the same way.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';

/** The lakehouse root: --lake, then CLICKLAKE_LAKE, then ./lakehouse. */
export function resolveLakeDir(option?: string): string {
  return resolve(option ?? process.env.CLICKLAKE_LAKE ?? 'lakehouse');
}

/**
 * The folder of shared reference material (real REES46 rows, the Delta conformance corpus).
 * It is not part of the repository: CLICKLAKE_SHARED, else ../shared beside the checkout.
 * Returns undefined when it is absent so suites that need it can skip with a reason.
 */
export function resolveSharedDir(): string | undefined {
  const dir = resolve(process.env.CLICKLAKE_SHARED ?? '../shared');
  return existsSync(dir) ? dir : undefined;
}

/** A table's folder: <lake>/<layer>/<name>. Table names are `layer.name`. */
export function tableDir(lakeDir: string, qualifiedName: string): string {
  const match = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(qualifiedName);
  if (!match) {
    throw new Error(`table name "${qualifiedName}" is not of the form layer.table (e.g. silver.events)`);
  }
  return resolve(lakeDir, match[1]!, match[2]!);
}
