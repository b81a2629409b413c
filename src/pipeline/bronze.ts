/**
 * Bronze: lands each new source file in `bronze.events` as it is, with lineage. A file's content
 * hash is the Delta app-transaction id of its append, so a file already landed (under any name) is
 * skipped, and a crash between staging and commit simply lands it on the next run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { quoteIdent } from '../engine/session.js';
import { checkHeader, type SourceFile } from './inputs.js';
import { splitCsvLine } from './line-parser.js';
import { readHeader, scanSource, type SourceScan } from './source-scan.js';
import { parquetColumns, stageCsvLines, stageCsvStrict, stageParquet, type StagedSource } from './stage.js';
import { modelSql } from './models.js';
import { InputHeaderError } from './errors.js';
import { TABLES, secondsSince, type StepContext } from './context.js';
import { forwardOnly } from '../effects.js';
import { FingerprintCache } from './fingerprints.js';

export interface BronzeFileResult {
  file: string;
  sha256: string;
  batchId: string;
  status: 'ingested' | 'already ingested';
  rows: number;
  malformed: number;
  path?: StagedSource['path'];
  seconds: number;
}

/** The Bronze app-transaction id of a file's content. */
export function bronzeAppId(sha256: string): string {
  return `bronze:${sha256}`;
}

/** A batch id: the start of the content hash, stable across runs and file names. */
export function batchIdOf(sha256: string): string {
  return sha256.slice(0, 16);
}

export async function ingestBronze(ctx: StepContext, files: readonly SourceFile[]): Promise<BronzeFileResult[]> {
  const results: BronzeFileResult[] = [];
  const seen = (await ctx.lake.snapshot(TABLES.bronzeEvents))?.appTransactions;
  const cache = new FingerprintCache(ctx.lake.dir);
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  // Each byte counts twice: once when hashed, once as the file lands in Bronze (as DuckDB
  // reports the landing statements' progress).
  const bar = ctx.effects.progress('bronze', Math.max(2 * totalBytes, 1));
  let done = 0;
  try {
    for (const file of files) {
      // A file whose identity (path, size, mtime) maps to a content already ingested is skipped
      // without reading it again.
      const known = cache.get(file.path);
      if (known && seen?.has(bronzeAppId(known))) {
        done += 2 * file.bytes;
        bar.update(done);
        ctx.effects.log(`bronze: ${file.path} already ingested (batch ${batchIdOf(known)}), skipped`);
        results.push({ file: file.path, sha256: known, batchId: batchIdOf(known), status: 'already ingested', rows: 0, malformed: 0, seconds: 0 });
        continue;
      }
      // Hashing and landing run side by side; the bar shows their sum.
      const advance = forwardOnly(bar, done);
      let hashed = 0;
      let landed = 0;
      const show = () => advance(Math.round(done + hashed + landed * file.bytes));
      const result = await ingestFile(ctx, file, seen, {
        hashed: (n) => {
          hashed += n;
          show();
        },
        landed: (fraction) => {
          landed = Math.max(landed, fraction);
          show();
        },
      });
      done += 2 * file.bytes;
      bar.update(done);
      cache.set(file.path, result.sha256);
      results.push(result);
    }
  } finally {
    bar.stop();
    cache.save();
  }
  return results;
}

/** Progress of one file: bytes hashed, then the share of its landing done (0–1). */
interface FileProgress {
  hashed(bytes: number): void;
  landed(fraction: number): void;
}

async function ingestFile(
  ctx: StepContext,
  file: SourceFile,
  seen: ReadonlyMap<string, unknown> | undefined,
  progress: FileProgress,
): Promise<BronzeFileResult> {
  const start = performance.now();
  // The content hash (the file's identity) and the staging copy each keep a core busy, so they run
  // together; a file found already ingested only costs its staging file, removed below.
  const scanning = scanSource(file, (n) => progress.hashed(n));
  scanning.catch(() => undefined); // awaited below, after staging settles
  const staging = join(ctx.stagingDir, randomUUID());
  const stagingFiles = [`${staging}.parquet`, `${staging}.csv`];
  const session = ctx.session;
  // Landing is two long statements, the staging copy and the Bronze write: each is half the way.
  let phase = 0;
  const unwatch = session.watchProgress((percentage) => progress.landed((phase + percentage / 100) / 2));
  try {
    let staged: StagedSource;
    try {
      staged = await stage(session, file, scanning, staging);
    } catch (error) {
      await scanning.catch(() => undefined);
      throw error;
    }
    const scan = await scanning;
    const batchId = batchIdOf(scan.sha256);
    const appId = bronzeAppId(scan.sha256);
    const base = { file: file.path, sha256: scan.sha256, batchId };
    if (seen?.has(appId)) {
      ctx.effects.log(`bronze: ${file.path} already ingested (batch ${batchId}), skipped`);
      return { ...base, status: 'already ingested', rows: 0, malformed: 0, seconds: secondsSince(start) };
    }

    phase = 1;
    await session.run(`CREATE OR REPLACE TEMP VIEW staged_source AS ${staged.select}`);
    await session.run(
      `CREATE OR REPLACE TEMP TABLE batch_info AS SELECT $file::VARCHAR AS _source_file, $batch::VARCHAR AS _batch_id, ` +
        `$at::TIMESTAMPTZ AS _ingested_at`,
      { file: file.path, batch: batchId, at: ctx.effects.now().toISOString() },
    );
    const result = await ctx.lake.append(TABLES.bronzeEvents, modelSql('bronze', 'events'), {
      txn: { appId, version: 0 },
      operationParameters: { source: file.path, sha256: scan.sha256, batchId, runId: ctx.runId },
      description: 'Clickstream events as landed, one batch per source file, with lineage columns.',
    });
    await session.run(`DROP VIEW IF EXISTS ${quoteIdent('staged_source')}`);
    if (staged.malformed > 0) {
      ctx.effects.log(`bronze: ${file.path}: ${staged.malformed} malformed line(s) kept with _parse_error`);
    }
    const status = result.version === null ? 'already ingested' : 'ingested';
    return {
      ...base,
      status,
      rows: result.version === null ? 0 : staged.rows,
      malformed: staged.malformed,
      path: staged.path,
      seconds: secondsSince(start),
    };
  } finally {
    unwatch();
    for (const path of stagingFiles) rmSync(path, { force: true });
  }
}

/** Stages the file for Bronze (see stage.ts): Parquet as is, CSV strictly or else line by line. */
async function stage(session: StepContext['session'], file: SourceFile, scanning: Promise<SourceScan>, staging: string): Promise<StagedSource> {
  if (file.format === 'parquet') {
    const columns = await parquetColumns(session, file.path);
    const { extras } = checkHeader(file.path, columns.map((c) => c.name));
    return stageParquet(session, file, columns, extras);
  }
  const parsed = splitCsvLine(await readHeader(file));
  if (!parsed.ok) throw new InputHeaderError(file.path, `header line cannot be parsed (${parsed.error})`);
  const header = parsed.fields.map((name) => name.trim());
  const { extras } = checkHeader(file.path, header);
  const lines = scanning.then((scan) => scan.dataLines ?? 0);
  lines.catch(() => undefined); // a failed scan is reported by the caller, not here
  return (
    (await stageCsvStrict(session, file, header, extras, lines, `${staging}.parquet`)) ??
    (await stageCsvLines(session, file, header, extras, `${staging}.csv`))
  );
}
