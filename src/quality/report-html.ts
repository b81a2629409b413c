/**
 * Renders the quality report as one self-contained HTML file: inline CSS, inline SVG trend lines,
 * no scripts or external assets, so it can be mailed or archived with a run. Every value from the
 * data is HTML-escaped. A pure function of ReportData.
 */
import type { LatestResult, ReportData, TrendPoint } from './report-data.js';

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const fmt = (v: number | null): string => {
  if (v === null) return '–';
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
};

function status(r: { passed: boolean; severity: string }): string {
  if (r.passed) return '<span class="ok">pass</span>';
  return r.severity === 'error' ? '<span class="err">FAIL</span>' : '<span class="warn">warn</span>';
}

function table(headers: string[], rows: string[][], cls = ''): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function resultRows(results: LatestResult[]): string[][] {
  return results.map((r) => [
    esc(r.table),
    `<code>${esc(r.expectation)}</code>`,
    esc(r.kind),
    esc(r.severity),
    status(r),
    `<span class="num">${esc(fmt(r.observed))}</span>`,
    esc(r.threshold),
    `<span class="num">${esc(fmt(r.failingRows))}</span>`,
    `<span class="num">${esc(fmt(r.totalRows))}</span>`,
    esc(r.sample.join(' · ')),
    esc(r.tableVersion ?? '–'),
    esc(r.scope === 'batch' ? `batch ${r.batchId ?? ''}` : 'table'),
  ]);
}

