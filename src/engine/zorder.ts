/**
 * Z-order in DuckDB: rows sorted along a Morton curve over 1–4 columns. Each column is first
 * rank-normalised (dense rank scaled to the same number of bits), so columns of any type and
 * skew weigh equally; then the bits of the normalised values are interleaved into one 64-bit
 * key, most significant bits first, and the rows are ordered by it. Nearby keys are rows close
 * in all columns at once, which is what makes min/max stats prune on each of them.
 */
import { quoteIdent } from './session.js';

/** Bits per column: 16, or fewer so that all columns fit in a 64-bit key. */
export function zorderBits(columns: number): number {
  return Math.min(16, Math.floor(64 / columns));
}

/** The interleaved key over normalised columns named `${prefix}0..k-1` (UBIGINT). */
export function interleaveSql(count: number, prefix = '__z_n'): string {
  const bits = zorderBits(count);
  const terms: string[] = [];
  for (let b = bits - 1; b >= 0; b--) {
    for (let i = 0; i < count; i++) {
      const position = b * count + (count - 1 - i);
      terms.push(`(((${prefix}${i} >> ${b}::UBIGINT) & 1::UBIGINT) << ${position}::UBIGINT)`);
    }
  }
  return terms.join(' | ');
}

/**
 * Wraps `sourceSql` so its rows come out in Z-order over `zColumns`, selecting `outputColumns`.
 */
export function zorderSql(sourceSql: string, outputColumns: readonly string[], zColumns: readonly string[]): string {
  if (zColumns.length < 1 || zColumns.length > 4) throw new Error(`Z-order takes 1 to 4 columns, got ${zColumns.length}`);
  const max = 2 ** zorderBits(zColumns.length) - 1;
  const ranks = zColumns.map((c, i) => `dense_rank() OVER (ORDER BY ${quoteIdent(c)} NULLS FIRST) - 1 AS __z_r${i}`);
  const norms = zColumns.map(
    (_c, i) => `CAST(floor(__z_r${i} * ${max}.0 / greatest(max(__z_r${i}) OVER (), 1)) AS UBIGINT) AS __z_n${i}`,
  );
  return [
    `WITH __z_src AS (${sourceSql}),`,
    `__z_ranked AS (SELECT *, ${ranks.join(', ')} FROM __z_src),`,
    `__z_norm AS (SELECT *, ${norms.join(', ')} FROM __z_ranked)`,
    `SELECT ${outputColumns.map(quoteIdent).join(', ')} FROM __z_norm ORDER BY ${interleaveSql(zColumns.length)}`,
  ].join('\n');
}
