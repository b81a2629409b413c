/**
 * --faults: every fault in the manifest is where it says, and an independent line checker that
 * follows the documented classification order finds exactly the manifest's faults (plus the
 * file's natural duplicates, whose count the manifest gives).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { FAULT_KINDS } from '../../src/generate/faults.js';

interface Manifest {
  lineNumbering: string;
  counts: Record<string, number>;
  naturalDuplicateLines: number;
  faults: { kind: string; line: number; row: string; field?: string }[];
}

const TYPES = new Set(['view', 'cart', 'purchase']);
const TS = /^2019-10-(\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC$/;
const ANY_TS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC$/;

/** Classifies each data line by the first documented rule it breaks; null when clean. */
function classify(lines: Buffer[]): Map<number, string> {
  const found = new Map<number, string>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const seen = new Set<string>();
  let newest = '';
  lines.forEach((bytes, i) => {
    const line = i + 2;
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      text = '';
    }
    const f = bytes.toString('latin1').split(',');
    const ts = ANY_TS.exec(f[0] ?? '');
    let kind: string | null = null;
    if (f.length < 9) kind = 'too_few_fields';
    else if (f.length > 9) kind = 'too_many_fields';
    else if (bytes.includes(0x22)) kind = 'broken_quoting';
    else if (text === '') kind = 'invalid_utf8';
    else if (!ts || Number(ts[4]) > 23 || Number(ts[5]) > 59 || Number(ts[6]) > 59) kind = 'bad_timestamp';
    else if (!TS.test(f[0]!)) kind = 'timestamp_outside_month';
    else if (!TYPES.has(f[1]!)) kind = 'unknown_event_type';
    else if (!/^-?\d+\.\d{2}$/.test(f[6]!)) kind = 'non_numeric_price';
    else if (f[6]!.startsWith('-')) kind = 'negative_price';
    else if ([f[2]!, f[3]!, f[7]!].some((v) => v !== '' && !/^\d+$/.test(v))) kind = 'non_numeric_id';
    else if (f[7] === '') kind = 'missing_user_id';
    else if (seen.has(text)) kind = 'duplicate';
    else if (f[0]! < newest) kind = 'late_event';
    if (kind) found.set(line, kind);
    else {
      seen.add(text);
      newest = f[0]!;
    }
  });
  return found;
}

const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
const out = join(dir, 'faulty.csv');
let manifest: Manifest;
let lines: Buffer[];

beforeAll(async () => {
  const r = await runCli(['generate', '--out', out, '--events', '40000', '--faults', '0.03', '--seed', '3', '--quiet', '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).manifest).toBe(`${out}.faults.json`);
  manifest = JSON.parse(readFileSync(`${out}.faults.json`, 'utf8')) as Manifest;
  const bytes = readFileSync(out);
  lines = [];
  let start = bytes.indexOf(0x0a) + 1;
  for (let end = bytes.indexOf(0x0a, start); end >= 0; start = end + 1, end = bytes.indexOf(0x0a, start)) lines.push(bytes.subarray(start, end));
}, 60_000);

describe('fault injection', () => {
  it('injects every kind at about the requested rate, and counts them', () => {
    expect(manifest.lineNumbering).toMatch(/line 1 is the header/);
    for (const kind of FAULT_KINDS) expect(manifest.counts[kind], kind).toBeGreaterThan(0);
    const total = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(manifest.faults.length);
    expect(total / 40000).toBeGreaterThan(0.02);
    expect(total / 40000).toBeLessThan(0.04);
    // Only the duplicate fault adds a line.
    expect(lines.length).toBe(40000 + manifest.counts.duplicate!);
  });

  it('puts each fault on the line the manifest names, derived from the clean row', () => {
    for (const f of manifest.faults) {
      const text = lines[f.line - 2]!.toString('latin1');
      const clean = f.row.split(',');
      expect(clean.length, f.row).toBe(9);
      if (f.kind === 'duplicate') {
        expect(text).toBe(f.row);
        expect(lines[f.line - 3]!.toString('latin1')).toBe(f.row);
      } else if (f.kind === 'late_event') expect(text).toBe(f.row);
      else expect(text, f.kind).not.toBe(f.row);
      if (f.kind === 'missing_user_id') expect(text.split(',')[7]).toBe('');
      if (f.kind === 'non_numeric_id') expect(['product_id', 'user_id']).toContain(f.field);
      if (f.kind === 'too_few_fields') expect(text).toBe(clean.slice(0, 8).join(','));
    }
  });

  it('is found exactly by a checker that follows the documented order', () => {
    const found = classify(lines);
    const expected = new Map(manifest.faults.map((f) => [f.line, f.kind]));
    const foundNotDuplicate = [...found].filter(([, k]) => k !== 'duplicate');
    const expectedNotDuplicate = [...expected].filter(([, k]) => k !== 'duplicate');
    expect(new Map(foundNotDuplicate)).toEqual(new Map(expectedNotDuplicate));
    const foundDuplicates = [...found].filter(([, k]) => k === 'duplicate').map(([l]) => l);
    for (const [line, kind] of expected) if (kind === 'duplicate') expect(foundDuplicates).toContain(line);
    expect(foundDuplicates.length).toBe(manifest.counts.duplicate! + manifest.naturalDuplicateLines);
  });
});
