// Large batches are deduplicated, and large day tables written, one day at a time (bounded
// memory). Forcing that path on a generated month with faults and duplicates must give the same
// Silver and Gold as one GROUP BY and one write.
import { describe, expect, it } from 'vitest';
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
  it('equals one whole-batch deduplication, table for table', async () => {
    const dir = tempDir();
    const file = join(dir, 'month.csv');
    const gen = await runCli(['generate', '--out', file, '--events', '15000', '--seed', '11', '--faults', '0.003', '--threads', '0']);
    expect(gen.code, gen.stderr).toBe(0);
    const whole = await runPipeline({ lakeDir: join(dir, 'whole'), inputs: [file], threads: 1 });
    const byDay = await runPipeline({ lakeDir: join(dir, 'by-day'), inputs: [file], threads: 1, dayByDayAbove: 0 });
    expect([whole.status, byDay.status]).toEqual(['succeeded', 'succeeded']);
    expect(byDay.silver).toMatchObject([{ bronzeRows: whole.silver[0]!.bronzeRows, silverRows: whole.silver[0]!.silverRows, quarantined: whole.silver[0]!.quarantined, duplicates: whole.silver[0]!.duplicates, balanced: true }]);
    expect(whole.silver[0]!.duplicates).toBeGreaterThan(0);
    // one commit per day on the day-by-day side
    const versions = await query(join(dir, 'by-day'), 'select count(distinct event_date)::int as days from silver.events');
    const tables = JSON.parse((await runCli(['tables', '--lake', join(dir, 'by-day'), '--json'])).stdout) as { name: string; version: number }[];
    expect(tables.find((t) => t.name === 'silver.events')!.version).toBeGreaterThanOrEqual(Number(versions[0]!.days) - 1);
    const silver = 'select * exclude (_batch_id) from silver.events order by all';
    expect(await query(join(dir, 'by-day'), silver)).toEqual(await query(join(dir, 'whole'), silver));
    expect(await query(join(dir, 'by-day'), GOLD_FINGERPRINT_SQL)).toEqual(await query(join(dir, 'whole'), GOLD_FINGERPRINT_SQL));
  });
});
