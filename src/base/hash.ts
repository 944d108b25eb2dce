/** @module base/hash: FNV-1a over numbers, for canonical state hashing and golden checks. */

export class Fnv {
  h = 0x811c9dc5;
  /** Mix one 32-bit integer. */
  u32(v: number): this {
    let h = this.h;
    for (let i = 0; i < 4; i++) {
      h ^= (v >>> (i * 8)) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
    this.h = h >>> 0;
    return this;
  }
  num(v: number): this {
    // Doubles (clocks) are mixed through their integer and fractional parts.
    return this.u32(Math.floor(v) | 0).u32(Math.floor(v / 4294967296) | 0);
  }
  str(s: string): this {
    for (let i = 0; i < s.length; i++) this.u32(s.charCodeAt(i));
    return this;
  }
  arr(a: ArrayLike<number>): this {
    this.u32(a.length);
    for (let i = 0; i < a.length; i++) this.u32(a[i]);
    return this;
  }
  hex(): string {
    return this.h.toString(16).padStart(8, '0');
  }
}
