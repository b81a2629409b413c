/**
 * The point where data quality can stop promotion. The pipeline calls the hook once per layer and
 * batch, after the batch is computed and before it is written to the next layer; a verdict of
 * `promote: false` stops the run with the hook's reason, leaving the target table untouched.
 * Row-level rules (quarantine, reasons, reconciliation) live in the pipeline itself; table-level
 * expectations plug in here.
 */
import type { Session } from '../engine/session.js';

export interface BatchCheck {
  session: Session;
  runId: string;
  /** The layer the rows are about to be promoted to. */
  layer: 'silver' | 'gold';
  /** The table about to be written (`layer.name`). */
  table: string;
  /** A DuckDB relation (view or table name) holding the rows about to be written. */
  relation: string;
  /** Bronze batch ids the rows come from. */
  batchIds: string[];
}

export interface CheckVerdict {
  promote: boolean;
  reason?: string;
}

export type QualityHook = (check: BatchCheck) => Promise<CheckVerdict>;

/** The hook when no expectations are configured: every batch is promoted. */
export const promoteAll: QualityHook = async () => ({ promote: true });
