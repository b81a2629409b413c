/**
 * Exact numbers for data skipping: the stats JSON parse keeps number tokens a double would round
 * as their text (and leaves strings alone), and decimals compare exactly whatever their notation.
 */
import { describe, expect, it } from 'vitest';
import { compareDecimal, exactDecimal, exactInteger, parseJsonExact } from '../../src/delta/exact-number.js';

describe('parseJsonExact', () => {
  it('keeps big integers and long decimals as text, small numbers as numbers', () => {
    const text = '{"numRecords":3,"minValues":{"id":2053013555631882655,"d":-12345678901234567890.01,"x":0.5,"e":1.5e3,"n":{"k":-9007199254740993}},"maxValues":{},"nullCount":{"id":0}}';
    expect(parseJsonExact(text)).toEqual({
      numRecords: 3,
      minValues: { id: '2053013555631882655', d: '-12345678901234567890.01', x: 0.5, e: 1500, n: { k: '-9007199254740993' } },
      maxValues: {},
      nullCount: { id: 0 },
    });
    expect(parseJsonExact('[9007199254740991, 9007199254740992]')).toEqual([9007199254740991, '9007199254740992']);
  });

  it('never touches digits inside strings, escaped quotes included', () => {
    const value = { s: 'a"2053013555631882655\\', t: '12345678901234567890', u: 'x' };
    expect(parseJsonExact(JSON.stringify(value))).toEqual(value);
  });

  it('rejects malformed JSON as JSON.parse does', () => {
    expect(() => parseJsonExact('{"a":')).toThrow(SyntaxError);
  });
});

describe('exact integers and decimals', () => {
  it('reads integers from text, numbers and bigints; refuses fractions', () => {
    expect(exactInteger('2053013555631882655')).toBe(2053013555631882655n);
    expect(exactInteger(' -7 ')).toBe(-7n);
    expect(exactInteger('2021.0')).toBe(2021n);
    expect(exactInteger(42)).toBe(42n);
    expect(exactInteger(5n)).toBe(5n);
    expect(exactInteger('2.5')).toBeUndefined();
    expect(exactInteger(2.5)).toBeUndefined();
    expect(exactInteger('abc')).toBeUndefined();
  });

  it('orders decimals exactly across scales, signs and exponents', () => {
    const cmp = (a: string, b: string) => compareDecimal(exactDecimal(a)!, exactDecimal(b)!);
    expect(cmp('12345678901234567890.01', '12345678901234567890.02')).toBe(-1);
    expect(cmp('1.50', '1.5')).toBe(0);
    expect(cmp('1.5e3', '1500')).toBe(0);
    expect(cmp('-0.001', '0')).toBe(-1);
    expect(cmp('2E-2', '.02')).toBe(0);
    expect(cmp('-12345678901234567890.02', '-12345678901234567890.01')).toBe(-1);
    expect(exactDecimal('.')).toBeUndefined();
    expect(exactDecimal('1.2.3')).toBeUndefined();
    expect(exactDecimal(Number.NaN)).toBeUndefined();
    expect(exactDecimal(0.1)).toEqual({ units: 1n, scale: 1 });
  });
});
