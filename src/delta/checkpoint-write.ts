/**
 * Writes a classic single-part checkpoint: the table state at one version as one Parquet file
 * `_delta_log/<version>.checkpoint.parquet`, one action per row, with the protocol's checkpoint
 * schema (add/remove/metaData/protocol/txn structs with the protocol's field types,
 * partitionValues as map<string,string>, stats as a JSON string), then the `_last_checkpoint`
 * hint. Tombstones younger than `delta.deletedFileRetentionDuration` are kept so vacuum and
 * concurrent readers still see them.
 *
 * A checkpoint is an optimization: a failure here never fails the write that triggered it, and
 * the hint never moves backwards (a slower writer of an older checkpoint leaves it alone).
 */
import { LOG_DIR } from './commit.js';
import { LAST_CHECKPOINT, readLastCheckpoint } from './last-checkpoint.js';
import { cleanupExpiredLogs } from './log-cleanup.js';
import type { LogStore } from './log-store.js';
import type { ParquetWriter } from './parquet-writer.js';
import type { ParquetReader } from './parquet.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';
import { tableProperties } from './table-properties.js';
import { field, struct, type DeltaType, type StructType } from './type-map.js';

const stringMap: DeltaType = { type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true };
const stringArray: DeltaType = { type: 'array', elementType: 'string', containsNull: true };

function checkpointSchema(withFeatures: boolean, withDomains: boolean): StructType {
  const protocolFields = [field('minReaderVersion', 'integer'), field('minWriterVersion', 'integer')];
  if (withFeatures) protocolFields.push(field('readerFeatures', stringArray), field('writerFeatures', stringArray));
  const fields = [
    field('txn', struct(field('appId', 'string'), field('version', 'long'), field('lastUpdated', 'long'))),
    field('add', struct(
      field('path', 'string'), field('partitionValues', stringMap), field('size', 'long'),
      field('modificationTime', 'long'), field('dataChange', 'boolean'), field('stats', 'string'),
      field('tags', stringMap),
    )),
    field('remove', struct(
      field('path', 'string'), field('deletionTimestamp', 'long'), field('dataChange', 'boolean'),
      field('extendedFileMetadata', 'boolean'), field('partitionValues', stringMap), field('size', 'long'),
    )),
    field('metaData', struct(
      field('id', 'string'), field('name', 'string'), field('description', 'string'),
      field('format', struct(field('provider', 'string'), field('options', stringMap))),
      field('schemaString', 'string'), field('partitionColumns', stringArray),
      field('configuration', stringMap), field('createdTime', 'long'),
    )),
    field('protocol', struct(...protocolFields)),
  ];
  if (withDomains) {
    fields.push(field('domainMetadata', struct(field('domain', 'string'), field('configuration', 'string'), field('removed', 'boolean'))));
  }
  return struct(...fields);
}

export function checkpointPath(version: number): string {
  return `${LOG_DIR}/${String(version).padStart(20, '0')}.checkpoint.parquet`;
}

/** The rows of a checkpoint for a snapshot, one action each. */
export function checkpointRows(snapshot: Snapshot, now: number): Record<string, unknown>[] {
  const { protocol, metadata } = snapshot;
  const retention = tableProperties(metadata.configuration, snapshot.table).deletedFileRetentionMs;
  const rows: Record<string, unknown>[] = [];
  const p: Record<string, unknown> = { minReaderVersion: protocol.minReaderVersion, minWriterVersion: protocol.minWriterVersion };
  if (protocol.readerFeatures || protocol.writerFeatures) {
    p.readerFeatures = protocol.readerFeatures ?? null;
    p.writerFeatures = protocol.writerFeatures ?? null;
  }
  rows.push({ protocol: p });
  rows.push({
    metaData: {
      id: metadata.id,
      name: metadata.name ?? null,
      description: metadata.description ?? null,
      format: { provider: metadata.format.provider, options: metadata.format.options ?? {} },
      schemaString: metadata.schemaString,
      partitionColumns: metadata.partitionColumns,
      configuration: metadata.configuration ?? {},
      createdTime: metadata.createdTime ?? null,
    },
  });
  for (const txn of snapshot.appTransactions.values()) {
    rows.push({ txn: { appId: txn.appId, version: txn.version, lastUpdated: txn.lastUpdated ?? null } });
  }
  for (const domain of snapshot.domainMetadata.values()) {
    if (!domain.removed) rows.push({ domainMetadata: domain });
  }
  for (const file of snapshot.files) {
    const a = file.add;
    rows.push({
      add: {
        path: a.path, partitionValues: a.partitionValues ?? {}, size: a.size, modificationTime: a.modificationTime,
        dataChange: false, stats: a.stats ?? null, tags: a.tags ?? null,
      },
    });
  }
  for (const r of snapshot.tombstones) {
    if ((r.deletionTimestamp ?? 0) < now - retention) continue;
    rows.push({
      remove: {
        path: r.path, deletionTimestamp: r.deletionTimestamp ?? null, dataChange: false,
        extendedFileMetadata: r.extendedFileMetadata ?? null, partitionValues: r.partitionValues ?? null, size: r.size ?? null,
      },
    });
  }
  return rows;
}

