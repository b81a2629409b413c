/**
 * Delta schema types as DuckDB SQL types: `timestamp` is an instant (TIMESTAMPTZ, read in UTC),
 * `timestamp_ntz` a wall-clock TIMESTAMP, nested types map one to one.
 */
import type { DataType } from '../delta/schema.js';
import { quoteIdent } from './session.js';

export function duckType(type: DataType): string {
  if (typeof type === 'string') {
    switch (type) {
      case 'string': return 'VARCHAR';
      case 'long': return 'BIGINT';
      case 'integer': return 'INTEGER';
      case 'short': return 'SMALLINT';
      case 'byte': return 'TINYINT';
      case 'float': return 'FLOAT';
      case 'double': return 'DOUBLE';
      case 'boolean': return 'BOOLEAN';
      case 'binary': return 'BLOB';
      case 'date': return 'DATE';
      case 'timestamp': return 'TIMESTAMPTZ';
      case 'timestamp_ntz': return 'TIMESTAMP';
      case 'void': return 'INTEGER';
    }
  }
  switch (type.type) {
    case 'decimal': return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'struct': return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckType(f.type)}`).join(', ')})`;
    case 'array': return `${duckType(type.elementType)}[]`;
    case 'map': return `MAP(${duckType(type.keyType)}, ${duckType(type.valueType)})`;
    case 'unknown': throw new Error(`type ${type.name} has no DuckDB equivalent`);
  }
}
