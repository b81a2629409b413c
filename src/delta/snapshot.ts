/**
 * A table's state at one version: protocol, metadata, schema, live files (with typed partition
 * values and parsed stats), tombstones, app transactions and domains. Loading lists the log once,
 * builds the log segment, reads the checkpoint and the commits after it (commit files with bounded
 * concurrency, so long logs load quickly without opening thousands of files at once), then folds
 * them with the pure `replay`.
 */
import { parseCommit, type Action, type Add, type DomainMetadata, type Metadata, type Protocol, type Remove, type Txn } from './actions.js';
import { readCheckpoint } from './checkpoint-read.js';
import { columnMappingMode, partitionKeys, type ColumnMappingMode } from './column-mapping.js';
import { DeltaLogCorruptError, DeltaTableNotFoundError, DeltaVersionNotFoundError } from './errors.js';
import { checkReadable } from './features.js';
import { isNotFound, type FileInfo, type LogStore } from './log-store.js';
import { buildLogSegment, listLog, listLogForVersion, type LogListing } from './log-segment.js';
import type { ParquetReader } from './parquet.js';
import { parsePartitionValue, partitionValueText, type PartitionValue } from './partition-values.js';
import { replay, type CommitActions } from './replay.js';
import { parseSchema, type StructType } from './schema.js';
import { parseStats, type FileStats } from './stats.js';
import { commitPath, decodeActionPath } from './table-path.js';
import { resolveTimestamp } from './time-travel.js';

export interface LiveFile {
  add: Add;
  /** URL-decoded path, relative to the table root (or absolute when the log gave an absolute URI). */
  path: string;
  /** Typed partition values by logical column name. */
  partitionValues: Record<string, PartitionValue>;
  /** Canonical text of each partition value by logical column name, for engine casts. */
  partitionText: Record<string, string | null>;
  stats?: FileStats;
}

export interface Snapshot {
  readonly table: string;
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema: StructType;
  readonly partitionColumns: string[];
  readonly columnMapping: ColumnMappingMode;
  readonly files: ReadonlyArray<LiveFile>;
  readonly tombstones: ReadonlyArray<Remove>;
  readonly appTransactions: ReadonlyMap<string, Txn>;
  readonly domainMetadata: ReadonlyMap<string, DomainMetadata>;
  /** Commit timestamp of this version in ms: in-commit timestamp when enabled, else the file's mtime. */
  readonly timestamp: number;
}

export interface SnapshotAt {
  version?: number;
  timestamp?: Date | number;
}

const READ_CONCURRENCY = 32;

export async function loadSnapshot(store: LogStore, parquet: ParquetReader, at: SnapshotAt = {}): Promise<Snapshot> {
  if (at.timestamp === undefined) return loadFromListing(store, parquet, await listLogForVersion(store, at.version), at.version);
  if (at.version !== undefined) throw new DeltaVersionNotFoundError('give a version or a timestamp, not both', store.location);
  // Resolving a timestamp needs every commit's time, so the whole log is listed.
  const listing = await listLog(store);
  const latest = await loadFromListing(store, parquet, listing, undefined);
  const ms = typeof at.timestamp === 'number' ? at.timestamp : at.timestamp.getTime();
  const version = await resolveTimestamp(store, listing, latest.metadata, ms);
  return version === latest.version ? latest : loadFromListing(store, parquet, listing, version);
}

