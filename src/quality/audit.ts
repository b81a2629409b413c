/**
 * The quality step at the end of a run: the `table`-scope rules (coverage, drift, keys and
 * relationships over whole tables, reconciliation between layers) on each table's latest
 * snapshot, and the column profile of silver.events. Everything is recorded; the caller decides
 * what a failed `error` rule means for the run (the CLI exits non-zero).
 */
import { quoteIdent } from '../engine/session.js';
import type { Lake } from '../engine/lake.js';
import { silentEffects, type Effects } from '../effects.js';
import { scopeOf } from './expectations.js';
import { RULE_SETS, layerOf } from './rulesets.js';
import { runExpectations } from './run.js';
import { recordProfiles, recordResults, type RecordedResult } from './store.js';
import { qualityViewName, relationsFor } from './relations.js';
import { loadQualityConfig, type QualityConfig } from './config.js';
import { profileRelation } from './profile.js';

/** The table profiled each run, the lineage columns left out, and its near-unique key columns. */
export const PROFILED_TABLE = 'silver.events';
const PROFILE_EXCLUDE = ['_source_file', '_source_line', '_batch_id'];
const PROFILE_KEYS = ['event_time', 'user_id', 'user_session'];

export interface AuditOptions {
  effects?: Effects;
  config?: QualityConfig;
  /** Profile silver.events (default true). */
  profile?: boolean;
}

export interface AuditResult {
  results: RecordedResult[];
  /** Failed `error` rules. */
  errors: RecordedResult[];
  profiledColumns: number;
  seconds: number;
}

export async function auditLake(lake: Lake, runId: string, options: AuditOptions = {}): Promise<AuditResult> {
  const start = performance.now();
  const effects = options.effects ?? silentEffects;
  const config = options.config ?? loadQualityConfig(lake.dir);
  const results: RecordedResult[] = [];
  const checkedAt = effects.now();
  const sets = RULE_SETS.filter((s) => s.expectations.some((e) => scopeOf(e) === 'table') && lake.exists(s.table));
  const bar = effects.progress('quality', sets.length + 1);
  try {
    for (const set of sets) {
      const snapshot = await lake.snapshot(set.table);
      const view = qualityViewName(set.table);
      await lake.view(view, set.table, { version: snapshot?.version });
      const relationOf = await relationsFor(lake, set, quoteIdent(view));
      const found = await runExpectations(lake.session, set, quoteIdent(view), relationOf, {
        scope: 'table',
        severityOverrides: config.severity[set.table],
      });
      for (const r of found) {
        results.push({
          ...r,
          runId,
          checkedAt,
          layer: layerOf(set.table),
          tableVersion: snapshot?.version ?? null,
          batchId: null,
          scope: 'table',
        });
      }
      bar.increment(1);
    }
    await recordResults(lake, results);
    let profiledColumns = 0;
    if (options.profile !== false && lake.exists(PROFILED_TABLE)) {
      const snapshot = await lake.snapshot(PROFILED_TABLE);
      const view = qualityViewName(PROFILED_TABLE);
      await lake.view(view, PROFILED_TABLE, { version: snapshot?.version });
      const profiles = await profileRelation(lake.session, quoteIdent(view), { exclude: PROFILE_EXCLUDE, keyColumns: PROFILE_KEYS });
      await recordProfiles(lake, { runId, at: checkedAt, table: PROFILED_TABLE, tableVersion: snapshot?.version ?? null }, profiles);
      profiledColumns = profiles.length;
    }
    bar.increment(1);
    for (const r of results.filter((x) => !x.passed)) {
      effects.log(`quality ${r.severity}: ${r.table} ${r.expectation}: observed ${r.observed}, threshold ${r.threshold}`);
    }
    return {
      results,
      errors: results.filter((r) => !r.passed && r.severity === 'error'),
      profiledColumns,
      seconds: Math.round((performance.now() - start) / 100) / 10,
    };
  } finally {
    bar.stop();
  }
}
