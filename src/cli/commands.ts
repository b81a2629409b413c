/**
 * The list of command modules. Adding a command: create src/cli/<name>.ts exporting
 * `register(program)`, then add it here.
 */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

export const commandModules: CommandModule[] = [];
