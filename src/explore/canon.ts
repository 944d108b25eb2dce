/**
 * @module explore/canon: the visited-set key of a state — its canonical encoding
 * (canonicalWords in sim/step.ts: time and concrete token values abstracted away), minimised
 * over a symmetry group when symmetry reduction is on, hashed to 53 bits.
 *
 * Symmetry (README "Exploring every interleaving"): renaming the guest vcpus of one domain
 * among themselves (they share the profile, weight and cap; nothing in the model reads a vcpu's
 * id other than to index it) and, with two pcpus, swapping the pcpus (with their idle vcpus)
 * maps every run to a run, choices renamed alike, with the same violations. It is sound only
 * where every policy decision is equivariant under the renaming: the rr scheduler qualifies
 * (FIFO runqueues; with two pcpus its only peer is "the other one"; its state is runqueues of
 * ids that can be renamed). Credit keeps per-vcpu arrays and walks pcpus in id order, so with
 * any other scheduler, or more than two pcpus, the pcpu half (or all) of the group is off.
 *
 * The key is a 53-bit hash of the lexicographically least encoding over the group: a hash
 * compaction (SPIN's "hashcompact"). Two distinct canonical states collide with probability
 * about n²/2⁵⁴ — below 10⁻⁴ for a million states.
 */
import type { HvState } from '../hv/index.ts';
import { WORD_AFFINITY, WORD_IPI, WORD_PCPU, WORD_SLOT, WORD_VCPU, WordBuf, canonicalWords, hashWords, identityRenaming, renamableSchedData, type Renaming } from '../sim/index.ts';

