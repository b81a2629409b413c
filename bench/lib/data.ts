/**
 * The benchmark month: generated once by `clicklake generate` (the generator's own command line)
 * and reused by seed and size, so a second bench run measures the systems, not the generator.
 * Files live in CLICKLAKE_BENCH_DATA, else <tmp>/clicklake-bench; a file is renamed into place
 * only once complete, so an interrupted generation is never mistaken for data.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url));

/** The real October 2019 month's event count, the default size of every suite. */
export const FULL_MONTH = 42_448_764;
/** The seed the pipeline suite uses too, so both read the same cached file. */
export const DEFAULT_SEED = 42;

export function benchDataDir(): string {
  return process.env.CLICKLAKE_BENCH_DATA ?? join(tmpdir(), 'clicklake-bench');
}

export function monthFileName(events: number, seed: number): string {
  // the pipeline suite's name for seed 42, so the two suites share the (5.5 GB) full month
  return seed === DEFAULT_SEED ? `month-2019-10-${events}.csv` : `month-2019-10-${events}-seed${seed}.csv`;
}

export interface MonthFile {
  path: string;
  bytes: number;
  generatedSeconds?: number;
}

/** The month of `events` events for `seed`: reused when present, else generated (no faults). */
export function ensureMonth(events: number, seed: number, log: (line: string) => void): MonthFile {
  const dir = benchDataDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, monthFileName(events, seed));
  if (existsSync(path)) {
    log(`data: reusing ${path}`);
    return { path, bytes: statSync(path).size };
  }
  log(`data: generating ${events.toLocaleString('en-US')} events (seed ${seed}) into ${path}`);
  const start = performance.now();
  const part = `${path}.part.csv`;
  const result = spawnSync(
    process.execPath,
    [CLI, 'generate', '--out', part, '--events', String(events), '--month', '2019-10', '--seed', String(seed), '--quiet'],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`clicklake generate --events ${events} --seed ${seed} failed (exit ${result.status}): ${result.stderr.trim()}`);
  }
  renameSync(part, path);
  const generatedSeconds = (performance.now() - start) / 1000;
  log(`data: generated in ${generatedSeconds.toFixed(1)} s`);
  return { path, bytes: statSync(path).size, generatedSeconds };
}

/** Parses a count such as 42400000, 42.4M, 1m or 20k. */
export function parseCount(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim().replaceAll('_', '').replaceAll(',', ''));
  if (!match) throw new Error(`${what}: "${text}" is not a count (e.g. 4000000, 4M, 20k)`);
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2] as '' | 'k' | 'K' | 'm' | 'M'];
  const value = Math.round(Number(match[1]) * scale);
  if (value < 1) throw new Error(`${what}: must be at least 1, got "${text}"`);
  return value;
}
