/**
 * @module sim/step: the simulator's one transition function. `applyChoice` advances the state
 * in place by one atomic step (what the drivers use, for speed); `step` is the pure form —
 * clone, then apply — for the explorer. `enabled` lists the choices a state allows.
 */
import { modelBug } from '../base/index.ts';
import { cloneFlat, CTL, NONE, PHASE, RUNSTATE, irqsOff, sleepSyncDone, doGuest, doIpi, doSaved, doDeferredSync, doSchedule, doControlWait, doControlSync, doSwitch, doSwitchLate, doSwitchPrep, doSyncDone, doTimer, doWake, type HvPcpu, type HvState } from '../hv/index.ts';
import type { Choice } from './choice.ts';

/** Whether pcpu p has a hypervisor step to take (a `run` choice). A control operation's wait needs `st`. */
export function canRun(pc: HvPcpu, st?: HvState): boolean {
  switch (pc.phase) {
    case PHASE.SOFTIRQ:
    case PHASE.SWITCH_PREP:
    case PHASE.SWITCH:
    case PHASE.SAVED:
    case PHASE.SWITCH_LATE:
      return true;
    case PHASE.SYNC_WAIT:
      return pc.ackAt !== NONE;
    case PHASE.IDLE:
      return pc.deferredAcks.length > 0;
    case PHASE.CTL_WAIT:
      return st !== undefined && sleepSyncDone(st, st.vcpus[pc.ctlTarget]);
    case PHASE.CTL_SYNC:
      return pc.ackAt !== NONE;
    default:
      return false;
  }
}

/** Apply one choice to the state, in place. A choice that is not enabled is a model bug. */
export function applyChoice(st: HvState, c: Choice): void {
  // The pcpu the step runs on (a wake's pcpu is chosen by doWake, which reports it).
  if (c.k !== 'wake') st.cfg.observer?.onTouch?.(st, c.p);
  switch (c.k) {
    case 'run': {
      const pc = st.pcpus[c.p];
      switch (pc.phase) {
        case PHASE.SOFTIRQ:
          doSchedule(st, c.p);
          break;
        case PHASE.SWITCH_PREP:
          doSwitchPrep(st, c.p);
          break;
        case PHASE.SYNC_WAIT:
          if (pc.ackAt === NONE) modelBug(`pcpu ${c.p} cannot leave sync-wait before its flush IPI is acknowledged`);
          doSyncDone(st, c.p);
          break;
        case PHASE.SWITCH:
          doSwitch(st, c.p);
          break;
        case PHASE.SAVED:
          doSaved(st, c.p);
          break;
        case PHASE.SWITCH_LATE:
          doSwitchLate(st, c.p);
          break;
        case PHASE.IDLE:
          if (!pc.deferredAcks.length) modelBug(`run choice on idle pcpu ${c.p} with no deferred sync`);
          doDeferredSync(st, c.p);
          break;
        case PHASE.CTL_WAIT:
          if (!sleepSyncDone(st, st.vcpus[pc.ctlTarget])) modelBug(`pcpu ${c.p} cannot finish vcpu_sleep_sync while its target is_running (or, before 2006-01-07, its pcpu holds the schedule lock)`);
          doControlWait(st, c.p);
          break;
        case PHASE.CTL_SYNC:
          if (pc.ackAt === NONE) modelBug(`pcpu ${c.p} cannot finish sync_vcpu_execstate before the flush is acknowledged`);
          doControlSync(st, c.p);
          break;
        default:
          modelBug(`run choice on pcpu ${c.p} in a phase with no hypervisor step`);
      }
      break;
    }
    case 'guest':
      if (st.pcpus[c.p].phase !== PHASE.GUEST) modelBug(`guest choice on pcpu ${c.p} which is not running guest code`);
      doGuest(st, c.p, c.len, c.op, c.arg, c.irq);
      break;
    case 'timer':
      if (st.pcpus[c.p].timerAt === Infinity) modelBug(`timer choice on pcpu ${c.p} whose timer is not armed`);
      if (irqsOff(st, st.pcpus[c.p])) modelBug(`timer choice on pcpu ${c.p} while its interrupts are off`);
      doTimer(st, c.p);
      break;
    case 'wake':
      if (st.vcpus[c.v].runstate !== RUNSTATE.BLOCKED) modelBug(`wake choice for vcpu ${c.v} which is not blocked`);
      doWake(st, c.v);
      break;
    case 'ipi':
      if (!st.pcpus[c.p].ipis.length) modelBug(`ipi choice on pcpu ${c.p} with no IPI pending`);
      if (irqsOff(st, st.pcpus[c.p])) modelBug(`ipi choice on pcpu ${c.p} while its interrupts are off`);
      doIpi(st, c.p);
      break;
  }
  st.step++;
  st.cfg.observer?.onStep(st);
}

