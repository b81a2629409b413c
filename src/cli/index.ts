#!/usr/bin/env node
/**
 * The clicklake command line. Each command lives in its own file and registers itself here;
 * a command module only parses options and calls into pipeline/, delta/ or server/.
 */
import { Command } from 'commander';
import { reportAndExit } from './errors.js';
import { commandModules } from './commands.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('clicklake')
    .description('A clickstream lakehouse: REES46-format event logs to Bronze, Silver and Gold Delta tables.')
    .version('0.1.0')
    .enablePositionalOptions() // so a command's own --version (restore, query) is not the program's
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.exitOverride();
  for (const module of commandModules) module.register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // commander signals --help, --version and its own usage errors by throwing; those already printed.
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code?.startsWith('commander.')) process.exit((error as { exitCode: number }).exitCode);
    reportAndExit(error);
  }
}

await main(process.argv);
