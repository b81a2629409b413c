import { describe, expect, it } from 'vitest';
import { DeltaSchemaMismatchError } from '../../src/delta/errors.js';
import { decodeLogPath, encodeLogPath, partitionValueFromText } from '../../src/delta/path-encoding.js';
import { mayMatch, evalOnPartition, predicateSql } from '../../src/delta/row-predicate.js';
import { resolveWriteSchema, schemaForCreate } from '../../src/delta/schema-enforce.js';
import { buildStats, parseColumnPath, statsToJson, type ColumnStatsText } from '../../src/delta/stats-collect.js';
import { duckdbToDelta, deltaToDuckdb, field, struct, type DeltaType } from '../../src/delta/type-map.js';

describe('type mapping', () => {
  it('maps DuckDB types to Delta types and back', () => {
    expect(duckdbToDelta('VARCHAR')).toBe('string');
    expect(duckdbToDelta('TIMESTAMP WITH TIME ZONE')).toBe('timestamp');
    expect(duckdbToDelta('TIMESTAMP')).toBe('timestamp_ntz');
    expect(duckdbToDelta('DECIMAL(12,2)')).toBe('decimal(12,2)');
    expect(duckdbToDelta('STRUCT(a INTEGER, "b c" VARCHAR[])')).toEqual({
      type: 'struct',
      fields: [field('a', 'integer'), field('b c', { type: 'array', elementType: 'string', containsNull: true })],
    });
    expect(duckdbToDelta('MAP(VARCHAR, BIGINT)')).toEqual({ type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true });
    expect(deltaToDuckdb(duckdbToDelta('STRUCT(a INTEGER, b MAP(VARCHAR, DOUBLE))'))).toBe('STRUCT("a" INTEGER, "b" MAP(VARCHAR, DOUBLE))');
  });

  it('refuses types Delta cannot hold, naming the column', () => {
    expect(() => duckdbToDelta('HUGEINT', 'big')).toThrow(/column big has DuckDB type HUGEINT/);
    expect(() => duckdbToDelta('UBIGINT', 'u')).toThrow(DeltaSchemaMismatchError);
  });
});

describe('path and partition value encoding', () => {
  it('URL-encodes log paths so an escaped Hive folder survives a round trip', () => {
    const onDisk = 'p=a%2Fb%20c/part-1.zstd.parquet';
    expect(encodeLogPath(onDisk)).toBe('p=a%252Fb%2520c/part-1.zstd.parquet');
    expect(decodeLogPath(encodeLogPath(onDisk))).toBe(onDisk);
    expect(encodeLogPath('d=é:x/part.parquet')).toBe('d=%C3%A9%3Ax/part.parquet');
  });

  it('writes partition values in the protocol form per type', () => {
    expect(partitionValueFromText('2019-10-01 01:02:03.5+00', 'timestamp', 't')).toBe('2019-10-01T01:02:03.500000Z');
    expect(partitionValueFromText('2019-10-01 01:02:03', 'timestamp_ntz', 't')).toBe('2019-10-01 01:02:03.000000');
    expect(partitionValueFromText(null, 'date', 'd')).toBeNull();
    expect(partitionValueFromText('', 'string', 's')).toBeNull();
    expect(partitionValueFromText('1', 'boolean', 'b')).toBe('true');
  });
});

describe('stats', () => {
  const schema = struct(
    field('id', 'long'), field('name', 'string'), field('at', 'timestamp'), field('price', 'decimal(12,2)'),
    field('ok', 'boolean'), field('s', struct(field('k', 'integer'))), field('d', 'date'),
  );
  const columns: ColumnStatsText = new Map([
    ['id', { min: '1', max: '9007199254740993', nullCount: '0' }],
    ['name', { min: 'a'.repeat(40), max: 'b'.repeat(40), nullCount: '2' }],
    ['at', { min: '2019-10-01 00:00:00.123456+00', max: '2019-10-01 00:00:04.123456+00', nullCount: '0' }],
    ['price', { min: '0.10', max: '12.50', nullCount: '1' }],
    ['ok', { min: '0', max: '1', nullCount: '0' }],
    ['s\u0000k', { min: '3', max: '4', nullCount: '0' }],
    ['d', { nullCount: '5' }],
  ]);

  it('converts per type: exact longs and decimals, millisecond timestamp bounds, cut strings, nested structs', () => {
    const json = statsToJson(buildStats(schema, [], 5, columns));
    expect(json).toContain('"id":9007199254740993');
    expect(json).toContain('"price":0.10');
    const stats = JSON.parse(json);
    expect(stats.numRecords).toBe(5);
    expect(stats.minValues.at).toBe('2019-10-01T00:00:00.123Z');
    expect(stats.maxValues.at).toBe('2019-10-01T00:00:04.124Z');
    expect(stats.minValues.name).toBe('a'.repeat(32));
    expect(stats.maxValues.name).toBe('b'.repeat(32) + '\u{10FFFF}');
    expect(stats.minValues.s).toEqual({ k: 3 });
    expect(stats.nullCount).toEqual({ id: 0, name: 2, at: 0, price: 1, ok: 0, s: { k: 0 }, d: 5 });
    expect(stats.minValues.ok).toBeUndefined();
    expect(stats.minValues.d).toBeUndefined();
  });

  it('covers only the first N leaf columns and never partition columns', () => {
    const stats = JSON.parse(statsToJson(buildStats(schema, ['id'], 5, columns, 2)));
    expect(Object.keys(stats.nullCount)).toEqual(['name', 'at']);
  });

  it('parses DuckDB quoted column paths', () => {
    expect(parseColumnPath('"a"."b ""c"""')).toEqual(['a', 'b "c"']);
  });
});

