// What the server knows about the lake: which tables exist, the data's date range, and the
// categories and brands the filters can pick from.
import { createContext, useContext } from 'react';

export interface TableStatus {
  name: string;
  exists: boolean;
  version: number | null;
}

export interface Meta {
  lake: string;
  tables: TableStatus[];
  dateRange: { min: string; max: string } | null;
  categories: string[];
  brands: string[];
}

export const MetaContext = createContext<Meta | null>(null);
export const useMeta = () => useContext(MetaContext);

export function hasTable(meta: Meta | null, name: string): boolean {
  return Boolean(meta?.tables.find((t) => t.name === name)?.exists);
}
