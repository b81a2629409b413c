/**
 * `clicklake start` (what `npm start` runs): the project's main job. With no source files in the
 * data folder it generates a demo month there (fixed seed), runs the pipeline into the lake,
 * prints the summary, then serves the dashboard over the lake and prints its URL.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveLakeDir } from '../config.js';
import { generate } from '../generate/generate.js';
import { listSourceFiles } from '../pipeline/inputs.js';
import { formatBytes } from '../pipeline/summary.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/index.js';
import { terminalEffects } from './effects.js';
import { CliError, parseCount } from './errors.js';
import { runAndPrint } from './run.js';

/** The demo month: about two million events of October 2019, a fixed seed, a few faults. */
export const DEMO = { events: 2_000_000, month: '2019-10', seed: 46, faults: 0.0005 } as const;

interface StartOptions {
  data?: string;
  lake?: string;
  events?: string;
  serve: boolean;
  port: string;
  host: string;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('the main job: generate a demo month if ./data is empty, build the lakehouse, print a summary, serve the dashboard')
    .option('--data <dir>', 'folder of source files', 'data')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--events <n>', `events in the generated demo month (default ${DEMO.events.toLocaleString('en-US')})`)
    .option('--no-serve', 'build and print the summary, then exit instead of serving the dashboard')
    .option('--port <n>', 'dashboard port', String(DEFAULT_PORT))
    .option('--host <host>', 'dashboard address', DEFAULT_HOST)
    .action(async (options: StartOptions) => {
      const dataDir = resolve(options.data ?? 'data');
      const lakeDir = resolveLakeDir(options.lake);
      const port = parseCount(options.port, '--port');
      const effects = terminalEffects();
      const present = existsSync(dataDir) ? listSourceFiles([dataDir]) : [];
      if (present.length === 0) {
        const events = options.events ? parseCount(options.events, '--events') : DEMO.events;
        const out = join(dataDir, `demo-${DEMO.month}.csv`);
        mkdirSync(dataDir, { recursive: true });
        effects.log(`no source files in ${dataDir}: generating a demo month (${events.toLocaleString('en-US')} events, seed ${DEMO.seed}) into ${out}`);
        const summary = await generate({ out, events, month: DEMO.month, seed: DEMO.seed, faults: DEMO.faults }, effects);
        effects.log(`generated ${summary.rows.toLocaleString('en-US')} rows (${formatBytes(summary.bytes)}) in ${summary.seconds.toFixed(1)} s`);
      } else {
        effects.log(`source files in ${dataDir}: ${present.length}`);
      }
      const report = await runAndPrint([dataDir], { lake: lakeDir });
      if (report.status !== 'succeeded') throw new CliError(`run ${report.runId} failed: ${report.error ?? 'unknown error'}`);
      if (!options.serve) {
        process.stdout.write(`\ndashboard: run \`clicklake serve --lake ${lakeDir}\` to open it\n`);
        return;
      }
      let server;
      try {
        server = await startServer({ lakeDir, host: options.host, port });
      } catch (error) {
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new CliError(`the lakehouse is built, but port ${port} is in use: run \`clicklake serve --port N --lake ${lakeDir}\``);
        }
        throw error;
      }
      process.stdout.write(`\ndashboard: ${server.url}  (Ctrl-C to stop)\n`);
      const stop = (): void => {
        server.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
