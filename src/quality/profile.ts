/**
 * Column profiles of a table: per column the null rate, the distinct count, min/max and the top
 * values with their counts, in two scans whatever the column count:
 *
 * 1. one aggregate pass: nulls, min and max of every column, and for the key-like columns named
 *    in `keyColumns` (a session id, a user id, a timestamp: near-unique) a HyperLogLog estimate of
 *    the distinct count (DuckDB `approx_count_distinct`), since an exact count would hash millions
 *    of keys and their top values say nothing;
 * 2. one GROUP BY GROUPING SETS pass over the other columns, one grouping set each, giving their
 *    exact distinct count and exact top values together.
 */
import { quoteIdent, type Session } from '../engine/session.js';

export interface ColumnProfile {
  column: string;
  type: string;
  rows: number;
  nulls: number;
  nullRate: number;
  /** Distinct non-null values: exact, or a HyperLogLog estimate when `distinctIsApprox`. */
  distinct: number;
  distinctIsApprox: boolean;
  min: string | null;
  max: string | null;
  /** Most frequent non-null values, most frequent first, with exact counts; empty for key columns. */
  topValues: { value: string; count: number }[];
}

export interface ProfileOptions {
  /** Columns to skip (lineage columns, raw lines). */
  exclude?: readonly string[];
  /** Near-unique columns: distinct count estimated (HyperLogLog), no top values. */
  keyColumns?: readonly string[];
  /** Top values kept per column (default 5). */
  topK?: number;
}

/** Profiles every column of `relation` (a quoted relation name). */
export async function profileRelation(session: Session, relation: string, options: ProfileOptions = {}): Promise<ColumnProfile[]> {
  const topK = options.topK ?? 5;
  const columns = (await session.describe(`SELECT * FROM ${relation}`)).filter((c) => !options.exclude?.includes(c.name));
  if (columns.length === 0) return [];
  // Nested and binary columns get a null count only: their min/max and top values mean little.
  const scalar = (type: string) => !/[\[\]]|^STRUCT|^MAP|^UNION|^BLOB/i.test(type);
  const isKey = (name: string) => options.keyColumns?.includes(name) ?? false;

  const parts = ['count(*) AS "rows"'];
  columns.forEach((c, i) => {
    const q = quoteIdent(c.name);
    parts.push(`count(*) - count(${q}) AS n${i}`);
    if (!scalar(c.type)) return;
    parts.push(`CAST(min(${q}) AS VARCHAR) AS lo${i}`, `CAST(max(${q}) AS VARCHAR) AS hi${i}`);
    if (isKey(c.name)) parts.push(`approx_count_distinct(${q}) AS d${i}`);
  });
  const [agg] = await session.all(`SELECT ${parts.join(', ')} FROM ${relation}`);
  const rows = Number(agg?.rows ?? 0);
  const grouped = columns.filter((c) => scalar(c.type) && !isKey(c.name));
  const exact = await groupedProfiles(session, relation, grouped.map((c) => c.name), topK);

  return columns.map((c, i) => {
    const nulls = Number(agg?.[`n${i}`] ?? 0);
    const g = exact.get(c.name);
    return {
      column: c.name,
      type: c.type,
      rows,
      nulls,
      nullRate: rows === 0 ? 0 : nulls / rows,
      distinct: g ? g.distinct : Number(agg?.[`d${i}`] ?? 0),
      distinctIsApprox: !g && scalar(c.type),
      min: (agg?.[`lo${i}`] as string | null | undefined) ?? null,
      max: (agg?.[`hi${i}`] as string | null | undefined) ?? null,
      topValues: g?.top ?? [],
    };
  });
}

/** Exact distinct counts and top values of several columns in one GROUPING SETS scan. */
async function groupedProfiles(
  session: Session,
  relation: string,
  columns: string[],
  topK: number,
): Promise<Map<string, { distinct: number; top: { value: string; count: number }[] }>> {
  const out = new Map<string, { distinct: number; top: { value: string; count: number }[] }>();
  if (columns.length === 0) return out;
  const q = columns.map(quoteIdent);
  const flags = q.map((c, i) => `grouping(${c}) AS g${i}`).join(', ');
  const perColumn = q.map(
    (c, i) => `SELECT ${i} AS i, count(${c}) AS d,
      list({'value': CAST(${c} AS VARCHAR), 'count': n} ORDER BY n DESC, CAST(${c} AS VARCHAR))
        FILTER (WHERE ${c} IS NOT NULL)[1:${topK}] AS top
      FROM g WHERE g${i} = 0`,
  );
  const rows = await session.all<{ i: number; d: bigint; top: { value: string; count: bigint }[] | null }>(
    `WITH g AS MATERIALIZED (SELECT ${q.join(', ')}, count(*) AS n, ${flags} FROM ${relation}
        GROUP BY GROUPING SETS (${q.map((c) => `(${c})`).join(', ')}))
     ${perColumn.join(' UNION ALL ')}`,
  );
  for (const r of rows) {
    const top = (r.top ?? []).map((t) => ({ value: t.value, count: Number(t.count) }));
    out.set(columns[Number(r.i)]!, { distinct: Number(r.d), top });
  }
  return out;
}
