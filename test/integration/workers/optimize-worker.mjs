// Compacts a Delta table over and over while other processes write to it, until the file
// STOP_FILE exists, then once more; prints one line per round: the committed version, "nothing",
// or "conflict <kind>" when a concurrent commit conflicted (a clean, typed outcome).
// Usage: node optimize-worker.mjs TABLE_DIR STOP_FILE
import { existsSync } from 'node:fs';
import { FsLogStore } from '../../../dist/src/delta/log-store.js';
import { optimize } from '../../../dist/src/delta/ops/optimize.js';
import { DeltaConcurrentModificationError } from '../../../dist/src/delta/errors.js';
import { DuckDbFileRewriter } from '../../../dist/src/engine/optimize-rewriter.js';
import { DuckDbParquetReader } from '../../../dist/src/engine/parquet-reader.js';
import { Session } from '../../../dist/src/engine/session.js';

const [dir, stopFile] = process.argv.slice(2);
const session = await Session.open({ threads: 1 });
try {
  for (let last = false; ; ) {
    last = existsSync(stopFile);
    try {
      const metrics = await optimize(new FsLogStore(dir), { reader: new DuckDbParquetReader(session), rewriter: new DuckDbFileRewriter(session) });
      process.stdout.write(metrics.version === null ? 'nothing\n' : `${metrics.version}\n`);
    } catch (error) {
      if (!(error instanceof DeltaConcurrentModificationError)) throw error;
      process.stdout.write(`conflict ${error.conflict}\n`);
    }
    if (last) break;
    await new Promise((r) => setTimeout(r, 150));
  }
} finally {
  session.close();
}