/** What `enabled` offers beyond the hypervisor's own steps (the explorer's bounded guest menu). */
export interface EnabledOptions {
  /** Offer GUEST_OP.CONTROL (getvcpucontext, setvcpucontext, set_affinity to each pcpu) from the first domain's vcpus (the toolstack). Default false. */
  control?: boolean;
  /** Block choices: the I/O completion on the vcpu's own pcpu only ('own'), or one choice per pcpu ('all', default). */
  blockIrq?: 'own' | 'all';
  /** Hypervisor timer choices: on any pcpu whose timer is armed ('any', default), or only while it runs guest code ('guest'). */
  timers?: 'any' | 'guest';
  /** The guest ops offered (GUEST_OP values 0..5; CONTROL is governed by `control`). Default: all six. */
  guestOps?: readonly number[];
  /** With `control`: the control operations offered (CTL values, hv/control). Default getvcpucontext, setvcpucontext, set_affinity. */
  controlOps?: readonly number[];
}

/** GUEST_OP values (hv/core) the guest menu offers; CONTROL (6) is added by `control`. */
const OP_BLOCK = 3, OP_CONTROL = 6;
const ALL_OPS = [0, 1, 2, 3, 4, 5] as const;

/**
 * The choices this state allows, in a fixed order (pcpu by pcpu, then wakes). Guest choices come
 * in one canonical form each: length 1, every guest op; a block once per pcpu that may take the
 * I/O completion interrupt; with `control`, every control operation on every other guest vcpu.
 */
export function enabled(st: HvState, o: EnabledOptions = {}): Choice[] {
  const out: Choice[] = [];
  const P = st.pcpus.length;
  for (const pc of st.pcpus) {
    const p = pc.id;
    if (canRun(pc, st)) out.push({ k: 'run', p });
    if (pc.phase === PHASE.GUEST) {
      for (const op of o.guestOps ?? ALL_OPS) {
        if (op !== OP_BLOCK) out.push({ k: 'guest', p, len: 1, op, arg: 0, irq: p });
        else if (o.blockIrq === 'own') out.push({ k: 'guest', p, len: 1, op: OP_BLOCK, arg: 1, irq: p });
        else for (let q = 0; q < P; q++) out.push({ k: 'guest', p, len: 1, op: OP_BLOCK, arg: 1, irq: q });
      }
      const cur = st.vcpus[pc.current];
      if (o.control && cur.domain === 0) {
        const ops = o.controlOps ?? [0, 1, 2];
        for (const t of st.vcpus) {
          if (t.isIdle || t.id === cur.id) continue;
          for (const op of ops) {
            if (op === 0 || op === 1) out.push({ k: 'guest', p, len: 1, op: OP_CONTROL, arg: t.id, irq: op });
            else if (op === 2) for (let q = 0; q < P; q++) out.push({ k: 'guest', p, len: 1, op: OP_CONTROL, arg: t.id, irq: 2 | (q << 4) });
          }
        }
        // CTL_HOTPLUG (3): take pcpu q offline or back online; it has no target vcpu.
        if (ops.includes(3) && st.cfg.contract.hotplug) for (let q = 0; q < P; q++) out.push({ k: 'guest', p, len: 1, op: OP_CONTROL, arg: 0, irq: 3 | (q << 4) });
        // CTL_DOMAIN_PAUSE (4), CTL_DOMAIN_DESTROY (5): every vcpu of domain d (not the caller's own domain 0).
        for (const op of [4, 5]) if (ops.includes(op)) for (let d = 1; d < st.domains.length; d++) out.push({ k: 'guest', p, len: 1, op: OP_CONTROL, arg: 0, irq: op | (d << 4) });
      }
    }
    // Interrupts wait while the pcpu has them disabled (a lock held across a switch before
    // 2006-01-07; a flush spin with IRQs off, the mutation).
    if (irqsOff(st, pc)) continue;
    if (pc.timerAt !== Infinity && (o.timers !== 'guest' || pc.phase === PHASE.GUEST)) out.push({ k: 'timer', p });
    if (pc.ipis.length) out.push({ k: 'ipi', p });
  }
  for (const v of st.vcpus) if (v.runstate === RUNSTATE.BLOCKED && v.wakeAt !== Infinity && !irqsOff(st, st.pcpus[wakeTarget(st, v.wakePcpu)])) out.push({ k: 'wake', v: v.id });
  return out;
}

