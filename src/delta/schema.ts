/**
 * The table schema: the Spark-style JSON in `metaData.schemaString`, parsed into typed values and
 * checked, so that a malformed schema fails once, here, naming the field, instead of later in a scan.
 */
import { DeltaError } from './errors.js';

export type PrimitiveTypeName =
  | 'string' | 'long' | 'integer' | 'short' | 'byte' | 'float' | 'double' | 'boolean'
  | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz' | 'void';

export interface DecimalType { type: 'decimal'; precision: number; scale: number }
export interface StructField { name: string; type: DataType; nullable: boolean; metadata: Record<string, unknown> }
export interface StructType { type: 'struct'; fields: StructField[] }
export interface ArrayType { type: 'array'; elementType: DataType; containsNull: boolean }
export interface MapType { type: 'map'; keyType: DataType; valueType: DataType; valueContainsNull: boolean }
/** Any type name the protocol does not define (e.g. `variant`), kept so features.ts can refuse it by name. */
export interface UnknownType { type: 'unknown'; name: string }
export type DataType = PrimitiveTypeName | DecimalType | StructType | ArrayType | MapType | UnknownType;

/** The schema's JSON is not a valid Delta schema. */
export class DeltaSchemaParseError extends DeltaError {}

const PRIMITIVES = new Set<string>([
  'string', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean', 'binary', 'date', 'timestamp',
  'timestamp_ntz', 'void',
]);
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;

export function parseSchema(schemaString: string, table?: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (error) {
    throw new DeltaSchemaParseError(`schemaString of ${table ?? 'the table'} is not JSON: ${(error as Error).message}`, table);
  }
  const type = parseType(json, 'schema', table);
  if (typeof type !== 'object' || type.type !== 'struct') {
    throw new DeltaSchemaParseError(`schemaString of ${table ?? 'the table'} is not a struct`, table);
  }
  return type;
}

function parseType(json: unknown, where: string, table?: string): DataType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return json as PrimitiveTypeName;
    if (json === 'decimal') return { type: 'decimal', precision: 10, scale: 0 };
    const m = DECIMAL.exec(json);
    if (m) return { type: 'decimal', precision: Number(m[1]), scale: Number(m[2]) };
    return { type: 'unknown', name: json };
  }
  if (typeof json !== 'object' || json === null) {
    throw new DeltaSchemaParseError(`schema field ${where} has an invalid type ${JSON.stringify(json)}`, table);
  }
  const o = json as Record<string, unknown>;
  switch (o.type) {
    case 'struct': {
      if (!Array.isArray(o.fields)) throw new DeltaSchemaParseError(`schema struct ${where} has no fields list`, table);
      const fields = o.fields.map((f: unknown, i: number): StructField => {
        const fo = f as Record<string, unknown>;
        if (typeof fo?.name !== 'string') throw new DeltaSchemaParseError(`schema field ${i} of ${where} has no name`, table);
        const path = where === 'schema' ? fo.name : `${where}.${fo.name}`;
        return {
          name: fo.name,
          type: parseType(fo.type, path, table),
          nullable: fo.nullable !== false,
          metadata: (typeof fo.metadata === 'object' && fo.metadata !== null ? fo.metadata : {}) as Record<string, unknown>,
        };
      });
      return { type: 'struct', fields };
    }
    case 'array':
      return { type: 'array', elementType: parseType(o.elementType, `${where}[]`, table), containsNull: o.containsNull !== false };
    case 'map':
      return {
        type: 'map',
        keyType: parseType(o.keyType, `${where}.key`, table),
        valueType: parseType(o.valueType, `${where}.value`, table),
        valueContainsNull: o.valueContainsNull !== false,
      };
    default:
      return { type: 'unknown', name: String(o.type) };
  }
}

/** Every type occurring in a type tree, depth first (for feature checks such as variant). */
export function* walkTypes(type: DataType): Generator<DataType> {
  yield type;
  if (typeof type !== 'object') return;
  if (type.type === 'struct') for (const f of type.fields) yield* walkTypes(f.type);
  else if (type.type === 'array') yield* walkTypes(type.elementType);
  else if (type.type === 'map') {
    yield* walkTypes(type.keyType);
    yield* walkTypes(type.valueType);
  }
}

/** The type name as the protocol spells it, for messages. */
export function typeName(type: DataType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'decimal': return `decimal(${type.precision},${type.scale})`;
    case 'struct': return 'struct';
    case 'array': return `array<${typeName(type.elementType)}>`;
    case 'map': return `map<${typeName(type.keyType)},${typeName(type.valueType)}>`;
    case 'unknown': return type.name;
  }
}
