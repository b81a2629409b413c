/**
 * `npm run bench -- peers [--events N] [--seed S]`: clicklake side by side with its peers on the
 * same machine, the same generated month and in the same run, each system a cold child process:
 *   1. clicklake: `clicklake run`, CSV to Bronze, Silver and Gold Delta tables;
 *   2. Polars (nodejs-polars, lazy): parse and type, clean, dedupe, sessions, kpi_daily,
 *      product_performance, written as Parquet (bench/peers/polars.ts);
 *   3. bare DuckDB: the same core work as one SQL script, no Delta, lineage or quality;
 *   4. the floors: one typed DuckDB scan of the CSV, and reading its bytes once.
 * Prints wall time, CPU time, peak RSS, rows out and the ratio to clicklake, checks that every
 * peer's kpi_daily equals clicklake's (else prints VOID and exits non-zero), prints the targets
 * beside the figures (never asserted); the harness appends the run to bench/results/peers.jsonl.
 * A void or failed run still records its line, then the process exits non-zero.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLI, DEFAULT_SEED, FULL_MONTH, ensureMonth, parseCount } from './lib/data.js';
import { compareKpi, readClicklakeKpi, readPeerKpi, type KpiRow } from './lib/kpi.js';
import { lastJsonLine, measureNode, type Measured } from './lib/measure.js';
import { formatTable, gb, seconds } from './lib/format.js';
import type { BenchResult, BenchSuite, Figure } from './index.js';
import { readBytes } from './peers/floor.js';
import { KPI_FILE, type PeerOutput } from './peers/contract.js';

const peerScript = (name: string) => fileURLToPath(new URL(`./peers/${name}.js`, import.meta.url));

interface SystemRun {
  name: string;
  what: string;
  measured: Measured;
  rows?: number;
  /** Whether the system's kpi_daily equals clicklake's; undefined for the floors. */
  kpi?: { agrees: boolean; days: number; diffs: string[] };
  error?: string;
}

/** Peak RSS target for the full pipeline, and the ratio targets of the issue. */
const TARGETS = { polars: 1.0, duckdb: 1.5, scan: 12, rssBytes: 4 * 1024 ** 3 };

export const peersSuite: BenchSuite = {
  name: 'peers',
  describe: 'clicklake side by side with Polars, a bare DuckDB script and the scan floors, kpi_daily checked equal',
  run,
};