/** The pcpu an I/O completion meant for pcpu q interrupts (doWake: routed away from an offline one). */
function wakeTarget(st: HvState, q: number): number {
  return st.pcpus[q].online ? q : st.pcpus.find((x) => x.online)!.id;
}

/** Deep copy of the state (a copy of its flat buffer, hv/state); configuration and domains are shared by reference. */
export function cloneState(st: HvState): HvState {
  const { buf, pcpus, vcpus } = cloneFlat(st, true);
  return {
    cfg: st.cfg,
    layout: st.layout,
    buf,
    pcpus,
    vcpus,
    domains: st.domains,
    schedData: structuredClone(st.schedData),
    step: st.step,
    nextToken: st.nextToken,
    metrics: structuredClone(st.metrics),
  };
}

/** The pure transition: a new state, the old one untouched. */
export function step(st: HvState, c: Choice): HvState {
  const n = cloneState(st);
  applyChoice(n, c);
  return n;
}

/**
 * A growable word buffer for canonical encodings (reused between calls: no allocation per
 * state). Each word carries a kind (WORD_*) saying how a renaming maps it, and `marks` records
 * where each pcpu's, each vcpu's and each runqueue's words start, so that a renamed encoding can
 * be derived from the identity one without recomputing it (explore/canon.ts).
 */
export class WordBuf {
  a = new Int32Array(1024);
  k = new Uint8Array(1024);
  n = 0;
  marks: number[] = [];
  push(x: number, kind = 0): void {
    if (this.n === this.a.length) this.grow(1);
    this.k[this.n] = kind;
    this.a[this.n++] = x;
  }
  /** Room for m more words: a caller that writes `a` and `k` directly (slots) checks once, not per word. */
  reserve(m: number): void {
    if (this.n + m > this.a.length) this.grow(m);
  }
  private grow(m: number): void {
    const len = Math.max(this.a.length * 2, this.n + m);
    const b = new Int32Array(len);
    b.set(this.a);
    this.a = b;
    const k = new Uint8Array(len);
    k.set(this.k);
    this.k = k;
  }
}

/** Word kinds: plain; a vcpu id; a pcpu id; a slot (value code × 128); an affinity mask; an IPI (kind × 64 + sender). Ids < 0 (NONE) are kept. */
export const WORD_PLAIN = 0, WORD_VCPU = 1, WORD_PCPU = 2, WORD_SLOT = 3, WORD_AFFINITY = 4, WORD_IPI = 5;

/**
 * A renaming of pcpus and vcpus (symmetry reduction): `p[old] = new`, `v[old] = new`, and the
 * inverses. Idle vcpu i belongs to pcpu i, so `v` maps idle vcpus as `p` maps pcpus.
 */
