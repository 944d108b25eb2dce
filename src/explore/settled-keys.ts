/**
 * @module explore/settled-keys: a lossy set of keys the search has settled — visited for good,
 * never to be queued again (explorer.ts `known`) — held by an expander in another thread, so that
 * it skips encoding the record of a successor the search would drop (explore/expand.ts
 * Expander.known). Direct-mapped: a key overwrites whatever shared its slot, so a lookup may
 * miss a settled key (the record is then encoded, and dropped by the search: only time lost) but
 * never finds one that was not added. Its size is fixed (8 bytes a slot) whatever the search's.
 */
import { mixKey } from './fingerprints.ts';

const EMPTY = -1;

export class SettledKeys {
  private readonly keys: Float64Array;
  private readonly mask: number;

  /** `bits`: log2 of the slots (default 2^20: 8 MB). */
  constructor(bits = 20) {
    this.keys = new Float64Array(1 << bits).fill(EMPTY);
    this.mask = (1 << bits) - 1;
  }

  private slot(key: number): number {
    return mixKey(key) & this.mask;
  }

  /** Keys are canon.key's: integers 0 ≤ key < 2^53. */
  add(key: number): void {
    this.keys[this.slot(key)] = key;
  }

  addAll(keys: Float64Array): void {
    for (let i = 0; i < keys.length; i++) this.keys[this.slot(keys[i])] = keys[i];
  }

  /** True only for a key added (and not overwritten since). */
  has(key: number): boolean {
    return this.keys[this.slot(key)] === key;
  }
}
