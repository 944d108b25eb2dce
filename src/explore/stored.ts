/**
 * @module explore/stored: the flat form in which the explorer keeps a state it has yet to
 * expand — the abstraction α of a state into 32-bit words, and the concretisation γ that
 * rebuilds a live state from them. The live state (hv/model HvState) is what the one model
 * steps; this is only how a queued state is stored (explore/frontier packs these words into
 * bytes), so that a queued state costs a few hundred bytes instead of a graph of objects.
 *
 * What α keeps and what it abstracts (the same facts as the canonical encoding, sim/step.ts
 * canonicalWords, with nothing left out that γ would need):
 * - Register values are tokens; α keeps a slot's *code* — empty (0), stale (1: a guest value
 *   that is nobody's latest write), a hypervisor scratch token of pcpu q (2 + q), the latest
 *   write of vcpu v (100 + v) — and the slot's owner exactly. γ gives each code one token:
 *   vcpu v's latest write to register r is T(v, r) = 1 + v·R + r (and v's shadow holds exactly
 *   those), a stale value of r is 1 + V·R + r, and the next fresh token is 1 + (V + 1)·R, so
 *   fresh writes never meet them. The canonical encoding's argument is why this preserves the
 *   future: values only move, or are compared with a vcpu's shadow.
 * - Times are not kept: the explorer normalises them (explore/model normaliseTime), so a timer,
 *   a wake and a flush acknowledgement are "pending or not", and every clock is 0.
 * - Everything else — phases, ids, flags, queues, C frames, per-vcpu stacks, the scheduler's
 *   data — is kept as it is. The metrics and the domains are shared by every explorer state
 *   and not stored (nothing in the model reads the metrics to decide anything; domains never
 *   change).
 * The lockstep test (stored.test.ts, and stored.long.test.ts for 10^6 steps) is the proof
 * obligation: α(step(s, c)) = α(step(γ(α(s)), c)) with the same violations, for every design
 * and mutant.
 *
 * The record, in order (R registers, C classes, P pcpus, V vcpus; a slot is code × 64 +
 * (owner + 2); a frame slot is that, or -1 - that when the slot holds no saved value):
 *
 *   struct stored_state {
 *     i32 step;                 // steps taken (sim/step applyChoice); violations report it
 *     struct stored_pcpu pcpu[P];
 *     struct stored_vcpu vcpu[V];
 *     // the scheduler's data: rr's runqueues, pcpu by pcpu, as a length and vcpu ids;
 *     // any other scheduler's as one id into this configuration's table of distinct values
 *     i32 runq_len, runq[runq_len] (× P)  |  i32 sched_data_id;
 *   };
 *   struct stored_pcpu {         // written by hv/core, hv/control and the designs
 *     i32 phase, current, prev, next, wait_pcpu;
 *     i32 flags;                 // 1 flush ack came, 2 SCHEDULE_SOFTIRQ, 4 timer armed, 8 online,
 *                                // 16 schedule lock held, 32 not finalised
 *     i32 entry_path, ptbase, unit_enabled, unit_owner, xrstor_from;
 *     i32 pending_nv_from, pending_nv_to, ctl_op, ctl_target, ctl_arg;
 *     i32 loaded[C];             // curr_vcpu per register class (designs)
 *     i32 regs[R];               // slots: the register file
 *     i32 frame[R];              // frame slots: the exception frame on the stack it runs on
 *     i32 n_ipis;   { i32 kind, from; } ipis[n_ipis];
 *     i32 n_cframes; { i32 fn; i32 slot[regs of fn]; } cframes[n_cframes];
 *     i32 n_deferred, deferred_acks[n_deferred];
 *     i32 n_queue, ctl_queue[n_queue];
 *     i32 n_paused, ctl_paused[n_paused];
 *   };
 *   struct stored_vcpu {         // written by hv/core, the scheduler, hv/control, the designs
 *     i32 runstate;
 *     i32 flags;                 // 1 is_running, 2 migrating, 4 wake pending, 8 has its own stack
 *     i32 processor, wake_pcpu, dirty_pcpu, pause_count, write_cursor, affinity;
 *     i32 unit_dirty, unit_used, unit_last_cpu, unit_counters, xstate_bv;
 *     i32 area[R];               // slots: the save area (guest vcpus only; an idle one's is never written)
 *     // with a stack of its own (per-vcpu-stack designs, while it does not run; idle vcpus too):
 *     i32 stack_frame[R];        // frame slots
 *     i32 n_cframes; { i32 fn; i32 slot[regs of fn]; } cframes[n_cframes];
 *     i32 stack_ctx[R];          // slots: __context_switch's saved_context
 *   };
 *
 * γ writes into one live state of its own (`cur`), which the explorer only reads and copies
 * (copyStateInto): its register files, frames and stacks are fixed regions of one buffer, given
 * out in a fixed order (pcpu frames first, then the stacks of the vcpus that have one, by id).
 */
