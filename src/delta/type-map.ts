/**
 * The Delta schema as a writer needs it: the type model of `schemaString`, its JSON encoding,
 * and the mapping between DuckDB type names and Delta types. Pure string work, so the protocol
 * layer can describe checkpoint and table schemas without depending on the engine.
 */
import { DeltaSchemaMismatchError } from './errors.js';

export type PrimitiveType =
  | 'string' | 'long' | 'integer' | 'short' | 'byte' | 'double' | 'float' | 'boolean'
  | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz' | `decimal(${number},${number})`;

export type DeltaType =
  | PrimitiveType
  | { type: 'struct'; fields: StructField[] }
  | { type: 'array'; elementType: DeltaType; containsNull: boolean }
  | { type: 'map'; keyType: DeltaType; valueType: DeltaType; valueContainsNull: boolean };

export interface StructField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export function field(name: string, type: DeltaType, nullable = true): StructField {
  return { name, type, nullable, metadata: {} };
}

export function struct(...fields: StructField[]): StructType {
  return { type: 'struct', fields };
}

export function parseSchemaString(schemaString: string): StructType {
  const value = JSON.parse(schemaString) as StructType;
  if (value?.type !== 'struct' || !Array.isArray(value.fields)) {
    throw new Error(`schemaString is not a Delta struct: ${schemaString.slice(0, 80)}`);
  }
  return value;
}

export function schemaToString(schema: StructType): string {
  return JSON.stringify(schema);
}

/** A compact, human-readable rendering of a type for error messages ("decimal(12,2)", "struct<a:long>"). */
export function typeName(type: DeltaType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${typeName(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${typeName(type.elementType)}>`;
    case 'map':
      return `map<${typeName(type.keyType)},${typeName(type.valueType)}>`;
  }
}

export function sameType(a: DeltaType, b: DeltaType): boolean {
  return typeName(a) === typeName(b);
}

const SIMPLE: Record<string, PrimitiveType> = {
  VARCHAR: 'string', BIGINT: 'long', INTEGER: 'integer', SMALLINT: 'short', TINYINT: 'byte',
  DOUBLE: 'double', FLOAT: 'float', BOOLEAN: 'boolean', DATE: 'date', BLOB: 'binary',
  'TIMESTAMP WITH TIME ZONE': 'timestamp', TIMESTAMPTZ: 'timestamp', TIMESTAMP: 'timestamp_ntz',
  // Coarser and finer timestamps are stored as microseconds, the one Delta resolution.
  TIMESTAMP_S: 'timestamp_ntz', TIMESTAMP_MS: 'timestamp_ntz', TIMESTAMP_NS: 'timestamp_ntz',
  UUID: 'string',
};

/**
 * Maps a DuckDB type name (as DESCRIBE prints it) to a Delta type. Types Delta cannot hold
 * (unsigned and 128-bit integers, intervals, unions, ...) are refused with the column named.
 */
export function duckdbToDelta(duckType: string, column = '?'): DeltaType {
  const t = duckType.trim();
  const simple = SIMPLE[t.toUpperCase()];
  if (simple) return simple;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(t);
  if (decimal) return `decimal(${Number(decimal[1])},${Number(decimal[2])})`;
  if (/\[\]$/.test(t)) {
    return { type: 'array', elementType: duckdbToDelta(t.slice(0, -2), `${column}[]`), containsNull: true };
  }
  if (/\[\d+\]$/.test(t)) {
    return { type: 'array', elementType: duckdbToDelta(t.replace(/\[\d+\]$/, ''), `${column}[]`), containsNull: true };
  }
  const inner = /^(STRUCT|MAP)\((.*)\)$/is.exec(t);
  if (inner) {
    const parts = splitTopLevel(inner[2]!);
    if (inner[1]!.toUpperCase() === 'MAP') {
      if (parts.length !== 2) throw unsupported(column, duckType);
      return {
        type: 'map',
        keyType: duckdbToDelta(parts[0]!, `${column}.key`),
        valueType: duckdbToDelta(parts[1]!, `${column}.value`),
        valueContainsNull: true,
      };
    }
    return {
      type: 'struct',
      fields: parts.map((part) => {
        const { name, rest } = splitFieldName(part);
        return field(name, duckdbToDelta(rest, `${column}.${name}`));
      }),
    };
  }
  throw unsupported(column, duckType);
}

function unsupported(column: string, duckType: string): DeltaSchemaMismatchError {
  return new DeltaSchemaMismatchError(
    `column ${column} has DuckDB type ${duckType}, which has no Delta equivalent; cast it (e.g. to BIGINT, VARCHAR or DECIMAL)`,
    [column],
  );
}

/** Splits "a INTEGER, b STRUCT(x INTEGER, y VARCHAR)" on commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}

function splitFieldName(part: string): { name: string; rest: string } {
  if (part.startsWith('"')) {
    let i = 1;
    let name = '';
    while (i < part.length) {
      if (part[i] === '"' && part[i + 1] === '"') { name += '"'; i += 2; continue; }
      if (part[i] === '"') break;
      name += part[i++];
    }
    return { name, rest: part.slice(i + 1).trim() };
  }
  const space = part.indexOf(' ');
  return { name: part.slice(0, space), rest: part.slice(space + 1).trim() };
}

/** The DuckDB type that holds a Delta type, for casts and for writing Parquet with exact types. */
export function deltaToDuckdb(type: DeltaType): string {
  if (typeof type === 'string') {
    const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
    if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
    const names: Record<string, string> = {
      string: 'VARCHAR', long: 'BIGINT', integer: 'INTEGER', short: 'SMALLINT', byte: 'TINYINT',
      double: 'DOUBLE', float: 'FLOAT', boolean: 'BOOLEAN', binary: 'BLOB', date: 'DATE',
      timestamp: 'TIMESTAMPTZ', timestamp_ntz: 'TIMESTAMP',
    };
    const name = names[type];
    if (!name) throw new Error(`unknown Delta type ${type}`);
    return name;
  }
  switch (type.type) {
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `"${f.name.replaceAll('"', '""')}" ${deltaToDuckdb(f.type)}`).join(', ')})`;
    case 'array':
      return `${deltaToDuckdb(type.elementType)}[]`;
    case 'map':
      return `MAP(${deltaToDuckdb(type.keyType)}, ${deltaToDuckdb(type.valueType)})`;
  }
}

/** True when any field, at any depth, has the given primitive type. */
export function containsType(type: DeltaType, wanted: PrimitiveType): boolean {
  if (typeof type === 'string') return type === wanted;
  switch (type.type) {
    case 'struct':
      return type.fields.some((f) => containsType(f.type, wanted));
    case 'array':
      return containsType(type.elementType, wanted);
    case 'map':
      return containsType(type.keyType, wanted) || containsType(type.valueType, wanted);
  }
}
