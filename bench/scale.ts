/**
 * `npm run bench -- scale [--sizes 1M,4M,16M,42448764] [--seed S]`: clicklake's full pipeline
 * (`clicklake run`, a cold child process and a fresh lake each time) at growing month sizes, with
 * the time per million events and the peak RSS at each, so growth is visible: time should grow
 * linearly (a flat seconds-per-million column) and memory should stay flat. Figures are printed,
 * never asserted; the harness appends the run to bench/results/scale.jsonl.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, DEFAULT_SEED, FULL_MONTH, ensureMonth, parseCount } from './lib/data.js';
import { measureNode } from './lib/measure.js';
import { formatTable, gb, seconds } from './lib/format.js';
import type { BenchResult, BenchSuite, Figure } from './index.js';

export const DEFAULT_SIZES = [1_000_000, 4_000_000, 16_000_000, FULL_MONTH];

interface Point {
  events: number;
  csvBytes: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  usageSource: 'time' | 'self';
  rowsOut?: number;
  steps?: { step: string; seconds: number }[];
  error?: string;
}

export function parseSizes(text: string | undefined): number[] {
  if (text === undefined) return DEFAULT_SIZES;
  const sizes = text.split(',').filter((s) => s.trim() !== '').map((s) => parseCount(s, '--sizes'));
  if (sizes.length === 0) throw new Error('--sizes: give at least one size, e.g. --sizes 1M,4M');
  return sizes;
}

export const scaleSuite: BenchSuite = {
  name: 'scale',
  describe: 'clicklake run at 1, 4, 16 and 42.4 M events: time per million events and peak RSS at each size',
  run,
};

/** A size as a short label for figure names: 1M, 16M, 42.4M, 20k. */
export function sizeLabel(events: number): string {
  if (events >= 1e6) return `${Number((events / 1e6).toFixed(1))}M`;
  if (events >= 1e3) return `${Number((events / 1e3).toFixed(1))}k`;
  return String(events);
}

async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({ args, options: { sizes: { type: 'string' }, seed: { type: 'string' } } });
  const sizes = parseSizes(values.sizes);
  const seed = parseCount(values.seed ?? String(DEFAULT_SEED), '--seed');
  const log = (line: string) => console.log(line);
  const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;
  const points: Point[] = [];
  for (const events of sizes) {
    const month = ensureMonth(events, seed, log);
    const work = mkdtempSync(join(tmpdir(), 'clicklake-bench-scale-'));
    try {
      log(`running clicklake run on ${events.toLocaleString('en-US')} events …`);
      const m = await measureNode(CLI, ['run', month.path, '--lake', join(work, 'lake'), '--json']);
      const point: Point = { events, csvBytes: month.bytes, wallSeconds: m.wallSeconds, cpuSeconds: m.cpuSeconds, peakRssBytes: m.peakRssBytes, usageSource: m.usageSource };
      if (m.exitCode !== 0) point.error = m.stderr.trim().split('\n').pop() ?? `exit ${m.exitCode}`;
      else {
        const report = JSON.parse(m.stdout) as { steps: { step: string; seconds: number; rowsOut: number }[] };
        point.rowsOut = report.steps.find((s) => s.step === 'silver')?.rowsOut;
        point.steps = report.steps.map((s) => ({ step: s.step, seconds: s.seconds }));
      }
      points.push(point);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  console.log('');
  console.log(
    formatTable(
      ['events', 'CSV', 'wall', 's / M events', 'CPU', 'peak RSS', 'bronze', 'silver', 'gold', 'quality'],
      points.map((p) => {
        const step = (name: string) => {
          const s = p.steps?.find((x) => x.step === name);
          return s ? seconds(s.seconds) : '-';
        };
        return [
          p.events.toLocaleString('en-US'),
          gb(p.csvBytes),
          p.error ? 'FAILED' : seconds(p.wallSeconds),
          p.error ? '-' : (p.wallSeconds / (p.events / 1e6)).toFixed(2),
          seconds(p.cpuSeconds),
          gb(p.peakRssBytes),
          step('bronze'),
          step('silver'),
          step('gold'),
          step('quality'),
        ];
      }),
    ),
  );
  for (const p of points.filter((x) => x.error)) console.log(`${p.events.toLocaleString('en-US')} events FAILED: ${p.error}`);
  const ok = points.filter((p) => !p.error);
  if (ok.length >= 2) {
    const first = ok[0]!;
    const last = ok[ok.length - 1]!;
    const perM = (p: Point) => p.wallSeconds / (p.events / 1e6);
    console.log(
      `\ngrowth from ${first.events.toLocaleString('en-US')} to ${last.events.toLocaleString('en-US')} events ` +
        `(${(last.events / first.events).toFixed(1)}×): time per million × ${(perM(last) / perM(first)).toFixed(2)} ` +
        `(1.00 is linear), peak RSS × ${(last.peakRssBytes / first.peakRssBytes).toFixed(2)} (1.00 is flat)`,
    );
  }
  if (points.some((p) => p.error)) process.exitCode = 1;
  const figures: Record<string, Figure> = { loadAverageAtStart: loadAtStart };
  for (const p of points) {
    const label = sizeLabel(p.events);
    figures[`${label}Seconds`] = p.error ? 'FAILED' : round(p.wallSeconds);
    figures[`${label}SecondsPerMillion`] = p.error ? 'FAILED' : round(p.wallSeconds / (p.events / 1e6));
    figures[`${label}CpuSecondsPerMillion`] = round(p.cpuSeconds / (p.events / 1e6));
    figures[`${label}PeakRssGB`] = round(p.peakRssBytes / 1024 ** 3, 3);
  }
  if (ok.length >= 2) {
    const perM = (p: Point) => p.wallSeconds / (p.events / 1e6);
    figures.timePerMillionGrowth = round(perM(ok[ok.length - 1]!) / perM(ok[0]!));
    figures.peakRssGrowth = round(ok[ok.length - 1]!.peakRssBytes / ok[0]!.peakRssBytes);
  }
  return {
    figures,
    detail: { seed, points: points.map((p) => ({ ...p, secondsPerMillion: p.error ? null : round(p.wallSeconds / (p.events / 1e6), 3) })) },
  };
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * scale) / scale : -1;
}