import { invariant } from '../base/index.ts';
import { hvToken, type CFrame, type RegStore } from '../machine/index.ts';
import { NONE, type HvState, type VcpuStack } from '../hv/index.ts';
import { gatherShadows, identityRenaming, renamableSchedData, valueCode, type Renaming, type Shadows } from '../sim/index.ts';
import { cloneForExplore } from './model.ts';

/** A stable text of plain scheduler data (non-finite numbers kept apart from null). */
function schedKey(d: unknown): string {
  return JSON.stringify(d, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? `#${x}` : x));
}

interface FrameRegion {
  frame: RegStore;
  frameValid: Uint8Array;
}

export class StoredStates {
  /** The state γ writes into. Read and copied by the explorer, never stepped. */
  readonly cur: HvState;
  private readonly R: number;
  private readonly V: number;
  private readonly staleBase: number;
  private readonly rr: boolean;
  private readonly frameRegions: FrameRegion[] = [];
  private readonly ctxRegions: RegStore[] = [];
  /** Distinct scheduler data of a non-rr scheduler, by id, and the id of each one's text. */
  private readonly schedValues: unknown[] = [];
  private readonly schedIds = new Map<string, number>();
  /** The encoder's output (grown when a record does not fit). */
  words = new Int32Array(1024);

  /** `st0`: the configuration's initial state (explore/model initialState). */
  constructor(st0: HvState) {
    const cur = cloneForExplore(st0);
    this.cur = cur;
    this.R = st0.cfg.arch.nregs;
    this.V = st0.vcpus.length;
    this.identity = identityRenaming(st0);
    this.staleBase = 1 + this.V * this.R;
    this.rr = renamableSchedData(st0);
    // A slot word is code × 64 + owner + 2: owners NO_OWNER, HV_OWNER and domains 0..61.
    invariant(st0.domains.length <= 62, 'stored state: more than 62 domains');
    for (const pc of cur.pcpus) this.frameRegions.push({ frame: pc.frame, frameValid: pc.frameValid });
    for (const v of cur.vcpus) {
      if (!v.stack) continue;
      this.frameRegions.push({ frame: v.stack.frame, frameValid: v.stack.frameValid });
      this.ctxRegions.push(v.stack.ctx);
    }
    // The shadows and the next token never change in `cur` (γ's tokens are fixed per vcpu and register).
    for (const v of cur.vcpus) {
      if (v.isIdle) continue;
      for (let r = 0; r < this.R; r++) v.shadow[r] = 1 + v.id * this.R + r;
    }
    cur.nextToken = 1 + (this.V + 1) * this.R;
  }

  // ---- α ----------------------------------------------------------------------------------

  /** The shadows of the state being encoded (gathered once per record) and the identity renaming its codes are under. */
  private readonly shadows: Shadows = { list: [], first: 0 };
  private readonly identity: Renaming;

  /** The code × 64 + owner word of value x, owner o, in a slot of register r: the canonical encoding's code (valueCode), unrenamed. */
  private slot(r: number, x: number, o: number): number {
    return valueCode(this.shadows, r, x, this.identity) * 64 + o + 2;
  }

  /**
   * The slot words of register file s (frame slots when `valid` is given) into w from index n;
   * returns the index after them. A method with locals, not a closure over encodeInto's cursor:
   * a store to a captured variable per register was most of α's cost.
   */
  private slotsInto(w: Int32Array, n: number, s: RegStore, valid: Uint8Array | null): number {
    const R = this.R;
    const val = s.val;
    const own = s.own;
    for (let r = 0; r < R; r++, n++) {
      const x = this.slot(r, val[r], own[r]);
      w[n] = valid !== null && valid[r] === 0 ? -1 - x : x;
    }
    return n;
  }

  /**
   * α(st): its record in `this.words` from index `at` (the words before it are the caller's and
   * kept when the buffer grows); returns the index after the record.
   */
  encode(st: HvState, at = 0): number {
    for (;;) {
      const n = this.encodeInto(st, this.words, at);
      if (n <= this.words.length) return n;
      const w = new Int32Array(n * 2);
      w.set(this.words.subarray(0, at));
      this.words = w;
    }
  }

