/**
 * Same arguments and seed, same bytes, whatever the number of worker threads; and entity counts
 * follow the documented scaling rule.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { targetsFor } from '../../src/generate/scale.js';

const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function gen(name: string, args: string[]): Promise<string> {
  const out = join(dir, name);
  const r = await runCli(['generate', '--out', out, '--quiet', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe('determinism', () => {
  it('gives byte-identical files for 0, 1 and 2 worker threads', async () => {
    const args = ['--events', '40000', '--seed', '11', '--faults', '0.01'];
    const a = await gen('t0.csv', [...args, '--threads', '0']);
    const b = await gen('t1.csv', [...args, '--threads', '1']);
    const c = await gen('t2.csv', [...args, '--threads', '2']);
    expect(sha(b)).toBe(sha(a));
    expect(sha(c)).toBe(sha(a));
    expect(readFileSync(`${c}.faults.json`, 'utf8')).toBe(readFileSync(`${a}.faults.json`, 'utf8').replaceAll('t0.csv', 't2.csv'));
  }, 60_000);

  it('gives a different file for a different seed', async () => {
    const a = await gen('s1.csv', ['--events', '5000', '--seed', '1', '--threads', '0']);
    const b = await gen('s2.csv', ['--events', '5000', '--seed', '2', '--threads', '0']);
    expect(sha(a)).not.toBe(sha(b));
  }, 30_000);
});

describe('scaling rule', () => {
  function distinct(path: string) {
    const rows = readFileSync(path, 'latin1').trimEnd().split('\n').slice(1).map((l) => l.split(','));
    const count = (i: number) => new Set(rows.map((r) => r[i]).filter((v) => v !== '')).size;
    return { rows: rows.length, users: count(7), sessions: count(8), products: count(2), categoryIds: count(3), brands: count(5) };
  }

  it('passes through the real head: 17,434 rows have 4,504 users, 5,066 sessions, 6,493 products', async () => {
    const d = distinct(await gen('head.csv', ['--events', '17434', '--threads', '0']));
    expect(d.rows).toBe(17434);
    expect(d.users).toBe(4504);
    // A session id shared by two users (349 in the real month) can make one fewer distinct id.
    expect(Math.abs(d.sessions - 5066)).toBeLessThanOrEqual(1);
    expect(d.products).toBe(6493);
    expect(d.categoryIds).toBe(434);
    expect(d.brands).toBe(864);
  }, 30_000);

  it('follows the rule at another size', async () => {
    const d = distinct(await gen('scaled.csv', ['--events', '60000', '--threads', '0']));
    const t = targetsFor(60000);
    expect(d.rows).toBe(60000);
    expect(d.users).toBe(t.users);
    expect(Math.abs(d.sessions - t.sessions)).toBeLessThanOrEqual(2);
    expect(d.products).toBe(t.products);
    expect(d.categoryIds).toBe(t.categoryIds);
    expect(d.brands).toBe(t.brands);
    expect(t.users).toBeGreaterThan(4504);
    expect(t.products).toBeGreaterThan(6493);
  }, 30_000);
});

describe('several months', () => {
  it('writes consecutive months in time order, the second reusing some of the first month\'s users', async () => {
    const out = await gen('two.csv', ['--events', '10000', '--months', '2', '--threads', '0']);
    const rows = readFileSync(out, 'latin1').trimEnd().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(20000);
    const months = rows.map((r) => r[0]!.slice(0, 7));
    expect(months.filter((m) => m === '2019-10').length).toBe(10000);
    expect(months.filter((m) => m === '2019-11').length).toBe(10000);
    for (let i = 1; i < rows.length; i++) expect(rows[i]![0]! >= rows[i - 1]![0]!).toBe(true);
    const october = new Set(rows.filter((r) => r[0]!.startsWith('2019-10')).map((r) => r[7]));
    const november = new Set(rows.filter((r) => r[0]!.startsWith('2019-11')).map((r) => r[7]));
    const shared = [...november].filter((u) => october.has(u)).length;
    // In the real data 37.9% of November's users were active in October.
    expect(shared / november.size).toBeGreaterThan(0.3);
    expect(shared / november.size).toBeLessThan(0.45);
  }, 30_000);
});
