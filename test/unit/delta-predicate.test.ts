/**
 * Predicates and data skipping: the parser (grammar, precedence, errors with positions), negation
 * normal form, binding to the schema, and file pruning by partition values and min/max/null
 * counts, including the cases where a file must be kept (missing stats, wide bounds).
 */
import { describe, expect, it } from 'vitest';
import type { Add } from '../../src/delta/actions.js';
import { DeltaPredicateError, bindPredicate, parsePredicate, toNnf } from '../../src/delta/predicate.js';
import { parseSchema } from '../../src/delta/schema.js';
import { pruneFiles, type SkippingContext } from '../../src/delta/skipping.js';
import type { LiveFile } from '../../src/delta/snapshot.js';
import { parseStats } from '../../src/delta/stats.js';

describe('predicate parser', () => {
  it('parses comparisons, IN, BETWEEN, IS NULL with AND binding tighter than OR', () => {
    expect(parsePredicate("a = 1 OR b IN ('x', 'it''s') AND NOT c IS NULL")).toEqual({
      op: 'or',
      args: [
        { op: 'cmp', column: 'a', cmp: '=', value: { kind: 'number', text: '1' } },
        {
          op: 'and',
          args: [
            { op: 'in', column: 'b', values: [{ kind: 'string', text: 'x' }, { kind: 'string', text: "it's" }], negated: false },
            { op: 'not', arg: { op: 'isNull', column: 'c', negated: false } },
          ],
        },
      ],
    });
    expect(parsePredicate('"my col" NOT BETWEEN -1.5 AND 2e3')).toEqual({
      op: 'between', column: 'my col', low: { kind: 'number', text: '-1.5' }, high: { kind: 'number', text: '2e3' }, negated: true,
    });
    expect(parsePredicate("(d >= DATE '2024-01-01') AND flag = TRUE AND x <> 3")).toMatchObject({
      op: 'and',
      args: [{ cmp: '>=', value: { kind: 'string', text: '2024-01-01' } }, { value: { kind: 'boolean', text: 'true' } }, { cmp: '!=' }],
    });
  });

  it('rejects what it cannot parse, naming the position', () => {
    expect(() => parsePredicate('a =')).toThrow(/expected a literal.*position 4/);
    expect(() => parsePredicate("a = 'open")).toThrow(/unterminated string/);
    expect(() => parsePredicate('a = 1; DROP TABLE t')).toThrow(DeltaPredicateError);
    expect(() => parsePredicate('a = NULL')).toThrow(/use IS NULL/);
    expect(() => parsePredicate('(a = 1')).toThrow(/expected "\)"/);
    expect(() => parsePredicate('a LIKE 1')).toThrow(/expected a comparison/);
  });

  it('pushes NOT down', () => {
    expect(toNnf(parsePredicate('NOT (a < 1 OR b IS NOT NULL)'))).toEqual({
      op: 'and',
      args: [
        { op: 'cmp', column: 'a', cmp: '>=', value: { kind: 'number', text: '1' } },
        { op: 'isNull', column: 'b', negated: false },
      ],
    });
  });

  it('binds columns to the schema case-insensitively and refuses unknown or nested ones', () => {
    const schema = parseSchema(JSON.stringify({ type: 'struct', fields: [
      { name: 'Id', type: 'long', nullable: true, metadata: {} },
      { name: 's', type: { type: 'struct', fields: [] }, nullable: true, metadata: {} },
    ] }));
    expect(bindPredicate(parsePredicate('id = 1'), schema)).toMatchObject({ column: 'Id' });
    expect(() => bindPredicate(parsePredicate('nope = 1'), schema)).toThrow(/column "nope".*columns: Id, s/);
    expect(() => bindPredicate(parsePredicate('s = 1'), schema)).toThrow(/nested/);
    expect(() => bindPredicate(parsePredicate("id = 'abc'"), schema)).toThrow(/'abc' is not a valid long value for column "Id"/);
    expect(() => bindPredicate(parsePredicate('id IN (1, TRUE)'), schema)).toThrow(/TRUE|true/);
    expect(bindPredicate(parsePredicate("id BETWEEN '1' AND 2"), schema)).toMatchObject({ column: 'Id' });
  });
});

