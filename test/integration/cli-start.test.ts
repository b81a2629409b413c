// `clicklake start --no-serve` in an empty folder: generates the demo month into ./data, builds
// ./lakehouse, prints the summary; a second start finds the data and has nothing new to do.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/pipeline-data.js';

describe('clicklake start', () => {
  const cwd = tempDir();

  it('generates a demo month when ./data is empty, builds the lakehouse and prints a summary', async () => {
    const result = await runCli(['start', '--no-serve', '--events', '20000'], { cwd });
    expect(result.stderr).toMatch(/no source files in .*data: generating a demo month \(20,000 events/);
    expect(result.code).toBe(0);
    expect(readdirSync(join(cwd, 'data'))).toContain('demo-2019-10.csv');
    expect(existsSync(join(cwd, 'lakehouse', 'gold', 'kpi_daily', '_delta_log'))).toBe(true);
    expect(result.stdout).toMatch(/quality: PASS: 1 batch\(es\) reconciled/);
    expect(result.stdout).toMatch(/time: [\d.]+ s \(bronze [\d.]+ s, silver [\d.]+ s, gold [\d.]+ s, quality [\d.]+ s\)/);
    expect(result.stdout).toMatch(/bronze\.events\s+0\s+20,000\s/);
    expect(result.stdout).toMatch(/dashboard: run `clicklake serve --lake .*lakehouse`/);
  });

  it('uses the data it finds and writes nothing new the second time', async () => {
    const result = await runCli(['start', '--no-serve'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/source files in .*data: 1/);
    expect(result.stdout).toMatch(/nothing new/);
  });
});
