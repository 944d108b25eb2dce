/**
 * @module hv/state/copy: copying a flat state. The buffer is copied with one `set` (or `slice`):
 * every scalar of every pcpu and vcpu and every register file at its home (hv/state/layout)
 * with it. What is left is object work: new accessor objects over the new buffer (a clone) and
 * the lists not in the buffer.
 *
 * Designs may move register-file views (a per-vcpu stack travels between its vcpu and the pcpu
 * running it; a design may keep two names for one region). A view is recognised as its
 * state's *home view* by identity (homesOf), so the common case reads no typed-array accessor
 * (byteOffset, length, buffer: polymorphic over four element types, they were a tenth of the
 * explorer's time); a moved view becomes the view of the copy's buffer at the same offset, and
 * one outside the buffer (a design's own allocation) a fresh copy.
 */
import { invariant } from '../../base/index.ts';
import { cloneCFrame, type CFrame } from '../../machine/index.ts';
import type { HvState, VcpuStack } from '../model.ts';
import { homeView, pcpuSlot, pcpuWords, vcpuSlot, vcpuWords, type StateLayout, type Typed } from './layout.ts';
import { FlatPcpu, FlatVcpu } from './views.ts';

type Homes = readonly (Typed | null)[];

/**
 * A buffer's home views, made once per buffer: the state's own views where they already sit at
 * home (so that its fields hit the fast path), new ones elsewhere.
 */
const homes = new WeakMap<ArrayBufferLike, Homes>();
export function homesOf(st: HvState, buf: ArrayBufferLike): Homes {
  let h = homes.get(buf);
  if (h) return h;
  const l = st.layout;
  invariant(buf.byteLength === l.bytes, 'homesOf: a buffer of another layout');
  const own = buf === st.buf ? typedSlots(st) : null;
  const out: (Typed | null)[] = [];
  for (let i = 0; i < l.offset.length; i++) {
    const a = own?.[i];
    if (l.offset[i] < 0) out.push(null);
    else if (a && a.buffer === buf && a.byteOffset === l.offset[i] && a.length === l.length[i] && a.constructor === l.kind[i]) out.push(a);
    else out.push(homeView(l, buf, i));
  }
  homes.set(buf, out);
  return out;
}

/** The home views of a new buffer of layout l (buildState lays a new state out with them). */
export function newHomes(l: StateLayout, buf: ArrayBufferLike): Homes {
  invariant(!homes.has(buf), 'newHomes: a buffer laid out twice');
  const out: (Typed | null)[] = [];
  for (let i = 0; i < l.offset.length; i++) out.push(homeView(l, buf, i));
  homes.set(buf, out);
  return out;
}

/** A state's typed arrays by home slot, null where a vcpu has no stack. */
export function typedSlots(st: HvState): (Typed | null)[] {
  const out: (Typed | null)[] = [];
  for (const p of st.pcpus) out.push(p.regs.val, p.regs.own, p.frame.val, p.frame.own, p.frameValid, p.loaded);
  for (const v of st.vcpus) {
    out.push(v.area.val, v.area.own, v.shadow);
    const k = v.stack;
    if (k) out.push(k.frame.val, k.frame.own, k.frameValid, k.ctx.val, k.ctx.own);
    else out.push(null, null, null, null, null);
  }
  return out;
}

// `s` as a view of `db` at its own offset when it lives in the buffer `sb`, else a fresh copy.
function view<T extends Typed>(s: T, sb: ArrayBufferLike, db: ArrayBufferLike): T {
  if (s.buffer !== sb) return s.slice() as T;
  const C = s.constructor as new (b: ArrayBufferLike, o: number, n: number) => T;
  return new C(db, s.byteOffset, s.length);
}

// The same, reusing `d` when it already is that view (nothing moved).
function into<T extends Typed>(d: T, s: T, db: ArrayBufferLike, sb: ArrayBufferLike): T {
  return s.buffer === sb && d.buffer === db && d.byteOffset === s.byteOffset && d.length === s.length && d.constructor === s.constructor ? d : view(s, sb, db);
}

/**
 * What field `s` of the source (home slot i) becomes in the copy, whose field holds `d` (null: a
 * new state): the copy's home view when `s` is the source's, else `into` / `view`.
 */
function pick<T extends Typed>(d: T | null, s: T, i: number, hd: Homes, hs: Homes, db: ArrayBufferLike, sb: ArrayBufferLike): T {
  if (s === hs[i]) return hd[i] as T;
  return d === null ? view(s, sb, db) : into(d, s, db, sb);
}

/** A vcpu's stack (home slots b + 3 ..) copied into `d` (null: a new one). */
function stackCopy(d: VcpuStack | null, s: VcpuStack, b: number, hd: Homes, hs: Homes, db: ArrayBufferLike, sb: ArrayBufferLike, frames: (f: CFrame[]) => CFrame[]): VcpuStack {
  const frame = { val: pick(d && d.frame.val, s.frame.val, b + 3, hd, hs, db, sb), own: pick(d && d.frame.own, s.frame.own, b + 4, hd, hs, db, sb) };
  const frameValid = pick(d && d.frameValid, s.frameValid, b + 5, hd, hs, db, sb);
  const ctx = { val: pick(d && d.ctx.val, s.ctx.val, b + 6, hd, hs, db, sb), own: pick(d && d.ctx.own, s.ctx.own, b + 7, hd, hs, db, sb) };
  if (!d) return { frame, frameValid, cframes: frames(s.cframes), ctx };
  d.frame.val = frame.val;
  d.frame.own = frame.own;
  d.frameValid = frameValid;
  d.cframes = copyArr(d.cframes, s.cframes);
  d.ctx.val = ctx.val;
  d.ctx.own = ctx.own;
  return d;
}

