/**
 * Where benchmark figures go: one JSON line per run appended to bench/results/<suite>.jsonl (or
 * CLICKLAKE_BENCH_RESULTS), each with the machine's facts, the git commit and the date, so a
 * figure in a README can be traced to the run and the machine that produced it.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface MachineFacts {
  cores: number;
  memoryBytes: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** Load average and free memory when the run started: a busy machine makes noisy figures. */
  loadAverage1m: number;
  freeMemoryBytes: number;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cores: list.length,
    memoryBytes: totalmem(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    freeMemoryBytes: freemem(),
  };
}

/** The checked-out commit, with `-dirty` when the work tree has changes; 'unknown' outside git. */
export function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

export function resultsDir(): string {
  return process.env.CLICKLAKE_BENCH_RESULTS ?? join(REPO, 'bench', 'results');
}

/** Appends one record, with machine facts, commit and date, and returns the file written. */
export function appendResult(suite: string, record: Record<string, unknown>): string {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.jsonl`);
  const line = { suite, date: new Date().toISOString(), commit: gitCommit(), machine: machineFacts(), ...record };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
  return file;
}
