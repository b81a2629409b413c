// Pure parts of Bronze: CSV line splitting for the fallback path, header checks, file listing.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitCsvLine, csvQuote } from '../../src/pipeline/line-parser.js';
import { checkHeader, EXPECTED_COLUMNS, listSourceFiles } from '../../src/pipeline/inputs.js';
import { InputHeaderError, InputNotFoundError } from '../../src/pipeline/errors.js';
import { tempDir } from '../helpers/pipeline-data.js';

describe('splitCsvLine', () => {
  it('splits plain, quoted and empty fields', () => {
    expect(splitCsvLine('a,b,,d')).toEqual({ ok: true, fields: ['a', 'b', '', 'd'] });
    expect(splitCsvLine('a,"b,c","say ""hi""",')).toEqual({ ok: true, fields: ['a', 'b,c', 'say "hi"', ''] });
    expect(splitCsvLine('')).toEqual({ ok: true, fields: [''] });
    expect(splitCsvLine('""')).toEqual({ ok: true, fields: [''] });
  });

  it('names broken quoting', () => {
    expect(splitCsvLine('a,"b,c')).toEqual({ ok: false, error: 'unterminated_quote' });
    expect(splitCsvLine('a,"b"c,d')).toEqual({ ok: false, error: 'bad_quote' });
    expect(splitCsvLine('a,b"c,d')).toEqual({ ok: false, error: 'bad_quote' });
  });

  it('round-trips through csvQuote', () => {
    const fields = ['x', 'a,b', 'q"q', ''];
    expect(splitCsvLine(fields.map(csvQuote).join(','))).toEqual({ ok: true, fields });
    expect(csvQuote(null)).toBe('');
  });
});

describe('checkHeader', () => {
  it('accepts the nine columns in any order and returns extras', () => {
    expect(checkHeader('f.csv', [...EXPECTED_COLUMNS].reverse())).toEqual({ extras: [] });
    expect(checkHeader('f.csv', [...EXPECTED_COLUMNS, 'channel'])).toEqual({ extras: ['channel'] });
  });

  it('names a missing or renamed column and the file', () => {
    const renamed = EXPECTED_COLUMNS.map((c) => (c === 'user_id' ? 'userid' : c));
    expect(() => checkHeader('f.csv', renamed)).toThrow(InputHeaderError);
    expect(() => checkHeader('f.csv', renamed)).toThrow('f.csv: header is missing column "user_id"; unexpected: "userid"');
    expect(() => checkHeader('f.csv', EXPECTED_COLUMNS.slice(1))).toThrow('missing column "event_time"');
    expect(() => checkHeader('f.csv', [...EXPECTED_COLUMNS, 'brand'])).toThrow('names column "brand" more than once');
  });
});

describe('listSourceFiles', () => {
  it('expands folders recursively to supported files, sorted, skipping hidden ones', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    for (const name of ['b.csv', 'a.csv.gz', 'notes.txt', '.hidden.csv', 'sub/c.parquet']) writeFileSync(join(dir, name), '');
    const files = listSourceFiles([dir]).map((f) => [f.path.slice(dir.length + 1), f.format]);
    expect(files).toEqual([['a.csv.gz', 'csv.gz'], ['b.csv', 'csv'], ['sub/c.parquet', 'parquet']]);
  });

  it('fails naming a missing path or an unsupported file', () => {
    const dir = tempDir();
    expect(() => listSourceFiles([join(dir, 'nope.csv')])).toThrow(InputNotFoundError);
    writeFileSync(join(dir, 'x.txt'), '');
    expect(() => listSourceFiles([join(dir, 'x.txt')])).toThrow(/x\.txt: not a \.csv, \.csv\.gz or \.parquet file/);
  });
});