  /**
   * α(st) into w from index `at`; returns the index after the record. Writes past the end of `w`
   * are dropped by the typed array: a result past w.length says how long w must be.
   */
  encodeInto(st: HvState, w: Int32Array, at: number): number {
    let n = at;
    gatherShadows(st, this.shadows);
    const frames = (fs: readonly CFrame[]): void => {
      const fns = st.cfg.arch.cframes.functions;
      w[n++] = fs.length;
      for (const f of fs) {
        w[n++] = f.fn;
        const regs = fns[f.fn].regs;
        for (let i = 0; i < regs.length; i++) w[n++] = this.slot(regs[i], f.val[i], f.own[i]);
      }
    };
    const slots = (s: RegStore, valid: Uint8Array | null): void => {
      n = this.slotsInto(w, n, s, valid);
    };
    const list = (xs: readonly number[]): void => {
      w[n++] = xs.length;
      for (const x of xs) w[n++] = x;
    };
    w[n++] = st.step;
    for (const p of st.pcpus) {
      w[n++] = p.phase;
      w[n++] = p.current;
      w[n++] = p.prev;
      w[n++] = p.next;
      w[n++] = p.waitPcpu;
      w[n++] = (p.ackAt === NONE ? 0 : 1) | (p.softirq ? 2 : 0) | (p.timerAt === Infinity ? 0 : 4) | (p.online ? 8 : 0) | (p.lockHeld ? 16 : 0) | (p.notFinalised ? 32 : 0);
      w[n++] = p.entryPath;
      w[n++] = p.ptbase;
      w[n++] = p.unitEnabled;
      w[n++] = p.unitOwner;
      w[n++] = p.xrstorFrom;
      w[n++] = p.pendingNvFrom;
      w[n++] = p.pendingNvTo;
      w[n++] = p.ctlOp;
      w[n++] = p.ctlTarget;
      w[n++] = p.ctlArg;
      for (let c = 0; c < p.loaded.length; c++) w[n++] = p.loaded[c];
      slots(p.regs, null);
      slots(p.frame, p.frameValid);
      w[n++] = p.ipis.length;
      for (const i of p.ipis) {
        w[n++] = i.kind;
        w[n++] = i.from;
      }
      frames(p.cframes);
      list(p.deferredAcks);
      list(p.ctlQueue);
      list(p.ctlPaused);
    }
    for (const v of st.vcpus) {
      w[n++] = v.runstate;
      w[n++] = (v.isRunning ? 1 : 0) | (v.migrating ? 2 : 0) | (v.wakeAt === Infinity ? 0 : 4) | (v.stack ? 8 : 0);
      w[n++] = v.processor;
      w[n++] = v.wakePcpu;
      w[n++] = v.dirtyPcpu;
      w[n++] = v.pauseCount;
      w[n++] = v.writeCursor;
      w[n++] = v.affinity;
      w[n++] = v.unitDirty;
      w[n++] = v.unitUsed;
      w[n++] = v.unitLastCpu;
      w[n++] = v.unitCounters;
      w[n++] = v.xstateBv;
      if (!v.isIdle) slots(v.area, null);
      if (v.stack) {
        slots(v.stack.frame, v.stack.frameValid);
        frames(v.stack.cframes);
        slots(v.stack.ctx, null);
      }
    }
    if (this.rr) {
      const runq = (st.schedData as { runq: number[][] }).runq;
      for (const q of runq) list(q);
    } else {
      const key = schedKey(st.schedData);
      let id = this.schedIds.get(key);
      if (id === undefined) {
        id = this.schedValues.push(structuredClone(st.schedData)) - 1;
        this.schedIds.set(key, id);
      }
      w[n++] = id;
    }
    return n;
  }

  // ---- γ ----------------------------------------------------------------------------------

  /** The token γ gives code `code` in a slot of register r. */
  private value(code: number, r: number): number {
    if (code === 0) return 0;
    if (code === 1) return this.staleBase + r;
    if (code < 100) return hvToken(code - 2);
    return 1 + (code - 100) * this.R + r;
  }

  /** Register file s (and its valid marks, for frame slots) from the slot words at w[n…]; returns the index after them (slotsInto's inverse). */
  private slotsFrom(w: Int32Array, n: number, s: RegStore, valid: Uint8Array | null): number {
    const R = this.R;
    const val = s.val;
    const own = s.own;
    for (let r = 0; r < R; r++, n++) {
      let x = w[n];
      if (valid !== null) {
        valid[r] = x >= 0 ? 1 : 0;
        if (x < 0) x = -1 - x;
      }
      val[r] = this.value(x >> 6, r);
      own[r] = (x & 63) - 2;
    }
    return n;
  }

