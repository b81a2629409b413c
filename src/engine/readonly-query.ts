/**
 * Read-only SQL over lake tables. Three independent locks, so no single mistake lets a query write:
 * 1. DuckDB's own parser (json_serialize_sql) must accept the text as exactly one SELECT; it
 *    rejects COPY, CREATE, INSERT, ATTACH, INSTALL, SET, PRAGMA and every other statement type;
 * 2. the parsed tree may call no table function but a few generators (no read_csv, query(), …)
 *    and no scalar function with side effects;
 * 3. once the referenced tables are registered as views, the session loses file access outside the
 *    lake and its configuration is locked, so even a SELECT that slipped through could not reach
 *    another file or turn the locks off.
 * Tables are named `layer.table`; each one the query names is opened as a Delta snapshot (at the
 * requested version or timestamp) and exposed as a view in a schema named after its layer.
 */
import { quoteIdent, quoteString, type Session } from './session.js';
import { Lake } from './lake.js';

export class QueryRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefusedError';
  }
}

export class UnknownTableError extends Error {
  constructor(readonly table: string, available: readonly string[]) {
    super(`no table ${table} in the lake (tables: ${available.join(', ') || 'none; run `clicklake run` first'})`);
    this.name = 'UnknownTableError';
  }
}

const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);
const DENIED_FUNCTIONS = new Set(['getenv', 'setseed', 'nextval', 'currval']);
const LAYER_SCHEMAS = new Set(['bronze', 'silver', 'gold', 'ops']);

interface TableRef {
  schema: string;
  table: string;
}

/** Parses and checks the statement; returns the lake tables it names. Throws QueryRefusedError. */
export async function checkReadOnly(session: Session, sql: string): Promise<TableRef[]> {
  const text = await session.scalar<string>(`SELECT json_serialize_sql(${quoteString(sql)})`);
  const parsed = JSON.parse(text ?? '{}') as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (parsed.error) {
    if (/Only SELECT statements/i.test(parsed.error_message ?? '')) {
      throw new QueryRefusedError('only a read-only SELECT is allowed (COPY, CREATE, INSERT, ATTACH, SET, PRAGMA, … are refused)');
    }
    throw new QueryRefusedError(`cannot parse the query: ${parsed.error_message ?? 'unknown error'}`);
  }
  const statements = parsed.statements ?? [];
  if (statements.length !== 1) {
    throw new QueryRefusedError(`give exactly one SELECT statement (got ${statements.length})`);
  }
  const refs = new Map<string, TableRef>();
  walk(statements[0], (node) => {
    const type = node.type;
    if (type === 'BASE_TABLE') {
      const catalog = String(node.catalog_name ?? '');
      const schema = String(node.schema_name ?? '');
      const table = String(node.table_name ?? '');
      if (catalog !== '') throw new QueryRefusedError(`tables are named layer.table; "${catalog}.${schema}.${table}" is not`);
      if (schema !== '') refs.set(`${schema}.${table}`, { schema, table });
    } else if (type === 'TABLE_FUNCTION') {
      const fn = node.function as { function_name?: string } | undefined;
      const name = String(fn?.function_name ?? '').toLowerCase();
      if (!ALLOWED_TABLE_FUNCTIONS.has(name)) {
        throw new QueryRefusedError(`table function ${name}() is not allowed in a read-only query; query lake tables by name`);
      }
    } else if (node.class === 'FUNCTION') {
      const name = String(node.function_name ?? '').toLowerCase();
      if (DENIED_FUNCTIONS.has(name)) throw new QueryRefusedError(`function ${name}() is not allowed in a read-only query`);
    }
  });
  return [...refs.values()];
}

function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    visit(node);
    for (const child of Object.values(node)) walk(child, visit);
  }
}

export interface ReadOnlyOptions {
  version?: number;
  timestamp?: Date;
}

/**
 * Registers the tables a checked query names (time travel applies to those), then locks the
 * session. The session must not be used for anything but the query afterwards.
 */
export async function prepareReadOnly(session: Session, lakeDir: string, refs: readonly TableRef[], at: ReadOnlyOptions): Promise<void> {
  const lake = new Lake(lakeDir, session);
  const available = lake.tableNames();
  for (const ref of refs) {
    const name = `${ref.schema}.${ref.table}`;
    if (!LAYER_SCHEMAS.has(ref.schema) || !available.includes(name)) throw new UnknownTableError(name, available);
    const hidden = `__lake_${ref.schema}_${ref.table}`;
    await lake.view(hidden, name, at);
    await session.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ref.schema)}`);
    await session.run(
      `CREATE OR REPLACE VIEW ${quoteIdent(ref.schema)}.${quoteIdent(ref.table)} AS SELECT * FROM ${quoteIdent(hidden)}`,
    );
  }
  await session.run(`SET allowed_directories = [${quoteString(lake.dir)}]`);
  await session.run(`SET enable_external_access = false`);
  await session.run(`SET lock_configuration = true`);
}
