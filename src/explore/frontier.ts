/**
 * @module explore/frontier: the breadth-first queue of states still to expand, packed. Each
 * entry is a record of 32-bit words (the explorer's node header and the stored state,
 * explore/stored.ts) kept as bytes (base/packed-words) in one growing buffer, first in first
 * out: no object per queued state, so a queued state costs its packed bytes and nothing else.
 *
 * A record is stored as its difference from the record pushed before it (word by word, modulo
 * 2^32; words past the shorter one as they are): records queued one after the other are mostly
 * siblings, children of one state that differ from each other in a few words, so the
 * difference is long runs of zeros, which the packing stores in a few bytes. shift() adds the
 * record it returned before, since it takes the records in the order push() took them.
 *
 * Contract: shift() returns the records in the order push() took them, each word for word.
 */
import { decodeWords, encodeWords, maxEncodedBytes } from '../base/index.ts';

/** Bytes of one chunk of the queue's storage (a record larger than that gets a chunk of its own size). */
const CHUNK = 1 << 20;

interface Chunk {
  b: Uint8Array;
  /** Bytes written. */
  end: number;
}

export class Frontier {
  /** The storage: chunks, oldest first; records never straddle two. */
  private chunks: Chunk[] = [];
  /** Offset of the oldest record in chunks[0]. */
  private head = 0;
  private count = 0;
  private held = 0;
  /** Bytes of chunks held at most. */
  peakBytes = 0;
  /** A chunk emptied by shift(), kept for the next one push() needs. */
  private spare: Uint8Array | null = null;
  /** The last record pushed, and the last one shifted (the bases of the differences). */
  private lastIn = new Int32Array(256);
  private lastInLen = 0;
  private lastOut = new Int32Array(256);
  private lastOutLen = 0;
  private diff = new Int32Array(256);

  get length(): number {
    return this.count;
  }

  /** Queue words[at, at + n). */
  push(words: Int32Array, n: number, at = 0): void {
    const need = maxEncodedBytes(n) + 4;
    let c = this.chunks[this.chunks.length - 1];
    if (!c || c.end + need > c.b.length) {
      let b = this.spare && this.spare.length >= need ? this.spare : null;
      this.spare = null;
      b ??= new Uint8Array(Math.max(CHUNK, need));
      c = { b, end: 0 };
      this.chunks.push(c);
      this.held += b.length;
      if (this.held > this.peakBytes) this.peakBytes = this.held;
    }
    if (n > this.maxWords) this.maxWords = n;
    if (this.diff.length < n) this.diff = new Int32Array(n * 2);
    if (this.lastIn.length < n) this.lastIn = new Int32Array(n * 2);
    const d = this.diff;
    const last = this.lastIn;
    const m = Math.min(n, this.lastInLen);
    for (let i = 0; i < m; i++) d[i] = (words[at + i] - last[i]) | 0;
    for (let i = m; i < n; i++) d[i] = words[at + i];
    last.set(words.subarray(at, at + n));
    this.lastInLen = n;
    // A 4-byte length, then the encoded words.
    const b = c.b;
    const t = c.end;
    const end = encodeWords(d, n, b, t + 4);
    const len = end - t - 4;
    b[t] = len & 255;
    b[t + 1] = (len >>> 8) & 255;
    b[t + 2] = (len >>> 16) & 255;
    b[t + 3] = len >>> 24;
    c.end = end;
    this.count++;
  }

  /** Words of the longest record pushed: shift() needs that much room. */
  maxWords = 0;

  /** Take the oldest record into `words` from index `at` (room for maxWords words there); returns its length in words. The queue must not be empty. */
  shift(words: Int32Array, at = 0): number {
    const c = this.chunks[0];
    const b = c.b;
    const h = this.head;
    const len = b[h] | (b[h + 1] << 8) | (b[h + 2] << 16) | (b[h + 3] << 24);
    const n = decodeWords(b, h + 4, h + 4 + len, words, at);
    const last = this.lastOut;
    const m = Math.min(n, this.lastOutLen);
    for (let i = 0; i < m; i++) words[at + i] = (words[at + i] + last[i]) | 0;
    if (last.length < n) this.lastOut = new Int32Array(n * 2);
    this.lastOut.set(words.subarray(at, at + n));
    this.lastOutLen = n;
    this.head = h + 4 + len;
    this.count--;
    if (this.head === c.end && (this.chunks.length > 1 || this.count === 0)) {
      // The oldest chunk is used up: free it (keep one for reuse).
      this.chunks.shift();
      this.held -= b.length;
      this.spare = b;
      this.head = 0;
    }
    return n;
  }

  /** Bytes the queued records take now. */
  get bytes(): number {
    let s = 0;
    for (const c of this.chunks) s += c.end;
    return s - this.head;
  }
}
