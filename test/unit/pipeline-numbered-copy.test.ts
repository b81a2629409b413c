/**
 * The numbered copy Bronze is read from: every line gets its number and a comma in front, whatever
 * the chunking, and a quote anywhere abandons the copy without leaving a file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRange, lineBoundaryAfter, NumberedCopy } from '../../src/pipeline/numbered-copy.js';

const dir = mkdtempSync(join(tmpdir(), 'clicklake-numbered-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The expected copy, written the plain way: split, number, join. */
function numbered(text: string, first: number, header?: string): string {
  const lines = text.split('\n');
  const last = lines.pop()!;
  const out = lines.map((line, i) => `${first + i},${line}\n`);
  if (last !== '') out.push(`${first + lines.length},${last}`);
  const body = out.join('');
  return header === undefined ? body.replace(/^1,/, '_source_line,') : `_source_line,${header}\n${body}`;
}

function sourceText(lines: number): string {
  const rows = ['event_time,event_type,product_id'];
  // Lines of varied length, long ones included, so blocks and lines end in different places.
  for (let i = 1; i <= lines; i++) rows.push(`2019-10-01 00:00:${String(i % 60).padStart(2, '0')} UTC,view,${i}${'x'.repeat((i * 7919) % 300)}`);
  return rows.join('\n') + '\n';
}

describe('NumberedCopy', () => {
  it('numbers every line the same whatever the chunk boundaries, across 9→10 and 99→100 digits', () => {
    const text = sourceText(1234);
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 100, 4096, bytes.length]) {
      const path = join(dir, `chunks-${size}.csv`);
      const copy = new NumberedCopy(path);
      for (let at = 0; at < bytes.length; at += size) expect(copy.add(bytes.subarray(at, at + size))).toBe(true);
      copy.finish();
      expect(readFileSync(path, 'utf8')).toBe(numbered(text, 1));
    }
  });

  it('takes a chunk larger than its own block (several megabytes at once)', () => {
    const text = sourceText(50_000);
    const path = join(dir, 'large-chunk.csv');
    const copy = new NumberedCopy(path);
    expect(copy.add(Buffer.from(text))).toBe(true);
    copy.finish();
    expect(readFileSync(path, 'utf8')).toBe(numbered(text, 1));
  });

  it('numbers the last line when the file has no final newline, and keeps CRLF as it is', () => {
    const path = join(dir, 'no-final-newline.csv');
    const copy = new NumberedCopy(path);
    copy.add(Buffer.from('a,b\r\n1,2\r\n3,4'));
    copy.finish();
    expect(readFileSync(path, 'utf8')).toBe('_source_line,a,b\r\n2,1,2\r\n3,3,4');
  });

  it('abandons on a double quote and removes what it wrote', () => {
    const path = join(dir, 'quoted.csv');
    const copy = new NumberedCopy(path);
    expect(copy.add(Buffer.from('a,b\n1,2\n'))).toBe(true);
    expect(copy.add(Buffer.from('"x\ny",2\n'))).toBe(false);
    copy.abandon();
    expect(existsSync(path)).toBe(false);
  });
});

describe('copyRange', () => {
  it('copies a file in two parts that together give every line its number', () => {
    // Each part spans more than one read block.
    const text = sourceText(50_000);
    const source = join(dir, 'source.csv');
    writeFileSync(source, text);
    const size = Buffer.byteLength(text);
    const cut = lineBoundaryAfter(source, Math.floor(size / 2), size)!;
    const header = 'event_time,event_type,product_id';
    expect(copyRange(source, 0, cut, join(dir, 'p1.csv'))).toEqual({ quoted: false });
    expect(copyRange(source, cut, size, join(dir, 'p2.csv'), header)).toEqual({ quoted: false });
    const first = Buffer.from(text).subarray(0, cut).toString();
    const second = Buffer.from(text).subarray(cut).toString();
    expect(readFileSync(join(dir, 'p1.csv'), 'utf8')).toBe(numbered(first, 1));
    expect(readFileSync(join(dir, 'p2.csv'), 'utf8')).toBe(numbered(second, 1, header));
  });

  it('reports a quote and leaves no copy behind', () => {
    const source = join(dir, 'quoted-source.csv');
    writeFileSync(source, 'a,b\n1,"2"\n');
    const out = join(dir, 'quoted-out.csv');
    expect(copyRange(source, 0, 10, out)).toEqual({ quoted: true });
    expect(existsSync(out)).toBe(false);
  });

  it('names the problem when the file is shorter than the range asked for', () => {
    const source = join(dir, 'short.csv');
    writeFileSync(source, 'a,b\n1,2\n');
    const out = join(dir, 'short-out.csv');
    expect(() => copyRange(source, 0, 100, out)).toThrow(/ended at byte 8, before byte 100/);
    expect(existsSync(out)).toBe(false);
  });
});
