/**
 * What this writer can safely write to. Reading a table needs only its reader features; writing
 * must honour every writer feature too, or other engines' guarantees break (column mapping,
 * CHECK constraints, generated or identity columns, change data feed, deletion vectors, ...).
 * We support writer versions 1 and 2 (append-only tables; invariants only when none are
 * declared) and, at writer version 7, the features listed below. Anything else is refused with
 * DeltaUnsupportedFeatureError naming the feature, before any file is written.
 */
import type { Metadata, Protocol } from './actions.js';
import { DeltaUnsupportedFeatureError } from './errors.js';
import { parseSchemaString, type DeltaType } from './type-map.js';

const SUPPORTED_WRITER_FEATURES = new Set(['appendOnly', 'invariants', 'timestampNtz', 'vacuumProtocolCheck']);

export function checkWritable(protocol: Protocol, metadata: Metadata, table: string, version?: number): void {
  const refuse = (feature: string, why: string): never => {
    throw new DeltaUnsupportedFeatureError(`${table} cannot be written by clicklake: ${why}`, feature, table, version);
  };
  const writer = protocol.minWriterVersion;
  if (writer > 7) refuse(`writerVersion${writer}`, `writer version ${writer} is not defined`);
  if (writer >= 3 && writer <= 6) refuse(`writerVersion${writer}`, `writer version ${writer} needs features this writer does not implement (CHECK constraints, generated columns, change data feed, column mapping or identity columns)`);
  if (writer === 7) {
    for (const feature of protocol.writerFeatures ?? []) {
      if (!SUPPORTED_WRITER_FEATURES.has(feature)) refuse(feature, `writer feature ${feature} is not supported`);
    }
  }
  const config = metadata.configuration ?? {};
  for (const key of Object.keys(config)) {
    if (key.startsWith('delta.constraints.')) refuse('checkConstraints', `CHECK constraint ${key} would not be enforced`);
  }
  if (config['delta.enableChangeDataFeed'] === 'true') refuse('changeDataFeed', 'change data feed is enabled');
  const mode = config['delta.columnMapping.mode'];
  if (mode && mode !== 'none') refuse('columnMapping', `column mapping mode ${mode} is enabled`);
  const visit = (type: DeltaType, field: { name: string; metadata?: Record<string, unknown> }): void => {
    for (const key of Object.keys(field.metadata ?? {})) {
      if (key === 'delta.invariants') refuse('invariants', `column ${field.name} declares an invariant, which would not be checked`);
      if (key === 'delta.generationExpression') refuse('generatedColumns', `column ${field.name} is generated`);
      if (key.startsWith('delta.identity.')) refuse('identityColumns', `column ${field.name} is an identity column`);
    }
    if (typeof type !== 'string' && type.type === 'struct') for (const f of type.fields) visit(f.type, f);
  };
  for (const f of parseSchemaString(metadata.schemaString).fields) visit(f.type, f);
}
