/**
 * Parquet output: the generated CSV read by DuckDB with the real file's types and written as one
 * zstd Parquet file, rows in file order. event_time becomes a UTC TIMESTAMPTZ, ids BIGINT (the
 * 19-digit category ids fit), price DECIMAL(10,2); the rest stays text.
 */
import { quoteString, Session } from '../engine/session.js';

export async function csvToParquet(csv: string, parquet: string, threads: number): Promise<void> {
  const session = await Session.open({ threads: Math.max(1, threads), memoryLimit: '1GB' });
  try {
    await session.run(`SET preserve_insertion_order = true`);
    await session.run(`
      COPY (
        SELECT strptime(event_time, '%Y-%m-%d %H:%M:%S UTC')::TIMESTAMP AT TIME ZONE 'UTC' AS event_time,
          event_type, product_id, category_id, category_code, brand, price, user_id, user_session
        FROM read_csv(${quoteString(csv)}, header = true, auto_detect = false, delim = ',', quote = '"',
          columns = {'event_time': 'VARCHAR', 'event_type': 'VARCHAR', 'product_id': 'BIGINT', 'category_id': 'BIGINT',
            'category_code': 'VARCHAR', 'brand': 'VARCHAR', 'price': 'DECIMAL(10,2)', 'user_id': 'BIGINT', 'user_session': 'VARCHAR'})
      ) TO ${quoteString(parquet)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    session.close();
  }
}
