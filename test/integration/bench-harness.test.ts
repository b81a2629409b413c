/**
 * The bench harness runs: the generate suite on tiny data prints its figures and appends one
 * results line with the machine's facts, so the harness and the suite cannot rot unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('../../dist/bench/index.js', import.meta.url));

describe('bench harness', () => {
  it('lists the suites', () => {
    const r = spawnSync(process.execPath, [BENCH], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/generate/);
  });

  it('runs the generate suite on 20,000 events and appends a results line', () => {
    const results = mkdtempSync(join(tmpdir(), 'clicklake-'));
    const r = spawnSync(process.execPath, [BENCH, 'generate', '--events', '20000', '--threads', '1'], {
      encoding: 'utf8',
      env: { ...process.env, CLICKLAKE_BENCH_RESULTS: results },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rowsPerSecond/);
    expect(r.stdout).toMatch(/figure\s+real\s+generated\s+deviation/);
    const lines = readFileSync(join(results, 'generate.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const run = JSON.parse(lines[0]!);
    expect(run.suite).toBe('generate');
    expect(run.machine.cores).toBeGreaterThan(0);
    expect(run.machine.memoryGB).toBeGreaterThan(0);
    expect(typeof run.machine.cpu).toBe('string');
    expect(run.commit).toMatch(/^[0-9a-f]+(-dirty)?$|^unknown$/);
    expect(run.figures.rows).toBe(20000);
    expect(run.figures.fidelityWithinLimit).toMatch(/^\d+\/\d+$/);
    expect(Array.isArray(run.detail)).toBe(true);
  }, 60_000);

  it('fails with one line for an unknown suite', () => {
    const r = spawnSync(process.execPath, [BENCH, 'nope'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/no bench suite "nope"/);
  });
});
