/**
 * Checkpoint rows to actions (engine shapes to JSON-commit shapes, typed stats to JSON stats) and
 * the classification of `_delta_log/` file names.
 */
import { describe, expect, it } from 'vitest';
import { checkpointRowToActions } from '../../src/delta/checkpoint-read.js';
import { DeltaLogCorruptError } from '../../src/delta/errors.js';
import { parseStats } from '../../src/delta/stats.js';
import { decodeActionPath, parseLogFileName } from '../../src/delta/table-path.js';

describe('checkpoint rows', () => {
  it('turns map entry lists into objects, bigints into numbers, and stats_parsed into JSON stats', () => {
    const [action] = checkpointRowToActions({
      add: {
        path: 'p=1/a.parquet',
        partitionValues: [{ key: 'p', value: '1' }],
        size: 789n,
        modificationTime: 1713400874285n,
        dataChange: false,
        stats: null,
        tags: [],
        deletionVector: null,
        stats_parsed: { numRecords: 3n, minValues: { id: 'A', ts: new Date('2024-01-01T00:00:00Z'), gone: null }, maxValues: { id: 'B' }, nullCount: { id: 0n } },
        partitionValues_parsed: { p: 1 },
      },
      remove: null,
      metaData: null,
    }, 'cp.parquet');
    expect(action).toEqual({
      add: {
        path: 'p=1/a.parquet', partitionValues: { p: '1' }, size: 789, modificationTime: 1713400874285, dataChange: false,
        stats: expect.any(String), tags: {}, deletionVector: null,
      },
    });
    const add = (action as { add: { stats: string } }).add;
    expect(parseStats(add.stats)).toEqual({
      numRecords: 3, tightBounds: undefined, minValues: { id: 'A', ts: '2024-01-01T00:00:00.000Z' }, maxValues: { id: 'B' }, nullCount: { id: 0 },
    });
  });

  it('keeps JSON stats when present and reads metadata configuration maps', () => {
    const actions = checkpointRowToActions({
      add: { path: 'a', partitionValues: null, size: 1, modificationTime: 1, dataChange: true, stats: '{"numRecords":1}', stats_parsed: { numRecords: 9n } },
      metaData: null,
    }, 'cp.parquet');
    expect((actions[0] as { add: { stats: string; partitionValues: object } }).add).toMatchObject({ stats: '{"numRecords":1}', partitionValues: {} });
    const [meta] = checkpointRowToActions({
      metaData: { id: 'm', schemaString: '{}', partitionColumns: [], configuration: [{ key: 'delta.appendOnly', value: 'true' }], format: { provider: 'parquet', options: [] }, createdTime: 5n },
    }, 'cp.parquet');
    expect(meta).toEqual({ metaData: { id: 'm', schemaString: '{}', partitionColumns: [], configuration: { 'delta.appendOnly': 'true' }, format: { provider: 'parquet', options: {} }, createdTime: 5 } });
  });

  it('rejects a file action without a path, naming the file', () => {
    expect(() => checkpointRowToActions({ remove: { dataChange: true } }, '_delta_log/0.checkpoint.parquet')).toThrow(DeltaLogCorruptError);
    expect(() => checkpointRowToActions({ remove: { dataChange: true } }, '_delta_log/0.checkpoint.parquet')).toThrow(/0\.checkpoint\.parquet/);
  });
});

describe('log file names', () => {
  it('classifies commits, checkpoints of every kind, compaction and checksum files', () => {
    expect(parseLogFileName('00000000000000000012.json')).toEqual({ kind: 'commit', version: 12, name: '00000000000000000012.json' });
    expect(parseLogFileName('00000000000000000010.checkpoint.parquet')).toMatchObject({ kind: 'checkpoint', version: 10, format: 'parquet' });
    expect(parseLogFileName('00000000000000000005.checkpoint.0000000002.0000000003.parquet')).toMatchObject({ kind: 'checkpoint', version: 5, part: { index: 2, of: 3 } });
    expect(parseLogFileName('00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json')).toMatchObject({
      kind: 'checkpoint', version: 2, uuid: '80a083e8-7026-4e79-81be-64bd76c43a11', format: 'json',
    });
    expect(parseLogFileName('00000000000000000004.00000000000000000006.compacted.json')).toMatchObject({ kind: 'compacted', version: 4, to: 6 });
    expect(parseLogFileName('00000000000000000000.crc')).toMatchObject({ kind: 'checksum', version: 0 });
    for (const other of ['_last_checkpoint', '.00000000000000000000.json.crc', '0.json', '00000000000000000000.json.tmp']) {
      expect(parseLogFileName(other)).toBeUndefined();
    }
  });

  it('decodes action paths, keeping stray percent signs literal', () => {
    expect(decodeActionPath('x=A%252FA/part-0.parquet')).toBe('x=A%2FA/part-0.parquet');
    expect(decodeActionPath('x=B%20B/part-0.parquet')).toBe('x=B B/part-0.parquet');
    expect(decodeActionPath('test%file%prefix-0.parquet')).toBe('test%file%prefix-0.parquet');
  });
});
