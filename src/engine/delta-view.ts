/**
 * Opens a Delta table (ours or any other writer's) as a DuckDB view: loads the snapshot at the
 * latest version, a version or a timestamp, prunes files with the predicate (partition values and
 * stats), and creates the view over the files left. The view holds every row of those files; a
 * caller that wants only matching rows filters with `predicateFilter`, whose values are bound.
 */
import { FsLogStore } from '../delta/log-store.js';
import { bindPredicate, type Literal, type Predicate } from '../delta/predicate.js';
import { pruneFiles } from '../delta/skipping.js';
import { loadSnapshot, type Snapshot } from '../delta/snapshot.js';
import type { StructType } from '../delta/schema.js';
import { createScanView } from './delta-scan.js';
import { duckType } from './delta-types.js';
import { DuckDbParquetReader } from './parquet-reader.js';
import { quoteIdent, type Session } from './session.js';

export interface ScanReport {
  filesTotal: number;
  filesScanned: number;
  bytesTotal: number;
  bytesScanned: number;
}

export interface DeltaViewOptions {
  version?: number;
  timestamp?: Date;
  predicate?: Predicate;
}

export async function openDeltaView(
  session: Session,
  viewName: string,
  tablePath: string,
  options: DeltaViewOptions = {},
): Promise<{ snapshot: Snapshot; scan: ScanReport; paths: string[] }> {
  const store = new FsLogStore(tablePath);
  const snapshot = await loadSnapshot(store, new DuckDbParquetReader(session), {
    version: options.version,
    timestamp: options.timestamp,
  });
  const predicate = options.predicate && bindPredicate(options.predicate, snapshot.schema, snapshot.table);
  const files = predicate ? pruneFiles(snapshot.files, predicate, snapshot) : [...snapshot.files];
  const paths = await createScanView(session, viewName, store, snapshot, files);
  const size = (list: readonly { add: { size: number } }[]): number => list.reduce((sum, f) => sum + Number(f.add.size ?? 0), 0);
  return {
    snapshot,
    scan: {
      filesTotal: snapshot.files.length,
      filesScanned: files.length,
      bytesTotal: size(snapshot.files),
      bytesScanned: size(files),
    },
    paths,
  };
}

/**
 * A predicate as a SQL condition over the view's columns with its values as bound parameters:
 * column names are checked against the schema and quoted, every literal is a `?` cast to the
 * column's type.
 */
export function predicateFilter(predicate: Predicate, schema: StructType, table?: string): { sql: string; params: string[] } {
  const bound = bindPredicate(predicate, schema, table);
  const params: string[] = [];
  const types = new Map(schema.fields.map((f) => [f.name, duckType(f.type)] as const));
  const lit = (column: string, l: Literal): string => {
    params.push(l.text);
    return `CAST(? AS ${types.get(column)!})`;
  };
  const render = (p: Predicate): string => {
    switch (p.op) {
      case 'and': case 'or': return `(${p.args.map(render).join(p.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not': return `(NOT ${render(p.arg)})`;
      case 'cmp': return `(${quoteIdent(p.column)} ${p.cmp} ${lit(p.column, p.value)})`;
      case 'in': return `(${quoteIdent(p.column)} ${p.negated ? 'NOT IN' : 'IN'} (${p.values.map((v) => lit(p.column, v)).join(', ')}))`;
      case 'between': return `(${quoteIdent(p.column)} ${p.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${lit(p.column, p.low)} AND ${lit(p.column, p.high)})`;
      case 'isNull': return `(${quoteIdent(p.column)} IS ${p.negated ? 'NOT ' : ''}NULL)`;
    }
  };
  return { sql: render(bound), params };
}
