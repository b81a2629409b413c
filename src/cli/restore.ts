/**
 * `clicklake restore TABLE --version N | --timestamp T`: a new commit that makes the table's
 * content what it was at that version (or at that time).
 */
import type { Command } from 'commander';
import { FsLogStore } from '../delta/log-store.js';
import { restore } from '../delta/ops/restore.js';
import { DuckDbParquetReader } from '../engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../engine/parquet-writer.js';
import { Session } from '../engine/session.js';
import { CliError, parseCount } from './errors.js';
import { warnCheckpoint } from './checkpoint-warning.js';
import { resolveTableArg } from './table-arg.js';

export function register(program: Command): void {
  program
    .command('restore')
    .description('restore a table to an earlier version or timestamp (as a new commit)')
    .argument('<table>', 'layer.name under the lake, or a path to a Delta table folder')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--version <n>', 'version to restore')
    .option('--timestamp <t>', 'restore the version current at this time (ISO-8601, UTC)')
    .option('--json', 'print the metrics as JSON')
    .action(async (table: string, options: { lake?: string; version?: string; timestamp?: string; json?: boolean }) => {
      if ((options.version === undefined) === (options.timestamp === undefined)) {
        throw new CliError('restore needs exactly one of --version N or --timestamp T');
      }
      const dir = resolveTableArg(table, options.lake);
      let timestamp: Date | undefined;
      if (options.timestamp !== undefined) {
        timestamp = new Date(options.timestamp);
        if (Number.isNaN(timestamp.getTime())) throw new CliError(`--timestamp must be an ISO-8601 time, got "${options.timestamp}"`);
      }
      const version = options.version === undefined ? undefined : parseCount(options.version, '--version');
      const session = await Session.open();
      try {
        const metrics = await restore(
          new FsLogStore(dir),
          { reader: new DuckDbParquetReader(session), writer: new DuckDbParquetWriter(session) },
          { version, timestamp },
        );
        warnCheckpoint(metrics.checkpoint);
        if (options.json) process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
        else {
          process.stdout.write(
            `restored ${table} to version ${metrics.restoredVersion} as version ${metrics.version}: ` +
              `${metrics.numRestoredFiles} file(s) re-added (${metrics.restoredFilesSize} bytes), ` +
              `${metrics.numRemovedFiles} removed (${metrics.removedFilesSize} bytes); ` +
              `${metrics.numOfFilesAfterRestore} file(s), ${metrics.tableSizeAfterRestore} bytes now\n`,
          );
        }
      } finally {
        session.close();
      }
    });
}
