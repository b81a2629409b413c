// Large batches are deduplicated, and large day tables written, one day at a time (bounded
// memory). Forcing that path on a generated month with faults and duplicates, in time order or
// shuffled, must give the same Silver, quarantine and Gold as one GROUP BY and one write.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { runPipeline } from '../../src/pipeline/runner.js';
import { GOLD_FINGERPRINT_SQL, tempDir } from '../helpers/pipeline-data.js';

async function query(lake: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json']);
  expect(result.stderr, sql).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

describe('Silver deduplication day by day', () => {
  // A time-ordered month is read from Bronze a day at a time; a shuffled one is staged by day
  // first (it needs a few Parquet row groups, 122,880 rows each, to be told from a small file).
  it.each([
    { order: 'in time order', events: 15_000, how: 'direct' },
    { order: 'shuffled', events: 250_000, how: 'staged' },
  ])('equals one whole-batch deduplication, table for table, with the file $order', async ({ order, events, how }) => {
    const dir = tempDir();
    const file = join(dir, 'month.csv');
    const gen = await runCli(['generate', '--out', file, '--events', String(events), '--seed', '11', '--faults', '0.003', '--threads', '0']);
    expect(gen.code, gen.stderr).toBe(0);
    if (order === 'shuffled') shuffleLines(file);
    const whole = await runPipeline({ lakeDir: join(dir, 'whole'), inputs: [file], threads: 1 });
    const byDay = await runPipeline({ lakeDir: join(dir, 'by-day'), inputs: [file], threads: 1, dayByDayAbove: 0 });
    expect([whole.status, byDay.status]).toEqual(['succeeded', 'succeeded']);
    expect(byDay.silver).toMatchObject([{ bronzeRows: whole.silver[0]!.bronzeRows, silverRows: whole.silver[0]!.silverRows, quarantined: whole.silver[0]!.quarantined, duplicates: whole.silver[0]!.duplicates, balanced: true, daySplit: how }]);
    expect(whole.silver[0]!.daySplit).toBeUndefined();
    expect(whole.silver[0]!.duplicates).toBeGreaterThan(0);
    // one commit per day with clean rows on the day-by-day side: a stray day whose rows are all
    // quarantined (the faults include times in other months) commits nothing to Silver
    const versions = await query(join(dir, 'by-day'), 'select count(distinct event_date)::int as days from silver.events');
    const tables = JSON.parse((await runCli(['tables', '--lake', join(dir, 'by-day'), '--json'])).stdout) as { name: string; version: number }[];
    expect(tables.find((t) => t.name === 'silver.events')!.version).toBe(Number(versions[0]!.days) - 1);
    const silver = 'select * exclude (_batch_id) from silver.events order by all';
    expect(await query(join(dir, 'by-day'), silver)).toEqual(await query(join(dir, 'whole'), silver));
    // the day-by-day side reads a rejected row's raw values back from Bronze by its line
    const quarantine = 'select * exclude (_quarantined_at) from silver.quarantine order by all';
    const rejected = await query(join(dir, 'by-day'), quarantine);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected).toEqual(await query(join(dir, 'whole'), quarantine));
    expect(await query(join(dir, 'by-day'), GOLD_FINGERPRINT_SQL)).toEqual(await query(join(dir, 'whole'), GOLD_FINGERPRINT_SQL));
  });
});

/** Reorders a CSV's data lines with a fixed permutation, keeping the header first. */
function shuffleLines(file: string): void {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  let seed = 7;
  for (let i = lines.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  writeFileSync(file, [header, ...lines].join('\n') + '\n');
}
