/**
 * Splits one CSV line (RFC 4180: comma separated, double-quoted fields with "" escapes) into
 * fields, or says why it cannot. The fallback Bronze path uses it for files DuckDB's strict reader
 * rejects, so every malformed line still lands in Bronze with a reason instead of aborting the run.
 */
export type ParsedLine = { ok: true; fields: string[] } | { ok: false; error: 'unterminated_quote' | 'bad_quote' };

export function splitCsvLine(line: string): ParsedLine {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { ok: false, error: 'unterminated_quote' };
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < n && line[i] !== ',') return { ok: false, error: 'bad_quote' };
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return { ok: false, error: 'bad_quote' };
      fields.push(value);
      i = end;
    }
    if (i >= n) return { ok: true, fields };
    i++; // the comma
    if (i === n) {
      fields.push('');
      return { ok: true, fields };
    }
  }
}

/** Quotes a value for a CSV file DuckDB will read back in strict mode. */
export function csvQuote(value: string | null): string {
  if (value === null) return '';
  return `"${value.replaceAll('"', '""')}"`;
}
