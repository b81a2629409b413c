/**
 * `npm run bench -- delta`: the Delta layer's costs, printed, never asserted (bench/index.ts
 * registers `deltaSuite`; `run()` also prints each figure with its spread as it goes).
 * - snapshot load of a 1,000-commit table with a checkpoint every 10 commits (target ≤ 100 ms)
 * - snapshot load of a 10,000-commit table without checkpoints (target ≤ 2 s)
 * - a small one-file commit through the writer (target ≤ 20 ms), and the bare commit loop
 * - data skipping: a one-day predicate on a table partitioned into 31 days scans that day only
 * The large logs are built with the commit loop and checkpoint writer directly (one add per
 * commit), since loading a snapshot reads the log, not the data files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCheckpoint } from '../src/delta/checkpoint-write.js';
import { commitTransaction } from '../src/delta/commit.js';
import { FsLogStore } from '../src/delta/log-store.js';
import { loadSnapshot } from '../src/delta/snapshot.js';
import type { Transaction } from '../src/delta/transaction.js';
import { schemaToString, field, struct } from '../src/delta/type-map.js';
import { parsePredicate } from '../src/delta/predicate.js';
import { openDeltaView } from '../src/engine/delta-view.js';
import { appendQuery } from '../src/engine/delta-writer.js';
import { DuckDbParquetReader } from '../src/engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../src/engine/parquet-writer.js';
import { Session } from '../src/engine/session.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(runs: number, work: () => Promise<unknown>): Promise<{ median: number; min: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const fmt = (t: { median: number; min: number; max: number }) => `median ${t.median.toFixed(1)} ms (min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)})`;

function addTxn(version: number): Transaction {
  const actions: Transaction['actions'] = [];
  if (version === 0) {
    actions.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    actions.push({
      metaData: {
        id: '5f0e8a4e-0000-4000-8000-000000000000', format: { provider: 'parquet', options: {} },
        schemaString: schemaToString(struct(field('id', 'long'))), partitionColumns: [], configuration: {}, createdTime: 0,
      },
    });
  }
  actions.push({
    add: {
      path: `part-${String(version).padStart(6, '0')}.zstd.parquet`, partitionValues: {}, size: 1000, modificationTime: version,
      dataChange: true, stats: `{"numRecords":1,"minValues":{"id":${version}},"maxValues":{"id":${version}},"nullCount":{"id":0}}`,
    },
  });
  return {
    readVersion: version === 0 ? null : version - 1, operation: 'WRITE', operationParameters: { mode: 'Append' },
    operationMetrics: {}, actions, scope: { kind: 'nothing' }, readFiles: new Set(), isBlindAppend: true,
  };
}

/** The suite as bench/index.ts registers it (same shape as its BenchSuite). */
export const deltaSuite = {
  name: 'delta',
  describe: 'Delta log: snapshot loads with and without checkpoints, small commits, partition skipping',
  run: async (): Promise<{ figures: Record<string, number | string> }> => ({ figures: await run() }),
};

export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  const root = mkdtempSync(join(tmpdir(), 'clicklake-bench-delta-'));
  const session = await Session.open();
  const reader = new DuckDbParquetReader(session);
  const writer = new DuckDbParquetWriter(session);
  try {
    // 1. 1,000 commits, a checkpoint every 10.
    const withCheckpoints = new FsLogStore(join(root, 'checkpointed'));
    for (let v = 0; v < 1000; v++) {
      await commitTransaction(withCheckpoints, addTxn(v));
      if (v > 0 && v % 10 === 0) await writeCheckpoint(withCheckpoints, writer, await loadSnapshot(withCheckpoints, reader));
    }
    const load1k = await timed(7, () => loadSnapshot(withCheckpoints, reader));
    console.log(`snapshot load, 1,000 commits with checkpoints: ${fmt(load1k)}   (target ≤ 100 ms)`);
    figures['snapshot load 1k commits + checkpoints, median ms'] = Number(load1k.median.toFixed(1));

    // 2. 10,000 commits, no checkpoint.
    const plain = new FsLogStore(join(root, 'plain'));
    const encoder = new TextEncoder();
    for (let v = 0; v < 10_000; v++) {
      const txn = addTxn(v);
      const lines = [{ commitInfo: { timestamp: v, operation: 'WRITE' } }, ...txn.actions].map((a) => JSON.stringify(a)).join('\n') + '\n';
      await plain.putIfAbsent(`_delta_log/${String(v).padStart(20, '0')}.json`, encoder.encode(lines));
    }
    const load10k = await timed(3, () => loadSnapshot(plain, reader));
    console.log(`snapshot load, 10,000 commits without checkpoints: ${fmt(load10k)}   (target ≤ 2000 ms)`);
    figures['snapshot load 10k commits, median ms'] = Number(load10k.median.toFixed(1));

    // 3. Small commits.
    const small = join(root, 'small');
    await appendQuery(session, small, 'SELECT 0::BIGINT AS id');
    let next = 1;
    const write = await timed(20, () => appendQuery(session, small, `SELECT ${next++}::BIGINT AS id`));
    console.log(`one-row append through the writer (snapshot, COPY, stats, commit): ${fmt(write)}   (target ≤ 20 ms)`);
    figures['one-row append, median ms'] = Number(write.median.toFixed(1));
    const bare = new FsLogStore(join(root, 'bare'));
    await commitTransaction(bare, addTxn(0));
    let v = 1;
    const loop = await timed(50, () => commitTransaction(bare, addTxn(v++)));
    console.log(`bare commit (put-if-absent of one add): ${fmt(loop)}`);
    figures['bare commit, median ms'] = Number(loop.median.toFixed(2));

    // 4. Data skipping over 31 daily partitions.
    const days = join(root, 'days');
    await appendQuery(
      session,
      days,
      `SELECT i::BIGINT AS id, CAST(DATE '2019-10-01' + (i % 31)::INTEGER AS DATE) AS event_date, i * 0.5 AS price FROM range(310000) t(i)`,
      { partitionBy: ['event_date'] },
    );
    const { scan } = await openDeltaView(session, 'day_view', days, { predicate: parsePredicate("event_date = DATE '2019-10-15'") });
    const rows = await session.json<{ n: string }>(`SELECT count(*) AS n FROM day_view WHERE event_date = DATE '2019-10-15'`);
    console.log(`one-day predicate on 31 daily partitions: scanned ${scan.filesScanned} of ${scan.filesTotal} files, ` +
      `${scan.bytesScanned} of ${scan.bytesTotal} bytes; ${rows[0]!.n} rows`);
    figures['one-day predicate, files scanned of 31'] = scan.filesScanned;
    return figures;
  } finally {
    session.close();
    rmSync(root, { recursive: true, force: true });
  }
}
