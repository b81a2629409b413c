// Real REES46 rows spread over a whole month (the October and November samples, in time order):
// Silver's day-by-day path, which reads each day from Bronze by a range on the landed text, must
// give the same Silver, quarantine and Gold as one whole-batch run.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { runPipeline } from '../../src/pipeline/runner.js';
import { GOLD_FINGERPRINT_SQL, tempDir } from '../helpers/pipeline-data.js';

async function query(lake: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json']);
  expect(result.stderr, sql).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

describe.skipIf(!hasShared())('Silver day by day on real rows spread over a month', () => {
  it.each(['rees46-2019-oct-sample.csv', 'rees46-2019-nov-sample.csv'])('%s: day by day equals one whole batch', async (name) => {
    const file = sharedPath('data', name);
    const dir = tempDir();
    const whole = await runPipeline({ lakeDir: join(dir, 'whole'), inputs: [file], threads: 1, audit: false });
    const byDay = await runPipeline({ lakeDir: join(dir, 'by-day'), inputs: [file], threads: 1, audit: false, dayByDayAbove: 0 });
    expect([whole.status, byDay.status], byDay.error).toEqual(['succeeded', 'succeeded']);
    expect(byDay.silver[0]).toMatchObject({ daySplit: 'direct', balanced: true, silverRows: whole.silver[0]!.silverRows });
    const days = await query(join(dir, 'by-day'), 'select count(distinct event_date)::int as n from silver.events');
    expect(Number(days[0]!.n)).toBeGreaterThanOrEqual(28);
    for (const sql of [
      'select * exclude (_batch_id) from silver.events order by all',
      'select * exclude (_quarantined_at) from silver.quarantine order by all',
      GOLD_FINGERPRINT_SQL,
    ]) {
      expect(await query(join(dir, 'by-day'), sql), sql).toEqual(await query(join(dir, 'whole'), sql));
    }
  });
});
