/**
 * `clicklake optimize TABLE [--zorder COLS] [--target-size BYTES] [--json]`: compacts small files
 * per partition, optionally in Z-order over up to four columns.
 */
import type { Command } from 'commander';
import { FsLogStore } from '../delta/log-store.js';
import { optimize } from '../delta/ops/optimize.js';
import { DuckDbFileRewriter } from '../engine/optimize-rewriter.js';
import { DuckDbParquetReader } from '../engine/parquet-reader.js';
import { DuckDbParquetWriter } from '../engine/parquet-writer.js';
import { Session } from '../engine/session.js';
import type { ProgressTask } from '../effects.js';
import { terminalEffects } from './effects.js';
import { CliError } from './errors.js';
import { warnCheckpoint } from './checkpoint-warning.js';
import { parseNumber, resolveTableArg } from './table-arg.js';

export function register(program: Command): void {
  program
    .command('optimize')
    .description('compact small files per partition, optionally Z-ordered')
    .argument('<table>', 'layer.name under the lake, or a path to a Delta table folder')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--zorder <cols>', 'comma-separated columns (1 to 4) to Z-order by')
    .option('--target-size <bytes>', 'target file size in bytes (default 134217728)')
    .option('--json', 'print JSON')
    .action(async (table: string, options: { lake?: string; zorder?: string; targetSize?: string; json?: boolean }) => {
      const dir = resolveTableArg(table, options.lake);
      const zOrderBy = options.zorder?.split(',').map((c) => c.trim()).filter(Boolean) ?? [];
      if (options.zorder !== undefined && (zOrderBy.length < 1 || zOrderBy.length > 4)) {
        throw new CliError(`--zorder takes 1 to 4 comma-separated columns, got "${options.zorder}"`);
      }
      const targetSize = options.targetSize === undefined ? undefined : parseNumber(options.targetSize, '--target-size');
      if (targetSize !== undefined && targetSize < 1) throw new CliError('--target-size must be at least 1 byte');
      const session = await Session.open();
      let bar: ProgressTask | undefined;
      try {
        const metrics = await optimize(
          new FsLogStore(dir),
          { reader: new DuckDbParquetReader(session), rewriter: new DuckDbFileRewriter(session), writer: new DuckDbParquetWriter(session) },
          {
            zOrderBy,
            targetSize,
            onProgress: (done, total) => {
              bar ??= terminalEffects().progress('optimize', total);
              bar.update(done);
            },
          },
        );
        bar?.stop();
        bar = undefined;
        warnCheckpoint(metrics.checkpoint);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          metrics.version === null
            ? `${table}: nothing to optimize\n`
            : `optimized ${table} as version ${metrics.version}: ${metrics.numFilesRemoved} file(s) (${metrics.bytesBefore} bytes) ` +
                `→ ${metrics.numFilesAdded} file(s) (${metrics.bytesAfter} bytes) in ${metrics.partitionsOptimized} partition(s)` +
                `${zOrderBy.length ? `, Z-ordered by ${zOrderBy.join(', ')}` : ''}\n`,
        );
      } finally {
        bar?.stop();
        session.close();
      }
    });
}
