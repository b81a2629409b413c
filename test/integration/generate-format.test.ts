/**
 * The generated file has the real file's format: every line obeys the rules the real head obeys.
 * The rules are written once (lineRules) and checked against both; the values they depend on
 * (header, event types, category id length, timestamp shape) come from the real head when the
 * shared folder is present.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath } from '../helpers/shared.js';

interface Rules {
  header: string;
  eventTypes: Set<string>;
  categoryIdLength: number;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC$/;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// The real file documents one to three levels, but its head has a four-level code too (electronics.audio.music_tools.piano).
const CODE = /^[a-z_]+(\.[a-z_0-9]+){0,3}$/;
const PRICE = /^\d+\.\d{2}$/;
const DIGITS = /^\d+$/;

/** The one set of line rules; returns the first broken rule of each line, with its line number. */
function lineRules(text: string, rules: Rules): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('file does not end with LF');
  if (text.includes('\r')) problems.push('file has CR characters');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== rules.header) problems.push(`line 1: header ${lines[0]}`);
  const width = rules.header.split(',').length;
  let previous = '';
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(',');
    const at = `line ${i + 1}`;
    if (f.length !== width) problems.push(`${at}: ${f.length} fields`);
    else if (!TIMESTAMP.test(f[0]!)) problems.push(`${at}: timestamp ${f[0]}`);
    else if (f[0]! < previous) problems.push(`${at}: out of time order`);
    else if (!rules.eventTypes.has(f[1]!)) problems.push(`${at}: event type ${f[1]}`);
    else if (!DIGITS.test(f[2]!)) problems.push(`${at}: product_id ${f[2]}`);
    else if (!DIGITS.test(f[3]!) || f[3]!.length !== rules.categoryIdLength) problems.push(`${at}: category_id ${f[3]}`);
    else if (f[4] !== '' && !CODE.test(f[4]!)) problems.push(`${at}: category_code ${f[4]}`);
    else if (f[5] !== '' && (f[5] !== f[5]!.toLowerCase() || f[5]!.includes('"'))) problems.push(`${at}: brand ${f[5]}`);
    else if (!PRICE.test(f[6]!)) problems.push(`${at}: price ${f[6]}`);
    else if (!DIGITS.test(f[7]!)) problems.push(`${at}: user_id ${f[7]}`);
    else if (f[8] !== '' && !UUID_SHAPE.test(f[8]!)) problems.push(`${at}: user_session ${f[8]}`);
    if (f[0]) previous = f[0];
    if (problems.length > 20) break;
  }
  return problems;
}

/** The values the rules depend on, as the real head shows them. */
function rulesFromRealHead(text: string): Rules {
  const lines = text.trimEnd().split('\n');
  const rows = lines.slice(1).map((l) => l.split(','));
  const lengths = new Set(rows.map((r) => r[3]!.length));
  expect(lengths.size).toBe(1);
  return { header: lines[0]!, eventTypes: new Set(rows.map((r) => r[1]!)), categoryIdLength: [...lengths][0]! };
}

// Used when the shared folder is absent: the same values, as the real file's documentation states them.
const DOCUMENTED: Rules = {
  header: 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session',
  eventTypes: new Set(['view', 'cart', 'purchase']),
  categoryIdLength: 19,
};

const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
const out = join(dir, 'month.csv');
let generated = '';

beforeAll(async () => {
  const r = await runCli(['generate', '--out', out, '--events', '30000', '--seed', '7', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  generated = readFileSync(out, 'latin1');
}, 60_000);

describe('generated file format', () => {
  it('obeys every line rule', () => {
    expect(lineRules(generated, DOCUMENTED)).toEqual([]);
  });

  it('has the requested rows, missing values and invalid-v4 sessions like the real file', () => {
    const rows = generated.trimEnd().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(30000);
    expect(rows.some((r) => r[4] === '')).toBe(true);
    expect(rows.some((r) => r[5] === '')).toBe(true);
    expect(rows.filter((r) => r[8] === '').length).toBe(1);
    const sessions = new Set(rows.map((r) => r[8]!).filter(Boolean));
    const nonV4 = [...sessions].filter((s) => !UUID_V4.test(s)).length;
    expect(nonV4).toBeGreaterThan(0);
    expect(nonV4 / sessions.size).toBeLessThan(0.05);
    const codes = new Set(rows.map((r) => r[4]!).filter(Boolean));
    const levels = new Set([...codes].map((c) => c.split('.').length));
    expect(levels.has(2) && levels.has(3)).toBe(true);
    for (const l of levels) expect(l).toBeLessThanOrEqual(4);
    const types = new Set(rows.map((r) => r[1]));
    expect(types).toEqual(new Set(['view', 'cart', 'purchase']));
  });
});

describe.skipIf(!hasShared())('the real head (shared reference rows)', () => {
  it('derives the same rule values the generated file is checked with', () => {
    const real = readFileSync(sharedPath('data', 'rees46-2019-oct-head.csv'), 'latin1');
    const rules = rulesFromRealHead(real);
    expect(rules).toEqual(DOCUMENTED);
  });

  it('obeys every line rule, and so does the generated file under the derived rules', () => {
    const real = readFileSync(sharedPath('data', 'rees46-2019-oct-head.csv'), 'latin1');
    const rules = rulesFromRealHead(real);
    expect(lineRules(real, rules)).toEqual([]);
    expect(lineRules(generated, rules)).toEqual([]);
  });

  it('uses only category code depths the real head has', () => {
    const depths = (text: string) =>
      new Set(text.trimEnd().split('\n').slice(1).map((l) => l.split(',')[4]!).filter(Boolean).map((c) => c.split('.').length));
    const real = depths(readFileSync(sharedPath('data', 'rees46-2019-oct-head.csv'), 'latin1'));
    for (const d of depths(generated)) expect(real.has(d), `depth ${d}`).toBe(true);
  });
});
