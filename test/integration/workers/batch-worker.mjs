// Writes batches FROM..TO-1 of ROWS rows each, each batch an exactly-once append with
// txn (appId "batches", version = batch number); prints "committed N" after each commit.
// Usage: node batch-worker.mjs TABLE_DIR FROM TO ROWS   (run against the built dist/)
import { Session } from '../../../dist/src/engine/session.js';
import { appendQuery } from '../../../dist/src/engine/delta-writer.js';

const [dir, fromText, toText, rowsText] = process.argv.slice(2);
const rows = Number(rowsText);
const session = await Session.open({ threads: 1 });
try {
  for (let batch = Number(fromText); batch < Number(toText); batch++) {
    const result = await appendQuery(
      session,
      dir,
      `SELECT ${batch}::INTEGER AS batch, i::BIGINT AS i, md5(i::VARCHAR) AS payload FROM range(${rows}) t(i)`,
      { txn: { appId: 'batches', version: batch }, tableProperties: { 'delta.checkpointInterval': '4' } },
    );
    process.stdout.write(result.version === null ? `skipped ${batch}\n` : `committed ${batch} at ${result.version}\n`);
  }
} finally {
  session.close();
}