async function loadFromListing(store: LogStore, parquet: ParquetReader, listing: LogListing, version: number | undefined): Promise<Snapshot> {
  const table = store.location;
  const segment = buildLogSegment(listing, version);
  const checkpoint = segment.checkpoint ? await readCheckpoint(store, parquet, segment.checkpoint) : undefined;
  const commits = await readCommitFiles(store, segment.commits);
  const state = replay(commits, checkpoint);
  const v = segment.version;
  if (!state.protocol) {
    throw new DeltaLogCorruptError(`${table} has no protocol action at version ${v}`, segment.checkpoint?.files[0]?.path ?? commitPath(0), table, v);
  }
  if (!state.metadata) {
    throw new DeltaLogCorruptError(`${table} has no metaData action at version ${v}`, segment.checkpoint?.files[0]?.path ?? commitPath(0), table, v);
  }
  const { protocol, metadata } = state;
  const schema = parseSchema(metadata.schemaString, table);
  checkReadable(protocol, metadata, schema, table, v);
  const mode = columnMappingMode(metadata);
  const partitionColumns = [...(metadata.partitionColumns ?? [])];
  const keys = partitionKeys(schema, partitionColumns, mode);
  const types = new Map(schema.fields.map((f) => [f.name, f.type] as const));
  const files: LiveFile[] = [];
  for (const add of state.files.values()) {
    const path = decodeActionPath(add.path);
    const partitionValues: Record<string, PartitionValue> = {};
    const partitionText: Record<string, string | null> = {};
    for (const column of partitionColumns) {
      const type = types.get(column) ?? 'string';
      const raw = add.partitionValues?.[keys.get(column) ?? column] ?? add.partitionValues?.[column];
      partitionValues[column] = parsePartitionValue(raw, type, column, path, table);
      partitionText[column] = partitionValueText(raw, type, column, path, table);
    }
    files.push({ add, path, partitionValues, partitionText, stats: parseStats(add.stats) });
  }
  let commitInfo = state.lastVersion === v ? state.lastCommitInfo : undefined;
  if (state.lastVersion !== v && segment.versionCommit) {
    commitInfo = (await readCommitFile(store, v, segment.versionCommit.path)).find((a) => 'commitInfo' in a)?.commitInfo;
  }
  const ict = metadata.configuration?.['delta.enableInCommitTimestamps'] === 'true' ? commitInfo?.inCommitTimestamp : undefined;
  const timestamp = typeof ict === 'number'
    ? ict
    : (segment.versionCommit?.modificationTime ?? segment.checkpoint?.files[0]?.modificationTime ?? 0);
  return {
    table,
    version: v,
    protocol,
    metadata,
    schema,
    partitionColumns,
    columnMapping: mode,
    files,
    tombstones: [...state.tombstones.values()],
    appTransactions: state.txns,
    domainMetadata: state.domains,
    timestamp,
  };
}

/** Newest version in the log (from the listing alone), or undefined when there is no table yet. */
export async function latestVersion(store: LogStore): Promise<number | undefined> {
  try {
    return (await listLogForVersion(store)).latest;
  } catch (error) {
    if (error instanceof DeltaTableNotFoundError) return undefined;
    throw error;
  }
}

/** The actions of one commit. */
export async function readCommit(store: LogStore, version: number): Promise<Action[]> {
  return readCommitFile(store, version, commitPath(version));
}

/** Every commit file still in the log, ascending, with its modification time. */
export async function listCommits(store: LogStore): Promise<{ version: number; modificationTime: number }[]> {
  let listing: LogListing;
  try {
    listing = await listLog(store);
  } catch (error) {
    if (error instanceof DeltaTableNotFoundError) return [];
    throw error;
  }
  return [...listing.commits.entries()]
    .map(([version, file]) => ({ version, modificationTime: file.modificationTime }))
    .sort((a, b) => a.version - b.version);
}

async function readCommitFile(store: LogStore, version: number, path: string): Promise<Action[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.read(path);
  } catch (error) {
    if (isNotFound(error)) {
      throw new DeltaVersionNotFoundError(`${store.location}: commit ${path} does not exist`, store.location, version);
    }
    throw error;
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') {
    throw new DeltaLogCorruptError(`${store.location}: commit ${path} is empty (truncated write?)`, path, store.location, version);
  }
  return parseCommit(text, path, store.location, version);
}

async function readCommitFiles(store: LogStore, files: { version: number; file: FileInfo }[]): Promise<CommitActions[]> {
  const out: CommitActions[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const { version, file } = files[i]!;
      out[i] = { version, actions: await readCommitFile(store, version, file.path) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return out;
}
