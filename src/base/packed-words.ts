/**
 * @module base/packed-words: a byte encoding of 32-bit integer words for records that are
 * mostly small numbers with long runs of one value (the explorer's stored states: register
 * slots of one class hold the same code). Each word is zigzag-coded (0, -1, 1, -2, … → 0, 1,
 * 2, 3, …) and written as a little-endian base-128 varint, shifted left by one: bit 0 clear is
 * one word; bit 0 set is a run — the word, then a varint count (≥ 3) of how many times it
 * repeats. A word of -32..31 that is not part of a run costs one byte.
 *
 * Contract: decodeWords(encodeWords(w)) === w for every Int32 sequence; the encoder writes at
 * most 6 bytes a word (so `maxEncodedBytes` is a safe capacity).
 */

/** Bytes encodeWords may write for n words, at most. */
export function maxEncodedBytes(n: number): number {
  return n * 6 + 1;
}

function putVarint(out: Uint8Array, at: number, x: number): number {
  // x is a non-negative integer below 2^33 (a zigzag-coded word shifted left by one).
  while (x >= 128) {
    out[at++] = (x % 128) | 128;
    x = Math.floor(x / 128);
  }
  out[at++] = x;
  return at;
}

const zig = (w: number): number => (w >= 0 ? w * 2 : -w * 2 - 1);
const unzig = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/**
 * Encode words[0, n) into `out` from byte `at`; returns the byte offset after the last byte.
 * `out` must have room for maxEncodedBytes(n) bytes from `at`.
 */
export function encodeWords(words: Int32Array, n: number, out: Uint8Array, at: number): number {
  let i = 0;
  while (i < n) {
    const w = words[i];
    let j = i + 1;
    while (j < n && words[j] === w) j++;
    const run = j - i;
    if (run >= 3) {
      at = putVarint(out, at, zig(w) * 2 + 1);
      at = putVarint(out, at, run);
      i = j;
    } else {
      at = putVarint(out, at, zig(w) * 2);
      i++;
    }
  }
  return at;
}

/**
 * Decode the bytes [at, end) of `src` (written by encodeWords) into `words` from index `to`;
 * returns the number of words. `words` must be long enough (the caller knows its record size).
 */
export function decodeWords(src: Uint8Array, at: number, end: number, words: Int32Array, to = 0): number {
  let n = to;
  while (at < end) {
    let x = 0;
    let scale = 1;
    let b: number;
    do {
      b = src[at++];
      x += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    const w = unzig(Math.floor(x / 2));
    if (x % 2 === 0) {
      words[n++] = w;
      continue;
    }
    let run = 0;
    scale = 1;
    do {
      b = src[at++];
      run += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    words.fill(w, n, n + run);
    n += run;
  }
  return n - to;
}