export interface CheckpointResult {
  version: number;
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
}

export async function writeCheckpoint(
  store: LogStore,
  writer: ParquetWriter,
  snapshot: Snapshot,
  options: { now?: number } = {},
): Promise<CheckpointResult> {
  if (snapshot.files.some((f) => f.add.deletionVector)) {
    // Our writer never produces deletion vectors; a table that has them gets no checkpoint from us.
    throw new Error(`${snapshot.table}: checkpoints of tables with deletion vectors are not written by this implementation`);
  }
  const rows = checkpointRows(snapshot, options.now ?? Date.now());
  const withFeatures = Boolean(snapshot.protocol.readerFeatures || snapshot.protocol.writerFeatures);
  const schema = checkpointSchema(withFeatures, snapshot.domainMetadata.size > 0);
  const path = checkpointPath(snapshot.version);
  const { sizeInBytes } = await writer.writeRows(store.resolve(path), schema, rows);
  const result: CheckpointResult = { version: snapshot.version, size: rows.length, sizeInBytes, numOfAddFiles: snapshot.files.length };
  const previous = await readLastCheckpointVersion(store);
  if (previous === undefined || previous < snapshot.version) {
    await store.put(LAST_CHECKPOINT, new TextEncoder().encode(JSON.stringify(result)));
  }
  return result;
}

async function readLastCheckpointVersion(store: LogStore): Promise<number | undefined> {
  return (await readLastCheckpoint(store))?.version;
}

/** True when a commit at `version` should be followed by a checkpoint. */
export function checkpointDue(version: number, configuration: Record<string, string> | undefined): boolean {
  return version > 0 && version % tableProperties(configuration).checkpointInterval === 0;
}


/** What happened after a commit that was due a checkpoint. */
export type CheckpointOutcome =
  | { kind: 'written'; checkpoint: CheckpointResult; logFilesRemoved: number; cleanupError?: string }
  | { kind: 'failed'; version: number; reason: string };

/**
 * After a commit: writes the checkpoint when `version` is due one, then removes expired log
 * files (log-cleanup.ts). A failure does not fail the write (it is committed; a checkpoint only
 * speeds up reading, and the next due version writes one again) but is reported in the outcome,
 * so callers can say so.
 */
export async function checkpointIfDue(
  store: LogStore,
  reader: ParquetReader,
  writer: ParquetWriter,
  version: number,
  configuration: Record<string, string> | undefined,
  now: () => number = Date.now,
): Promise<CheckpointOutcome | undefined> {
  if (!checkpointDue(version, configuration)) return undefined;
  let checkpoint: CheckpointResult;
  let snapshot: Snapshot;
  try {
    snapshot = await loadSnapshot(store, reader, { version });
    checkpoint = await writeCheckpoint(store, writer, snapshot, { now: now() });
  } catch (error) {
    return { kind: 'failed', version, reason: `checkpoint at version ${version} failed: ${firstLine(error)}` };
  }
  try {
    const { removed } = await cleanupExpiredLogs(store, snapshot.metadata.configuration, now());
    return { kind: 'written', checkpoint, logFilesRemoved: removed.length };
  } catch (error) {
    return { kind: 'written', checkpoint, logFilesRemoved: 0, cleanupError: `expired log cleanup after checkpoint ${version} failed: ${firstLine(error)}` };
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
