/**
 * The benchmark harness: `npm run bench -- <suite> [args]`. Each suite measures one thing and
 * returns figures; the harness prints them and appends one JSON line per run, with the machine's
 * facts, the git commit and the date, to bench/results/<suite>.jsonl (CLICKLAKE_BENCH_RESULTS
 * overrides the folder). Benchmarks print; they never assert.
 *
 * Adding a suite: write bench/<name>.ts exporting a BenchSuite, then add it to SUITES below.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSuite } from './generate.js';
import { deltaSuite } from './delta.js';
import { peersSuite } from './peers.js';
import { scaleSuite } from './scale.js';
import { dashboardSuite } from './dashboard.js';
import { pipelineSuite } from './pipeline.js';

export type Figure = number | string | boolean;

export interface BenchResult {
  /** Named figures, printed in order and stored in the results line. */
  figures: Record<string, Figure>;
  /** Larger structured detail (e.g. a fidelity table) stored with the run, not printed. */
  detail?: unknown;
}

export interface BenchSuite {
  name: string;
  describe: string;
  run(args: string[]): Promise<BenchResult>;
}

export const SUITES: BenchSuite[] = [generateSuite, deltaSuite, peersSuite, scaleSuite, dashboardSuite, pipelineSuite];

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function machineFacts() {
  const cpu = cpus()[0];
  return {
    cores: availableParallelism(),
    memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
    cpu: cpu?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The commit measured, with `-dirty` when the code differs from it (results files aside), so a figure never claims a commit it did not run. */
function gitCommit(): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const dirty = git(['status', '--porcelain', '--', 'src', 'bench', 'web', 'package.json', ':!bench/results']) !== '';
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

export async function runSuite(name: string, args: string[]): Promise<BenchResult> {
  const suite = SUITES.find((s) => s.name === name);
  if (!suite) throw new Error(`no bench suite "${name}"; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  const machine = machineFacts();
  process.stdout.write(`bench ${name}: ${suite.describe}\n${machine.cores} cores, ${machine.memoryGB} GB, ${machine.cpu}\n`);
  const result = await suite.run(args);
  const width = Math.max(...Object.keys(result.figures).map((k) => k.length));
  for (const [key, value] of Object.entries(result.figures)) {
    process.stdout.write(`  ${key.padEnd(width)}  ${typeof value === 'number' ? formatNumber(value) : String(value)}\n`);
  }
  const dir = process.env.CLICKLAKE_BENCH_RESULTS ?? join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const line = { suite: name, args, date: new Date().toISOString(), commit: gitCommit(), machine, figures: result.figures, detail: result.detail };
  appendFileSync(join(dir, `${name}.jsonl`), `${JSON.stringify(line)}\n`);
  process.stdout.write(`appended to ${join(dir, `${name}.jsonl`)}\n`);
  return result;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toFixed(2);
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'list') {
    process.stdout.write(`usage: npm run bench -- <suite> [args]\n${SUITES.map((s) => `  ${s.name.padEnd(12)} ${s.describe}`).join('\n')}\n`);
    return;
  }
  await runSuite(name, args);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
