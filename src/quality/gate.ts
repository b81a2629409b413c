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
import type { TableExpectations } from './expectations.js';
import { layerOf, ruleSetFor } from './rulesets.js';
import { runExpectations } from './run.js';
import { recordResults, type RecordedResult } from './store.js';
import { relationsFor } from './relations.js';
import { loadQualityConfig, type QualityConfig } from './config.js';

export interface GateOptions {
  effects?: Effects;
  /** Severity overrides; read from the lake's quality.json when absent. */
  config?: QualityConfig;
}

/** The Silver columns of the typed batch's clean rows, before deduplication. */
const SILVER_CANDIDATE = `SELECT event_time_v AS event_time, event_type_v AS event_type, product_id_v AS product_id,
  category_id_v AS category_id, category_code_v AS category_code, brand_v AS brand, price_v AS price,
  user_id_v AS user_id, CAST(user_session_v AS VARCHAR) AS user_session,
  CAST(event_time_v AS DATE) AS event_date, CAST(hour(event_time_v) AS INTEGER) AS event_hour,
  CAST(isodow(event_time_v) AS INTEGER) AS day_of_week, _source_file, _source_line, _batch_id`;

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
  const subjects = await subjectsOf(check);
  const results: RecordedResult[] = [];
  const checkedAt = effects.now();
  for (const { set, relation } of subjects) {
    const relationOf = await relationsFor(lake, set, relation);
    const snapshot = await lake.snapshot(set.table);
    const found = await runExpectations(check.session, set, relation, relationOf, {
      scope: 'batch',
      severityOverrides: config.severity[set.table],
    });
    for (const r of found) {
      results.push({
        ...r,
        runId: check.runId,
        checkedAt,
        layer: layerOf(set.table),
        tableVersion: snapshot?.version ?? null,
        batchId: check.batchIds.length === 1 ? check.batchIds[0]! : check.batchIds.length === 0 ? null : check.batchIds.join(','),
        scope: 'batch',
      });
    }
  }
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

/** The rule sets to run for a check, each with the relation holding its subject rows. */
async function subjectsOf(check: BatchCheck): Promise<{ set: TableExpectations; relation: string }[]> {
  const rel = quoteIdent(check.relation);
  const subjects: { set: TableExpectations; relation: string }[] = [];
  const add = (table: string, relation: string) => {
    const set = ruleSetFor(table);
    if (set) subjects.push({ set, relation });
  };
  if (check.layer === 'silver' && (await hasColumn(check.session, rel, 'reason'))) {
    await check.session.run(`CREATE OR REPLACE TEMP VIEW quality_silver_candidate AS ${SILVER_CANDIDATE} FROM ${rel} WHERE reason IS NULL`);
    await check.session.run(`CREATE OR REPLACE TEMP VIEW quality_silver_rejected AS SELECT * FROM ${rel} WHERE reason IS NOT NULL`);
    add('bronze.events', rel);
    add('silver.events', 'quality_silver_candidate');
    add('silver.quarantine', 'quality_silver_rejected');
  } else {
    add(check.table, rel);
  }
  return subjects;
}

async function hasColumn(session: Session, relation: string, column: string): Promise<boolean> {
  return (await session.describe(`SELECT * FROM ${relation}`)).some((c) => c.name === column);
}
