// The dashboard's number formatting and CSV export text (web/lib), which every page and export uses.
import { describe, expect, it } from 'vitest';
import { bytes, change, compact, duration, integer, money, ms, pct } from '../../web/lib/format.js';
import { tableOf, toCsv, slug } from '../../web/lib/csv.js';

describe('numbers for people', () => {
  it('compacts counts with K, M, B', () => {
    expect(compact(950)).toBe('950');
    expect(compact(1234)).toBe('1.2K');
    expect(compact(1_200_000)).toBe('1.2M');
    expect(compact(42_400_000)).toBe('42.4M');
    expect(compact(123_456)).toBe('123K');
    expect(compact(3_000_000_000)).toBe('3B');
    expect(compact(0.5)).toBe('0.5');
    expect(compact(null)).toBe('–');
    expect(compact('12000')).toBe('12K');
  });

  it('formats money, percentages and changes', () => {
    expect(money(3400)).toBe('$3.4K');
    expect(money(12.5)).toBe('$12.50');
    expect(money(-1500)).toBe('-$1.5K');
    expect(pct(0.125)).toBe('12.5%');
    expect(pct(1)).toBe('100.0%');
    expect(change(0.034)).toBe('+3.4%');
    expect(change(-0.2)).toBe('-20.0%');
    expect(pct(undefined)).toBe('–');
  });

  it('formats sizes, durations and whole numbers', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(5.5 * 1024 ** 3)).toBe('5.5 GB');
    expect(ms(4.25)).toBe('4.3 ms');
    expect(ms(1500)).toBe('1.5 s');
    expect(duration(95)).toBe('1m 35s');
    expect(duration(7300)).toBe('2h 2m');
    expect(integer(1234567)).toBe('1,234,567');
  });
});

describe('CSV export', () => {
  it('quotes fields with commas, quotes and newlines', () => {
    const csv = toCsv({ columns: ['name', 'value'], rows: [['a,b', 1], ['say "hi"', null], ['two\nlines', 2.5]] });
    expect(csv).toBe('name,value\n"a,b",1\n"say ""hi""",\n"two\nlines",2.5\n');
  });

  it('takes columns from row objects in the given order', () => {
    expect(tableOf([{ a: 1, b: 'x' }], ['b', 'a'])).toEqual({ columns: ['b', 'a'], rows: [['x', 1]] });
    expect(slug('Daily revenue & events')).toBe('daily-revenue-events');
  });
});
