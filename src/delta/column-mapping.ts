/**
 * Column mapping: under mode `name` or `id` a column's name in the Parquet files (and in partition
 * values and stats) is its physical name from field metadata, not its display name. Mode `id` is
 * read by physical name too: the writers in use (Spark, delta-rs, kernel) store both the physical
 * name and the field id, so the name resolves the same column.
 */
import type { Metadata } from './actions.js';
import type { DataType, StructField, StructType } from './schema.js';

export type ColumnMappingMode = 'none' | 'name' | 'id';

const PHYSICAL = 'delta.columnMapping.physicalName';

/**
 * The table's mode. The mapping is applied whenever the table property names a mode, whatever the
 * reader version: `dat-iceberg_compat_v1` (3/7, `columnMapping` only among writer features) stores
 * physical names in its files and its expected content has the real values, so honouring the
 * property is what reads it correctly.
 */
export function columnMappingMode(metadata: Metadata): ColumnMappingMode {
  const mode = metadata.configuration?.['delta.columnMapping.mode'];
  return mode === 'name' || mode === 'id' ? mode : 'none';
}

/** The name of a field in data files, partition values and stats. */
export function physicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const name = field.metadata[PHYSICAL];
  return typeof name === 'string' && name !== '' ? name : field.name;
}

/** True when any field at any depth has a physical name different from its display name. */
export function needsRenaming(type: DataType, mode: ColumnMappingMode): boolean {
  if (mode === 'none' || typeof type !== 'object') return false;
  if (type.type === 'struct') return type.fields.some((f) => physicalName(f, mode) !== f.name || needsRenaming(f.type, mode));
  if (type.type === 'array') return needsRenaming(type.elementType, mode);
  if (type.type === 'map') return needsRenaming(type.keyType, mode) || needsRenaming(type.valueType, mode);
  return false;
}

/** Logical partition column name to the key used in `add.partitionValues`. */
export function partitionKeys(schema: StructType, partitionColumns: readonly string[], mode: ColumnMappingMode): Map<string, string> {
  const keys = new Map<string, string>();
  for (const column of partitionColumns) {
    const field = schema.fields.find((f) => f.name === column) ?? schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    keys.set(column, field ? physicalName(field, mode) : column);
  }
  return keys;
}
