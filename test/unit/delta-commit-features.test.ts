import { describe, expect, it } from 'vitest';
import type { Metadata, Protocol } from '../../src/delta/actions.js';
import { DeltaUnsupportedFeatureError } from '../../src/delta/errors.js';
import { checkWritable } from '../../src/delta/writer-features.js';

const schema = (metadata: Record<string, unknown> = {}) => JSON.stringify({ type: 'struct', fields: [{ name: 'a', type: 'long', nullable: true, metadata }] });
const meta = (configuration: Record<string, string> = {}, fieldMetadata?: Record<string, unknown>): Metadata => ({
  id: 'x', format: { provider: 'parquet', options: {} }, schemaString: schema(fieldMetadata), partitionColumns: [], configuration,
});

function refusal(protocol: Protocol, metadata: Metadata): string | undefined {
  try {
    checkWritable(protocol, metadata, '/t');
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DeltaUnsupportedFeatureError);
    return (error as DeltaUnsupportedFeatureError).feature;
  }
}

describe('checkWritable', () => {
  it('accepts our protocol and the writer features we honour', () => {
    expect(refusal({ minReaderVersion: 1, minWriterVersion: 2 }, meta({ 'delta.appendOnly': 'true' }))).toBeUndefined();
    expect(refusal({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz', 'appendOnly'] }, meta())).toBeUndefined();
  });

  it('refuses writer versions and features it does not implement, naming them', () => {
    expect(refusal({ minReaderVersion: 1, minWriterVersion: 4 }, meta())).toBe('writerVersion4');
    expect(refusal({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] }, meta())).toBe('deletionVectors');
    expect(refusal({ minReaderVersion: 1, minWriterVersion: 2 }, meta({ 'delta.constraints.positive': 'a > 0' }))).toBe('checkConstraints');
    expect(refusal({ minReaderVersion: 1, minWriterVersion: 2 }, meta({ 'delta.columnMapping.mode': 'name' }))).toBe('columnMapping');
    expect(refusal({ minReaderVersion: 1, minWriterVersion: 2 }, meta({}, { 'delta.invariants': '{"expression":{"expression":"a > 0"}}' }))).toBe('invariants');
  });
});