describe('data skipping', () => {
  const schema = parseSchema(JSON.stringify({ type: 'struct', fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
  ] }));
  const ctx: SkippingContext = { schema, partitionColumns: ['day'], columnMapping: 'none' };
  const file = (path: string, day: string | null, stats?: object): LiveFile => ({
    add: { path, partitionValues: { day }, size: 1, modificationTime: 0, dataChange: true } as Add,
    path,
    partitionValues: { day: day === null ? null : new Date(`${day}T00:00:00Z`) },
    partitionText: { day },
    stats: stats ? parseStats(JSON.stringify(stats)) : undefined,
  });
  const files = [
    file('a', '2024-01-01', { numRecords: 10, minValues: { id: 1, name: 'apple', ts: '2024-01-01T00:00:00.000Z' }, maxValues: { id: 10, name: 'kiwi', ts: '2024-01-01T10:00:00.000Z' }, nullCount: { id: 0, name: 2, ts: 0 } }),
    file('b', '2024-01-02', { numRecords: 10, minValues: { id: 11, name: 'lemon' }, maxValues: { id: 20, name: 'plum' }, nullCount: { id: 0, name: 0 } }),
    file('c', null, { numRecords: 5, minValues: {}, maxValues: {}, nullCount: { id: 5, name: 5 } }),
    file('d', '2024-01-03'), // no stats: always kept unless its partition rules it out
  ];
  const kept = (where: string): string[] => pruneFiles(files, bindPredicate(parsePredicate(where), schema), ctx).map((f) => f.path);

  it('prunes by min/max for comparisons, IN and BETWEEN', () => {
    expect(kept('id = 15')).toEqual(['b', 'd']);
    expect(kept('id < 5')).toEqual(['a', 'd']);
    expect(kept('id >= 20')).toEqual(['b', 'd']);
    expect(kept('id > 20')).toEqual(['d']);
    expect(kept('id IN (3, 30)')).toEqual(['a', 'd']);
    expect(kept('id BETWEEN 12 AND 13')).toEqual(['b', 'd']);
    expect(kept("name = 'banana'")).toEqual(['a', 'd']);
    // a's max is truncated to milliseconds, so a row just after it may exist: kept. b and c have no ts stats.
    expect(kept("ts > TIMESTAMP '2024-01-01 10:00:00'")).toEqual(['a', 'b', 'c', 'd']);
    expect(kept("ts > TIMESTAMP '2024-01-01 11:00:00'")).toEqual(['b', 'c', 'd']);
    expect(kept("ts < TIMESTAMP '2023-12-31 23:00:00+00:00'")).toEqual(['b', 'c', 'd']);
  });

  it('prunes by partition values exactly, NULL partitions never matching comparisons', () => {
    expect(kept("day = DATE '2024-01-02'")).toEqual(['b']);
    expect(kept("day != DATE '2024-01-02'")).toEqual(['a', 'd']);
    expect(kept('day IS NULL')).toEqual(['c']);
    expect(kept("day NOT IN (DATE '2024-01-01')")).toEqual(['b', 'd']);
  });

  it('uses null counts for IS [NOT] NULL and all-null files', () => {
    expect(kept('name IS NULL')).toEqual(['a', 'c', 'd']);
    expect(kept('id IS NOT NULL')).toEqual(['a', 'b', 'd']);
    expect(kept('id != 3')).toEqual(['a', 'b', 'd']);
  });

  it('combines with AND, OR and NOT', () => {
    expect(kept("id = 15 OR day = DATE '2024-01-01'")).toEqual(['a', 'b', 'd']);
    expect(kept("id = 15 AND day = DATE '2024-01-01'")).toEqual([]);
    expect(kept('NOT (id >= 5)')).toEqual(['a', 'd']);
    expect(kept('NOT (id BETWEEN 1 AND 20)')).toEqual(['d']);
  });

  it('keeps files whose bounds are not tight for null-based pruning', () => {
    const loose = [file('e', '2024-01-01', { numRecords: 5, tightBounds: false, minValues: {}, maxValues: {}, nullCount: { id: 5 } })];
    expect(pruneFiles(loose, bindPredicate(parsePredicate('id IS NOT NULL'), schema), ctx)).toHaveLength(1);
  });
});
