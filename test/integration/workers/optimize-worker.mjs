// Compacts a Delta table ROUNDS times while other processes write to it; prints one line per
// round: the committed version, "nothing", or "conflict <kind>" when a concurrent commit
// conflicted (a clean, typed outcome). Usage: node optimize-worker.mjs TABLE_DIR ROUNDS
import { FsLogStore } from '../../../dist/src/delta/log-store.js';
import { optimize } from '../../../dist/src/delta/ops/optimize.js';
import { DeltaConcurrentModificationError } from '../../../dist/src/delta/errors.js';
import { DuckDbFileRewriter } from '../../../dist/src/engine/optimize-rewriter.js';
import { DuckDbParquetReader } from '../../../dist/src/engine/parquet-reader.js';
import { Session } from '../../../dist/src/engine/session.js';

const [dir, roundsText] = process.argv.slice(2);
const session = await Session.open({ threads: 1 });
try {
  for (let round = 0; round < Number(roundsText); round++) {
    try {
      const metrics = await optimize(new FsLogStore(dir), { reader: new DuckDbParquetReader(session), rewriter: new DuckDbFileRewriter(session) });
      process.stdout.write(metrics.version === null ? 'nothing\n' : `${metrics.version}\n`);
    } catch (error) {
      if (!(error instanceof DeltaConcurrentModificationError)) throw error;
      process.stdout.write(`conflict ${error.conflict}\n`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
} finally {
  session.close();
}