export interface Canon {
  /** The renamings tried (the identity first). */
  readonly group: Renaming[];
  /** Key of a state, and the index (into group) of the renaming that gave the least encoding. */
  key(st: HvState): number;
  lastPerm: number;
  /** How many renamings gave that least encoding (more than 1: the state is symmetric to itself). */
  lastTies: number;
}

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: number[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

/** The symmetry group of a state's configuration (identity only when `symmetry` is false or unsound). */
export function symmetryGroup(st: HvState, symmetry: boolean): Renaming[] {
  const id = identityRenaming(st);
  if (!symmetry || !renamableSchedData(st)) return [id];
  const P = st.pcpus.length;
  const V = st.vcpus.length;
  const pPerms = P === 2 ? [[0, 1], [1, 0]] : [Array.from({ length: P }, (_, i) => i)];
  const classes: number[][] = st.domains.map((d) => d.vcpus.slice());
  let vPerms: number[][] = [Array.from({ length: V }, (_, i) => i)];
  for (const cls of classes) {
    const next: number[][] = [];
    for (const base of vPerms) {
      for (const perm of permutations(cls)) {
        const m = base.slice();
        cls.forEach((v, i) => (m[v] = perm[i]));
        next.push(m);
      }
    }
    vPerms = next;
  }
  const group: Renaming[] = [];
  for (const pp of pPerms) {
    for (const vp of vPerms) {
      const v = Int32Array.from(vp);
      for (let q = 0; q < P; q++) v[q] = pp[q]; // idle vcpu q belongs to pcpu q
      const p = Int32Array.from(pp);
      const pInv = new Int32Array(P);
      p.forEach((n, o) => (pInv[n] = o));
      const vInv = new Int32Array(V);
      v.forEach((n, o) => (vInv[n] = o));
      group.push({ p, pInv, v, vInv });
    }
  }
  // Identity first.
  group.sort((a, b) => Number(!isIdentity(a)) - Number(!isIdentity(b)));
  return group.length ? group : [id];
}

function isIdentity(r: Renaming): boolean {
  return r.p.every((x, i) => x === i) && r.v.every((x, i) => x === i);
}

/** Word `w` of kind `k`, renamed by g: the same word canonicalWords writes under g. */
function renameWord(w: number, k: number, g: Renaming): number {
  if (w < 0) return w;
  switch (k) {
    case WORD_VCPU:
      return g.v[w];
    case WORD_PCPU:
      return g.p[w];
    case WORD_SLOT: {
      const code = w >> 7;
      if (code >= 100) return (100 + g.v[code - 100]) * 128 + (w & 127);
      if (code >= 2) return (2 + g.p[code - 2]) * 128 + (w & 127);
      return w;
    }
    case WORD_AFFINITY: {
      let x = 0;
      for (let q = 0; q < g.p.length; q++) if ((w >>> q) & 1) x |= 1 << g.p[q];
      return x;
    }
    case WORD_IPI:
      return (w & ~63) + g.p[w & 63];
  }
  return w;
}

/**
 * The order in which the encoding under g lists the identity encoding's segments (marks
 * indices): pcpus by new id, vcpus by new id, then the runqueues by new pcpu id (or the one
 * scheduler segment). Written into `out`; returns its length.
 */
function segmentOrder(base: WordBuf, g: Renaming, out: Int32Array): number {
  const P = g.p.length;
  const V = g.v.length;
  let n = 0;
  for (let np = 0; np < P; np++) out[n++] = g.pInv[np];
  for (let nv = 0; nv < V; nv++) out[n++] = P + g.vInv[nv];
  if (base.marks.length === 2 * P + V + 1) for (let np = 0; np < P; np++) out[n++] = P + V + g.pInv[np];
  else out[n++] = -(P + V) - 1; // the whole tail from marks[P + V] to the end: one segment
  return n;
}

/** A cursor over the encoding under a renaming, derived word by word from the identity encoding. */
class RenamedCursor {
  order = new Int32Array(64);
  len = 0;
  seg = 0;
  i = 0;
  end = 0;
  g!: Renaming;
  base!: WordBuf;
  reset(base: WordBuf, g: Renaming): void {
    if (this.order.length < base.marks.length) this.order = new Int32Array(base.marks.length * 2);
    this.base = base;
    this.g = g;
    this.len = segmentOrder(base, g, this.order);
    this.seg = -1;
    this.i = 0;
    this.end = 0;
  }
  /** The next renamed word, or NaN at the end. */
  next(): number {
    while (this.i === this.end) {
      if (++this.seg === this.len) return NaN;
      const o = this.order[this.seg];
      const m = this.base.marks;
      if (o >= 0) {
        this.i = m[o];
        this.end = m[o + 1];
      } else {
        this.i = m[-o - 1];
        this.end = m[m.length - 1];
      }
    }
    const i = this.i++;
    return renameWord(this.base.a[i], this.base.k[i], this.g);
  }
}

/** The encoding of the state under g, derived from its identity encoding `base` (see WordBuf.marks): the words keyRenamed hashes, written down. */
export function renameEncoding(base: WordBuf, g: Renaming, dst: WordBuf): void {
  const order = new Int32Array(base.marks.length);
  const len = segmentOrder(base, g, order);
  const m = base.marks;
  dst.n = 0;
  for (let s = 0; s < len; s++) {
    const o = order[s];
    const to = o >= 0 ? m[o + 1] : m[m.length - 1];
    for (let i = o >= 0 ? m[o] : m[-o - 1]; i < to; i++) dst.push(renameWord(base.a[i], base.k[i], g), base.k[i]);
  }
}

/**
 * The key (hashWords folded to 53 bits, as `key` makes it) of the encoding under g, derived word
 * by word from the identity encoding `base` without writing it down: the same words
 * renameEncoding would write, in the same order, hashed as they come.
 */
function keyRenamed(base: WordBuf, g: Renaming, order: Int32Array): number {
  const len = segmentOrder(base, g, order);
  const m = base.marks;
  const a = base.a;
  const k = base.k;
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9 ^ base.n; // renaming keeps the length
  for (let s = 0; s < len; s++) {
    const o = order[s];
    const from = o >= 0 ? m[o] : m[-o - 1];
    const to = o >= 0 ? m[o + 1] : m[m.length - 1];
    for (let i = from; i < to; i++) {
      const x = renameWord(a[i], k[i], g);
      h1 = Math.imul(h1 ^ x, 0x01000193);
      h2 = Math.imul(h2 ^ x, 0x85ebca6b);
      h2 ^= h2 >>> 13;
    }
  }
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  return foldKey(h1 >>> 0, (h2 ^ (h2 >>> 16)) >>> 0);
}

/** Two 32-bit hashes as one 53-bit key. */
const foldKey = (h1: number, h2: number): number => h1 * 2097152 + (h2 >>> 11);

/** Compare the encodings of the same state under renamings a and b (lexicographically, shorter first on a tie): < 0, 0, > 0. */
function compareRenamed(base: WordBuf, a: Renaming, b: Renaming, ca: RenamedCursor, cb: RenamedCursor): number {
  ca.reset(base, a);
  cb.reset(base, b);
  for (;;) {
    const x = ca.next();
    const y = cb.next();
    if (x !== x || y !== y) return (x !== x ? 0 : 1) - (y !== y ? 0 : 1);
    if (x !== y) return x < y ? -1 : 1;
  }
}


export function makeCanon(st: HvState, symmetry: boolean): Canon {
  const group = symmetryGroup(st, symmetry);
  const base = new WordBuf();
  let order = new Int32Array(64);
  const ca = new RenamedCursor();
  const cb = new RenamedCursor();
  const c: Canon = {
    group,
    lastPerm: 0,
    lastTies: 1,
    key(s: HvState): number {
      let best = 0;
      let ties = 1;
      base.n = 0;
      canonicalWords(s, base, group[0]);
      // Each renamed encoding is compared with the best so far word by word, derived on the fly
      // from the identity one: most differ within the first few words, so they are never built.
      for (let g = 1; g < group.length; g++) {
        const d = compareRenamed(base, group[g], group[best], ca, cb);
        if (d < 0) {
          best = g;
          ties = 1;
        } else if (d === 0) ties++;
      }
      c.lastPerm = best;
      c.lastTies = ties;
      if (best !== 0) {
        if (order.length < base.marks.length) order = new Int32Array(base.marks.length * 2);
        return keyRenamed(base, group[best], order);
      }
      const [h1, h2] = hashWords(base.a, base.n);
      return foldKey(h1, h2);
    },
  };
  return c;
}
