/**
 * `npm run bench -- pipeline [--events N] [--file PATH] [--memory-limit SIZE] [--threads N]`:
 * a generated month (default the full 42.4 million events, seed 42, shared with the other suites
 * through bench/lib/data.ts) from CSV to every Gold table in this process, then a re-run with
 * nothing new. Prints each step's and each Gold table's time and the process's peak RSS (DuckDB
 * runs in this process, so it is included), beside the targets; never asserts.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MEMORY_LIMIT, runPipeline, type RunReport } from '../src/pipeline/runner.js';
import type { Effects } from '../src/effects.js';
import { DEFAULT_SEED, FULL_MONTH, ensureMonth, parseCount } from './lib/data.js';
import type { BenchResult, BenchSuite, Figure } from './index.js';

const quietEffects: Effects = {
  log: () => {},
  progress: () => ({ update() {}, increment() {}, stop() {} }),
  now: () => new Date(),
};

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function print(label: string, report: RunReport): void {
  console.log(`${label}: ${report.status}${report.error ? ` (${report.error})` : ''} in ${report.seconds.toFixed(1)} s`);
  for (const step of report.steps) {
    console.log(`  ${step.step.padEnd(8)} ${step.seconds.toFixed(1).padStart(7)} s   rows in ${step.rowsIn.toLocaleString('en-US').padStart(12)}   out ${step.rowsOut.toLocaleString('en-US').padStart(12)}`);
  }
  for (const table of report.gold?.tables ?? []) {
    console.log(`    ${table.table.padEnd(26)} ${table.seconds.toFixed(1).padStart(6)} s  ${table.rowsWritten.toLocaleString('en-US')} rows`);
  }
}

async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: { events: { type: 'string' }, file: { type: 'string' }, 'memory-limit': { type: 'string' }, threads: { type: 'string' } },
  });
  const events = values.events ? parseCount(values.events, '--events') : FULL_MONTH;
  const file = values.file ?? ensureMonth(events, DEFAULT_SEED, (line) => console.log(line)).path;
  const memoryLimit = values['memory-limit'] ?? DEFAULT_MEMORY_LIMIT;
  const threads = values.threads ? parseCount(values.threads, '--threads') : undefined;
  const lakeDir = mkdtempSync(join(tmpdir(), 'clicklake-bench-lake-'));
  console.log(`pipeline: ${file} (${(statSync(file).size / 2 ** 30).toFixed(2)} GB), memory_limit ${memoryLimit}`);
  try {
    const full = await runPipeline({ lakeDir, inputs: [file], effects: quietEffects, memoryLimit, threads });
    print('full run', full);
    const rss = peakRssMb();
    const again = await runPipeline({ lakeDir, inputs: [file], effects: quietEffects, memoryLimit, threads });
    print('re-run with nothing new', again);
    const figures: Record<string, Figure> = {
      file,
      events: full.steps[0]?.rowsIn ?? events,
      status: full.status,
      full_seconds: full.seconds,
      full_target_seconds: (full.steps[0]?.rowsIn ?? 0) >= FULL_MONTH ? 120 : 'n/a (the 120 s target is for the full month)',
      peak_rss_mb: rss,
      peak_rss_target_mb: 4096,
      rerun_seconds: again.seconds,
      rerun_target_seconds: 2,
    };
    for (const step of full.steps) figures[`${step.step}_seconds`] = step.seconds;
    return { figures, detail: { full: full.steps, gold: full.gold?.tables, rerun: again.steps } };
  } finally {
    rmSync(lakeDir, { recursive: true, force: true });
  }
}

export const pipelineSuite: BenchSuite = {
  name: 'pipeline',
  describe: 'a generated month from CSV to every Gold table (in process), then a re-run with nothing new',
  run,
};
