/**
 * The scaling rule passes through both real points and stays possible on tiny files; the
 * seeded random helpers are deterministic and draw what their tables say.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../../src/generate/assets.js';
import { buildAlias, drawAlias, Rng } from '../../src/generate/rng.js';
import { scalingExponents, targetsFor } from '../../src/generate/scale.js';

describe('targetsFor', () => {
  it('gives the real month its real counts', () => {
    const ref = reference();
    const t = targetsFor(ref.rows);
    expect(t.users).toBe(ref.distinct.users);
    expect(t.sessions).toBe(ref.distinct.sessions);
    expect(t.products).toBe(ref.distinct.products);
    expect(t.categoryIds).toBe(ref.distinct.categoryIds);
    expect(t.brands).toBe(ref.distinct.brands);
    expect(t.purchases).toBe(ref.eventTypes.purchase);
    expect(t.carts).toBe(ref.eventTypes.cart);
    expect(t.duplicates).toBe(ref.duplicateLines);
    expect(t.nullSessionRows).toBe(ref.nulls.userSession);
    expect(t.buyers).toBe(ref.buyers);
    expect(t.purchaseSessions).toBe(ref.purchaseSessions);
  });

  it('gives the real head its real counts', () => {
    const t = targetsFor(17434);
    expect([t.users, t.sessions, t.products, t.categoryIds, t.brands]).toEqual([4504, 5066, 6493, 434, 864]);
  });

  it('has the documented exponents', () => {
    const a = scalingExponents();
    expect(a.users).toBeCloseTo(0.835, 3);
    expect(a.sessions).toBeCloseTo(0.963, 3);
    expect(a.products).toBeCloseTo(0.416, 3);
    expect(a.categoryIds).toBeCloseTo(0.047, 3);
    expect(a.brands).toBeCloseTo(0.177, 3);
  });

  it('clamps tiny files so every count stays possible', () => {
    for (const n of [100, 500, 2000]) {
      const t = targetsFor(n);
      expect(t.sessions).toBeLessThanOrEqual(n / 1.2);
      expect(t.users).toBeLessThanOrEqual(t.sessions);
      expect(t.products).toBeLessThanOrEqual(0.4 * n);
      expect(t.categoryIds).toBeLessThanOrEqual(t.products);
      expect(t.buyers).toBeLessThanOrEqual(t.purchaseSessions);
    }
  });
});

describe('Rng and alias tables', () => {
  it('repeats a stream for the same seed and stream number', () => {
    const a = new Rng(5, 9);
    const b = new Rng(0).reset(5, 9);
    const c = new Rng(5, 10);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).not.toEqual(Array.from({ length: 5 }, () => c.u32()));
    expect(xs).toEqual(Array.from({ length: 5 }, ((r) => () => r.u32())(new Rng(5, 9))));
  });

  it('draws from an alias table in proportion to its weights', () => {
    const table = buildAlias([1, 0, 3, 6]);
    const rng = new Rng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[drawAlias(table, rng)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / 100_000).toBeCloseTo(0.1, 1);
    expect(counts[2]! / 100_000).toBeCloseTo(0.3, 1);
    expect(counts[3]! / 100_000).toBeCloseTo(0.6, 1);
  });
});
