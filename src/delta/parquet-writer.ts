/**
 * The Parquet writing the protocol layer needs (checkpoints), as an interface so `delta/` stays
 * engine-agnostic; src/engine/parquet-writer.ts implements it with DuckDB.
 *
 * Contract: the file at `absPath` appears complete or not at all (written aside, then renamed
 * into place; an existing file is replaced, which is safe for checkpoints because every writer
 * of version N's checkpoint writes the same content). Columns have exactly the Delta types of
 * `schema` (long → INT64, map<string,string> → a Parquet MAP, ...). Rows are plain JSON values;
 * a missing or null field is a null.
 */
import type { StructType } from './type-map.js';

export interface ParquetWriter {
  writeRows(absPath: string, schema: StructType, rows: readonly Record<string, unknown>[]): Promise<{ sizeInBytes: number }>;
}
