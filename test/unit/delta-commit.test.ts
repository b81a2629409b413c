import { describe, expect, it } from 'vitest';
import { parseCommit, type Action } from '../../src/delta/actions.js';
import { commitPath, commitTransaction, readCommitActions } from '../../src/delta/commit.js';
import { DeltaConcurrentModificationError } from '../../src/delta/errors.js';
import { MemoryLogStore, type LogStore } from '../../src/delta/log-store.js';
import type { Transaction } from '../../src/delta/transaction.js';

const noSleep = async () => {};

function append(readVersion: number | null, path: string, extra: Action[] = []): Transaction {
  return {
    readVersion,
    operation: 'WRITE',
    operationParameters: { mode: 'Append' },
    operationMetrics: { numFiles: '1' },
    actions: [...extra, { add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } }],
    scope: { kind: 'nothing' },
    readFiles: new Set(),
    isBlindAppend: true,
  };
}

const create: Action[] = [
  { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
  { metaData: { id: 'id', format: { provider: 'parquet', options: {} }, schemaString: '{"type":"struct","fields":[]}', partitionColumns: [], configuration: {} } },
];

async function text(store: LogStore, version: number): Promise<string> {
  return new TextDecoder().decode(await store.read(commitPath(version)));
}

describe('commitTransaction', () => {
  it('writes zero-padded commit files with commitInfo first and the transaction actions after', async () => {
    const store = new MemoryLogStore();
    const result = await commitTransaction(store, append(null, 'a', create), { now: () => 1234, sleep: noSleep });
    expect(result).toEqual({ version: 0, attempts: 1 });
    expect(commitPath(0)).toBe('_delta_log/00000000000000000000.json');
    const actions = parseCommit(await text(store, 0), 'v0');
    expect(Object.keys(actions[0]!)).toEqual(['commitInfo']);
    expect(actions[0]).toMatchObject({ commitInfo: { timestamp: 1234, operation: 'WRITE', isBlindAppend: true, engineInfo: expect.stringMatching(/^clicklake\//) } });
    expect(actions.slice(1).map((a) => Object.keys(a)[0])).toEqual(['protocol', 'metaData', 'add']);
  });

  it('retries a lost race at the next version when the winner does not conflict', async () => {
    const store = new MemoryLogStore();
    await commitTransaction(store, append(null, 'a', create), { sleep: noSleep });
    await commitTransaction(store, append(0, 'b'), { sleep: noSleep });
    const late = await commitTransaction(store, append(0, 'c'), { sleep: noSleep });
    expect(late).toEqual({ version: 2, attempts: 2 });
    expect((await readCommitActions(store, 2))?.find((a) => 'add' in a)).toEqual({ add: expect.objectContaining({ path: 'c' }) });
    const info = (await readCommitActions(store, 2))?.find((a) => 'commitInfo' in a) as { commitInfo: { readVersion: number } };
    expect(info.commitInfo.readVersion).toBe(0);
  });

  it('raises DeltaConcurrentModificationError when a winner removed a file the write read', async () => {
    const store = new MemoryLogStore();
    await commitTransaction(store, append(null, 'a', create), { sleep: noSleep });
    const overwrite: Transaction = {
      ...append(0, 'x'),
      operationParameters: { mode: 'Overwrite' },
      scope: { kind: 'all' },
      readFiles: new Set(['a']),
      isBlindAppend: false,
      actions: [{ remove: { path: 'a', dataChange: true, deletionTimestamp: 1 } }],
    };
    await commitTransaction(store, overwrite, { sleep: noSleep });
    const second = { ...overwrite, actions: [...overwrite.actions, { add: { path: 'y', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } }] };
    const error = await commitTransaction(store, second, { sleep: noSleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaConcurrentModificationError);
    expect((error as DeltaConcurrentModificationError).conflict).toBe('delete-read');
    expect((error as Error).message).toMatch(/version 1 removed a/);
    expect(await readCommitActions(store, 2)).toBeUndefined();
  });

  it('gives up after the retry bound with a clear error', async () => {
    const inner = new MemoryLogStore();
    await commitTransaction(inner, append(null, 'a', create), { sleep: noSleep });
    let competitor = 0;
    // A store where another writer always commits a blind append just before us.
    const busy: LogStore = Object.assign(Object.create(inner) as LogStore, {
      async putIfAbsent(path: string, bytes: Uint8Array) {
        const version = Number(path.slice('_delta_log/'.length, -'.json'.length));
        await inner.putIfAbsent(commitPath(version), new TextEncoder().encode(JSON.stringify({ add: { path: `w${competitor++}`, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } }) + '\n'));
        return inner.putIfAbsent(path, bytes);
      },
    });
    const sleeps: number[] = [];
    const error = await commitTransaction(busy, append(0, 'mine'), { maxRetries: 3, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaConcurrentModificationError);
    expect((error as DeltaConcurrentModificationError).conflict).toBe('retries-exhausted');
    expect(sleeps).toEqual([5, 10, 20]);
  });

  it('fails clearly when a winning commit is corrupt', async () => {
    const store = new MemoryLogStore();
    await commitTransaction(store, append(null, 'a', create), { sleep: noSleep });
    await store.putIfAbsent(commitPath(1), new TextEncoder().encode('{"add":{"path":"tr'));
    const error = await commitTransaction(store, append(0, 'b'), { sleep: noSleep }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('DeltaLogCorruptError');
    expect((error as Error).message).toContain('00000000000000000001.json');
  });
});
