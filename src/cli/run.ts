/**
 * `clicklake run [FILE|DIR ...] [--lake DIR]`: ingest new files, then Silver and Gold, and print
 * the summary (or the run report as JSON). Exits non-zero when the run failed.
 */
import type { Command } from 'commander';
import { resolveLakeDir } from '../config.js';
import { runPipeline, type RunReport } from '../pipeline/runner.js';
import { formatRunSummary, lakeTables } from '../pipeline/summary.js';
import { terminalEffects } from './effects.js';
import { CliError, parseCount } from './errors.js';

export interface RunCliOptions {
  lake?: string;
  json?: boolean;
  threads?: string;
  memoryLimit?: string;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('ingest new files, then build Silver and Gold (incremental, idempotent)')
    .argument('[paths...]', 'CSV, .csv.gz or Parquet files, or folders of them')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--json', 'print the run report as JSON')
    .option('--threads <n>', 'DuckDB worker threads (default: all cores)')
    .option('--memory-limit <size>', 'DuckDB memory limit (default 2.5GB)')
    .action(async (paths: string[], options: RunCliOptions) => {
      const report = await runAndPrint(paths, options);
      if (report.status !== 'succeeded') throw new CliError(`run ${report.runId} failed: ${report.error ?? 'unknown error'}`);
    });
}

/** Runs the pipeline and prints its summary; shared with `clicklake start`. */
export async function runAndPrint(paths: readonly string[], options: RunCliOptions): Promise<RunReport> {
  const lakeDir = resolveLakeDir(options.lake);
  const effects = terminalEffects({ quiet: options.json });
  const report = await runPipeline({
    lakeDir,
    inputs: paths,
    effects,
    threads: options.threads ? parseCount(options.threads, '--threads') : undefined,
    memoryLimit: options.memoryLimit,
  });
  const tables = await lakeTables(lakeDir);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...report, lake: lakeDir, tables }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatRunSummary(report, tables)}\n`);
  }
  return report;
}
