import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Frontier } from './frontier.ts';

describe('Frontier', () => {
  it('gives records back first in, first out, word for word, through growth and compaction', () => {
    // Pushes and shifts interleaved at random, against an array of arrays.
    const op = fc.oneof(fc.array(fc.integer({ min: -5, max: 5000 }), { maxLength: 2000 }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const f = new Frontier();
        const model: number[][] = [];
        const buf = new Int32Array(2000);
        for (const o of ops) {
          if (o) {
            f.push(Int32Array.from(o), o.length);
            model.push(o);
          } else if (model.length) {
            const n = f.shift(buf);
            expect(Array.from(buf.subarray(0, n))).toEqual(model.shift());
          }
          expect(f.length).toBe(model.length);
        }
        while (model.length) {
          const n = f.shift(buf);
          expect(Array.from(buf.subarray(0, n))).toEqual(model.shift());
        }
        expect(f.bytes).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a queue of many records in little more than their packed bytes', () => {
    const f = new Frontier();
    const rec = new Int32Array(600).fill(7); // one long run: a few bytes
    for (let i = 0; i < 100_000; i++) {
      rec[0] = i;
      f.push(rec, rec.length);
    }
    expect(f.length).toBe(100_000);
    expect(f.bytes).toBeLessThan(100_000 * 12);
    const out = new Int32Array(600);
    for (let i = 0; i < 100_000; i++) {
      f.shift(out);
      expect(out[0]).toBe(i);
    }
  });
});
