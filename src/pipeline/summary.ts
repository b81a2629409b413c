/**
 * The end-of-run summary a person reads: rows per layer and table, the quality verdict (every
 * batch reconciled, rows quarantined, duplicates removed) and the time each step took.
 */
import { Session } from '../engine/session.js';
import { Lake, type TableInfo } from '../engine/lake.js';
import type { RunReport } from './runner.js';

/** Version, rows, files and bytes of every table in the lake. */
export async function lakeTables(lakeDir: string): Promise<TableInfo[]> {
  const session = await Session.open({ threads: 1 });
  try {
    const lake = new Lake(lakeDir, session);
    const out: TableInfo[] = [];
    for (const name of lake.tableNames()) {
      const info = await lake.info(name);
      if (info) out.push(info);
    }
    return out;
  } finally {
    session.close();
  }
}

export function formatCount(n: number | null): string {
  return n === null ? '?' : n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Plain-text columns, left-aligned text and right-aligned numbers. */
export function textTable(headers: string[], rows: string[][], numeric: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatRunSummary(report: RunReport, tables: readonly TableInfo[]): string {
  const lines: string[] = [];
  const ingested = report.bronze.filter((f) => f.status === 'ingested');
  const skipped = report.bronze.length - ingested.length;
  lines.push(`run ${report.runId}: ${report.status}${report.error ? `: ${report.error}` : ''}`);
  if (report.nothingNew && report.status === 'succeeded') {
    const files = report.bronze.length === 0 ? 'no files given' : `${skipped} file(s) already ingested`;
    lines.push(`nothing new: ${files}, every table up to date; no data written`);
  } else {
    lines.push(`files: ${ingested.length} ingested, ${skipped} already ingested`);
  }
  const q = report.silver.reduce((s, b) => s + b.quarantined, 0);
  const d = report.silver.reduce((s, b) => s + b.duplicates, 0);
  const malformed = report.bronze.reduce((s, f) => s + f.malformed, 0);
  const balanced = report.silver.every((b) => b.balanced);
  if (report.silver.length > 0) {
    lines.push(
      `quality: ${balanced ? 'PASS' : 'FAIL'}: ${report.silver.length} batch(es) reconciled ` +
        `(bronze = silver + quarantined + duplicates); ${formatCount(q)} row(s) quarantined ` +
        `(${formatCount(malformed)} malformed line(s)), ${formatCount(d)} duplicate(s) removed`,
    );
  }
  lines.push(`time: ${report.seconds.toFixed(1)} s (${report.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(', ')})`);
  lines.push('');
  lines.push(
    textTable(
      ['table', 'version', 'rows', 'files', 'size'],
      tables.map((t) => [t.name, String(t.version), formatCount(t.rows), String(t.files), formatBytes(t.bytes)]),
      [false, true, true, true, true],
    ),
  );
  return lines.join('\n');
}
