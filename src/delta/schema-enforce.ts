/**
 * Schema enforcement for writes: the columns a write produces must match the table's by name
 * and type. Every mismatch is collected and reported at once in a DeltaSchemaMismatchError.
 * Accepted without a schema change: widening that loses nothing (byte→short→integer→long,
 * float→double, decimal to a larger precision at the same scale) and a TIMESTAMP (no zone) into
 * a `timestamp` column (the session is UTC, so the instant is the same). With `mergeSchema`,
 * columns the table lacks are added as nullable; a type is never narrowed or changed.
 *
 * Our own tables avoid `timestamp_ntz` (a table feature that raises the protocol): a new column
 * of DuckDB type TIMESTAMP is created as `timestamp` and cast to TIMESTAMPTZ when written.
 * Nullability is checked from the written files' null counts (a query result carries none).
 */
import { DeltaSchemaMismatchError } from './errors.js';
import { containsType, field, sameType, struct, typeName, type DeltaType, type StructType } from './type-map.js';

export interface WriteColumn {
  name: string;
  type: DeltaType;
}

export interface SchemaResolution {
  /** The table schema after this write. */
  schema: StructType;
  /** True when the write adds columns (a metaData action must be committed). */
  changed: boolean;
  /** Per written column, in table order, the Delta type it is cast to when written. */
  columns: WriteColumn[];
}

const INTEGER_RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4 };

function widens(from: DeltaType, to: DeltaType): boolean {
  if (typeof from !== 'string' || typeof to !== 'string') return false;
  if (INTEGER_RANK[from] && INTEGER_RANK[to]) return INTEGER_RANK[from]! <= INTEGER_RANK[to]!;
  if (from === 'float' && to === 'double') return true;
  if (from === 'timestamp_ntz' && to === 'timestamp') return true;
  const a = /^decimal\((\d+),(\d+)\)$/.exec(from);
  const b = /^decimal\((\d+),(\d+)\)$/.exec(to);
  if (a && b) return a[2] === b[2] && Number(a[1]) <= Number(b[1]);
  return false;
}

/** The type a new column gets in one of our tables. */
function newColumnType(column: WriteColumn, table?: string): DeltaType {
  if (column.type === 'timestamp_ntz') return 'timestamp';
  if (containsType(column.type, 'timestamp_ntz')) {
    throw new DeltaSchemaMismatchError(
      `column ${column.name} holds a TIMESTAMP without time zone inside a nested type; cast it to TIMESTAMPTZ`,
      [column.name],
      table,
    );
  }
  return column.type;
}

/** The schema of a new table created by a write of these columns. */
export function schemaForCreate(columns: readonly WriteColumn[], partitionBy: readonly string[], table?: string): SchemaResolution {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const c of columns) {
    const lower = c.name.toLowerCase();
    if (seen.has(lower)) problems.push(`${c.name}: duplicate column (also ${seen.get(lower)}); Delta column names are case-insensitive`);
    seen.set(lower, c.name);
  }
  for (const p of partitionBy) {
    const c = columns.find((x) => x.name === p);
    if (!c) problems.push(`${p}: partition column is not among the written columns`);
    else if (typeof c.type !== 'string' || c.type === 'binary') problems.push(`${p}: a ${typeName(c.type)} column cannot be a partition column`);
  }
  if (problems.length) throw new DeltaSchemaMismatchError(`cannot create table: ${problems.join('; ')}`, problems, table);
  const resolved = columns.map((c) => ({ name: c.name, type: newColumnType(c, table) }));
  return { schema: struct(...resolved.map((c) => field(c.name, c.type))), changed: true, columns: resolved };
}

/** Matches a write's columns against an existing table schema. */
export function resolveWriteSchema(
  table: StructType,
  columns: readonly WriteColumn[],
  options: { mergeSchema?: boolean; table?: string } = {},
): SchemaResolution {
  const problems: string[] = [];
  const byName = new Map(columns.map((c) => [c.name, c]));
  const byLower = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const out: WriteColumn[] = [];
  for (const f of table.fields) {
    const c = byName.get(f.name);
    if (!c) {
      const other = byLower.get(f.name.toLowerCase());
      problems.push(
        other
          ? `${f.name}: written as "${other.name}" (names must match the table exactly)`
          : `${f.name}: missing from the write (table type ${typeName(f.type)})`,
      );
      continue;
    }
    if (!sameType(c.type, f.type) && !widens(c.type, f.type)) {
      problems.push(`${f.name}: written as ${typeName(c.type)}, table has ${typeName(f.type)}${options.mergeSchema ? ' (mergeSchema never changes a type)' : ''}`);
      continue;
    }
    out.push({ name: f.name, type: f.type });
  }
  const known = new Set(table.fields.map((f) => f.name.toLowerCase()));
  const added = columns.filter((c) => !known.has(c.name.toLowerCase()));
  if (added.length && !options.mergeSchema) {
    for (const c of added) problems.push(`${c.name}: not in the table (${typeName(c.type)}); pass mergeSchema to add it`);
  }
  if (problems.length) {
    throw new DeltaSchemaMismatchError(
      `write does not match the table schema: ${problems.join('; ')}`,
      problems.map((p) => p.slice(0, p.indexOf(':'))),
      options.table,
    );
  }
  if (!added.length) return { schema: table, changed: false, columns: out };
  const newFields = added.map((c) => field(c.name, newColumnType(c, options.table), true));
  return {
    schema: { type: 'struct', fields: [...table.fields, ...newFields] },
    changed: true,
    columns: [...out, ...newFields.map((f) => ({ name: f.name, type: f.type }))],
  };
}
