/**
 * Loads the SQL models (one file per table, folders by layer). src/pipeline/sql is read first: it
 * ships in the package (package.json `files`) and is never stale, whereas the copy beside the
 * compiled module is refreshed only by `npm run build` (a bare `tsc` leaves an old one in place).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export type Layer = 'bronze' | 'silver' | 'gold';

const here = fileURLToPath(new URL('.', import.meta.url));
const candidates = [join(here, '..', '..', '..', 'src', 'pipeline', 'sql'), join(here, 'sql')];
const cache = new Map<string, string>();

export function modelSql(layer: Layer, name: string): string {
  const key = `${layer}/${name}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  for (const dir of candidates) {
    const path = join(dir, layer, `${name}.sql`);
    if (existsSync(path)) {
      // Strip the trailing newline/semicolon so a model can be wrapped (COPY (…), CREATE VIEW … AS …).
      const sql = readFileSync(path, 'utf8').trim().replace(/;$/, '');
      cache.set(key, sql);
      return sql;
    }
  }
  throw new Error(`SQL model ${key}.sql not found (looked in ${candidates.join(', ')})`);
}