  /**
   * γ(words[at…]): make `cur` the live state the record stands for, and return it. Contract:
   * α(γ(α(s))) = α(s), and γ(α(s)) takes the same steps as s (the lockstep test).
   */
  decode(w: Int32Array, at = 0): HvState {
    const st = this.cur;
    let n = at;
    let nextFrame = 0;
    let nextCtx = 0;
    const slots = (s: RegStore, valid: Uint8Array | null): void => {
      n = this.slotsFrom(w, n, s, valid);
    };
    const frames = (): CFrame[] => {
      const fns = st.cfg.arch.cframes.functions;
      const k = w[n++];
      const out: CFrame[] = new Array(k);
      for (let j = 0; j < k; j++) {
        const fn = w[n++];
        const regs = fns[fn].regs;
        const val = new Array<number>(regs.length);
        const own = new Array<number>(regs.length);
        for (let i = 0; i < regs.length; i++) {
          const x = w[n++];
          val[i] = this.value(x >> 6, regs[i]);
          own[i] = (x & 63) - 2;
        }
        out[j] = { fn, val, own };
      }
      return out;
    };
    const list = (into: number[]): number[] => {
      const k = w[n++];
      into.length = k;
      for (let j = 0; j < k; j++) into[j] = w[n++];
      return into;
    };
    st.step = w[n++];
    for (const p of st.pcpus) {
      p.phase = w[n++];
      p.current = w[n++];
      p.prev = w[n++];
      p.next = w[n++];
      p.waitPcpu = w[n++];
      const f = w[n++];
      p.ackAt = f & 1 ? 0 : NONE;
      p.softirq = (f & 2) !== 0;
      p.timerAt = f & 4 ? 0 : Infinity;
      p.online = (f & 8) !== 0;
      p.lockHeld = (f & 16) !== 0;
      p.notFinalised = (f & 32) !== 0;
      p.entryPath = w[n++];
      p.ptbase = w[n++];
      p.unitEnabled = w[n++];
      p.unitOwner = w[n++];
      p.xrstorFrom = w[n++];
      p.pendingNvFrom = w[n++];
      p.pendingNvTo = w[n++];
      p.ctlOp = w[n++];
      p.ctlTarget = w[n++];
      p.ctlArg = w[n++];
      p.clock = 0;
      p.lockAt = 0;
      p.nextTick = 0;
      p.sliceEnd = 0;
      for (let c = 0; c < p.loaded.length; c++) p.loaded[c] = w[n++];
      slots(p.regs, null);
      const fr = this.frameRegions[nextFrame++];
      p.frame = fr.frame;
      p.frameValid = fr.frameValid;
      slots(p.frame, p.frameValid);
      const ni = w[n++];
      p.ipis.length = ni;
      for (let j = 0; j < ni; j++) {
        const kind = w[n++];
        p.ipis[j] = { kind, from: w[n++], at: 0 };
      }
      p.cframes = frames();
      list(p.deferredAcks);
      list(p.ctlQueue);
      list(p.ctlPaused);
    }
    for (const v of st.vcpus) {
      v.runstate = w[n++];
      const f = w[n++];
      v.isRunning = (f & 1) !== 0;
      v.migrating = (f & 2) !== 0;
      v.wakeAt = f & 4 ? 0 : Infinity;
      v.processor = w[n++];
      v.wakePcpu = w[n++];
      v.dirtyPcpu = w[n++];
      v.pauseCount = w[n++];
      v.writeCursor = w[n++];
      v.affinity = w[n++];
      v.unitDirty = w[n++];
      v.unitUsed = w[n++];
      v.unitLastCpu = w[n++];
      v.unitCounters = w[n++];
      v.xstateBv = w[n++];
      v.guestCycles = 0;
      v.stack = null;
      if (!v.isIdle) slots(v.area, null);
      if (f & 8) {
        invariant(nextFrame < this.frameRegions.length && nextCtx < this.ctxRegions.length, 'stored state: more per-vcpu stacks than the configuration has');
        const fr = this.frameRegions[nextFrame++];
        slots(fr.frame, fr.frameValid);
        const cframes = frames();
        const ctx = this.ctxRegions[nextCtx++];
        slots(ctx, null);
        const s: VcpuStack = { frame: fr.frame, frameValid: fr.frameValid, cframes, ctx };
        v.stack = s;
      }
    }
    if (this.rr) {
      const runq = (st.schedData as { runq: number[][] }).runq;
      for (const q of runq) list(q);
    } else {
      st.schedData = this.schedValues[w[n++]];
    }
    return st;
  }
}
