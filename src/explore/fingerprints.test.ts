import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FingerprintTable, collisionProbability } from './fingerprints.ts';

const MAX_KEY = 2 ** 53 - 1;

describe('FingerprintTable', () => {
  it('inserts, finds and updates 53-bit keys, 0 and 2^53-1 included', () => {
    const t = new FingerprintTable();
    expect(t.indexOf(0)).toBe(-1);
    expect(t.get(MAX_KEY)).toBeUndefined();
    const a = t.insert(0, 7);
    const b = t.insert(MAX_KEY, -3);
    t.insert(2 ** 32, 1);
    t.insert(2 ** 32 + 1, 2);
    expect(t.size).toBe(4);
    expect(t.indexOf(0)).toBe(a);
    expect(t.value(t.indexOf(MAX_KEY))).toBe(-3);
    expect(t.indexOf(MAX_KEY)).toBe(b);
    t.setValue(a, 0x7fffffff);
    expect(t.get(0)).toBe(0x7fffffff);
    expect(t.get(2 ** 32)).toBe(1);
    expect(t.get(2 ** 32 + 1)).toBe(2);
    expect(t.has(1)).toBe(false);
    t.set(1, 5);
    t.set(1, 6);
    expect(t.get(1)).toBe(6);
    expect(t.size).toBe(5);
  });

  it('grows by doubling, keeping every key and value; bytes follow the capacity', () => {
    const t = new FingerprintTable(16);
    expect(t.capacity).toBe(16);
    expect(t.bytes).toBe(16 * 12);
    const n = 100_000;
    // Keys that share their low 32 bits (and others that share the high ones): the home slot must mix both halves.
    const key = (i: number) => (i % 2 ? (i * 2 ** 32) % 2 ** 53 : i * 7919 + 2 ** 40);
    for (let i = 0; i < n; i++) t.insert(key(i), i);
    expect(t.size).toBe(n);
    expect(t.capacity).toBeGreaterThanOrEqual(n / 0.75);
    expect(t.capacity).toBeLessThan((2 * n) / 0.75);
    expect(t.bytes).toBe(t.capacity * 12);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (t.get(key(i)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(t.indexOf(3)).toBe(-1);
    expect([...t.entries()].length).toBe(n);
  });

  it('behaves like a Map (fast-check)', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.maxSafeNat().map((x) => x % 2 ** 53));
    const op = fc.oneof(
      fc.record({ t: fc.constant('insert' as const), k: key, v: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
      fc.record({ t: fc.constant('get' as const), k: key }),
      fc.record({ t: fc.constant('setValue' as const), k: key, v: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (ops, cap) => {
        const t = new FingerprintTable(cap);
        const m = new Map<number, number>();
        for (const o of ops) {
          const slot = t.indexOf(o.k);
          expect(slot === -1).toBe(!m.has(o.k));
          if (o.t === 'insert') {
            if (slot === -1) {
              const s = t.insert(o.k, o.v);
              m.set(o.k, o.v);
              expect(t.value(s)).toBe(o.v);
            }
          } else if (o.t === 'setValue') {
            if (slot !== -1) {
              t.setValue(slot, o.v);
              m.set(o.k, o.v);
            }
          } else expect(t.get(o.k)).toBe(m.get(o.k));
          expect(t.size).toBe(m.size);
        }
        for (const [k, v] of m) expect(t.get(k)).toBe(v);
        expect(new Map(t.entries())).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('collision probability: n²/2^54 for small n²/2^54, 0 for one state', () => {
    expect(collisionProbability(0)).toBe(0);
    expect(collisionProbability(1)).toBe(0);
    expect(collisionProbability(1e6) / (1e12 / 2 ** 54)).toBeCloseTo(1, 4);
    expect(collisionProbability(1e6)).toBeCloseTo(5.55e-5, 6);
    expect(collisionProbability(1e9)).toBeGreaterThan(0.05);
    expect(collisionProbability(1e12)).toBe(1);
  });
});
