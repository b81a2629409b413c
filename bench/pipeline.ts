/**
 * `npm run bench -- pipeline [--events N] [--file PATH] [--memory-limit SIZE] [--threads N]`:
 * a generated month (default 42.4 million events, fixed seed) from CSV to every Gold table, then a
 * re-run with nothing new. Prints each step's time, rows, and the process's peak RSS (DuckDB runs
 * in this process, so it is included); the targets are printed beside the figures, never asserted.
 * The generated file is cached in the temp folder, keyed by event count, so a second bench run
 * measures the pipeline only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline, type RunReport } from '../src/pipeline/runner.js';
import { formatBytes } from '../src/pipeline/summary.js';
import type { Effects } from '../src/effects.js';

const CLI = fileURLToPath(new URL('../src/cli/index.js', import.meta.url));

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Generates (once) the bench month through `clicklake generate`, the generator's own CLI. */
function benchFile(events: number): string {
  const dir = join(tmpdir(), 'clicklake-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `month-2019-10-${events}.csv`);
  if (existsSync(file)) return file;
  const start = performance.now();
  const result = spawnSync(process.execPath, [CLI, 'generate', '--out', `${file}.part`, '--events', String(events), '--month', '2019-10', '--seed', '42'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`clicklake generate failed (exit ${result.status})`);
  spawnSync('mv', [`${file}.part`, file]);
  console.log(`generated ${events.toLocaleString('en-US')} events in ${((performance.now() - start) / 1000).toFixed(1)} s: ${file}`);
  return file;
}

const timedEffects: Effects = {
  log: (message) => console.log(`  ${message}`),
  progress: () => ({ update() {}, increment() {}, stop() {} }),
  now: () => new Date(),
};

function printReport(label: string, report: RunReport): void {
  console.log(`${label}: ${report.status}${report.error ? ` (${report.error})` : ''} in ${report.seconds.toFixed(1)} s`);
  for (const step of report.steps) {
    console.log(`  ${step.step.padEnd(7)} ${step.seconds.toFixed(1).padStart(7)} s   rows in ${step.rowsIn.toLocaleString('en-US').padStart(12)}   out ${step.rowsOut.toLocaleString('en-US').padStart(12)}`);
  }
  for (const table of report.gold?.tables ?? []) {
    console.log(`    ${table.table.padEnd(26)} ${table.seconds.toFixed(1).padStart(6)} s  ${table.rowsWritten.toLocaleString('en-US')} rows`);
  }
}

export async function run(args: string[] = []): Promise<void> {
  const events = Number(option(args, '--events') ?? 42_400_000);
  const file = option(args, '--file') ?? benchFile(events);
  const memoryLimit = option(args, '--memory-limit') ?? '3GB';
  const threads = option(args, '--threads') ? Number(option(args, '--threads')) : undefined;
  const lakeDir = mkdtempSync(join(tmpdir(), 'clicklake-bench-lake-'));
  console.log(`pipeline bench: ${file} (${formatBytes(statSync(file).size)}), memory_limit ${memoryLimit}, lake ${lakeDir}`);
  try {
    const full = await runPipeline({ lakeDir, inputs: [file], effects: timedEffects, memoryLimit, threads });
    printReport('full run', full);
    const rssFull = peakRssMb();
    const again = await runPipeline({ lakeDir, inputs: [file], effects: timedEffects, memoryLimit, threads });
    printReport('re-run, nothing new', again);
    console.log('');
    console.log(`CSV to every Gold table: ${full.seconds.toFixed(1)} s (target ≤ 120 s for 42.4 M events)`);
    console.log(`peak RSS:                ${rssFull} MB (target ≤ 4096 MB)`);
    console.log(`re-run with nothing new: ${again.seconds.toFixed(1)} s (target ≤ 2 s; includes hashing the input)`);
  } finally {
    rmSync(lakeDir, { recursive: true, force: true });
  }
}
