/**
 * `clicklake vacuum TABLE [--retain-hours H] [--force] [--dry-run] [--json]`: deletes data files
 * no version inside the retention period needs.
 */
import type { Command } from 'commander';
import { FsLogStore } from '../delta/log-store.js';
import { vacuum } from '../delta/ops/vacuum.js';
import { DuckDbParquetReader } from '../engine/parquet-reader.js';
import { Session } from '../engine/session.js';
import { parseNumber, resolveTableArg } from './table-arg.js';

export function register(program: Command): void {
  program
    .command('vacuum')
    .description('delete data files that no version inside the retention period references')
    .argument('<table>', 'layer.name under the lake, or a path to a Delta table folder')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--retain-hours <h>', 'retention in hours (default: the table setting, 168)')
    .option('--force', 'allow a retention shorter than the table setting')
    .option('--dry-run', 'list the files that would be deleted, delete nothing')
    .option('--json', 'print JSON')
    .action(async (table: string, options: { lake?: string; retainHours?: string; force?: boolean; dryRun?: boolean; json?: boolean }) => {
      const dir = resolveTableArg(table, options.lake);
      const retentionHours = options.retainHours === undefined ? undefined : parseNumber(options.retainHours, '--retain-hours');
      const session = await Session.open({ threads: 1 });
      try {
        const metrics = await vacuum(new FsLogStore(dir), { reader: new DuckDbParquetReader(session) }, {
          retentionHours, force: options.force, dryRun: options.dryRun,
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
          return;
        }
        const verb = metrics.dryRun ? 'would delete' : 'deleted';
        for (const file of metrics.files) process.stdout.write(`${verb} ${file}\n`);
        process.stdout.write(
          `${verb} ${metrics.numFilesDeleted} file(s), ${metrics.bytesDeleted} bytes (retention ${metrics.retentionHours} h; ` +
            `${metrics.numFilesKept} removed file(s) kept for time travel)\n`,
        );
      } finally {
        session.close();
      }
    });
}
