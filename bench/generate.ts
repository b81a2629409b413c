/**
 * Bench suite `generate`: writes a month with `clicklake generate` (default: the full real-size
 * October, 42.4 M events, about 5.7 GB) and reports time, rows per second and peak memory against
 * the budget (≤ 90 s, ≤ 1 GB; target ≤ 45 s), then the fidelity table of the file.
 *   npm run bench -- generate [--events N] [--dir DIR] [--threads N] [--seed S] [--format F] [--no-profile] [--keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generate, type OutputFormat } from '../src/generate/generate.js';
import { formatProfile, profileFile } from '../src/generate/profile.js';
import type { BenchResult, BenchSuite } from './index.js';

export const generateSuite: BenchSuite = {
  name: 'generate',
  describe: 'synthetic REES46 month: write time, rows/s, peak memory, fidelity to the real month',
  async run(args: string[]): Promise<BenchResult> {
    const { values } = parseArgs({
      args,
      options: {
        events: { type: 'string' },
        dir: { type: 'string' },
        threads: { type: 'string' },
        seed: { type: 'string', default: '1' },
        format: { type: 'string', default: 'csv' },
        'no-profile': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
      },
    });
    const format = values.format as OutputFormat;
    const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'clicklake-bench-'));
    const out = join(dir, `generated.${format}`);
    try {
      const summary = await generate({
        out,
        events: values.events ? Number(values.events) : undefined,
        seed: Number(values.seed),
        format,
        threads: values.threads !== undefined ? Number(values.threads) : undefined,
      });
      // Read before DuckDB runs the profile, so this is the generator's own peak (workers included).
      const peakMB = process.resourceUsage().maxRSS / 1024;
      const figures: BenchResult['figures'] = {
        rows: summary.rows,
        bytes: summary.bytes,
        seconds: Number(summary.seconds.toFixed(2)),
        rowsPerSecond: Math.round(summary.rowsPerSecond),
        peakMemoryMB: Math.round(peakMB),
        withinTimeBudget90s: summary.seconds <= 90,
        withinTarget45s: summary.seconds <= 45,
        withinMemoryBudget1GB: peakMB <= 1024,
      };
      let detail: unknown;
      if (!values['no-profile']) {
        const began = Date.now();
        const profile = await profileFile(out);
        figures.profileSeconds = Number(((Date.now() - began) / 1000).toFixed(1));
        const checked = profile.figures.filter((f) => f.kind !== 'info');
        figures.fidelityWithinLimit = `${checked.filter((f) => f.ok).length}/${checked.length}`;
        figures.fidelityOutside = checked.filter((f) => !f.ok).map((f) => f.name).join('; ') || 'none';
        process.stdout.write(`${formatProfile(profile.rows, profile.figures)}\n`);
        detail = profile.figures;
      }
      return { figures, detail };
    } finally {
      if (!values.keep) rmSync(out, { force: true });
      if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
    }
  },
};
