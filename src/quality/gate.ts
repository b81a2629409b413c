/**
 * The quality gate the pipeline calls before it promotes a batch (src/pipeline/quality-hook.ts).
 * A table's `batch`-scope rules judge a batch's rows in that table; when an `error` rule fails,
 * the batch is not promoted to the next layer, so its rows stay where they are and a later run
 * (after the data or the configured severity is fixed) retries it. Every result is recorded in
 * ops.quality_results.
 *
 * - Before Silver is written, the Bronze rules judge the batch as landed. The pipeline hands over
 *   its typed batch (silver/typed_batch.sql); the Bronze rules read only the landed columns, so
 *   DuckDB prunes the typing and the check costs a scan of a few Bronze columns.
 * - Before Gold is written, the Silver rules (silver.events, silver.quarantine) judge the rows the
 *   new batches put there: typed Parquet, read once per run, the verdict reused for every Gold table.
 */
import { quoteIdent, quoteString } from '../engine/session.js';
import { Lake } from '../engine/lake.js';
import type { BatchCheck, CheckVerdict, QualityHook } from '../pipeline/quality-hook.js';
import { silentEffects, type Effects } from '../effects.js';
import { scopeOf } from './expectations.js';
import { layerOf, ruleSetFor } from './rulesets.js';
import { runExpectations } from './run.js';
import { recordResults, type RecordedResult } from './store.js';
import { qualityViewName, relationsFor } from './relations.js';
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
  // The Silver verdict for a run's batches, decided at the first Gold table and reused for the rest.
  const silverVerdicts = new Map<string, CheckVerdict>();
  const hook = async (check: BatchCheck): Promise<CheckVerdict> => {
    const start = performance.now();
    try {
      const lake = new Lake(lakeDir, check.session);
      let verdict: CheckVerdict;
      if (check.layer === 'silver') {
        verdict = await judge(lake, check, [{ table: 'bronze.events', relation: quoteIdent(check.relation) }], config, effects);
      } else {
        const key = `${check.runId}\u0000${check.batchIds.join(',')}`;
        verdict = silverVerdicts.get(key) ?? (await judgeSilverBatches(lake, check, config, effects));
        silverVerdicts.set(key, verdict);
      }
      if (!verdict.promote) stats.failed++;
      return verdict;
    } finally {
      stats.checks++;
      stats.seconds += (performance.now() - start) / 1000;
    }
  };
  return Object.assign(hook, { stats });
}

/** The Silver tables' rules over the rows the check's batches put in them. */
async function judgeSilverBatches(lake: Lake, check: BatchCheck, config: QualityConfig, effects: Effects): Promise<CheckVerdict> {
  const ids = check.batchIds.length === 0 ? 'NULL' : check.batchIds.map(quoteString).join(', ');
  const subjects: Subject[] = [];
  for (const table of ['silver.events', 'silver.quarantine']) {
    const view = qualityViewName(table);
    if (!(await lake.view(view, table))) continue;
    const batchView = `${view}__batch`;
    await lake.session.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(batchView)} AS SELECT * FROM ${quoteIdent(view)} WHERE _batch_id IN (${ids})`);
    subjects.push({ table, relation: quoteIdent(batchView) });
  }
  return judge(lake, check, subjects, config, effects);
}

interface Subject {
  table: string;
  /** A quoted relation holding the batch's rows of the table. */
  relation: string;
}

async function judge(lake: Lake, check: BatchCheck, subjects: Subject[], config: QualityConfig, effects: Effects): Promise<CheckVerdict> {
  const checkedAt = effects.now();
  const batchId = check.batchIds.length === 0 ? null : check.batchIds.join(',');
  const results: RecordedResult[] = [];
  for (const { table, relation } of subjects) {
    const set = ruleSetFor(table);
    if (!set || !set.expectations.some((e) => scopeOf(e) === 'batch')) continue;
    const relationOf = await relationsFor(lake, set, relation);
    const found = await runExpectations(check.session, set, relation, relationOf, {
      scope: 'batch',
      severityOverrides: config.severity[table],
    });
    const tableVersion = (await lake.snapshot(table))?.version ?? null;
    for (const r of found) {
      results.push({ ...r, runId: check.runId, checkedAt, layer: layerOf(table), tableVersion, batchId, scope: 'batch' });
    }
  }
  await recordResults(lake, results);
  for (const r of results.filter((x) => !x.passed && x.severity === 'warn')) {
    effects.log(`quality warn: ${r.table} ${r.expectation}: observed ${r.observed}, threshold ${r.threshold}`);
  }
  const failed = results.filter((r) => !r.passed && r.severity === 'error');
  if (failed.length === 0) return { promote: true };
  const what = failed.map((f) => `${f.table} ${f.expectation} (observed ${f.observed}, threshold ${f.threshold})`).join('; ');
  const stays = check.layer === 'silver' ? 'bronze' : 'silver';
  return { promote: false, reason: `batch ${check.batchIds.join(', ')} failed ${what}; its rows stay in ${stays}` };
}
