/**
 * The list of command modules. Adding a command: create src/cli/<name>.ts exporting
 * `register(program)`, then add it here.
 */
import type { Command } from 'commander';
import * as run from './run.js';
import * as query from './query.js';
import * as tables from './tables.js';
import * as start from './start.js';
import * as quality from './quality.js';
import * as serve from './serve.js';
import * as history from './history.js';
import * as restore from './restore.js';
import * as vacuum from './vacuum.js';
import * as optimize from './optimize.js';
import * as deltaCat from './delta-cat.js';
import * as generate from './generate.js';

export interface CommandModule {
  register(program: Command): void;
}

export const commandModules: CommandModule[] = [run, query, tables, start, quality, serve, history, restore, vacuum, optimize, deltaCat, generate];
