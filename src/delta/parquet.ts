/**
 * The Parquet access the protocol layer needs (reading checkpoints and sidecars), as an interface
 * so that `delta/` stays engine-agnostic: the engine implements it (src/engine/parquet-reader.ts)
 * and callers inject it into `loadSnapshot`.
 */

export interface ParquetReader {
  /**
   * Every row of the file as a plain JS object: structs as objects, lists as arrays, maps either
   * as objects or as arrays of `{ key, value }` entries, 64-bit integers as number or bigint.
   * Throws when the file is missing or not Parquet.
   */
  readRows(absPath: string): Promise<Record<string, unknown>[]>;
}
