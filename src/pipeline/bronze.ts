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
import { readHeader, scanSource } from './source-scan.js';
import { parquetColumns, stageCsvLines, stageCsvStrict, stageNumbered, stageParquet, type StagedSource } from './stage.js';
import { WrittenRowsMismatchError, type WriteResult } from '../engine/lake.js';
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
      // The file is read through once (hash, line count, numbered copy), then landed; the bar
      // shows their sum.
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
  const staging = join(ctx.stagingDir, randomUUID());
  const stagingFiles = [`${staging}.parquet`, `${staging}.csv`];
  const session = ctx.session;
  const unwatch = session.watchProgress((percentage) => progress.landed(percentage / 100));
  try {
    // A CSV's header is checked before the file is read through, so a wrong file fails at once.
    const csv = file.format === 'parquet' ? undefined : await csvHeader(file);
    // One pass: the content hash (the file's identity), the line count and the numbered copy.
    const scan = await scanSource(file, (n) => progress.hashed(n), csv ? { base: `${staging}.numbered`, header: csv.line } : undefined);
    stagingFiles.push(...(scan.numbered ?? []).map((part) => part.path));
    const batchId = batchIdOf(scan.sha256);
    const appId = bronzeAppId(scan.sha256);
    const base = { file: file.path, sha256: scan.sha256, batchId };
    if (seen?.has(appId)) {
      ctx.effects.log(`bronze: ${file.path} already ingested (batch ${batchId}), skipped`);
      return { ...base, status: 'already ingested', rows: 0, malformed: 0, seconds: secondsSince(start) };
    }
    await session.run(
      `CREATE OR REPLACE TEMP TABLE batch_info AS SELECT $file::VARCHAR AS _source_file, $batch::VARCHAR AS _batch_id, ` +
        `$at::TIMESTAMPTZ AS _ingested_at`,
      { file: file.path, batch: batchId, at: ctx.effects.now().toISOString() },
    );
    const land = async (staged: StagedSource, expectRows?: number): Promise<WriteResult> => {
      await session.run(`CREATE OR REPLACE TEMP VIEW staged_source AS ${staged.select}`);
      try {
        return await ctx.lake.append(TABLES.bronzeEvents, modelSql('bronze', 'events'), {
          txn: { appId, version: 0 },
          operationParameters: { source: file.path, sha256: scan.sha256, batchId, runId: ctx.runId },
          description: 'Clickstream events as landed, one batch per source file, with lineage columns.',
          ...(expectRows !== undefined ? { expectRows } : {}),
        });
      } finally {
        await session.run(`DROP VIEW IF EXISTS ${quoteIdent('staged_source')}`);
      }
    };

    let landed: { staged: StagedSource; result: WriteResult } | undefined;
    let needsLines = false;
    if (csv && scan.numbered !== undefined) {
      const staged = stageNumbered(csv.header, csv.extras, scan.numbered, scan.dataLines ?? 0);
      try {
        landed = { staged, result: await land(staged, staged.rows) };
      } catch (error) {
        // A malformed line (wrong field count, invalid UTF-8, a blank line) fails the strict read,
        // and the strict Parquet path would fail the same way: the file goes line by line.
        if (!(error instanceof WrittenRowsMismatchError) && !/\bCSV\b/.test((error as Error).message)) throw error;
        needsLines = true;
      } finally {
        // Removed at once: the copy is as large as the file, and a fallback path stages it again.
        for (const part of scan.numbered) rmSync(part.path, { force: true });
      }
    }
    if (!landed) {
      const staged = csv
        ? ((needsLines ? undefined : await stageCsvStrict(session, file, csv.header, csv.extras, scan.dataLines ?? 0, `${staging}.parquet`)) ??
          (await stageCsvLines(session, file, csv.header, csv.extras, `${staging}.csv`)))
        : await stageParquetFile(session, file);
      landed = { staged, result: await land(staged) };
    }
    const { staged, result } = landed;
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

/** A CSV source's header, checked: the line, its names and the extra columns to rescue. */
async function csvHeader(file: SourceFile): Promise<{ line: string; header: string[]; extras: string[] }> {
  const line = await readHeader(file);
  const parsed = splitCsvLine(line);
  if (!parsed.ok) throw new InputHeaderError(file.path, `header line cannot be parsed (${parsed.error})`);
  const header = parsed.fields.map((name) => name.trim());
  const { extras } = checkHeader(file.path, header);
  return { line, header, extras };
}

/** A Parquet source, read as is (see stage.ts). */
async function stageParquetFile(session: StepContext['session'], file: SourceFile): Promise<StagedSource> {
  const columns = await parquetColumns(session, file.path);
  const { extras } = checkHeader(file.path, columns.map((c) => c.name));
  return stageParquet(session, file, columns, extras);
}
