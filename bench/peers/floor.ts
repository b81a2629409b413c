/**
 * The floors of `bench peers`, each in its own process: `scan` is one typed DuckDB scan of the CSV
 * (every column parsed to its type and counted, nothing kept), `bytes` reads the file's bytes once
 * and counts its lines. No pipeline can beat either on the same file; they tell how much of
 * clicklake's time is the reading itself.
 *
 * Usage: node dist/bench/peers/floor.js scan|bytes CSV   (prints one JSON line: rows)
 */
import { createReadStream } from 'node:fs';
import { Session, quoteString } from '../../src/engine/session.js';
import { peerMain, type PeerOutput } from './contract.js';

// The source columns and the types Silver gives them; a constant, not input.
const TYPED_COLUMNS =
  "{'event_time': 'TIMESTAMPTZ', 'event_type': 'VARCHAR', 'product_id': 'BIGINT', 'category_id': 'BIGINT', " +
  "'category_code': 'VARCHAR', 'brand': 'VARCHAR', 'price': 'DECIMAL(12,2)', 'user_id': 'BIGINT', 'user_session': 'UUID'}";
const NAMES = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session'];

export async function typedScan(csv: string): Promise<number> {
  const session = await Session.open();
  try {
    // count(col) of every column, so no column's parse can be skipped by projection pushdown
    const counts = NAMES.map((n, i) => `count(${n}) as c${i}`).join(', ');
    const rows = await session.all<{ n: bigint }>(
      `select count(*) as n, ${counts} from read_csv(${quoteString(csv)}, header = true, columns = ${TYPED_COLUMNS})`,
    );
    return Number(rows[0]!.n);
  } finally {
    session.close();
  }
}

/** Data lines (every line but the header) of a file read once in large chunks. */
export async function readBytes(path: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
  }
  if (last !== 10) lines++;
  return Math.max(0, lines - 1);
}

async function main(args: string[]): Promise<PeerOutput> {
  const [mode, csv] = args;
  if (!csv || (mode !== 'scan' && mode !== 'bytes')) throw new Error('usage: floor.js scan|bytes CSV');
  return { rows: mode === 'scan' ? await typedScan(csv) : await readBytes(csv) };
}

peerMain(import.meta.url, main);