export interface Renaming {
  p: Int32Array;
  pInv: Int32Array;
  v: Int32Array;
  vInv: Int32Array;
}

export function identityRenaming(st: HvState): Renaming {
  const P = st.pcpus.length;
  const V = st.vcpus.length;
  const p = Int32Array.from({ length: P }, (_, i) => i);
  const v = Int32Array.from({ length: V }, (_, i) => i);
  return { p, pInv: p, v, vInv: v };
}

const HV_TOKEN_BASE = 0xffff0000;

/**
 * Canonical code of value x in a slot of register r (see canonicalWords) under the renaming ren;
 * `sh`: the state's shadows (gatherShadows). The explorer's stored states (explore/stored) keep
 * the same code, under the identity.
 */
export function valueCode(sh: Shadows, r: number, x: number, ren: Renaming): number {
  if (x === 0) return 0; // an empty slot
  if (x >= HV_TOKEN_BASE) return 2 + ren.p[x & 0xffff]; // hypervisor scratch of pcpu (x & 0xffff): a constant, renamed with the pcpu
  const list = sh.list;
  for (let v = sh.first; v < list.length; v++) if (list[v][r] === x) return 100 + ren.v[v]; // the latest write of vcpu v
  return 1; // a guest value that is nobody's latest write any more
}

/** The vcpus' shadows by id, gathered once per encoding (`first`: the first guest vcpu; idle vcpus write nothing). */
export interface Shadows {
  list: Uint32Array[];
  first: number;
}

/** Gather st's shadows into `sh` (the caller's, reused from state to state) and return it. */
export function gatherShadows(st: HvState, sh: Shadows): Shadows {
  const vs = st.vcpus;
  sh.list.length = 0;
  for (let v = 0; v < vs.length; v++) sh.list.push(vs[v].shadow);
  sh.first = st.pcpus.length;
  return sh;
}
const encShadows: Shadows = { list: [], first: 0 };

/**
 * Every register of `val` as a slot word (valueCode × 128), written straight into the buffer: the
 * explorer encodes hundreds of slots a state, and a call and a bounds check per word were most
 * of its cost. `valid`, when given, marks the slots that hold a value (a frame): the others are -1.
 */
function slots(sh: Shadows, out: WordBuf, val: Uint32Array, ren: Renaming, valid: Uint8Array | null = null): void {
  const n = val.length;
  out.reserve(n);
  const a = out.a;
  const k = out.k;
  let j = out.n;
  k.fill(WORD_SLOT, j, j + n);
  for (let r = 0; r < n; r++, j++) a[j] = valid !== null && valid[r] === 0 ? -1 : valueCode(sh, r, val[r], ren) * 128;
  out.n = j;
}

function frames(st: HvState, sh: Shadows, out: WordBuf, fs: readonly { fn: number; val: number[] }[], ren: Renaming): void {
  const fns = st.cfg.arch.cframes.functions;
  out.push(fs.length);
  for (const f of fs) {
    const regs = fns[f.fn].regs;
    out.push(f.fn);
    for (let i = 0; i < regs.length; i++) out.push(valueCode(sh, regs[i], f.val[i], ren) * 128, WORD_SLOT);
  }
}

const mapId = (m: Int32Array, x: number) => (x < 0 ? x : m[x]);

function plainWords(x: unknown, out: WordBuf): void {
  if (Array.isArray(x)) {
    out.push(-1000 - x.length);
    for (const e of x) plainWords(e, out);
  } else if (typeof x === 'number') {
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 30) out.push(x);
    else {
      out.push(-999);
      const f = new Float64Array([x]);
      const w = new Int32Array(f.buffer);
      out.push(w[0]);
      out.push(w[1]);
    }
  } else if (typeof x === 'boolean') out.push(x ? -998 : -997);
  else if (x === null || x === undefined) out.push(-996);
  else if (typeof x === 'string') {
    out.push(-995 - x.length);
    for (let i = 0; i < x.length; i++) out.push(x.charCodeAt(i));
  } else {
    for (const k of Object.keys(x as object).sort()) {
      plainWords(k, out);
      plainWords((x as Record<string, unknown>)[k], out);
    }
  }
}

