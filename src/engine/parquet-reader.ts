/**
 * The DuckDB implementation of delta/'s ParquetReader: reads a checkpoint or sidecar file into
 * plain JS rows (structs as objects, maps as `{ key, value }` entry lists, BIGINT as bigint).
 */
import type { ParquetReader } from '../delta/parquet.js';
import type { Session } from './session.js';

export class DuckDbParquetReader implements ParquetReader {
  constructor(private readonly session: Session) {}

  async readRows(absPath: string): Promise<Record<string, unknown>[]> {
    return this.session.all('SELECT * FROM read_parquet(?)', [absPath]);
  }
}
