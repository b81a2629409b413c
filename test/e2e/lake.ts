/**
 * A small real lakehouse for the dashboard suites: generated event files run through the real
 * pipeline (`clicklake generate` then `clicklake run`), in two batches so every table has a
 * version 0 and a version 1 to travel between. Built once per suite under a temp dir.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

export interface TestLake {
  root: string;
  lakeDir: string;
  /** The event files of each batch, in the order they were run. */
  batches: string[];
}

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`clicklake ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout;
}

/** Writes a generated month of events (2019-10) to a CSV file. */
async function eventsFile(root: string, name: string, events: number, seed: number): Promise<string> {
  const out = join(root, `${name}.csv`);
  await cli(['generate', '--events', String(events), '--seed', String(seed), '--month', '2019-10', '--out', out, '--threads', '0']);
  return out;
}

export async function buildTestLake(events = 12_000): Promise<TestLake> {
  const root = mkdtempSync(join(tmpdir(), 'clicklake-'));
  const lakeDir = join(root, 'lake');
  const first = await eventsFile(root, 'batch-1', events, 11);
  await cli(['run', first, '--lake', lakeDir, '--threads', '1']);
  const second = await eventsFile(root, 'batch-2', Math.round(events / 2), 12);
  await cli(['run', second, '--lake', lakeDir, '--threads', '1']);
  return { root, lakeDir, batches: [first, second] };
}

/** Runs one more batch into the lake (to make new versions while a server watches). */
export async function appendBatch(lake: TestLake, events: number, seed: number): Promise<void> {
  const file = await eventsFile(lake.root, `batch-${seed}`, events, seed);
  await cli(['run', file, '--lake', lake.lakeDir, '--threads', '1']);
  lake.batches.push(file);
}
