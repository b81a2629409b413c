// Fault injection is caught with exact counts: every kind in the generator's closed list
// (FAULT_KINDS), injected at a known rate by `clicklake generate --faults` (and, on real REES46
// rows, by the generator's own applyFault), run through the real pipeline, and counted back from
// the lake by detectFaults.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, LATE_SECONDS, applyFault, type FaultKind } from '../../src/generate/faults.js';
import { runPipeline } from '../../src/pipeline/runner.js';
import { Session } from '../../src/engine/session.js';
import { Lake } from '../../src/engine/lake.js';
import { qualityGate } from '../../src/quality/gate.js';
import { detectFaults, FAULT_SIGNALS } from '../../src/quality/faults.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const epoch = (line: string) => Date.parse(`${line.slice(0, 19).replace(' ', 'T')}Z`) / 1000;

/**
 * Faults every `step`-th clean line of the real October head, cycling through FAULT_KINDS, as the
 * generator does (one physical line per fault; a duplicate's copy follows its line; a late line
 * moves to just before the first line at least LATE_SECONDS newer). Returns the file's lines
 * (latin1, so the invalid-UTF-8 byte survives) and the count injected per kind.
 */
function injectFaults(step: number): { lines: string[]; injected: Record<FaultKind, number>; natural: number } {
  const [header, ...rows] = readFileSync(sharedPath('data', 'rees46-2019-oct-head.csv'), 'latin1').trimEnd().split('\n');
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r, (seen.get(r) ?? 0) + 1);
  const natural = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const out: string[] = [];
  const late: string[] = [];
  let k = 0;
  for (const [i, row] of rows.entries()) {
    // Natural duplicates and rows without a session are never faulted, as in the generator.
    const clean = seen.get(row) === 1 && !row.endsWith(',');
    if (!clean || i % step !== step - 1 || i > rows.length - 400) {
      out.push(row);
      continue;
    }
    const kind = FAULT_KINDS[k++ % FAULT_KINDS.length]!;
    injected[kind]++;
    if (kind === 'duplicate') out.push(row, row);
    else if (kind === 'late_event') late.push(row);
    else out.push(applyFault(kind, row, epoch(row), k).text);
  }
  for (const row of late) {
    const at = out.findIndex((r) => /^\d{4}-/.test(r) && epoch(r) >= epoch(row) + LATE_SECONDS);
    out.splice(at, 0, row);
  }
  return { lines: [header!, ...out], injected, natural };
}

/** Exact copies of an earlier line in the file that the manifest does not list as injected. */
function naturalDuplicates(file: string, injectedCopies: Set<number>): number {
  const seen = new Set<string>();
  let natural = 0;
  readFileSync(file, 'latin1').split('\n').forEach((line, i) => {
    if (i === 0 || line === '') return;
    if (seen.has(line) && !injectedCopies.has(i + 1)) natural++;
    seen.add(line);
  });
  return natural;
}

describe('fault detection on a generated month', () => {
  it('detects every kind the generator injected, with the manifest\'s exact count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
    dirs.push(dir);
    const file = join(dir, 'events.csv');
    const generated = await runCli(['generate', '--out', file, '--events', '100000', '--faults', '0.02', '--seed', '11']);
    expect(generated.code).toBe(0);
    const manifest = JSON.parse(readFileSync(`${file}.faults.json`, 'utf8')) as {
      counts: Record<FaultKind, number>;
      naturalDuplicateLines: number;
      faults: { kind: FaultKind; line: number }[];
    };
    for (const kind of FAULT_KINDS) expect(manifest.counts[kind]).toBeGreaterThan(100);

    const lakeDir = join(dir, 'lake');
    const report = await runPipeline({ lakeDir, inputs: [file], quality: qualityGate(lakeDir), threads: 1 });
    expect(report.status).toBe('succeeded');
    const session = await Session.open({ threads: 1 });
    try {
      const found = await detectFaults(new Lake(lakeDir, session));
      // Silver's dedupe also removes the file's natural duplicates; they are counted from the file.
      const natural = naturalDuplicates(file, new Set(manifest.faults.filter((f) => f.kind === 'duplicate').map((f) => f.line)));
      expect({ ...found.counts, duplicate: found.counts.duplicate - natural }).toEqual(manifest.counts);
    } finally {
      session.close();
    }
  }, 60_000);
});

describe.skipIf(!hasShared())('fault detection', () => {
  it('maps every fault kind to a signal', () => {
    expect(Object.keys(FAULT_SIGNALS).sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('counts each injected kind exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clicklake-'));
    dirs.push(dir);
    const { lines, injected, natural } = injectFaults(100);
    // 17,434 rows, one in a hundred faulted: about 13 of each kind.
    for (const kind of FAULT_KINDS) expect(injected[kind]).toBeGreaterThanOrEqual(12);
    const file = join(dir, 'faulty.csv');
    writeFileSync(file, Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    const lakeDir = join(dir, 'lake');
    const report = await runPipeline({ lakeDir, inputs: [file], quality: qualityGate(lakeDir), threads: 1 });
    expect(report.status).toBe('succeeded');

    const session = await Session.open({ threads: 1 });
    try {
      const found = await detectFaults(new Lake(lakeDir, session));
      // Silver's dedupe removes the injected copies and the head's own five duplicate lines.
      const detected = { ...found.counts, duplicate: found.counts.duplicate - natural };
      expect(natural).toBe(5);
      expect(detected).toEqual(injected);
      // Nothing else was quarantined or failed to parse.
      const malformed = injected.too_few_fields + injected.too_many_fields + injected.broken_quoting + injected.invalid_utf8;
      expect(found.reasons.malformed_line).toBe(malformed);
      expect(Object.values(found.parseErrors).reduce((a, b) => a + b, 0)).toBe(malformed);
    } finally {
      session.close();
    }
  }, 60_000);
});
