/**
 * `clicklake quality [--json] [--report FILE.html] [--lake DIR]`: the latest verdict per table and
 * expectation from ops.quality_results, as a text table or JSON, and optionally the self-contained
 * HTML report (summary, per-layer results, quarantine reasons, reconciliation, trends, profiles).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveLakeDir } from '../config.js';
import { Session } from '../engine/session.js';
import { Lake } from '../engine/lake.js';
import { textTable } from '../pipeline/summary.js';
import { latestResults, reportData, type LatestResult } from '../quality/report-data.js';
import { renderReportHtml } from '../quality/report-html.js';
import { CliError } from './errors.js';

interface QualityCliOptions {
  lake?: string;
  json?: boolean;
  report?: string;
}

export function register(program: Command): void {
  program
    .command('quality')
    .description('print the latest data quality verdict per table and expectation')
    .option('--lake <dir>', 'lakehouse folder (default: $CLICKLAKE_LAKE or ./lakehouse)')
    .option('--json', 'print JSON')
    .option('--report <file>', 'also write a self-contained HTML report to FILE (e.g. quality.html)')
    .action(async (options: QualityCliOptions) => {
      if (options.report !== undefined && !/\.html?$/i.test(options.report)) {
        throw new CliError(`--report needs an .html file name, got "${options.report}"`);
      }
      const lakeDir = resolveLakeDir(options.lake);
      const session = await Session.open({ threads: 2 });
      try {
        const lake = new Lake(lakeDir, session);
        const latest = await latestResults(lake);
        if (options.report) {
          const file = resolve(options.report);
          writeFileSync(file, renderReportHtml(await reportData(lake, new Date())));
          process.stderr.write(`wrote ${file}\n`);
        }
        process.stdout.write(options.json ? `${JSON.stringify(asJson(lakeDir, latest), null, 2)}\n` : `${asText(latest)}\n`);
      } finally {
        session.close();
      }
    });
}

function verdictOf(latest: LatestResult[]): 'passed' | 'warnings' | 'errors' {
  if (latest.some((r) => !r.passed && r.severity === 'error')) return 'errors';
  return latest.some((r) => !r.passed) ? 'warnings' : 'passed';
}

function asJson(lakeDir: string, latest: LatestResult[]) {
  return {
    lake: lakeDir,
    verdict: verdictOf(latest),
    results: latest.map((r) => ({ ...r, observed: r.observed !== null && !Number.isFinite(r.observed) ? String(r.observed) : r.observed })),
  };
}

function asText(latest: LatestResult[]): string {
  const status = (r: LatestResult) => (r.passed ? 'pass' : r.severity === 'error' ? 'FAIL' : 'warn');
  const observed = (v: number | null) => (v === null ? '-' : Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(6))));
  const table = textTable(
    ['table', 'expectation', 'severity', 'status', 'observed', 'threshold', 'failing', 'version', 'checked'],
    latest.map((r) => [
      r.table, r.expectation, r.severity, status(r), observed(r.observed), r.threshold, r.failingRows.toLocaleString('en-US'),
      r.tableVersion === null ? '-' : String(r.tableVersion), r.scope === 'batch' ? 'batch' : 'table',
    ]),
    [false, false, false, false, true, false, true, true, false],
  );
  const failed = latest.filter((r) => !r.passed);
  const errors = failed.filter((r) => r.severity === 'error').length;
  const summary = `${latest.length} expectations: ${latest.length - failed.length} passed, ${errors} failed errors, ${failed.length - errors} warnings`;
  return `${table}\n\n${summary}`;
}
