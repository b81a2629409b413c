/**
 * `clicklake generate`: parses options and calls src/generate/. With --profile FILE it measures
 * an existing file against the real month's figures instead of writing one.
 */
import type { Command } from 'commander';
import { CliError, parseCount } from './errors.js';
import { terminalEffects } from './effects.js';
import { generate, type OutputFormat } from '../generate/generate.js';
import { formatProfile, profileFile } from '../generate/profile.js';

interface Options {
  out?: string;
  events?: string;
  month?: string;
  months?: string;
  seed?: string;
  faults?: string;
  format?: string;
  threads?: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
}

const FORMATS: OutputFormat[] = ['csv', 'csv.gz', 'parquet'];

export function register(program: Command): void {
  program
    .command('generate')
    .description('write a synthetic REES46-format clickstream month (or measure a file against the real month with --profile)')
    .option('--out <file>', 'output file (.csv, .csv.gz or .parquet)')
    .option('--events <n>', 'events per month (default: the real month\'s 42,448,764 for 2019-10)')
    .option('--month <YYYY-MM>', 'first month', '2019-10')
    .option('--months <k>', 'number of consecutive months', '1')
    .option('--seed <s>', 'random seed (a whole number below 2^32)', '1')
    .option('--faults <rate>', 'share of events replaced by injected faults, listed in FILE.faults.json')
    .option('--format <format>', 'csv, csv.gz or parquet (default: from the file name)')
    .option('--threads <n>', 'worker threads (0: none); the output is the same for any number')
    .option('--profile <file>', 'print the fidelity table of FILE against the real month instead of generating')
    .option('--json', 'print the summary (or the profile) as JSON')
    .option('--quiet', 'no progress or log lines')
    .action(async (opts: Options) => {
      const effects = terminalEffects({ quiet: opts.quiet });
      if (opts.profile) {
        const result = await profileFile(opts.profile, { threads: opts.threads ? parseCount(opts.threads, '--threads') || undefined : undefined });
        process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatProfile(result.rows, result.figures)}\n`);
        return;
      }
      if (!opts.out) throw new CliError('--out FILE is required (or --profile FILE to measure a file)');
      if (opts.format && !FORMATS.includes(opts.format as OutputFormat)) {
        throw new CliError(`--format must be one of ${FORMATS.join(', ')}, got "${opts.format}"`);
      }
      let faults: number | undefined;
      if (opts.faults !== undefined) {
        faults = Number(opts.faults);
        if (!/^\d*\.?\d+(e-?\d+)?$/i.test(opts.faults) || !Number.isFinite(faults)) {
          throw new CliError(`--faults must be a rate such as 0.001, got "${opts.faults}"`);
        }
      }
      const seed = parseCount(opts.seed ?? '1', '--seed');
      if (seed > 0xffffffff) throw new CliError(`--seed must be below 4294967296, got "${opts.seed}"`);
      const summary = await generate(
        {
          out: opts.out,
          events: opts.events !== undefined ? parseCount(opts.events, '--events') : undefined,
          month: opts.month,
          months: parseCount(opts.months ?? '1', '--months'),
          seed,
          faults,
          format: opts.format as OutputFormat | undefined,
          threads: opts.threads !== undefined ? parseCount(opts.threads, '--threads') : undefined,
        },
        effects,
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        const mb = (summary.bytes / 1e6).toFixed(1);
        process.stdout.write(
          `wrote ${summary.out}: ${summary.rows.toLocaleString('en-US')} rows, ${mb} MB in ${summary.seconds.toFixed(1)} s ` +
            `(${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s)` +
            (summary.manifest ? `; ${summary.faults} faults listed in ${summary.manifest}` : '') +
            '\n',
        );
      }
    });
}
