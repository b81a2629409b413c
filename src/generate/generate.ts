/**
 * `clicklake generate`: writes a REES46-format month (or several) of synthetic events.
 *
 * Flow: build the catalog once; per month, draw the session plan on this thread, then let worker
 * threads turn 4-hour windows into lines, written in window order (so the file is in time order
 * and identical whatever the number of threads). Optional fault injection writes a manifest
 * beside the output; Parquet output is the CSV converted by DuckDB.
 */
import { createWriteStream, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { silentEffects, type Effects } from '../effects.js';
import { reference } from './assets.js';
import { addMonths, parseMonth } from './calendar.js';
import { buildCatalog, type Catalog } from './catalog.js';
import type { ChunkContext } from './chunk.js';
import { GenerateOptionError, GenerateOutputError } from './errors.js';
import { FAULT_KINDS, type FaultKind, type FaultRecord } from './faults.js';
import { csvToParquet } from './parquet.js';
import { buildPlan } from './plan.js';
import { runChunks } from './pool.js';
import { hash32 } from './rng.js';
import { defaultEventsFor, targetsFor } from './scale.js';
import { userIdsFor } from './users.js';

export type OutputFormat = 'csv' | 'csv.gz' | 'parquet';

export interface GenerateOptions {
  out: string;
  /** Events per month; default: the real month's row count (42,448,764 for 2019-10). */
  events?: number;
  month?: string;
  months?: number;
  seed?: number;
  /** Share of clean events replaced by a fault (0 to 0.5). */
  faults?: number;
  format?: OutputFormat;
  /** Worker threads; 0 generates on the calling thread. Default: the machine's cores. */
  threads?: number;
}

export interface GenerateSummary {
  out: string;
  format: OutputFormat;
  months: string[];
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  seed: number;
  faults: number;
  manifest?: string;
}

const WINDOW_SECONDS = 4 * 3600;

export function formatFromPath(path: string): OutputFormat {
  if (path.endsWith('.csv.gz') || path.endsWith('.gz')) return 'csv.gz';
  if (path.endsWith('.parquet')) return 'parquet';
  return 'csv';
}

export async function generate(options: GenerateOptions, effects: Effects = silentEffects): Promise<GenerateSummary> {
  const began = Date.now();
  const format = options.format ?? formatFromPath(options.out);
  const first = parseMonth(options.month ?? reference().month);
  const monthCount = options.months ?? 1;
  const seed = (options.seed ?? 1) >>> 0;
  const faultRate = options.faults ?? 0;
  if (!Number.isInteger(monthCount) || monthCount < 1 || monthCount > 24) {
    throw new GenerateOptionError('--months', String(options.months), 'expected a whole number from 1 to 24');
  }
  if (options.events !== undefined && (!Number.isInteger(options.events) || options.events < 100 || options.events > 2_000_000_000)) {
    throw new GenerateOptionError('--events', String(options.events), 'expected a whole number from 100 to 2,000,000,000');
  }
  if (!(faultRate >= 0 && faultRate <= 0.5)) throw new GenerateOptionError('--faults', String(options.faults), 'expected a rate from 0 to 0.5, e.g. 0.001');
  if (format === 'parquet' && faultRate > 0) {
    throw new GenerateOptionError('--faults', String(faultRate), 'faults need a text format (csv or csv.gz): a Parquet file cannot hold malformed lines');
  }
  const threads = options.threads ?? Math.max(1, availableParallelism());
  const months = Array.from({ length: monthCount }, (_, k) => addMonths(first, k));
  const eventsPerMonth = months.map((m) => options.events ?? defaultEventsFor(m.label));
  const totalEvents = eventsPerMonth.reduce((a, b) => a + b, 0);

  const firstTargets = targetsFor(eventsPerMonth[0]!);
  effects.log(`generating ${totalEvents.toLocaleString('en-US')} events (${months.map((m) => m.label).join(', ')}), seed ${seed}`);
  const catalog = share(buildCatalog(seed, firstTargets.products, firstTargets.categoryIds, firstTargets.brands, firstTargets.events));

  const csvPath = format === 'parquet' ? `${options.out}.tmp-${process.pid}.csv` : options.out;
  // Opened here, synchronously, so a bad path fails at once with the file's name.
  let fd: number;
  try {
    // The output's folder is created like `--out data/2019-Oct.csv` suggests.
    mkdirSync(dirname(csvPath), { recursive: true });
    fd = openSync(csvPath, 'w');
  } catch (error) {
    throw new GenerateOutputError(csvPath, (error as Error).message);
  }
  const file = createWriteStream('', { fd, highWaterMark: 1 << 22 });
  const gzip = format === 'csv.gz' ? createGzip({ level: 6 }) : undefined;
  if (gzip) gzip.pipe(file);
  const sink: Writable = gzip ?? file;
  let streamError: Error | undefined;
  const onError = (error: Error) => (streamError ??= new GenerateOutputError(csvPath, error.message));
  file.on('error', onError);
  gzip?.on('error', onError);
  const write = async (bytes: Uint8Array) => {
    if (streamError) throw streamError;
    if (!sink.write(bytes)) await once(sink, 'drain');
  };
  const progress = effects.progress('generate', totalEvents);
  const faults: FaultRecord[] = [];
  let line = 1;
  let rows = 0;
  let natural = 0;
  try {
    await write(Buffer.from(`${reference().header}\n`, 'latin1'));
    let previousUsers: Uint32Array | undefined;
    for (let k = 0; k < months.length; k++) {
      const month = months[k]!;
      const monthSeed = hash32(seed, k + 1);
      const t = targetsFor(eventsPerMonth[k]!);
      const userIds = userIdsFor(monthSeed, t.users, previousUsers);
      const plan = buildPlan(monthSeed, month, t, catalog.products, userIds);
      previousUsers = userIds;
      const ctx: ChunkContext = { catalog, plan, seed: monthSeed, monthStart: month.startMs / 1000, monthSeconds: month.seconds, faultRate };
      const windows: [number, number][] = [];
      for (let w = 0; w < month.seconds; w += WINDOW_SECONDS) windows.push([w, Math.min(month.seconds, w + WINDOW_SECONDS)]);
      await runChunks(ctx, windows, threads, async (out) => {
        for (const f of out.faults) {
          faults.push({ kind: f.kind, line: line + 1 + f.localLine, row: f.row, ...(f.field ? { field: f.field } : {}) });
        }
        line += out.lines;
        rows += out.lines;
        natural += out.naturalDuplicates;
        await write(out.bytes);
        progress.update(Math.min(totalEvents, rows));
      });
    }
    sink.end();
    await once(file, 'close');
    if (streamError) throw streamError;
  } catch (error) {
    file.destroy();
    rmSync(csvPath, { force: true });
    throw error;
  } finally {
    progress.stop();
  }
  if (format === 'parquet') {
    await csvToParquet(csvPath, `${options.out}.tmp-${process.pid}`, threads);
    renameSync(`${options.out}.tmp-${process.pid}`, options.out);
    rmSync(csvPath, { force: true });
  }
  let manifest: string | undefined;
  if (options.faults !== undefined) {
    manifest = `${options.out}.faults.json`;
    writeManifest(manifest, options.out, seed, faultRate, natural, faults);
  }
  const seconds = (Date.now() - began) / 1000;
  const bytes = statSync(options.out).size;
  return { out: options.out, format, months: months.map((m) => m.label), rows, bytes, seconds, rowsPerSecond: rows / seconds, seed, faults: faults.length, ...(manifest ? { manifest } : {}) };
}

function writeManifest(path: string, out: string, seed: number, rate: number, natural: number, faults: FaultRecord[]): void {
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const f of faults) counts[f.kind]++;
  faults.sort((a, b) => a.line - b.line);
  const body = {
    file: out,
    lineNumbering: '1-based physical line number in the file; line 1 is the header, the first data line is line 2',
    seed,
    rate,
    kinds: FAULT_KINDS,
    counts,
    naturalDuplicateLines: natural,
    faults,
  };
  // One fault per line keeps a large manifest readable and diffable.
  const head = JSON.stringify({ ...body, faults: undefined }, null, 2).replace(/\n}$/, '');
  const list = faults.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  writeFileSync(path, `${head},\n  "faults": [\n${list}${list ? '\n' : ''}  ]\n}\n`);
}

/** Moves the catalog's arrays into shared memory so worker threads read them without copies. */
function share(c: Catalog): Catalog {
  const out = { ...c } as Record<string, unknown>;
  for (const [key, value] of Object.entries(c)) {
    if (ArrayBuffer.isView(value) && !(value.buffer instanceof SharedArrayBuffer)) {
      const typed = value as unknown as Uint8Array;
      const Ctor = typed.constructor as new (b: SharedArrayBuffer) => Uint8Array;
      const copy = new Ctor(new SharedArrayBuffer(typed.byteLength));
      copy.set(typed);
      out[key] = copy;
    }
  }
  return out as unknown as Catalog;
}
