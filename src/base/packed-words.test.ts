import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeWords, encodeWords, maxEncodedBytes } from './packed-words.ts';

const roundTrip = (xs: number[]): number[] => {
  const w = Int32Array.from(xs);
  const out = new Uint8Array(maxEncodedBytes(w.length));
  const end = encodeWords(w, w.length, out, 0);
  expect(end).toBeLessThanOrEqual(out.length);
  const back = new Int32Array(w.length);
  expect(decodeWords(out, 0, end, back)).toBe(w.length);
  return Array.from(back);
};

describe('packed words', () => {
  it('gives back every Int32 sequence, runs and extremes included', () => {
    const word = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -3, max: 70 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, -1, 63, 64));
    // Runs: a word repeated 1..40 times, so that runs of 1, 2, 3 and more all occur.
    const runs = fc.array(fc.tuple(word, fc.integer({ min: 1, max: 40 })), { maxLength: 30 }).map((rs) => rs.flatMap(([x, k]) => Array<number>(k).fill(x)));
    fc.assert(fc.property(runs, (xs) => {
      expect(roundTrip(xs)).toEqual(xs);
    }), { numRuns: 400 });
  });

  it('costs a byte for a small word and a few for a run of any length', () => {
    const out = new Uint8Array(64);
    expect(encodeWords(Int32Array.from([5, -7, 31, -32]), 4, out, 0)).toBe(4);
    expect(encodeWords(new Int32Array(1000).fill(2), 1000, out, 0)).toBe(3); // the word, then 1000 in two bytes
    expect(encodeWords(Int32Array.from([9, 9]), 2, out, 0)).toBe(2); // two equal words are not a run
  });

  it('decodes at an offset and stops at the end given', () => {
    const w = Int32Array.from([1, 2, 3, 3, 3, 3, -100000]);
    const out = new Uint8Array(maxEncodedBytes(w.length) + 10);
    const end = encodeWords(w, w.length, out, 10);
    const back = new Int32Array(7);
    expect(decodeWords(out, 10, end, back)).toBe(7);
    expect(Array.from(back)).toEqual(Array.from(w));
  });
});
