// The pipeline end to end through the CLI on small hand-made files: every kind of fault kept and
// explained, reconciliation recorded, extra columns rescued, a renamed column refused, every run
// recorded, and gzip and typed Parquet sources read like the CSV they hold.
import { describe, expect, it, beforeAll } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Session } from '../../src/engine/session.js';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { FAULT_LINES, HEADER, tempDir, writeCsv, writeFaultyCsv } from '../helpers/pipeline-data.js';
import { PARALLEL_COPY_FROM_BYTES } from '../../src/pipeline/numbered-copy.js';

const COLUMNS = HEADER.split(',');

async function query(lake: string, sql: string, extra: string[] = []): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json', ...extra]);
  expect(result.stderr, sql).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

async function run(lake: string, paths: string[]): Promise<{ code: number; stdout: string; stderr: string; report: any }> {
  const result = await runCli(['run', ...paths, '--lake', lake, '--json', '--threads', '1']);
  return { ...result, report: result.stdout ? JSON.parse(result.stdout) : undefined };
}

describe('clicklake run on faulty input', () => {
  const dir = tempDir();
  const lake = join(dir, 'lake');
  const file = join(dir, 'faulty.csv');
  const expected = writeFaultyCsv(file);

  it('keeps every malformed or invalid row, with file, line and reason', async () => {
    const { code, report, stderr } = await run(lake, [file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.status).toBe('succeeded');
    const bronze = await query(lake, 'select count(*)::int as n, count(_parse_error)::int as malformed from bronze.events');
    expect(bronze[0]).toEqual({ n: 3 + FAULT_LINES.length, malformed: 3 });
    const quarantine = await query(lake, 'select _source_line::int as line, reason, _source_file as file from silver.quarantine order by line');
    expect(quarantine.map((r) => r.reason)).toEqual(FAULT_LINES.map((f) => f.reason));
    // header is line 1, then two good lines and a duplicate: faults start at line 5
    expect(quarantine.map((r) => r.line)).toEqual(FAULT_LINES.map((_, i) => i + 5));
    expect(new Set(quarantine.map((r) => r.file))).toEqual(new Set([file]));
    const silver = await query(lake, "select count(*)::int as n, min(brand) as brand, min(price)::varchar as price from silver.events");
    expect(silver[0]).toEqual({ n: expected.goodDistinct, brand: 'apple', price: '100.50' });
  });

  it('records reconciliation: bronze = silver + quarantined + duplicates', async () => {
    const rows = await query(lake, 'select bronze_rows::int b, silver_rows::int s, quarantined_rows::int q, duplicate_rows::int d, balanced from ops.reconciliation');
    expect(rows).toEqual([{ b: 3 + FAULT_LINES.length, s: expected.goodDistinct, q: expected.faults, d: expected.duplicates, balanced: true }]);
  });

  it('keeps extra columns in _rescued and refuses a file missing a column, naming it', async () => {
    const extra = writeCsv(join(dir, 'extra.csv'), [
      '2019-10-03 09:00:00 UTC,view,1002,2053013555631882655,,samsung,5.00,7002,,web',
    ], `${HEADER},channel`);
    expect((await run(lake, [extra])).code).toBe(0);
    const rescued = await query(lake, "select _rescued from bronze.events where _source_file like '%extra.csv'");
    expect(JSON.parse(String(rescued[0]!._rescued))).toEqual({ channel: 'web' });

    const renamed = writeCsv(join(dir, 'renamed.csv'), ['2019-10-03 09:00:00 UTC,view,1,2,,x,5.00,7,'], HEADER.replace('price', 'cost'));
    const result = await runCli(['run', renamed, '--lake', lake]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/renamed\.csv: header is missing column "price"; unexpected: "cost"/);
  });

  it('records every run in ops.pipeline_runs', async () => {
    const runs = await query(lake, 'select status, error, files_ingested::int as f from ops.pipeline_runs order by started_at');
    expect(runs.map((r) => [r.status, r.f])).toEqual([['succeeded', 1], ['succeeded', 1], ['failed', 0]]);
    expect(String(runs[2]!.error)).toMatch(/missing column "price"/);
  });
});

describe('clicklake run on gzip and Parquet sources', () => {
  const dir = tempDir();
  const lines = [
    '2019-10-05 10:00:00 UTC,view,11,2053013555631882655,electronics.audio.headphone,Sony,19.99,501,0b1d2c3e-1111-4222-8333-944455556666',
    '2019-10-05 10:00:30 UTC,cart,11,2053013555631882655,electronics.audio.headphone,Sony,19.99,501,0b1d2c3e-1111-4222-8333-944455556666',
    '2019-10-06 23:59:59 UTC,purchase,12,2232732093077520756,,,0.00,502,',
  ];
  const SILVER = "select strftime(event_time, '%Y-%m-%d %H:%M:%S') as t, event_type, product_id::varchar as p, category_id::varchar as c, category_l3, brand, price::varchar as price, user_id::varchar as u, user_session, _source_line::int as line from silver.events order by t";

  it('reads .csv.gz like the CSV it holds', async () => {
    const csv = writeCsv(join(dir, 'plain.csv'), lines);
    const gz = join(dir, 'packed.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(csv)));
    expect((await run(join(dir, 'lake-csv'), [csv])).code).toBe(0);
    expect((await run(join(dir, 'lake-gz'), [gz])).code).toBe(0);
    const [a, b] = [await query(join(dir, 'lake-csv'), SILVER), await query(join(dir, 'lake-gz'), SILVER)];
    expect(a).toHaveLength(3);
    expect(b).toEqual(a);
    expect(a[2]).toMatchObject({ c: '2232732093077520756', brand: null, price: '0.00', user_session: null, line: 4 });
  });

  it('reads typed Parquet, with row numbers as lines', async () => {
    const csv = join(dir, 'plain.csv');
    const parquet = join(dir, 'typed.parquet');
    const session = await Session.open({ threads: 1 });
    try {
      await session.run(
        `COPY (SELECT strptime(replace(event_time, ' UTC', ''), '%Y-%m-%d %H:%M:%S')::TIMESTAMPTZ AS event_time, event_type, ` +
          `product_id::BIGINT AS product_id, category_id::BIGINT AS category_id, category_code, brand, price::DECIMAL(12,2) AS price, ` +
          `user_id::BIGINT AS user_id, user_session FROM read_csv(?, all_varchar = true)) TO '${parquet}' (FORMAT parquet)`,
        [csv],
      );
    } finally {
      session.close();
    }
    expect((await run(join(dir, 'lake-pq'), [parquet])).code).toBe(0);
    const rows = await query(join(dir, 'lake-pq'), SILVER);
    const expected = (await query(join(dir, 'lake-csv'), SILVER)).map((r) => ({ ...r, line: Number(r.line) - 1 }));
    expect(rows).toEqual(expected);
  });
});

describe('clicklake run on overlapping files', () => {
  const dir = tempDir();
  const lake = join(dir, 'lake');
  const day = (s: number, type = 'view') =>
    `2019-10-07 12:00:${String(s).padStart(2, '0')} UTC,${type},21,2053013555631882655,,acme,3.00,901,5b8f1c2e-0a1b-4c2d-8e3f-001122334455`;

  it('removes events already in Silver from a later file and counts them as duplicates', async () => {
    const first = writeCsv(join(dir, 'first.csv'), [day(1), day(2), day(3)]);
    const second = writeCsv(join(dir, 'second.csv'), [day(2), day(3), day(4, 'cart'), day(4, 'cart')]);
    expect((await run(lake, [first])).code).toBe(0);
    expect((await run(lake, [second])).code).toBe(0);
    const rec = await query(lake, 'select bronze_rows::int b, silver_rows::int s, quarantined_rows::int q, duplicate_rows::int d from ops.reconciliation order by silver_seq');
    expect(rec).toEqual([{ b: 3, s: 3, q: 0, d: 0 }, { b: 4, s: 1, q: 0, d: 3 }]);
    const kpi = await query(lake, 'select events::int as e, views::int as v, carts::int as c from gold.kpi_daily');
    expect(kpi).toEqual([{ e: 4, v: 3, c: 1 }]);
    const lines = await query(lake, "select _source_line::int as l, regexp_extract(_source_file, '[a-z]+\\.csv') as f from silver.events order by event_time");
    expect(lines).toEqual([{ l: 2, f: 'first.csv' }, { l: 3, f: 'first.csv' }, { l: 4, f: 'first.csv' }, { l: 4, f: 'second.csv' }]);
  });
});

describe('clicklake run on events that share time, user, product and type', () => {
  it('removes only exact duplicates and keeps events that differ in another column', async () => {
    const dir = tempDir();
    const lake = join(dir, 'lake');
    const event = (price: string, session: string) =>
      `2019-10-09 10:00:00 UTC,cart,41,2053013555631882655,,acme,${price},921,${session}`;
    const a = '5b8f1c2e-0a1b-4c2d-8e3f-001122334477';
    const b = '5b8f1c2e-0a1b-4c2d-8e3f-001122334488';
    const file = writeCsv(join(dir, 'near.csv'), [event('3.00', a), event('3.00', a), event('4.00', a), event('3.00', b)]);
    expect((await run(lake, [file])).code).toBe(0);
    const rows = await query(lake, 'select price::varchar as price, user_session, _source_line::int as line from silver.events order by line');
    expect(rows).toEqual([
      { price: '3.00', user_session: a, line: 2 },
      { price: '4.00', user_session: a, line: 4 },
      { price: '3.00', user_session: b, line: 5 },
    ]);
    expect(await query(lake, 'select duplicate_rows::int as d from ops.reconciliation')).toEqual([{ d: 1 }]);
  });
});

describe('clicklake run on a file seen before under another name, and on an empty file', () => {
  const dir = tempDir();
  const lake = join(dir, 'lake');
  const event = '2019-10-08 08:00:00 UTC,view,31,2053013555631882655,,acme,3.00,911,5b8f1c2e-0a1b-4c2d-8e3f-001122334466';

  it('lands the content once and leaves no staging file behind', async () => {
    const first = writeCsv(join(dir, 'monday.csv'), [event]);
    const again = join(dir, 'monday-copy.csv');
    copyFileSync(first, again);
    expect((await run(lake, [first])).code).toBe(0);
    const second = await run(lake, [again]);
    expect(second.code).toBe(0);
    expect(second.report.bronze).toEqual([expect.objectContaining({ file: again, status: 'already ingested', rows: 0 })]);
    expect(await query(lake, 'select count(*)::int as n from bronze.events')).toEqual([{ n: 1 }]);
    const staging = join(lake, '_staging');
    const left = existsSync(staging) ? readdirSync(staging, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    expect(left.map((e) => e.name)).toEqual([]);
  });

  it('refuses an empty file, naming it, and keeps what is stored', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const result = await runCli(['run', empty, '--lake', lake]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/empty\.csv.*is empty \(no header line\)/);
    expect(await query(lake, 'select count(*)::int as n from bronze.events')).toEqual([{ n: 1 }]);
  });
});

/** Data files on disk in a table folder, and the ones its log adds and never removes. */
function dataFiles(table: string): { onDisk: string[]; inLog: string[] } {
  const onDisk = readdirSync(table, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.parquet') && !p.startsWith('_delta_log'))
    .sort();
  const live = new Set<string>();
  const log = join(table, '_delta_log');
  for (const name of readdirSync(log).filter((n) => n.endsWith('.json')).sort()) {
    for (const line of readFileSync(join(log, name), 'utf8').split('\n').filter(Boolean)) {
      const action = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      if (action.add) live.add(decodeURIComponent(action.add.path));
      if (action.remove) live.delete(decodeURIComponent(action.remove.path));
    }
  }
  return { onDisk, inLog: [...live].sort() };
}

describe('clicklake run: how a CSV lands, by what it holds', () => {
  const dir = tempDir();
  const event = (s: number, brand = 'acme') =>
    `2019-10-10 10:00:${String(s).padStart(2, '0')} UTC,view,51,2053013555631882655,,${brand},3.00,931,5b8f1c2e-0a1b-4c2d-8e3f-0011223344${String(s).padStart(2, '0')}`;
  const LINES = "select _source_line::int as line, brand from bronze.events order by line";

  it('reads a plain file straight from its numbered copy, one row per line', async () => {
    const lake = join(dir, 'lake-plain');
    const file = writeCsv(join(dir, 'plain.csv'), [event(1), event(2), event(3)]);
    const { code, report } = await run(lake, [file]);
    expect(code).toBe(0);
    expect(report.bronze).toEqual([expect.objectContaining({ path: 'numbered', rows: 3, malformed: 0 })]);
    expect(await query(lake, LINES)).toEqual([2, 3, 4].map((line) => ({ line, brand: 'acme' })));
  });

  it('copies a large file in two parts at once, and every line keeps its number', async () => {
    const lake = join(dir, 'lake-large');
    const file = join(dir, 'large.csv');
    expect((await runCli(['generate', '--out', file, '--events', '560000', '--seed', '11', '--threads', '0'])).code).toBe(0);
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(PARALLEL_COPY_FROM_BYTES);
    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const { code, report } = await run(lake, [file]);
    expect(code).toBe(0);
    expect(report.bronze).toEqual([expect.objectContaining({ path: 'numbered', rows: lines.length - 1, malformed: 0 })]);
    const [counts] = await query(lake, 'select count(*)::int n, count(distinct _source_line)::int d, min(_source_line)::int lo, max(_source_line)::int hi from bronze.events');
    expect(counts).toEqual({ n: lines.length - 1, d: lines.length - 1, lo: 2, hi: lines.length });
    // The lines around the cut (the first line break after half the bytes) and a spread of others.
    const cutLine = bytes.subarray(0, bytes.indexOf(0x0a, Math.floor(bytes.length / 2)) + 1).toString('utf8').split('\n').length;
    const wanted = [...Array.from({ length: 7 }, (_, i) => cutLine - 3 + i), ...Array.from({ length: 20 }, (_, i) => 2 + i * 27_001)];
    const rows = await query(lake, `select _source_line::int as line, concat_ws(',', ${COLUMNS.map((c) => `coalesce(${c}, '')`).join(', ')}) as text ` +
      `from bronze.events where _source_line in (${wanted.join(', ')}) order by line`);
    expect(rows).toEqual([...new Set(wanted)].sort((a, b) => a - b).map((line) => ({ line, text: lines[line - 1] })));
  }, 120_000);

  it('reads a file with quoted fields strictly, keeping each line its number', async () => {
    const lake = join(dir, 'lake-quoted');
    const file = writeCsv(join(dir, 'quoted.csv'), [event(1), event(2, '"acme, inc"'), event(3)]);
    const { code, report } = await run(lake, [file]);
    expect(code).toBe(0);
    expect(report.bronze).toEqual([expect.objectContaining({ path: 'strict', rows: 3, malformed: 0 })]);
    expect(await query(lake, LINES)).toEqual([
      { line: 2, brand: 'acme' },
      { line: 3, brand: 'acme, inc' },
      { line: 4, brand: 'acme' },
    ]);
  });

  it('lands a file with a short line or invalid UTF-8 line by line, leaving no data file of the failed read behind', async () => {
    const lake = join(dir, 'lake-short');
    const file = join(dir, 'short.csv');
    const invalid = Buffer.concat([Buffer.from(event(4).replace('acme', 'ac')), Buffer.from([0xff, 0xfe])]);
    writeFileSync(file, Buffer.concat([Buffer.from(`${HEADER}\n${event(1)}\n2019-10-10 10:00:02 UTC,view,51\n`), invalid, Buffer.from(`\n${event(3)}\n`)]));
    const { code, report } = await run(lake, [file]);
    expect(code).toBe(0);
    expect(report.bronze).toEqual([expect.objectContaining({ path: 'lines', rows: 4, malformed: 2 })]);
    expect(await query(lake, "select _source_line::int as line, _parse_error as error from bronze.events order by line")).toEqual([
      { line: 2, error: null },
      { line: 3, error: 'wrong_field_count:3' },
      { line: 4, error: 'invalid_utf8' },
      { line: 5, error: null },
    ]);
    const { onDisk, inLog } = dataFiles(join(lake, 'bronze', 'events'));
    expect(onDisk).toEqual(inLog);
    expect(onDisk).toHaveLength(1);
  });
});