/** Whether the scheduler's state is rr's `{ runq: number[][] }`, whose vcpu and pcpu ids can be renamed. */
export function renamableSchedData(st: HvState): boolean {
  const d = st.schedData as { runq?: unknown } | null;
  return st.cfg.sched.name === 'rr' && !!d && Array.isArray(d.runq) && Object.keys(d).length === 1;
}

/**
 * The canonical encoding of a state, as words appended to `out`, under the renaming `ren`
 * (identity: none). Two states with the same encoding have the same future: the same choices
 * are enabled, each leads to states with equal encodings, and the checker reports the same
 * violations on the way. Why that holds although information is left out:
 *
 * - Time. Metrics, the step counter, clocks, guestCycles, timer deadlines, IPI send times, wake
 *   times and flush-acknowledgement times are left out; only whether a timer is armed, a wake
 *   pending and a flush acknowledged is kept. The explorer (src/explore) normalises every
 *   time field after every step (timers fire as slice ends, at once), so in its states these
 *   fields really are constant and nothing reads them; for the random driver's states this
 *   hash is an abstraction, not an identity.
 * - Register values. A value is a 32-bit token, fresh for every guest write; what the checker
 *   and every design do with a value is move it, or compare it with a vcpu's shadow (its latest
 *   write to that register). Values never move between register indices. So a value's future
 *   role is fixed by one fact: whose latest write to this register it is, if anyone's. A value
 *   is encoded as: empty (0), a hypervisor scratch token (which pcpu's), the latest write of
 *   vcpu v, or stale (nobody's latest write; it never becomes one again, since shadows only
 *   take fresh tokens — the checker's resynchronisation after a report happens only in a state
 *   that is already a counterexample). Owners (the `own` arrays) are left out too: nothing
 *   but the checker's message text reads them (a fresh value's owner is its vcpu's domain; a
 *   stale value's owner only changes the wording "an older value of its own domain" / "a
 *   value owned by d2"), so whether a violation happens does not depend on them; a
 *   counterexample's message is produced by replaying its concrete choices, owners included.
 *   The token counter is left out with the values.
 * - The shadows themselves are left out: every shadow value is, by definition, its own vcpu's
 *   latest write, and where copies of it live is already encoded slot by slot.
 * - Under a renaming, every pcpu and vcpu id (fields, runqueues, IPI senders, affinity masks,
 *   hypervisor tokens, value codes) is mapped, and pcpus and vcpus are listed in their new
 *   order: the encoding of the renamed state.
 */
