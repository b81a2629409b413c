// Silver's period rule through the CLI: a valid time in a month that holds almost none of its
// file's rows is quarantined as event_time_outside_period, while a file that straddles a month end
// is kept whole. Also Silver's UTC date, hour and weekday around midnights, before 1970 too.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeCsv } from '../helpers/pipeline-data.js';

function event(time: string, user: number): string {
  return `${time} UTC,view,1001,2053013555631882655,electronics.smartphone,apple,100.50,${user},72d76fde-8bb3-4e00-8c23-a032dfed738c`;
}

/** `count` events one second apart from `start` (YYYY-MM-DD HH:MM:SS, UTC), each by its own user. */
function events(start: string, count: number, firstUser: number): string[] {
  const t0 = Date.parse(`${start.replace(' ', 'T')}Z`);
  return Array.from({ length: count }, (_, i) =>
    event(new Date(t0 + i * 1000).toISOString().slice(0, 19).replace('T', ' '), firstUser + i),
  );
}

async function runAndRead(lake: string, file: string): Promise<{ reasons: Record<string, unknown>[]; months: Record<string, unknown>[] }> {
  const run = await runCli(['run', file, '--lake', lake, '--json', '--threads', '1']);
  expect(run.code, run.stderr).toBe(0);
  const read = async (sql: string) => {
    const result = await runCli(['query', sql, '--lake', lake, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>[];
  };
  return {
    reasons: await read('select reason, _source_line::int as line from silver.quarantine order by line'),
    months: await read(`select strftime(event_date, '%Y-%m') as month, count(*)::int as n from silver.events group by 1 order by 1`),
  };
}

describe('Silver periods', () => {
  it('quarantines a valid time in a stray month, with its line', async () => {
    const dir = tempDir();
    const lines = [...events('2019-10-05 08:00:00', 150, 1), event('2019-07-14 09:30:00', 99), ...events('2019-10-06 08:00:00', 50, 1000)];
    const { reasons, months } = await runAndRead(join(dir, 'lake'), writeCsv(join(dir, 'october.csv'), lines));
    // Header is line 1, so the stray event (the 151st data line) is line 152.
    expect(reasons).toEqual([{ reason: 'event_time_outside_period', line: 152 }]);
    expect(months).toEqual([{ month: '2019-10', n: 200 }]);
  });

  it('keeps a file that straddles a month end whole', async () => {
    const dir = tempDir();
    const lines = [...events('2019-10-31 23:58:00', 120, 1), ...events('2019-11-01 00:00:00', 30, 500)];
    const { reasons, months } = await runAndRead(join(dir, 'lake'), writeCsv(join(dir, 'month-end.csv'), lines));
    expect(reasons).toEqual([]);
    expect(months).toEqual([
      { month: '2019-10', n: 120 },
      { month: '2019-11', n: 30 },
    ]);
  });

  it('derives the UTC date, hour and ISO weekday as the calendar does, before 1970 too', async () => {
    const dir = tempDir();
    const times = ['1969-12-31 23:59:59', '1969-12-29 00:00:00', '1970-01-01 00:00:00', '1969-12-31 00:00:01', '1969-12-30 13:15:00'];
    const lines = times.map((t, i) => event(t, i + 1));
    const lake = join(dir, 'lake');
    const run = await runCli(['run', writeCsv(join(dir, 'epoch.csv'), lines), '--lake', lake, '--json', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    const result = await runCli([
      'query',
      `select strftime(event_time, '%Y-%m-%d %H:%M:%S') as t, strftime(event_date, '%Y-%m-%d') as d, event_hour as h, day_of_week as w from silver.events order by user_id`,
      '--lake',
      lake,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const expected = times.map((t) => {
      const at = new Date(`${t.replace(' ', 'T')}Z`);
      return { t, d: t.slice(0, 10), h: at.getUTCHours(), w: at.getUTCDay() === 0 ? 7 : at.getUTCDay() };
    });
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });
});
