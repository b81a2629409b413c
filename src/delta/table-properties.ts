/**
 * The table properties (`metaData.configuration`) a writer acts on, parsed with their protocol
 * defaults. Values are strings in the log; a malformed value fails naming the property.
 */
import { DeltaInvalidOperationError } from './errors.js';

export interface TableProperties {
  /** Write a checkpoint after every N commits (`delta.checkpointInterval`, default 10). */
  checkpointInterval: number;
  /** Leaf columns with statistics (`delta.dataSkippingNumIndexedCols`, default 32; -1 = all). */
  dataSkippingNumIndexedCols: number;
  /** How long tombstones are kept in checkpoints (`delta.deletedFileRetentionDuration`, 1 week). */
  deletedFileRetentionMs: number;
  /** `delta.appendOnly`: deletes and overwrites are refused. */
  appendOnly: boolean;
  /** How long commit files are kept once a newer checkpoint covers them (`delta.logRetentionDuration`, 30 days). */
  logRetentionMs: number;
  /** `delta.enableExpiredLogCleanup` (default true): checkpoints remove expired log files. */
  expiredLogCleanup: boolean;
}

export const DEFAULT_CHECKPOINT_INTERVAL = 10;
const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * DAY_MS;

export function tableProperties(configuration: Record<string, string> = {}, table?: string): TableProperties {
  const int = (key: string, fallback: number, min: number): number => {
    const raw = configuration[key];
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw.trim()) || Number(raw) < min) {
      throw new DeltaInvalidOperationError(`table property ${key} = "${raw}" is not a whole number ≥ ${min}`, table);
    }
    return Number(raw);
  };
  return {
    checkpointInterval: int('delta.checkpointInterval', DEFAULT_CHECKPOINT_INTERVAL, 1),
    dataSkippingNumIndexedCols: int('delta.dataSkippingNumIndexedCols', 32, -1),
    deletedFileRetentionMs: parseInterval(configuration['delta.deletedFileRetentionDuration'], WEEK_MS, table),
    appendOnly: configuration['delta.appendOnly']?.toLowerCase() === 'true',
    logRetentionMs: parseInterval(configuration['delta.logRetentionDuration'], 30 * DAY_MS, table),
    expiredLogCleanup: configuration['delta.enableExpiredLogCleanup']?.toLowerCase() !== 'false',
  };
}

const UNIT_MS: Record<string, number> = {
  millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: WEEK_MS,
};

/** Parses Spark's "interval 7 days" form. */
export function parseInterval(raw: string | undefined, fallback: number, table?: string): number {
  if (raw === undefined) return fallback;
  const m = /^\s*(?:interval\s+)?(\d+)\s+(millisecond|second|minute|hour|day|week)s?\s*$/i.exec(raw);
  if (!m) throw new DeltaInvalidOperationError(`table property interval "${raw}" is not of the form "interval N days"`, table);
  return Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
}