/** `d` made equal to `s` element by element (reused, not reallocated). */
export function copyArr<T>(d: T[], s: readonly T[]): T[] {
  const n = s.length;
  // Shorten only when longer (setting length is slow even when it does not change it); writing
  // at d.length appends, so d stays a packed array.
  if (d.length > n) d.length = n;
  for (let i = 0; i < n; i++) d[i] = s[i];
  return d;
}

const shareFrames = (f: CFrame[]) => f.slice();
const deepFrames = (f: CFrame[]) => f.map(cloneCFrame);

/**
 * The pcpus and vcpus of a copy of `st` over a copy of its buffer. `deep`: C frames are copied
 * too (cloneState); otherwise shared, as the explorer may (a C frame is never written after its
 * prologue). Pending IPI records are copied either way.
 */
export function cloneFlat(st: HvState, deep: boolean): { buf: ArrayBuffer; pcpus: FlatPcpu[]; vcpus: FlatVcpu[] } {
  const l = st.layout;
  const ob = st.buf;
  const nb = ob.slice(0);
  const ho = homesOf(st, ob);
  const hn = homesOf(st, nb);
  const frames = deep ? deepFrames : shareFrames;
  const P = st.pcpus.length;
  const pcpus = st.pcpus.map((p, i) => {
    const b = pcpuSlot(i);
    const w = pcpuWords(l, nb, i);
    return new FlatPcpu(
      i,
      w.i,
      w.f,
      { val: pick(null, p.regs.val, b, hn, ho, nb, ob), own: pick(null, p.regs.own, b + 1, hn, ho, nb, ob) },
      { val: pick(null, p.frame.val, b + 2, hn, ho, nb, ob), own: pick(null, p.frame.own, b + 3, hn, ho, nb, ob) },
      pick(null, p.frameValid, b + 4, hn, ho, nb, ob),
      pick(null, p.loaded, b + 5, hn, ho, nb, ob),
      p.ipis.map((x) => ({ ...x })),
      frames(p.cframes),
      p.deferredAcks.slice(),
      p.ctlQueue.slice(),
      p.ctlPaused.slice(),
    );
  });
  const vcpus = st.vcpus.map((v, i) => {
    const b = vcpuSlot(P, i);
    const w = vcpuWords(l, nb, i);
    return new FlatVcpu(
      i,
      v.domain,
      v.name,
      v.isIdle,
      v.profile,
      w.i,
      w.f,
      { val: pick(null, v.area.val, b, hn, ho, nb, ob), own: pick(null, v.area.own, b + 1, hn, ho, nb, ob) },
      pick(null, v.shadow, b + 2, hn, ho, nb, ob),
      v.stack && stackCopy(null, v.stack, b, hn, ho, nb, ob, frames),
    );
  });
  return { buf: nb, pcpus, vcpus };
}

/**
 * Make dst's pcpus and vcpus a copy of src's without allocating: one `set` of the buffer (every
 * scalar and every register file at home), then the views a design moved and the lists. dst
 * must be a state of the same layout; it shares afterwards what cloneFlat(src, false) shares (C
 * frames) and, besides, src's pending IPI records (copyStateInto's contract).
 */
export function copyFlatInto(dst: HvState, src: HvState): void {
  const sb = src.buf;
  const db = dst.buf;
  invariant(src.layout === dst.layout || sb.byteLength === db.byteLength, 'copyFlatInto: states of different layouts');
  new Uint8Array(db).set(new Uint8Array(sb));
  const hs = homesOf(src, sb);
  const hd = homesOf(dst, db);
  const P = src.pcpus.length;
  for (let i = 0; i < P; i++) {
    const s = src.pcpus[i];
    const d = dst.pcpus[i];
    const b = pcpuSlot(i);
    d.regs.val = pick(d.regs.val, s.regs.val, b, hd, hs, db, sb);
    d.regs.own = pick(d.regs.own, s.regs.own, b + 1, hd, hs, db, sb);
    d.frame.val = pick(d.frame.val, s.frame.val, b + 2, hd, hs, db, sb);
    d.frame.own = pick(d.frame.own, s.frame.own, b + 3, hd, hs, db, sb);
    d.frameValid = pick(d.frameValid, s.frameValid, b + 4, hd, hs, db, sb);
    d.loaded = pick(d.loaded, s.loaded, b + 5, hd, hs, db, sb);
    d.ipis = copyArr(d.ipis, s.ipis);
    d.cframes = copyArr(d.cframes, s.cframes);
    d.deferredAcks = copyArr(d.deferredAcks, s.deferredAcks);
    d.ctlQueue = copyArr(d.ctlQueue, s.ctlQueue);
    d.ctlPaused = copyArr(d.ctlPaused, s.ctlPaused);
  }
  for (let i = 0; i < src.vcpus.length; i++) {
    const s = src.vcpus[i];
    const d = dst.vcpus[i];
    const b = vcpuSlot(P, i);
    d.area.val = pick(d.area.val, s.area.val, b, hd, hs, db, sb);
    d.area.own = pick(d.area.own, s.area.own, b + 1, hd, hs, db, sb);
    d.shadow = pick(d.shadow, s.shadow, b + 2, hd, hs, db, sb);
    // A per-vcpu stack is absent while its vcpu runs (its pcpu has it): present or not as in src.
    d.stack = s.stack ? stackCopy(d.stack, s.stack, b, hd, hs, db, sb, shareFrames) : null;
  }
}

