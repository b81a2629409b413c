// Numbers for people: 1.2M, $3.4K, 12.5%. One place so every page and tooltip agrees.

const UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** 1234 -> "1.2K", 950 -> "950", 0.5 -> "0.5". */
export function compact(value: unknown): string {
  const n = toNumber(value);
  if (n === null) return '–';
  const abs = Math.abs(n);
  for (const [size, suffix] of UNITS) {
    if (abs >= size) {
      const scaled = n / size;
      return `${trim(scaled.toFixed(Math.abs(scaled) >= 100 ? 0 : 1))}${suffix}`;
    }
  }
  if (Number.isInteger(n)) return String(n);
  return trim(n.toFixed(abs >= 10 ? 1 : 2));
}

/** Money in dollars, compact above a thousand: "$3.4K", "$12.50". */
export function money(value: unknown): string {
  const n = toNumber(value);
  if (n === null) return '–';
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs >= 1000) return `${sign}$${compact(abs)}`;
  return `${sign}$${abs.toFixed(2)}`;
}

/** A ratio as a percentage: 0.125 -> "12.5%". */
export function pct(value: unknown, digits = 1): string {
  const n = toNumber(value);
  if (n === null) return '–';
  return `${(n * 100).toFixed(digits)}%`;
}

/** A signed relative change: 0.034 -> "+3.4%". */
export function change(value: unknown): string {
  const n = toNumber(value);
  if (n === null) return '–';
  return `${n > 0 ? '+' : ''}${(n * 100).toFixed(1)}%`;
}

export function bytes(value: unknown): string {
  const n = toNumber(value);
  if (n === null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : trim(v.toFixed(1))} ${units[i]}`;
}

export function ms(value: unknown): string {
  const n = toNumber(value);
  if (n === null) return '–';
  if (n >= 1000) return `${trim((n / 1000).toFixed(2))} s`;
  return `${trim(n.toFixed(n >= 10 ? 0 : 1))} ms`;
}

/** Seconds as a duration: 95 -> "1m 35s", 7300 -> "2h 2m". */
export function duration(seconds: unknown): string {
  const n = toNumber(seconds);
  if (n === null) return '–';
  if (n < 60) return `${Math.round(n)}s`;
  if (n < 3600) return `${Math.floor(n / 60)}m ${Math.round(n % 60)}s`;
  if (n < 86400) return `${Math.floor(n / 3600)}h ${Math.round((n % 3600) / 60)}m`;
  return `${trim((n / 86400).toFixed(1))}d`;
}

export function integer(value: unknown): string {
  const n = toNumber(value);
  return n === null ? '–' : Math.round(n).toLocaleString('en-US');
}

function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export type Formatter = (value: unknown) => string;
export const formatters = { compact, money, pct, change, bytes, ms, duration, integer } satisfies Record<string, Formatter>;
export type FormatName = keyof typeof formatters;
