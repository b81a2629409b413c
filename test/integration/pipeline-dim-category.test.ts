// gold.dim_category is merged by category_id, ids of 19 digits (above 2^53). Two files run one
// after the other, the second touching the table's smallest id only: the merge must replace that
// category's row (one row per id, counts over both files, the latest code), never add a second.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeCsv } from '../helpers/pipeline-data.js';

const A = '2053013555631882655';
const C = '2232732093077520756';
const line = (time: string, type: string, product: number, category: string, code: string, user: number) =>
  `2019-10-0${time} UTC,${type},${product},${category},${code},acme,10.00,${user},72d76fde-8bb3-4e00-8c23-a032dfed73${String(user).slice(-2)}`;

async function query(lake: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['query', sql, '--lake', lake, '--json']);
  expect(result.stderr, sql).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

describe('gold.dim_category across runs', () => {
  it('merges a category id above 2^53 into its existing row', async () => {
    const dir = tempDir();
    const lake = join(dir, 'lake');
    const first = writeCsv(join(dir, 'a.csv'), [
      line('1 10:00:00', 'view', 1001, A, 'electronics.smartphone', 7001),
      line('1 10:05:00', 'view', 1002, C, 'appliances.kitchen.kettle', 7002),
    ]);
    const second = writeCsv(join(dir, 'b.csv'), [line('2 11:00:00', 'view', 1003, A, 'electronics.audio.headphone', 7003)]);
    for (const file of [first, second]) {
      const result = await runCli(['run', file, '--lake', lake, '--json', '--threads', '1']);
      expect(result.code, result.stderr).toBe(0);
    }
    const rows = await query(lake, 'select category_id::varchar as id, category_code as code, events::int as events, products::int as products from gold.dim_category order by category_id');
    expect(rows).toEqual([
      { id: A, code: 'electronics.audio.headphone', events: 2, products: 2 },
      { id: C, code: 'appliances.kitchen.kettle', events: 1, products: 1 },
    ]);
  });
});