/** A small SVG line of a rule's observed values over runs; failed runs are red dots. */
function sparkline(points: TrendPoint[]): string {
  const values = points.map((p) => (p.observed !== null && Number.isFinite(p.observed) ? p.observed : null));
  const finite = values.filter((v): v is number => v !== null);
  const w = 160;
  const h = 28;
  if (finite.length === 0) return '<span class="muted">no values</span>';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const x = (i: number) => (points.length === 1 ? w / 2 : 4 + (i * (w - 8)) / (points.length - 1));
  const y = (v: number) => (hi === lo ? h / 2 : h - 4 - ((v - lo) * (h - 8)) / (hi - lo));
  const coords = values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
  const line = coords.filter(Boolean).join(' ');
  const dots = values
    .map((v, i) => (v === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" class="${points[i]!.passed ? 'dot-ok' : 'dot-bad'}"/>`))
    .join('');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="trend"><polyline points="${line}" class="line"/>${dots}</svg>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1d2430}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #dde2ea;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:13px}th,td{border-bottom:1px solid #e6e9ef;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}.num{font-variant-numeric:tabular-nums;white-space:nowrap}code{font-size:12px}
.ok{color:#17803d;font-weight:600}.err{color:#fff;background:#c0262d;padding:0 5px;border-radius:3px;font-weight:700}.warn{color:#8a5a00;background:#ffe9b3;padding:0 5px;border-radius:3px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #dde2ea;border-radius:6px;padding:10px 14px;min-width:140px}.card b{display:block;font-size:22px}
.muted{color:#6b7480}.line{fill:none;stroke:#3867d6;stroke-width:1.5}.dot-ok{fill:#3867d6}.dot-bad{fill:#c0262d}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px}
`;

export function renderReportHtml(data: ReportData): string {
  const failedErrors = data.latest.filter((r) => !r.passed && r.severity === 'error');
  const failedWarnings = data.latest.filter((r) => !r.passed && r.severity === 'warn');
  const passed = data.latest.filter((r) => r.passed).length;
  const verdict = failedErrors.length > 0 ? '<span class="err">errors</span>' : failedWarnings.length > 0 ? '<span class="warn">warnings</span>' : '<span class="ok">all passed</span>';
  const layers = ['bronze', 'silver', 'gold', ...new Set(data.latest.map((r) => r.layer).filter((l) => !['bronze', 'silver', 'gold'].includes(l)))];
  const resultHeaders = ['table', 'expectation', 'kind', 'severity', 'status', 'observed', 'threshold', 'failing', 'of', 'sample of failing keys', 'version', 'checked on'];
  const perLayer = layers
    .map((layer) => {
      const rows = data.latest.filter((r) => r.layer === layer);
      if (rows.length === 0) return '';
      return `<h3>${esc(layer)}</h3>${table(resultHeaders, resultRows(rows))}`;
    })
    .join('\n');
  const quarantineTotal = data.quarantine.reduce((n, q) => n + q.rows, 0);
  const quarantine = data.quarantine.length === 0
    ? '<p class="muted">No quarantined rows.</p>'
    : table(['reason', 'rows', 'samples (file:line, raw row)'], data.quarantine.map((q) => [
      `<code>${esc(q.reason)}</code>`,
      `<span class="num">${esc(fmt(q.rows))}</span>`,
      q.samples.map((s) => `<pre>${esc(`${s.file}:${s.line}  ${s.raw}`)}</pre>`).join(''),
    ]));
  const reconciliation = data.reconciliation.length === 0
    ? '<p class="muted">No batch promoted to Silver yet.</p>'
    : table(['batch', 'bronze rows', 'silver rows', 'quarantined', 'duplicates removed', 'balanced'], data.reconciliation.map((r) => [
      `<code>${esc(r.batchId.slice(0, 16))}</code>`,
      ...[r.bronze, r.silver, r.quarantined, r.duplicates].map((v) => `<span class="num">${esc(fmt(v))}</span>`),
      r.balanced ? '<span class="ok">yes</span>' : '<span class="err">no</span>',
    ]));
  const runs = table(['run', 'checked at (UTC)', 'checks', 'failed errors', 'warnings'], data.runs.map((r) => [
    `<code>${esc(r.runId)}</code>`, esc(r.checkedAt), esc(r.checks), esc(r.failedErrors), esc(r.failedWarnings),
  ]));
  const trends = table(['table', 'expectation', `observed over ${data.runs.length} run(s)`, 'latest'], data.trends.map((t) => [
    esc(t.table), `<code>${esc(t.expectation)}</code>`, sparkline(t.points), esc(fmt(t.points.at(-1)?.observed ?? null)),
  ]));
  const profiles = data.profiles.length === 0
    ? '<p class="muted">No profile recorded.</p>'
    : table(['table', 'column', 'type', 'rows', 'null rate', 'distinct', 'min', 'max', 'top values'], data.profiles.map((p) => [
      esc(p.table), `<code>${esc(p.column)}</code>`, esc(p.type), `<span class="num">${esc(fmt(p.rows))}</span>`,
      `<span class="num">${esc((p.nullRate * 100).toFixed(2))}%</span>`, `<span class="num">${p.distinctIsApprox ? '≈ ' : ''}${esc(fmt(p.distinct))}</span>`,
      esc(p.min ?? '–'), esc(p.max ?? '–'), esc(p.topValues.map((t) => `${t.value} (${fmt(t.count)})`).join(', ')),
    ]));
  const tables = table(['table', 'version', 'rows'], data.tables.map((t) => [esc(t.name), esc(t.version), `<span class="num">${esc(fmt(t.rows))}</span>`]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>clicklake data quality report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>Data quality report</h1>
<p class="muted">Lake <code>${esc(data.lakeDir)}</code> · generated ${esc(data.generatedAt)} · latest verdict per table and expectation</p>
<section id="summary"><h2>Summary: ${verdict}</h2>
<div class="cards">
<div class="card"><b>${esc(data.latest.length)}</b>expectations</div>
<div class="card"><b class="ok">${esc(passed)}</b>passed</div>
<div class="card"><b>${esc(failedErrors.length)}</b>failed errors</div>
<div class="card"><b>${esc(failedWarnings.length)}</b>warnings</div>
<div class="card"><b>${esc(fmt(quarantineTotal))}</b>quarantined rows</div>
<div class="card"><b>${esc(data.runs.length)}</b>runs checked</div>
</div>
${failedErrors.length ? `<h3>Failed errors</h3>${table(resultHeaders, resultRows(failedErrors))}` : ''}
</section>
<section id="layers"><h2>Expectations by layer</h2>${perLayer}</section>
<section id="quarantine"><h2>Quarantine reasons</h2>${quarantine}</section>
<section id="reconciliation"><h2>Reconciliation: Bronze = Silver + quarantined + duplicates</h2>${reconciliation}</section>
<section id="trends"><h2>Trends over runs</h2>${runs}${trends}</section>
<section id="profiles"><h2>Column profiles</h2>
<p class="muted">Distinct counts marked ≈ are DuckDB approx_count_distinct (HyperLogLog) estimates, used for near-unique key columns (no top values); the others, and every top value, are exact.</p>${profiles}</section>
<section id="tables"><h2>Tables</h2>${tables}</section>
</body></html>
`;
}
