/**
 * `clicklake tables [--lake DIR] [--json]`: every table in the lake with its version, rows, files
 * and bytes.
 */
import type { Command } from 'commander';
import { resolveLakeDir } from '../config.js';
import { formatBytes, formatCount, lakeTables, textTable } from '../pipeline/summary.js';

export function register(program: Command): void {
  program
    .command('tables')
    .description('list every lake table with version, rows, files and bytes')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--json', 'print JSON')
    .action(async (options: { lake?: string; json?: boolean }) => {
      const lakeDir = resolveLakeDir(options.lake);
      const tables = await lakeTables(lakeDir);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(tables, null, 2)}\n`);
        return;
      }
      if (tables.length === 0) {
        process.stdout.write(`no tables in ${lakeDir} yet; run \`clicklake run FILE\` first\n`);
        return;
      }
      process.stdout.write(
        `${textTable(
          ['table', 'version', 'rows', 'files', 'bytes', 'partitioned by'],
          tables.map((t) => [t.name, String(t.version), formatCount(t.rows), String(t.files), formatBytes(t.bytes), t.partitionColumns.join(', ')]),
          [false, true, true, true, true, false],
        )}\n`,
      );
    });
}
