/**
 * Optimization impact: the lab's measurements from `ops.lab_results`, latest run per technique.
 * The lab's table is young, so columns are matched by the names a measurement naturally has
 * (technique, before/after time and bytes, reasoning); a column the table lacks reads as null.
 */
import type { Catalog } from '../catalog.js';
import { num, ratio } from '../sql.js';
import type { OptimizationResponse } from '../types.js';

export const OPTIMIZATION_TABLES = ['ops.lab_results'];

const CANDIDATES = {
  technique: ['technique', 'name', 'experiment'],
  beforeMs: ['before_ms', 'baseline_ms', 'off_ms'],
  afterMs: ['after_ms', 'optimized_ms', 'on_ms'],
  beforeBytes: ['before_bytes', 'baseline_bytes', 'off_bytes', 'bytes_scanned_before'],
  afterBytes: ['after_bytes', 'optimized_bytes', 'on_bytes', 'bytes_scanned_after'],
  speedup: ['speedup', 'speed_up'],
  reasoning: ['reasoning', 'explanation', 'why', 'notes'],
  runAt: ['run_at', 'measured_at', 'started_at', 'created_at'],
} as const;

function pick(row: Record<string, unknown>, names: readonly string[]): unknown {
  for (const n of names) if (n in row) return row[n];
  return null;
}

export async function optimization(catalog: Catalog): Promise<OptimizationResponse> {
  const missing = catalog.missing(OPTIMIZATION_TABLES);
  if (missing.length) return { runAt: null, techniques: [], missing };
  const rows = await catalog.query('select * from ops_lab_results');
  const latest = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const key = String(pick(row, CANDIDATES.technique) ?? '');
    const prev = latest.get(key);
    if (!prev || String(pick(row, CANDIDATES.runAt) ?? '') >= String(pick(prev, CANDIDATES.runAt) ?? '')) latest.set(key, row);
  }
  const techniques = [...latest.values()].map((r) => {
    const beforeMs = num(pick(r, CANDIDATES.beforeMs));
    const afterMs = num(pick(r, CANDIDATES.afterMs));
    return {
      technique: String(pick(r, CANDIDATES.technique) ?? 'unnamed'),
      beforeMs,
      afterMs,
      beforeBytes: num(pick(r, CANDIDATES.beforeBytes)),
      afterBytes: num(pick(r, CANDIDATES.afterBytes)),
      speedup: num(pick(r, CANDIDATES.speedup)) ?? ratio(beforeMs, afterMs),
      reasoning: (pick(r, CANDIDATES.reasoning) as string | null) ?? null,
    };
  });
  const runAt = rows.map((r) => pick(r, CANDIDATES.runAt)).filter((v) => v !== null).map(String).sort().at(-1) ?? null;
  return { runAt, techniques: techniques.sort((a, b) => Number(b.speedup ?? 0) - Number(a.speedup ?? 0)) };
}
