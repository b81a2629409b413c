/**
 * `clicklake serve [--port 4173] [--host 127.0.0.1] [--lake DIR]`: the dashboard and its API over
 * the lake, read-only, until interrupted. Binds to 127.0.0.1 unless told otherwise.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolveLakeDir } from '../config.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/index.js';
import { CliError, parseCount } from './errors.js';

interface ServeOptions {
  port: string;
  host: string;
  lake?: string;
  threads?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the dashboard and its JSON API over the lakehouse')
    .option('--port <n>', 'port to listen on (0 picks a free one)', String(DEFAULT_PORT))
    .option('--host <host>', 'address to bind', DEFAULT_HOST)
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--threads <n>', 'DuckDB worker threads (default: all cores)')
    .action(async (options: ServeOptions) => {
      const port = parseCount(options.port, '--port');
      if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`);
      const lakeDir = resolveLakeDir(options.lake);
      if (!existsSync(lakeDir)) throw new CliError(`no lakehouse at ${lakeDir}: run clicklake run first, or pass --lake`);
      const threads = options.threads ? parseCount(options.threads, '--threads') : undefined;
      let server;
      try {
        server = await startServer({ lakeDir, host: options.host, port, threads });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${options.host} is already in use: pass --port`);
        throw error;
      }
      process.stdout.write(`dashboard: ${server.url}  (lake ${lakeDir}; Ctrl-C to stop)\n`);
      const stop = () => {
        server.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
