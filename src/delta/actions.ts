/**
 * The actions of the Delta transaction log, as the protocol names them, and the line-per-action
 * JSON encoding of commit files. Pure: no I/O.
 */
import { DeltaLogCorruptError } from './errors.js';

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Format {
  provider: string;
  options?: Record<string, string>;
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: Format;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

export interface DeletionVectorDescriptor {
  /** 'u': relative path from a UUID, 'i': inline, 'p': absolute path. */
  storageType: 'u' | 'i' | 'p';
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
  maxRowIndex?: number | null;
}

export type PartitionValues = Record<string, string | null>;

export interface Add {
  /** URL-encoded path relative to the table root (or an absolute URI). */
  path: string;
  partitionValues: PartitionValues;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
  clusteringProvider?: string | null;
}

export interface Remove {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: PartitionValues | null;
  size?: number | null;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
}

export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

export interface CommitInfo {
  timestamp?: number;
  inCommitTimestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, unknown>;
  readVersion?: number;
  isBlindAppend?: boolean;
  engineInfo?: string;
  [key: string]: unknown;
}

export interface Cdc {
  path: string;
  partitionValues: PartitionValues;
  size: number;
  dataChange: boolean;
  tags?: Record<string, string> | null;
}

export interface DomainMetadata {
  domain: string;
  configuration: string;
  removed: boolean;
}

export interface CheckpointMetadata {
  version: number;
  tags?: Record<string, string> | null;
}

export interface Sidecar {
  path: string;
  sizeInBytes: number;
  modificationTime: number;
  tags?: Record<string, string> | null;
}

export type Action =
  | { add: Add }
  | { remove: Remove }
  | { metaData: Metadata }
  | { protocol: Protocol }
  | { txn: Txn }
  | { commitInfo: CommitInfo }
  | { cdc: Cdc }
  | { domainMetadata: DomainMetadata }
  | { checkpointMetadata: CheckpointMetadata }
  | { sidecar: Sidecar };

export const ACTION_KEYS = [
  'add',
  'remove',
  'metaData',
  'protocol',
  'txn',
  'commitInfo',
  'cdc',
  'domainMetadata',
  'checkpointMetadata',
  'sidecar',
] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];

const KNOWN = new Set<string>(ACTION_KEYS);

/**
 * Parses a commit file (newline-delimited JSON, one action per line). Lines naming an action this
 * implementation does not know are skipped, as the protocol asks of readers. A line that is not a
 * JSON object with exactly one action is corruption, reported with the file and line number.
 */
export function parseCommit(text: string, file: string, table?: string, version?: number): Action[] {
  const actions: Action[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DeltaLogCorruptError(
        `${file} line ${i + 1} is not valid JSON (${(error as Error).message}); the commit may be truncated`,
        file,
        table,
        version,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DeltaLogCorruptError(`${file} line ${i + 1} is not a JSON object`, file, table, version);
    }
    const keys = Object.keys(value);
    if (keys.length !== 1) {
      throw new DeltaLogCorruptError(
        `${file} line ${i + 1} holds ${keys.length} actions (${keys.join(', ')}); exactly one is allowed`,
        file,
        table,
        version,
      );
    }
    if (!KNOWN.has(keys[0]!)) continue;
    const body = (value as Record<string, unknown>)[keys[0]!];
    if (typeof body !== 'object' || body === null) {
      throw new DeltaLogCorruptError(`${file} line ${i + 1}: action ${keys[0]} is not an object`, file, table, version);
    }
    actions.push(value as Action);
  }
  return actions;
}

/** Encodes actions as a commit file: one compact JSON object per line, newline-terminated. */
export function serializeCommit(actions: readonly Action[]): string {
  return actions.map((action) => JSON.stringify(action)).join('\n') + '\n';
}

/** The kind of an action: its single key. */
export function actionKey(action: Action): ActionKey {
  return Object.keys(action)[0] as ActionKey;
}