async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({ args, options: { events: { type: 'string' }, seed: { type: 'string' } } });
  const events = parseCount(values.events ?? String(FULL_MONTH), '--events');
  const seed = parseCount(values.seed ?? String(DEFAULT_SEED), '--seed');
  const log = (line: string) => console.log(line);
  const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;
  const month = ensureMonth(events, seed, log);
  const work = mkdtempSync(join(tmpdir(), 'clicklake-bench-peers-'));
  try {
    // Every system reads the file from the page cache: warm it once, untimed.
    await readBytes(month.path);
    log(`peers: ${events.toLocaleString('en-US')} events, ${gb(month.bytes)} CSV, load average ${loadAtStart} at start`);
    const runs: SystemRun[] = [];
    let clicklakeKpi: KpiRow[] = [];
    let qualityChecked = false;

    // 1. clicklake
    {
      const lake = join(work, 'lake');
      log('running clicklake run …');
      const measured = await measureNode(CLI, ['run', month.path, '--lake', lake, '--json']);
      const entry: SystemRun = { name: 'clicklake', what: 'CSV → Bronze/Silver/Gold Delta', measured };
      if (measured.exitCode !== 0) entry.error = failure(measured);
      else {
        const report = JSON.parse(measured.stdout) as { steps: { step: string; rowsOut: number }[]; tables: { name: string }[] };
        entry.rows = report.steps.find((s) => s.step === 'silver')?.rowsOut;
        qualityChecked = report.tables.some((t) => t.name === 'ops.quality_results');
        clicklakeKpi = readClicklakeKpi(lake);
      }
      runs.push(entry);
      rmSync(lake, { recursive: true, force: true });
    }

    // 2. and 3. the peers that compute kpi_daily
    for (const [name, script, what] of [
      ['polars', 'polars', 'nodejs-polars lazy → Parquet'],
      ['duckdb', 'duckdb', 'one DuckDB SQL script → Parquet'],
    ] as const) {
      const out = join(work, name);
      log(`running ${name} …`);
      const measured = await measureNode(peerScript(script), [month.path, out]);
      const entry: SystemRun = { name, what, measured };
      const output = lastJsonLine<PeerOutput>(measured.stdout);
      if (measured.exitCode !== 0 || !output) entry.error = failure(measured);
      else {
        entry.rows = output.rows;
        const kpi = await readPeerKpi(join(out, KPI_FILE));
        const diffs = compareKpi(clicklakeKpi, kpi);
        entry.kpi = { agrees: diffs.length === 0 && kpi.length > 0, days: kpi.length, diffs };
      }
      runs.push(entry);
      rmSync(out, { recursive: true, force: true });
    }

    // 4. the floors
    for (const [name, mode, what] of [
      ['typed scan', 'scan', 'DuckDB count over every typed column'],
      ['read bytes', 'bytes', 'the file read once (Node stream)'],
    ] as const) {
      log(`running floor: ${name} …`);
      const measured = await measureNode(peerScript('floor'), [mode, month.path]);
      const output = lastJsonLine<PeerOutput>(measured.stdout);
      const entry: SystemRun = { name, what, measured, rows: output?.rows };
      if (measured.exitCode !== 0 || !output) entry.error = failure(measured);
      runs.push(entry);
    }

    const verdict = report(runs, clicklakeKpi, qualityChecked);
    if (verdict !== 'valid') process.exitCode = 1;
    return { figures: figuresOf(events, month.bytes, loadAtStart, verdict, qualityChecked, runs), detail: { seed, systems: runs.map(detailOf) } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Prints the table, the agreement check and the targets; returns the run's verdict. */
function report(runs: SystemRun[], clicklakeKpi: KpiRow[], qualityChecked: boolean): 'valid' | 'void' | 'failed' {
  const base = runs[0]!.measured.wallSeconds;
  const baseCpu = runs[0]!.measured.cpuSeconds;
  console.log('');
  console.log(
    formatTable(
      ['system', 'wall', 'CPU', 'peak RSS', 'rows out', '× clicklake', 'CPU ×', 'does'],
      runs.map((r) => [
        r.name,
        r.error ? 'FAILED' : seconds(r.measured.wallSeconds),
        seconds(r.measured.cpuSeconds),
        gb(r.measured.peakRssBytes),
        r.rows === undefined ? '-' : r.rows.toLocaleString('en-US'),
        r.error ? '-' : (r.measured.wallSeconds / base).toFixed(2),
        r.error ? '-' : (r.measured.cpuSeconds / baseCpu).toFixed(2),
        r.what,
      ]),
    ),
  );
  console.log('(× clicklake: wall time over clicklake\'s; CPU ×: CPU time over clicklake\'s, steadier on a busy machine)');
  if (!runs[0]!.error) {
    console.log(`(clicklake ${qualityChecked ? 'ran its quality checks: ops.quality_results written' : 'wrote no ops.quality_results: the run had no quality gate'})`);
  }
  const failed = runs.filter((r) => r.error);
  for (const r of failed) console.log(`${r.name} FAILED: ${r.error}`);

  console.log(`\nkpi_daily (events by type, active users, sessions, buyers, revenue to the cent, per day; clicklake has ${clicklakeKpi.length} days):`);
  let void_ = clicklakeKpi.length === 0;
  for (const r of runs.filter((x) => x.kpi || (x.error && x.name !== 'typed scan' && x.name !== 'read bytes'))) {
    if (!r.kpi) {
      console.log(`  ${r.name}: not compared (failed)`);
      continue;
    }
    console.log(`  ${r.name}: ${r.kpi.agrees ? `equal to clicklake's (${r.kpi.days} days)` : 'DIFFERS'}`);
    for (const d of r.kpi.diffs) console.log(`    ${d}`);
    if (!r.kpi.agrees) void_ = true;
  }
  if (failed.length > 0) return 'failed';
  if (void_) {
    console.log('\nVOID: the peers disagree with clicklake on kpi_daily, so these timings compare different work.');
    return 'void';
  }

  const wall = (name: string) => runs.find((r) => r.name === name)!.measured.wallSeconds;
  const clicklakeRss = runs[0]!.measured.peakRssBytes;
  const lines: [string, string, boolean][] = [
    [`clicklake / polars      ${(base / wall('polars')).toFixed(2)}`, `≤ ${TARGETS.polars.toFixed(1)}`, base / wall('polars') <= TARGETS.polars],
    [`clicklake / bare duckdb ${(base / wall('duckdb')).toFixed(2)}`, `≤ ${TARGETS.duckdb.toFixed(1)}`, base / wall('duckdb') <= TARGETS.duckdb],
    [`clicklake / typed scan  ${(base / wall('typed scan')).toFixed(2)}`, `≤ ${TARGETS.scan}`, base / wall('typed scan') <= TARGETS.scan],
    [`clicklake peak RSS      ${gb(clicklakeRss)}`, `≤ ${gb(TARGETS.rssBytes)}`, clicklakeRss <= TARGETS.rssBytes],
  ];
  console.log('\ntargets (full month, 2 cores; printed, not asserted):');
  for (const [figure, target, met] of lines) console.log(`  ${figure.padEnd(32)} target ${target.padEnd(8)} ${met ? 'met' : 'missed'}`);
  return 'valid';
}

const KEYS: Record<string, string> = { clicklake: 'clicklake', polars: 'polars', duckdb: 'duckdb', 'typed scan': 'typedScan', 'read bytes': 'readBytes' };

/** The flat figures the harness prints and stores: per system, then the ratios and the verdict. */
function figuresOf(events: number, csvBytes: number, loadAtStart: number, verdict: string, qualityChecked: boolean, runs: SystemRun[]): Record<string, Figure> {
  const figures: Record<string, Figure> = {
    events,
    csvGB: round(csvBytes / 1024 ** 3),
    loadAverageAtStart: loadAtStart,
    verdict: verdict === 'void' ? 'VOID' : verdict,
    clicklakeRanQualityChecks: qualityChecked,
  };
  for (const r of runs) {
    const key = KEYS[r.name]!;
    figures[`${key}Seconds`] = round(r.measured.wallSeconds);
    figures[`${key}CpuSeconds`] = round(r.measured.cpuSeconds);
    figures[`${key}PeakRssGB`] = round(r.measured.peakRssBytes / 1024 ** 3, 3);
    figures[`${key}Rows`] = r.rows ?? 0;
  }
  if (verdict === 'valid') {
    const wall = (name: string) => runs.find((r) => r.name === name)!.measured.wallSeconds;
    const base = wall('clicklake');
    figures.clicklakeOverPolars = round(base / wall('polars'));
    figures.clicklakeOverDuckdb = round(base / wall('duckdb'));
    figures.clicklakeOverTypedScan = round(base / wall('typed scan'));
    figures.withinPolarsTarget = base / wall('polars') <= TARGETS.polars;
    figures.withinDuckdbTarget = base / wall('duckdb') <= TARGETS.duckdb;
    figures.withinScanTarget = base / wall('typed scan') <= TARGETS.scan;
    figures.withinRssTarget = runs[0]!.measured.peakRssBytes <= TARGETS.rssBytes;
  }
  return figures;
}

function detailOf(r: SystemRun): Record<string, unknown> {
  return {
    name: r.name,
    what: r.what,
    wallSeconds: round(r.measured.wallSeconds),
    cpuSeconds: round(r.measured.cpuSeconds),
    peakRssBytes: r.measured.peakRssBytes,
    usageSource: r.measured.usageSource,
    rows: r.rows ?? null,
    kpiAgrees: r.kpi?.agrees ?? null,
    kpiDiffs: r.kpi?.diffs ?? [],
    error: r.error ?? null,
  };
}

/** Why a child failed: its last stderr line, else how it ended (a kill leaves no message). */
function failure(m: Measured): string {
  const last = m.stderr.trim().split('\n').pop() ?? '';
  const ended = m.exitCode === -1 || m.exitCode > 128 ? `killed (exit ${m.exitCode}; out of memory?)` : `exit ${m.exitCode}`;
  return last ? `${last} (${ended})` : ended;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * scale) / scale : -1;
}
