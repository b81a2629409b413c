/**
 * `clicklake history TABLE [--json] [--limit N]`: the table's commits, newest first, with each
 * operation, its parameters and metrics.
 */
import type { Command } from 'commander';
import { FsLogStore } from '../delta/log-store.js';
import { history } from '../delta/ops/history.js';
import { parseCount } from './errors.js';
import { resolveTableArg } from './table-arg.js';

export function register(program: Command): void {
  program
    .command('history')
    .description("list a table's commits, newest first, with operation and metrics")
    .argument('<table>', 'layer.name under the lake, or a path to a Delta table folder')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--limit <n>', 'at most N entries')
    .option('--json', 'print JSON')
    .action(async (table: string, options: { lake?: string; limit?: string; json?: boolean }) => {
      const dir = resolveTableArg(table, options.lake);
      const limit = options.limit === undefined ? undefined : parseCount(options.limit, '--limit');
      const entries = await history(new FsLogStore(dir), { limit });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        return;
      }
      for (const e of entries) {
        const metrics = Object.entries(e.operationMetrics).map(([k, v]) => `${k}=${String(v)}`).join(' ');
        const params = Object.entries(e.operationParameters).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
        process.stdout.write(`${String(e.version).padStart(6)}  ${new Date(e.timestamp).toISOString()}  ${e.operation.padEnd(12)}  ${params}${metrics ? `  | ${metrics}` : ''}\n`);
      }
    });
}
