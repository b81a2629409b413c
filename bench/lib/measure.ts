/**
 * Runs one system of a benchmark as a child process (a cold start every time) and measures it:
 * wall time from here, CPU time (user + system) and peak RSS from `/usr/bin/time` when the machine
 * has it, else from the child itself through usage-preload.ts. The child's stdout is kept so the
 * caller can read the JSON line a peer prints; its stderr is kept for error messages.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TIME = '/usr/bin/time';
const PRELOAD = fileURLToPath(new URL('./usage-preload.js', import.meta.url));

export interface Measured {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Who measured CPU and RSS: /usr/bin/time, or the child's own process.resourceUsage(). */
  usageSource: 'time' | 'self';
}

export interface MeasureOptions {
  env?: Record<string, string>;
  /** Echo the child's stderr (its progress lines) while it runs. */
  echo?: boolean;
}

/** Runs `node script ...args` and measures it. Never throws for a failing child: see exitCode. */
export async function measureNode(script: string, args: readonly string[], options: MeasureOptions = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'clicklake-measure-'));
  const usageFile = join(dir, 'usage');
  const viaTime = existsSync(TIME) && process.env.CLICKLAKE_BENCH_NO_TIME !== '1';
  const [command, argv] = viaTime
    ? [TIME, ['-f', '%e %U %S %M', '-o', usageFile, process.execPath, script, ...args]]
    : [process.execPath, ['--import', PRELOAD, script, ...args]];
  const start = performance.now();
  try {
    const { code, stdout, stderr } = await run(command, argv, {
      ...process.env,
      ...options.env,
      ...(viaTime ? {} : { CLICKLAKE_BENCH_USAGE: usageFile }),
    }, options.echo ?? false);
    const wallSeconds = (performance.now() - start) / 1000;
    const usage = existsSync(usageFile) ? readFileSync(usageFile, 'utf8') : '';
    const parsed = viaTime ? parseTime(usage) : parseSelf(usage);
    return { wallSeconds, ...parsed, exitCode: code, stdout, stderr, usageSource: viaTime ? 'time' : 'self' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `%e %U %S %M` on the last line (GNU time puts "Command exited with non-zero status" above it). */
export function parseTime(text: string): { cpuSeconds: number; peakRssBytes: number } {
  const last = text.trim().split('\n').pop() ?? '';
  const [, user, system, rssKb] = last.trim().split(/\s+/).map(Number);
  if (user === undefined || system === undefined || rssKb === undefined || [user, system, rssKb].some(Number.isNaN)) {
    return { cpuSeconds: Number.NaN, peakRssBytes: Number.NaN };
  }
  return { cpuSeconds: user + system, peakRssBytes: rssKb * 1024 };
}

function parseSelf(text: string): { cpuSeconds: number; peakRssBytes: number } {
  if (!text) return { cpuSeconds: Number.NaN, peakRssBytes: Number.NaN };
  const u = JSON.parse(text) as { userSeconds: number; systemSeconds: number; maxRssKb: number };
  return { cpuSeconds: u.userSeconds + u.systemSeconds, peakRssBytes: u.maxRssKb * 1024 };
}

function run(command: string, argv: string[], env: NodeJS.ProcessEnv, echo: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The last line of a child's stdout that parses as a JSON object, or undefined. */
export function lastJsonLine<T>(stdout: string): T | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as T;
    } catch {
      continue;
    }
  }
  return undefined;
}
