/**
 * Output formats: csv.gz is the CSV gzipped; Parquet holds the CSV's rows, typed, in order;
 * --profile reads any of them; bad options fail with one line naming the option.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { quoteString, Session } from '../../src/engine/session.js';

const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
const args = ['--events', '20000', '--seed', '5', '--quiet'];

async function gen(name: string, extra: string[] = []): Promise<string> {
  const out = join(dir, name);
  const r = await runCli(['generate', '--out', out, ...args, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe('output formats', () => {
  it('writes csv.gz that gunzips to the same CSV', async () => {
    const csv = await gen('a.csv');
    const gz = await gen('a.csv.gz');
    expect(gunzipSync(readFileSync(gz)).equals(readFileSync(csv))).toBe(true);
  }, 60_000);

  it('writes Parquet with the same rows, in the same order, as the CSV', async () => {
    const csv = await gen('b.csv');
    const parquet = await gen('b.parquet');
    const session = await Session.open({ threads: 1 });
    try {
      const fromCsv = `(SELECT row_number() OVER () AS n, event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session
        FROM read_csv(${quoteString(csv)}, header = true, all_varchar = true))`;
      const fromParquet = `(SELECT row_number() OVER () AS n, strftime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS event_time, event_type,
          product_id::VARCHAR AS product_id, category_id::VARCHAR AS category_id, category_code, brand, price::VARCHAR AS price,
          user_id::VARCHAR AS user_id, user_session FROM read_parquet(${quoteString(parquet)}))`;
      expect(await session.scalar(`SELECT count(*) FROM read_parquet(${quoteString(parquet)})`)).toBe(20000n);
      expect(await session.scalar(`SELECT count(*) FROM (SELECT * FROM ${fromCsv} EXCEPT ALL SELECT * FROM ${fromParquet})`)).toBe(0n);
      expect(await session.scalar(`SELECT count(*) FROM (SELECT * FROM ${fromParquet} EXCEPT ALL SELECT * FROM ${fromCsv})`)).toBe(0n);
      const types = await session.describe(`SELECT * FROM read_parquet(${quoteString(parquet)})`);
      expect(types.find((t) => t.name === 'event_time')?.type).toBe('TIMESTAMP WITH TIME ZONE');
      expect(types.find((t) => t.name === 'category_id')?.type).toBe('BIGINT');
    } finally {
      session.close();
    }
  }, 60_000);

  it('profiles a file: every figure with real, generated and deviation', async () => {
    const csv = await gen('c.csv');
    const r = await runCli(['generate', '--profile', csv, '--json', '--threads', '1']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { rows: number; figures: { name: string; real: number; generated: number; ok: boolean }[] };
    expect(result.rows).toBe(20000);
    const byName = new Map(result.figures.map((f) => [f.name, f]));
    for (const name of ['view share', 'cart share', 'purchase share', 'distinct users', 'distinct products', 'smartphone revenue share', 'hour 16 share']) {
      expect(byName.get(name), name).toBeDefined();
    }
    expect(byName.get('purchase share')!.ok).toBe(true);
    expect(byName.get('distinct users')!.ok).toBe(true);
    const text = await runCli(['generate', '--profile', csv, '--threads', '1']);
    expect(text.stdout).toMatch(/figure\s+real\s+generated\s+deviation/);
  }, 60_000);

  it('fails with one line naming the option', async () => {
    const bad = await runCli(['generate', '--out', join(dir, 'x.parquet'), '--events', '1000', '--faults', '0.1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--faults/);
    const month = await runCli(['generate', '--out', join(dir, 'y.csv'), '--month', '2019-13']);
    expect(month.code).not.toBe(0);
    expect(month.stderr).toMatch(/--month "2019-13"/);
    const missing = await runCli(['generate', '--profile', join(dir, 'nope.csv')]);
    expect(missing.stderr).toMatch(/nope\.csv/);
    // A file where a folder should be: the output cannot be created.
    writeFileSync(join(dir, 'plain-file'), '');
    const unwritable = await runCli(['generate', '--out', join(dir, 'plain-file', 'dir.csv'), '--events', '1000', '--quiet']);
    expect(unwritable.code).not.toBe(0);
    expect(unwritable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unwritable.stderr).toMatch(/cannot write .*dir\.csv/);
  }, 30_000);

  it('creates the output folder when it does not exist yet', async () => {
    const nested = join(dir, 'new', 'folder', 'oct.csv');
    const result = await runCli(['generate', '--out', nested, '--events', '1000', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(nested, 'utf8').split('\n')[0]).toBe(
      'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session',
    );
  }, 30_000);
});
