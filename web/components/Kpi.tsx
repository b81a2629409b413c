// A headline number with its change against the previous period and a small trend line.
import { formatters, type FormatName, change } from '../lib/format';

export interface KpiProps {
  label: string;
  value: unknown;
  previous?: unknown;
  format: FormatName;
  /** Lower is better (e.g. cart abandonment): a rise shows as bad. */
  inverse?: boolean;
  trend?: { date: string; value: number | null }[];
}

export function Kpi({ label, value, previous, format, inverse, trend }: KpiProps) {
  const v = Number(value);
  const p = Number(previous);
  const delta = previous !== undefined && previous !== null && Number.isFinite(v) && Number.isFinite(p) && p !== 0 ? (v - p) / Math.abs(p) : null;
  const good = delta === null ? null : inverse ? delta < 0 : delta > 0;
  return (
    <div className="card kpi" data-kpi={label}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value" data-value={String(value ?? '')}>
        {formatters[format](value)}
      </div>
      <div className={`kpi-change ${good === null ? '' : good ? 'good' : 'bad'}`}>
        {delta === null ? 'no earlier data to compare' : `${change(delta)} vs previous period`}
      </div>
      {trend && trend.length > 1 ? <Sparkline points={trend} format={format} label={label} /> : null}
    </div>
  );
}

function Sparkline({ points, format, label }: { points: { date: string; value: number | null }[]; format: FormatName; label: string }) {
  return (
    <div className="sparkline" aria-label={`${label} trend`}>
      <svg viewBox="0 0 100 24" preserveAspectRatio="none" role="img">
        <title>{`${label}: ${points.map((p) => `${p.date} ${formatters[format](p.value)}`).join(', ')}`}</title>
        <polyline fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" points={path(points)} />
      </svg>
    </div>
  );
}

function path(points: { value: number | null }[]): string {
  const values = points.map((p) => (p.value === null ? 0 : Number(p.value)));
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  return values.map((v, i) => `${((i / (values.length - 1)) * 100).toFixed(2)},${(22 - ((v - min) / span) * 20).toFixed(2)}`).join(' ');
}
