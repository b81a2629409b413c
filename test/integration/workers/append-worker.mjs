// Appends COMMITS one-row commits to a Delta table, as one of several concurrent writers.
// Prints "<version> <attempts>" per commit.
// Usage: node append-worker.mjs TABLE_DIR WORKER_ID COMMITS   (run against the built dist/)
import { Session } from '../../../dist/src/engine/session.js';
import { appendQuery } from '../../../dist/src/engine/delta-writer.js';

const [dir, workerText, commitsText] = process.argv.slice(2);
const worker = Number(workerText);
const session = await Session.open({ threads: 1 });
try {
  for (let seq = 0; seq < Number(commitsText); seq++) {
    const result = await appendQuery(
      session,
      dir,
      `SELECT ${worker * 1000 + seq}::BIGINT AS id, ${worker}::INTEGER AS worker, ${seq}::INTEGER AS seq`,
    );
    if (result.version === null) throw new Error(`worker ${worker} commit ${seq} was skipped: ${result.skippedReason}`);
    process.stdout.write(`${result.version} ${result.commitAttempts}\n`);
  }
} finally {
  session.close();
}