describe('schema enforcement', () => {
  const table = struct(field('id', 'long'), field('name', 'string'), field('at', 'timestamp'));

  it('names every mismatched column at once', () => {
    let error: DeltaSchemaMismatchError | undefined;
    try {
      resolveWriteSchema(table, [{ name: 'ID', type: 'long' }, { name: 'name', type: 'integer' }, { name: 'extra', type: 'double' }]);
    } catch (e) {
      error = e as DeltaSchemaMismatchError;
    }
    expect(error).toBeInstanceOf(DeltaSchemaMismatchError);
    expect(error!.mismatches).toEqual(['id', 'name', 'at', 'extra']);
    expect(error!.message).toMatch(/id: written as "ID"/);
    expect(error!.message).toMatch(/name: written as integer, table has string/);
    expect(error!.message).toMatch(/extra: not in the table \(double\); pass mergeSchema/);
  });

  it('accepts lossless widening and TIMESTAMP into a timestamp column', () => {
    const r = resolveWriteSchema(table, [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'at', type: 'timestamp_ntz' }]);
    expect(r.changed).toBe(false);
    expect(r.columns.map((c) => c.type)).toEqual(['long', 'string', 'timestamp']);
    expect(() => resolveWriteSchema(struct(field('n', 'integer')), [{ name: 'n', type: 'long' }])).toThrow(/written as long, table has integer/);
  });

  it('adds new nullable columns with mergeSchema but never changes a type', () => {
    const r = resolveWriteSchema(table, [
      { name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'at', type: 'timestamp' }, { name: 'extra', type: 'double' },
    ], { mergeSchema: true });
    expect(r.changed).toBe(true);
    expect(r.schema.fields.at(-1)).toEqual(field('extra', 'double', true));
    expect(() => resolveWriteSchema(table, [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }, { name: 'at', type: 'timestamp' }], { mergeSchema: true }))
      .toThrow(/mergeSchema never changes a type/);
  });

  it('creates timestamp (not timestamp_ntz) columns and checks partition columns', () => {
    const r = schemaForCreate([{ name: 'at', type: 'timestamp_ntz' }, { name: 'd', type: 'date' }], ['d']);
    expect(r.schema.fields.map((f) => f.type)).toEqual(['timestamp', 'date']);
    expect(() => schemaForCreate([{ name: 'a', type: 'long' }], ['missing'])).toThrow(/missing: partition column is not among/);
  });
});

describe('row predicates', () => {
  const types = new Map<string, DeltaType>([['d', 'date'], ['n', 'long'], ['t', 'timestamp']]);

  it('binds every literal as a parameter', () => {
    const params: Record<string, string | null> = {};
    const sql = predicateSql({ and: [{ column: 'd', op: '=', value: "2019-10-01'; DROP TABLE x; --" }, { column: 'n', op: 'in', values: [1, 2] }] }, types, params);
    expect(sql).toBe('(("d" = CAST($pred0 AS DATE)) AND ("n" IN (CAST($pred1 AS BIGINT), CAST($pred2 AS BIGINT))))');
    expect(Object.values(params)).toEqual(["2019-10-01'; DROP TABLE x; --", '1', '2']);
  });

  it('evaluates on partitions exactly and prunes with stats conservatively', () => {
    expect(evalOnPartition({ column: 'd', op: '>=', value: '2019-10-02' }, { d: '2019-10-03' }, types)).toBe(true);
    expect(evalOnPartition({ column: 'n', op: '=', value: 1 }, { d: '2019-10-03' }, types)).toBeUndefined();
    const stats = { numRecords: 10, minValues: { n: 5, t: '2019-10-01T00:00:00.000Z' }, maxValues: { n: 9, t: '2019-10-01T10:00:00.000Z' }, nullCount: { n: 0 } };
    expect(mayMatch({ column: 'n', op: '<', value: 5 }, {}, stats, types)).toBe(false);
    expect(mayMatch({ column: 'n', op: '<=', value: 5 }, {}, stats, types)).toBe(true);
    expect(mayMatch({ column: 'n', op: 'is null' }, {}, stats, types)).toBe(false);
    expect(mayMatch({ column: 't', op: '>', value: new Date('2019-10-02T00:00:00Z') }, {}, stats, types)).toBe(false);
    const cut = { numRecords: 1, minValues: { s: 'a'.repeat(32) }, maxValues: { s: 'a'.repeat(32) + '\u{10FFFF}' }, nullCount: {} };
    const strings = new Map<string, DeltaType>([['s', 'string']]);
    expect(mayMatch({ column: 's', op: '=', value: 'a'.repeat(32) + '\uFF01' }, {}, cut, strings)).toBe(true);
    expect(mayMatch({ column: 's', op: '<', value: 'a' }, {}, cut, strings)).toBe(false);
    expect(mayMatch({ or: [{ column: 'n', op: '=', value: 1 }, { column: 'n', op: '=', value: 7 }] }, {}, stats, types)).toBe(true);
  });
});