export function canonicalWords(st: HvState, out: WordBuf, ren: Renaming = identityRenaming(st)): void {
  // (explore/canon.ts passes its cached identity renaming.)
  const P = st.pcpus.length;
  const V = WORD_VCPU;
  const Q = WORD_PCPU;
  out.marks.length = 0;
  const sh = gatherShadows(st, encShadows);
  for (let np = 0; np < P; np++) {
    out.marks.push(out.n);
    const p = st.pcpus[ren.pInv[np]];
    out.push(p.phase);
    out.push(mapId(ren.v, p.current), V);
    out.push(mapId(ren.v, p.prev), V);
    out.push(mapId(ren.v, p.next), V);
    out.push(mapId(ren.p, p.waitPcpu), Q);
    out.push((p.ackAt === NONE ? 0 : 1) | (p.softirq ? 2 : 0) | (p.timerAt === Infinity ? 0 : 4) | (p.online ? 8 : 0) | (p.lockHeld ? 16 : 0) | (p.notFinalised ? 32 : 0));
    out.push(p.entryPath);
    out.push(p.ptbase);
    // Lazy FP/vector units: which are enabled here, and whose values they hold.
    out.push(p.unitEnabled);
    out.push(mapId(ren.v, p.unitOwner), V);
    out.push(mapId(ren.v, p.xrstorFrom), V);
    for (let c = 0; c < p.loaded.length; c++) out.push(mapId(ren.v, p.loaded[c]), V);
    slots(sh, out, p.regs.val, ren);
    slots(sh, out, p.frame.val, ren, p.frameValid);
    out.push(p.ipis.length);
    for (const i of p.ipis) out.push(i.kind * 64 + mapId(ren.p, i.from), WORD_IPI);
    frames(st, sh, out, p.cframes, ren);
    out.push(p.deferredAcks.length);
    for (const a of p.deferredAcks) out.push(mapId(ren.p, a), Q);
    out.push(mapId(ren.v, p.pendingNvFrom), V);
    out.push(mapId(ren.v, p.pendingNvTo), V);
    out.push(p.ctlOp);
    out.push(mapId(ren.v, p.ctlTarget), V);
    if (p.ctlOp === CTL.AFFINITY) out.push(mapId(ren.p, p.ctlArg), Q);
    else out.push(0);
    out.push(p.ctlQueue.length);
    for (const v of p.ctlQueue) out.push(mapId(ren.v, v), V);
    out.push(p.ctlPaused.length);
    for (const v of p.ctlPaused) out.push(mapId(ren.v, v), V);
  }
  for (let nv = 0; nv < st.vcpus.length; nv++) {
    out.marks.push(out.n);
    const v = st.vcpus[ren.vInv[nv]];
    out.push(v.runstate | (v.isRunning ? 8 : 0) | (v.migrating ? 16 : 0) | (v.wakeAt === Infinity ? 0 : 32));
    out.push(mapId(ren.p, v.processor), Q);
    out.push(mapId(ren.p, v.wakePcpu), Q);
    out.push(mapId(ren.p, v.dirtyPcpu), Q);
    out.push(v.pauseCount);
    out.push(v.writeCursor);
    out.push(v.unitDirty);
    out.push(v.unitCounters);
    out.push(mapId(ren.p, v.unitLastCpu), Q);
    let aff = 0;
    for (let q = 0; q < P; q++) if ((v.affinity >>> q) & 1) aff |= 1 << ren.p[q];
    out.push(aff, WORD_AFFINITY);
    if (v.isIdle) continue; // an idle vcpu's save area is never written
    slots(sh, out, v.area.val, ren);
    if (v.stack) {
      slots(sh, out, v.stack.frame.val, ren);
      for (let r = 0; r < v.stack.frameValid.length; r++) out.push(v.stack.frameValid[r]);
      frames(st, sh, out, v.stack.cframes, ren);
      slots(sh, out, v.stack.ctx.val, ren);
    }
  }
  if (renamableSchedData(st)) {
    const runq = (st.schedData as { runq: number[][] }).runq;
    for (let np = 0; np < P; np++) {
      out.marks.push(out.n);
      const q = runq[ren.pInv[np]];
      out.push(-1000 - q.length);
      for (const v of q) out.push(ren.v[v], V);
    }
  } else {
    out.marks.push(out.n);
    plainWords(st.schedData, out);
  }
  out.marks.push(out.n);
}

/** Two 32-bit hashes of words [0, n) (FNV-1a and a multiply-xorshift), as a pair. */
export function hashWords(a: Int32Array, n: number): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9 ^ n;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ x, 0x85ebca6b);
    h2 ^= h2 >>> 13;
  }
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  return [h1 >>> 0, (h2 ^ (h2 >>> 16)) >>> 0];
}

const hashBuf = new WordBuf();

/**
 * Hash of the canonical encoding (canonicalWords): everything that determines the future, with
 * time, metrics, the step count and concrete token values abstracted away. 64 bits, as hex.
 */
export function hashState(st: HvState): string {
  hashBuf.n = 0;
  canonicalWords(st, hashBuf);
  const [a, b] = hashWords(hashBuf.a, hashBuf.n);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
