/**
 * Whether this reader may read a table: the protocol's reader version and reader features, and
 * schema types it cannot read correctly. A table we cannot read correctly is refused with the
 * feature's name rather than read into wrong data. Writer-only features never block reading.
 */
import type { Metadata, Protocol } from './actions.js';
import { DeltaUnsupportedFeatureError } from './errors.js';
import { walkTypes, type StructType } from './schema.js';

/** Reader features this implementation honours. */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
]);

/** Features refused on purpose, with the reason the README gives. */
export const REFUSED_READER_FEATURES: Readonly<Record<string, string>> = {
  catalogManaged: 'commits are owned by a catalog; the file system log alone is not the table',
  'catalogOwned-preview': 'commits are owned by a catalog; the file system log alone is not the table',
  typeWidening: 'Parquet files may hold narrower types than the schema; reads would need per-file upcasts',
  'typeWidening-preview': 'Parquet files may hold narrower types than the schema; reads would need per-file upcasts',
  variantType: 'variant values need decoding of the binary variant encoding',
  'variantType-preview': 'variant values need decoding of the binary variant encoding',
  'variantShredding-preview': 'shredded variant columns need reassembly',
};

export const MAX_READER_VERSION = 3;

export function checkReadable(protocol: Protocol, metadata: Metadata, schema: StructType, table?: string, version?: number): void {
  const where = `${table ?? 'table'}${version === undefined ? '' : ` at version ${version}`}`;
  for (const feature of protocol.readerFeatures ?? []) {
    if (SUPPORTED_READER_FEATURES.has(feature)) continue;
    const reason = REFUSED_READER_FEATURES[feature] ?? 'this reader does not implement it';
    throw new DeltaUnsupportedFeatureError(
      `${where} needs reader feature "${feature}", which is not supported (${reason})`,
      feature,
      table,
      version,
    );
  }
  if (protocol.minReaderVersion > MAX_READER_VERSION || protocol.minReaderVersion < 1) {
    throw new DeltaUnsupportedFeatureError(
      `${where} needs reader version ${protocol.minReaderVersion}; versions 1 to ${MAX_READER_VERSION} are supported`,
      `readerVersion${protocol.minReaderVersion}`,
      table,
      version,
    );
  }
  for (const field of schema.fields) {
    for (const type of walkTypes(field.type)) {
      if (typeof type === 'object' && type.type === 'unknown') {
        throw new DeltaUnsupportedFeatureError(
          `${where}: column "${field.name}" has type "${type.name}", which is not supported`,
          type.name === 'variant' ? 'variantType' : type.name,
          table,
          version,
        );
      }
    }
  }
  const format = metadata.format?.provider;
  if (format && format.toLowerCase() !== 'parquet') {
    throw new DeltaUnsupportedFeatureError(`${where} stores its data as "${format}"; only parquet is supported`, `format:${format}`, table, version);
  }
}
