import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/delta/actions.js';
import { checkConflicts } from '../../src/delta/conflicts.js';
import type { Transaction } from '../../src/delta/transaction.js';

function txn(overrides: Partial<Transaction> = {}): Transaction {
  return {
    readVersion: 3,
    operation: 'WRITE',
    operationParameters: {},
    operationMetrics: {},
    actions: [],
    scope: { kind: 'nothing' },
    readFiles: new Set(),
    isBlindAppend: true,
    ...overrides,
  };
}

const add = (path: string, partitionValues: Record<string, string | null> = {}, dataChange = true): Action => ({
  add: { path, partitionValues, size: 10, modificationTime: 1, dataChange },
});
const remove = (path: string, dataChange = true): Action => ({ remove: { path, dataChange, deletionTimestamp: 1 } });

describe('checkConflicts', () => {
  it('lets blind appends commit on top of appends', () => {
    expect(checkConflicts(txn({ actions: [add('b')] }), [add('a')], 4)).toBeNull();
  });

  it('refuses a second creation of the table', () => {
    expect(checkConflicts(txn({ readVersion: null }), [add('a')], 0)?.kind).toBe('table-created');
  });

  it('treats protocol and metadata changes as conflicts, protocol first', () => {
    const metaData: Action = {
      metaData: { id: 'x', format: { provider: 'parquet' }, schemaString: '{}', partitionColumns: [], configuration: {} },
    };
    expect(checkConflicts(txn(), [metaData], 4)?.kind).toBe('metadata-changed');
    expect(checkConflicts(txn(), [metaData, { protocol: { minReaderVersion: 1, minWriterVersion: 2 } }], 4)?.kind).toBe('protocol-changed');
  });

  it('detects the same application transaction committed concurrently', () => {
    const ours = txn({ actions: [{ txn: { appId: 'ingest', version: 7 } }] });
    expect(checkConflicts(ours, [{ txn: { appId: 'ingest', version: 7 } }], 4)?.kind).toBe('app-transaction');
    expect(checkConflicts(ours, [{ txn: { appId: 'other', version: 7 } }], 4)).toBeNull();
  });

  it('detects a removal of a file this write read or removes, including by compaction', () => {
    const deleting = txn({ readFiles: new Set(['f1']), actions: [remove('f1')], scope: { kind: 'all' }, isBlindAppend: false });
    expect(checkConflicts(deleting, [remove('f1')], 4)?.kind).toBe('delete-read');
    expect(checkConflicts(deleting, [remove('f1', false), add('g', {}, false)], 4)?.kind).toBe('delete-read');
    expect(checkConflicts(deleting, [remove('f2')], 4)).toBeNull();
  });

  it('detects appends into what an overwrite read, but not compaction output', () => {
    const overwrite = txn({ scope: { kind: 'all' }, isBlindAppend: false });
    expect(checkConflicts(overwrite, [add('n')], 4)?.kind).toBe('append-in-scope');
    expect(checkConflicts(overwrite, [add('n', {}, false)], 4)).toBeNull();
  });

  it('limits a replaceWhere scope to its partitions', () => {
    const replace = txn({ scope: { kind: 'partitions', partitions: [{ d: '2019-10-01' }] }, isBlindAppend: false });
    expect(checkConflicts(replace, [add('x', { d: '2019-10-02' })], 4)).toBeNull();
    expect(checkConflicts(replace, [add('x', { d: '2019-10-01' })], 4)?.kind).toBe('append-in-scope');
    expect(checkConflicts(replace, [add('x', { d: null })], 4)).toBeNull();
  });
});
