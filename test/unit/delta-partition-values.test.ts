/**
 * Partition values: typed parsing by schema type (nulls, numbers, decimals, booleans, dates,
 * timestamps in both written forms, timestamp_ntz, binary) and the canonical text engines cast.
 */
import { describe, expect, it } from 'vitest';
import { DeltaPartitionValueError, parsePartitionValue, partitionValueText } from '../../src/delta/partition-values.js';

describe('partition values', () => {
  it('reads null and the empty string as null, and keeps a literal "null" string', () => {
    expect(parsePartitionValue(null, 'string', 'c')).toBeNull();
    expect(parsePartitionValue(undefined, 'long', 'c')).toBeNull();
    expect(parsePartitionValue('', 'string', 'c')).toBeNull();
    expect(parsePartitionValue('', 'date', 'c')).toBeNull();
    expect(parsePartitionValue('null', 'string', 'c')).toBe('null');
  });

  it('parses numbers, decimals and booleans', () => {
    expect(parsePartitionValue('42', 'integer', 'c')).toBe(42);
    expect(parsePartitionValue('-7', 'byte', 'c')).toBe(-7);
    expect(parsePartitionValue('9007199254740993', 'long', 'c')).toBe(9007199254740993n);
    expect(parsePartitionValue('2021.0', 'long', 'c')).toBe(2021);
    expect(parsePartitionValue('1.5', 'double', 'c')).toBe(1.5);
    expect(parsePartitionValue('NaN', 'float', 'c')).toBeNaN();
    expect(parsePartitionValue('-123.4500', { type: 'decimal', precision: 10, scale: 4 }, 'c')).toBe('-123.4500');
    expect(parsePartitionValue('TRUE', 'boolean', 'c')).toBe(true);
    expect(parsePartitionValue('false', 'boolean', 'c')).toBe(false);
  });

  it('parses dates and both timestamp forms as UTC', () => {
    expect(parsePartitionValue('2021-09-08', 'date', 'c')).toEqual(new Date('2021-09-08T00:00:00Z'));
    expect(parsePartitionValue('2021-09-08 11:11:11', 'timestamp', 'c')).toEqual(new Date('2021-09-08T11:11:11Z'));
    expect(parsePartitionValue('1971-07-22T03:06:40.000000Z', 'timestamp', 'c')).toEqual(new Date('1971-07-22T03:06:40Z'));
    expect(parsePartitionValue('2024-01-01T12:00:00+02:00', 'timestamp', 'c')).toEqual(new Date('2024-01-01T10:00:00Z'));
    expect(parsePartitionValue('2013-07-05 17:01:00.123456', 'timestamp_ntz', 'c')).toEqual(new Date('2013-07-05T17:01:00.123Z'));
  });

  it('gives canonical text with microseconds kept', () => {
    expect(partitionValueText('2021-09-08 11:11:11.123456', 'timestamp', 'c')).toBe('2021-09-08 11:11:11.123456+00:00');
    expect(partitionValueText('2024-01-01T10:00:00.000000Z', 'timestamp', 'c')).toBe('2024-01-01 10:00:00.000000+00:00');
    expect(partitionValueText('2024-01-01T10:00:00', 'timestamp_ntz', 'c')).toBe('2024-01-01 10:00:00.000000');
    expect(partitionValueText('007', 'integer', 'c')).toBe('7');
    expect(partitionValueText('a/b c%', 'string', 'c')).toBe('a/b c%');
  });

  it('keeps binary values as their bytes', () => {
    expect(parsePartitionValue('ab', 'binary', 'c')).toEqual(new Uint8Array([97, 98]));
  });

  it('names the column and file when a value does not parse', () => {
    expect(() => parsePartitionValue('abc', 'integer', 'year', 'year=abc/part-0.parquet')).toThrow(
      /"abc" of column "year" in year=abc\/part-0.parquet is not a valid integer/,
    );
    expect(() => parsePartitionValue('300', 'byte', 'b')).toThrow(DeltaPartitionValueError);
    expect(() => parsePartitionValue('2021-13-45', 'date', 'd')).toThrow(DeltaPartitionValueError);
    expect(() => parsePartitionValue('yes', 'boolean', 'b')).toThrow(DeltaPartitionValueError);
    expect(() => parsePartitionValue('noon', 'timestamp', 't')).toThrow(DeltaPartitionValueError);
    expect(() => parsePartitionValue('2024-02-30 25:00:00', 'timestamp', 't')).toThrow(DeltaPartitionValueError);
  });
});
