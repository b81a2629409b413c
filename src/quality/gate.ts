/**
 * The quality gate the pipeline calls before it promotes a batch (src/pipeline/quality-hook.ts).
 * It runs the `batch`-scope rules that judge the rows about to be written, records every result in
 * ops.quality_results, and refuses promotion when an `error` rule failed: the batch's rows stay in
 * the layer below, so a later run (after the data or the configured severity is fixed) retries it.
 *
 * For Silver the pipeline hands over its typed batch (silver/typed_batch.sql: the Bronze columns,
 * the typed `*_v` columns and `reason`), so one relation yields three subjects: the Bronze batch as
 * landed, its clean rows under their Silver names, and its quarantined rows.
 */
import { quoteIdent, type Session } from '../engine/session.js';
import { Lake } from '../engine/lake.js';
import type { BatchCheck, CheckVerdict, QualityHook } from '../pipeline/quality-hook.js';
import type { Effects } from '../effects.js';
import { silentEffects } from '../effects.js';
import { scopeOf } from './expectations.js';
import { layerOf, ruleSetFor } from './rulesets.js';
import { runAggregates, runRowScan, type ExpectationResult, type RowSubject } from './run.js';
import { recordResults, type RecordedResult } from './store.js';
import { relationsFor } from './relations.js';
import { loadQualityConfig, type QualityConfig } from './config.js';

export interface GateOptions {
  effects?: Effects;
  /** Severity overrides; read from the lake's quality.json when absent. */
  config?: QualityConfig;
}

/** The gate as the pipeline calls it, plus the time it has spent, for the run's step timings. */
export interface QualityGate extends QualityHook {
  readonly stats: { checks: number; seconds: number; failed: number };
}

/**
 * A hook that checks each batch against its table's rules before the pipeline promotes it. The
 * config (severity overrides) is read once, here, so a bad quality.json fails before any work.
 */
export function qualityGate(lakeDir: string, options: GateOptions = {}): QualityGate {
  const effects = options.effects ?? silentEffects;
  const config = options.config ?? loadQualityConfig(lakeDir);
  const stats = { checks: 0, seconds: 0, failed: 0 };
  const hook = async (check: BatchCheck): Promise<CheckVerdict> => {
    const start = performance.now();
    try {
      const verdict = await gateOnce(new Lake(lakeDir, check.session), check, config, effects);
      if (!verdict.promote) stats.failed++;
      return verdict;
    } finally {
      stats.checks++;
      stats.seconds += (performance.now() - start) / 1000;
    }
  };
  return Object.assign(hook, { stats });
}

async function gateOnce(lake: Lake, check: BatchCheck, config: QualityConfig, effects: Effects): Promise<CheckVerdict> {
  const checkedAt = effects.now();
  const subjects = await subjectsOf(check, lake, config);
  const found: ExpectationResult[] = [];
  // Row rules of every subject in one scan of the batch: on Silver that relation is a view that
  // types each row, so each extra pass would cost a full re-typing of the batch.
  for (const list of await runRowScan(check.session, quoteIdent(check.relation), subjects, { scope: 'batch' })) found.push(...list);
  for (const s of subjects) {
    const relation = s.view ?? quoteIdent(check.relation);
    found.push(...(await runAggregates(check.session, s.set, relation, s.relationOf, { scope: 'batch', severityOverrides: s.severityOverrides })));
  }
  const versions = new Map<string, number | null>();
  for (const s of subjects) versions.set(s.set.table, (await lake.snapshot(s.set.table))?.version ?? null);
  const batchId = check.batchIds.length === 0 ? null : check.batchIds.join(',');
  const results: RecordedResult[] = found.map((r) => ({
    ...r,
    runId: check.runId,
    checkedAt,
    layer: layerOf(r.table),
    tableVersion: versions.get(r.table) ?? null,
    batchId,
    scope: 'batch',
  }));
  await recordResults(lake, results);
  for (const r of results.filter((x) => !x.passed && x.severity === 'warn')) {
    effects.log(`quality warning: ${r.table} ${r.expectation}: observed ${r.observed}, threshold ${r.threshold}`);
  }
  const failed = results.filter((r) => !r.passed && r.severity === 'error');
  if (failed.length === 0) return { promote: true };
  const what = failed.map((f) => `${f.table} ${f.expectation} (observed ${f.observed}, threshold ${f.threshold})`).join('; ');
  return {
    promote: false,
    reason: `batch ${check.batchIds.join(', ')} failed ${what}; its rows stay in ${layerBelow(check.layer)}`,
  };
}

function layerBelow(layer: 'silver' | 'gold'): string {
  return layer === 'silver' ? 'bronze' : 'silver';
}

/** The Silver names of the typed batch's columns (silver/typed_batch.sql types into `*_v`). */
const SILVER_FROM_TYPED: Record<string, string> = {
  event_time: 't.event_time_v',
  event_type: 't.event_type_v',
  product_id: 't.product_id_v',
  category_id: 't.category_id_v',
  category_code: 't.category_code_v',
  brand: 't.brand_v',
  price: 't.price_v',
  user_id: 't.user_id_v',
  user_session: 'CAST(t.user_session_v AS VARCHAR)',
  event_date: 'CAST(t.event_time_v AS DATE)',
  event_hour: 'CAST(hour(t.event_time_v) AS INTEGER)',
  day_of_week: 'CAST(isodow(t.event_time_v) AS INTEGER)',
};

interface GateSubject extends RowSubject {
  /** A view of just this subject's rows under its own column names, for non-row rules. */
  view?: string;
}

/** The rule sets to run for a check, each as a subject over the batch relation. */
async function subjectsOf(check: BatchCheck, lake: Lake, config: QualityConfig): Promise<GateSubject[]> {
  const rel = quoteIdent(check.relation);
  const subjects: GateSubject[] = [];
  const add = async (table: string, part: Omit<GateSubject, 'set' | 'relationOf' | 'severityOverrides'>) => {
    const set = ruleSetFor(table);
    if (!set || !set.expectations.some((e) => scopeOf(e) === 'batch')) return;
    const relationOf = await relationsFor(lake, set, part.view ?? rel);
    subjects.push({ set, relationOf, severityOverrides: config.severity[table], ...part });
  };
  if (check.layer === 'silver' && (await hasColumn(check.session, rel, 'reason'))) {
    const silverColumns = Object.entries(SILVER_FROM_TYPED).map(([name, expr]) => `${expr} AS ${quoteIdent(name)}`).join(', ');
    await check.session.run(
      `CREATE OR REPLACE TEMP VIEW quality_silver_candidate AS SELECT ${silverColumns}, t._source_file, t._source_line, t._batch_id ` +
        `FROM ${rel} AS t WHERE t.reason IS NULL`,
    );
    await check.session.run(`CREATE OR REPLACE TEMP VIEW quality_silver_rejected AS SELECT * FROM ${rel} WHERE reason IS NOT NULL`);
    await add('bronze.events', {});
    await add('silver.events', {
      column: (name) => SILVER_FROM_TYPED[name] ?? `t.${quoteIdent(name)}`,
      where: 't.reason IS NULL',
      view: 'quality_silver_candidate',
    });
    await add('silver.quarantine', { where: 't.reason IS NOT NULL', view: 'quality_silver_rejected' });
  } else {
    await add(check.table, {});
  }
  return subjects;
}
async function hasColumn(session: Session, relation: string, column: string): Promise<boolean> {
  return (await session.describe(`SELECT * FROM ${relation}`)).some((c) => c.name === column);
}
