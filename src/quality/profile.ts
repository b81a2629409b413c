/**
 * Column profiles of a table: per column the null rate, an approximate distinct count, min/max and
 * the top values with their counts. Two scans in all, whatever the column count: one aggregate
 * pass for every column (distinct counts are DuckDB's `approx_count_distinct`, a HyperLogLog
 * estimate, because an exact count(DISTINCT) per column would cost a sort or hash of each), and one
 * pass counting exactly the few candidate top values `approx_top_k` proposed.
 */
import { quoteIdent, type Session } from '../engine/session.js';

export interface ColumnProfile {
  column: string;
  type: string;
  rows: number;
  nulls: number;
  nullRate: number;
  /** HyperLogLog estimate (DuckDB approx_count_distinct), typically within a few percent. */
  approxDistinct: number;
  min: string | null;
  max: string | null;
  /** Most frequent non-null values, most frequent first, with exact counts. */
  topValues: { value: string; count: number }[];
}

export interface ProfileOptions {
  /** Columns to skip (lineage columns, raw lines). */
  exclude?: readonly string[];
  /** Top values kept per column (default 5). */
  topK?: number;
}

/** Profiles every column of `relation` (a quoted relation name). */
export async function profileRelation(session: Session, relation: string, options: ProfileOptions = {}): Promise<ColumnProfile[]> {
  const topK = options.topK ?? 5;
  const columns = (await session.describe(`SELECT * FROM ${relation}`)).filter((c) => !options.exclude?.includes(c.name));
  if (columns.length === 0) return [];
  const parts = ['count(*) AS "rows"'];
  columns.forEach((c, i) => {
    const q = quoteIdent(c.name);
    // Nested and binary types have no useful text min/max or top values; count their nulls only.
    const scalar = isScalar(c.type);
    parts.push(
      `count(*) - count(${q}) AS n${i}`,
      scalar ? `approx_count_distinct(${q}) AS d${i}` : 'NULL AS d' + i,
      scalar ? `CAST(min(${q}) AS VARCHAR) AS lo${i}` : `NULL AS lo${i}`,
      scalar ? `CAST(max(${q}) AS VARCHAR) AS hi${i}` : `NULL AS hi${i}`,
      scalar ? `list_transform(approx_top_k(${q}, ${topK}), x -> CAST(x AS VARCHAR)) AS k${i}` : `NULL AS k${i}`,
    );
  });
  const [agg] = await session.all(`SELECT ${parts.join(', ')} FROM ${relation}`);
  const rows = Number(agg?.rows ?? 0);
  const candidates = columns.map((_, i) => ((agg?.[`k${i}`] as string[] | null) ?? []).filter((v) => v !== null));
  const counts = await countCandidates(session, relation, columns, candidates);
  return columns.map((c, i) => {
    const nulls = Number(agg?.[`n${i}`] ?? 0);
    const top = candidates[i]!
      .map((value, j) => ({ value, count: counts[i]?.[j] ?? 0 }))
      .filter((t) => t.count > 0)
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return {
      column: c.name,
      type: c.type,
      rows,
      nulls,
      nullRate: rows === 0 ? 0 : nulls / rows,
      approxDistinct: Number(agg?.[`d${i}`] ?? 0),
      min: (agg?.[`lo${i}`] as string | null) ?? null,
      max: (agg?.[`hi${i}`] as string | null) ?? null,
      topValues: top,
    };
  });
}

function isScalar(type: string): boolean {
  return !/[\[\]]|^STRUCT|^MAP|^UNION|^BLOB/i.test(type);
}

/** Exact counts of each column's candidate values, in one scan; candidates are bound, not spliced. */
async function countCandidates(
  session: Session,
  relation: string,
  columns: { name: string }[],
  candidates: string[][],
): Promise<number[][]> {
  const parts: string[] = [];
  const params: string[] = [];
  candidates.forEach((values, i) => {
    values.forEach((value, j) => {
      parts.push(`count(*) FILTER (WHERE CAST(${quoteIdent(columns[i]!.name)} AS VARCHAR) = ?) AS c${i}_${j}`);
      params.push(value);
    });
  });
  if (parts.length === 0) return candidates.map(() => []);
  const [row] = await session.all(`SELECT ${parts.join(', ')} FROM ${relation}`, params);
  return candidates.map((values, i) => values.map((_, j) => Number(row?.[`c${i}_${j}`] ?? 0)));
}
