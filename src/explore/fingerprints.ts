/**
 * @module explore/fingerprints: the explorer's visited set — an open-addressing hash table of
 * 53-bit integer keys, each with one 32-bit integer value, in flat typed arrays.
 *
 * Why. A JS Map entry costs some 40–80 bytes; this table costs 12 bytes a slot (a Float64Array
 * key, an Int32Array value), between 1/LOAD and 2/LOAD slots a key: 16–32 bytes a state,
 * whatever the count (a Map of the same keys plus the sleep sets' Map measured 83–108). The keys are canon.key's 53-bit hashes of the canonical state (explore/canon.ts), so
 * the table stores no state at all: it is SPIN's hash-compact mode (Holzmann, "hashcompact"),
 * not its bitstate mode — each key is kept exactly, and only two distinct states whose 53-bit
 * hashes are equal are confused (the later one is then taken as visited and not explored). For
 * n states that happens with probability 1 - exp(-n(n-1)/2⁵⁴) ≈ n²/2⁵⁴: 5.6·10⁻⁵ at a million,
 * 5.6·10⁻³ at ten million (collisionProbability below; the explorer reports it).
 *
 * Contract.
 * - Keys are integers 0 ≤ key < 2⁵³ (JS numbers; canon.key's range). Anything else is a caller
 *   bug; it is not checked on the hot path (an assertion in `insert` would cost a branch a state).
 * - Values are 32-bit signed integers (Int32Array): the caller's (the sleep-set word, a liveness
 *   node, an index into a side array). A value written outside that range is truncated (ToInt32).
 * - `indexOf(key)` is the slot holding key, or -1; `value(slot)` / `setValue(slot, v)` read and
 *   write it. A slot stays valid until the next `insert` (which may grow and rehash the table);
 *   none of these allocate.
 * - `insert(key, v)` adds a key not in the table (inserting one already there is a caller bug:
 *   it would be stored twice) and returns its slot. `set(key, v)` inserts or overwrites.
 * - Linear probing, the table doubling when more than LOAD of its slots would be full; keys are
 *   never removed. `size` counts keys, `bytes` is what the arrays hold.
 */

/** Empty slot marker (keys are non-negative). */
const EMPTY = -1;
/** Grow by doubling once size would exceed this fraction of the capacity (0.75 measured as fast as 0.5 on the explorer: a probe costs far less than a state). */
const LOAD = 0.75;
const TWO32 = 4294967296;

/** A 53-bit key's two halves mixed into 32 bits, for a slot (canon.key's low bits are good already; arbitrary keys need not be). */
export function mixKey(key: number): number {
  const lo = key >>> 0;
  const hi = (key / TWO32) >>> 0;
  const h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}

/** Probability that n distinct states include two with equal 53-bit keys: 1 - exp(-n(n-1)/2⁵⁴). */
export function collisionProbability(n: number, keyBits = 53): number {
  return n < 2 ? 0 : -Math.expm1(-(n * (n - 1)) / 2 ** (keyBits + 1));
}

export class FingerprintTable {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private limit: number;
  size = 0;

  /** `capacity`: initial slots, rounded up to a power of two (at least 16); `load`: the growth threshold (default LOAD). */
  constructor(capacity = 1024, readonly load = LOAD) {
    let c = 16;
    while (c < capacity) c *= 2;
    this.keys = new Float64Array(c).fill(EMPTY);
    this.vals = new Int32Array(c);
    this.mask = c - 1;
    this.limit = Math.floor(c * load);
  }

  /** Slots (a power of two). */
  get capacity(): number {
    return this.keys.length;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }

  /** Home slot of a key. */
  private home(key: number): number {
    return mixKey(key) & this.mask;
  }

  /** The slot holding key, or -1. */
  indexOf(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  has(key: number): boolean {
    return this.indexOf(key) !== -1;
  }

  /** The value at key, or undefined when key is absent. */
  get(key: number): number | undefined {
    const i = this.indexOf(key);
    return i === -1 ? undefined : this.vals[i];
  }

  value(slot: number): number {
    return this.vals[slot];
  }

  setValue(slot: number, v: number): void {
    this.vals[slot] = v;
  }

  /** Add a key not yet in the table, with value v; returns its slot (valid until the next insert). */
  insert(key: number, v: number): number {
    if (this.size >= this.limit) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    while (keys[i] !== EMPTY) i = (i + 1) & mask;
    keys[i] = key;
    this.vals[i] = v;
    this.size++;
    return i;
  }

  /** Insert or overwrite; returns the slot. */
  set(key: number, v: number): number {
    const i = this.indexOf(key);
    if (i === -1) return this.insert(key, v);
    this.vals[i] = v;
    return i;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const c = oldKeys.length * 2;
    const keys = new Float64Array(c).fill(EMPTY);
    const vals = new Int32Array(c);
    this.keys = keys;
    this.vals = vals;
    this.mask = c - 1;
    this.limit = Math.floor(c * this.load);
    const mask = this.mask;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === EMPTY) continue;
      let i = this.home(k);
      while (keys[i] !== EMPTY) i = (i + 1) & mask;
      keys[i] = k;
      vals[i] = oldVals[j];
    }
  }

  /** Every key and its value, in slot order (tests, diagnostics). */
  *entries(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== EMPTY) yield [this.keys[i], this.vals[i]];
  }
}
