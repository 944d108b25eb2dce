/**
 * @module check/checker: the oracle, attached to the hypervisor as an HvObserver. It never
 * mutates the model (except the guest's own belief: after reporting a wrong read, the guest's
 * shadow takes the value it read, so one corruption is reported once, not at every resume).
 *
 * - On every guest resume: every register equals the guest's shadow (read-your-own-writes).
 * - At every pick: invariant 1. At every load: invariants 5 and 6. At every contextSaved (under
 *   the contracts before 2006-01-07: at the release of the schedule lock after a switch, when
 *   prev becomes touchable): invariant 3, judged on values: each register's latest value is in the save area, or live on
 *   this pcpu (frame or registers) with the vcpu still marked dirty here so a sync can commit it.
 * - After every step: invariants 1 (no vcpu current on two pcpus), 5 (no vcpu loaded on two
 *   pcpus) and 7 (state loaded for a vcpu other than current only under idle), and liveness
 *   (every wait ends: no lost acknowledgement, no spin past the watchdog bound).
 */
import { CTL_NAMES, NONE, PHASE, foreignRegister, irqsOff, unitMask, type HvObserver, type HvState } from '../hv/index.ts';
import { IPI_FLUSH, IPI_STOP } from '../machine/index.ts';
import { formatDuration } from '../base/index.ts';
import type { Violation } from './violation.ts';
import { locateValue, ownerName } from './locate.ts';

export interface CheckerOptions {
  /** Violations kept in full (all are counted). */
  keep?: number;
  /**
   * The liveness bound: a pcpu spinning in one wait for longer than this many simulated seconds
   * is a `liveness` violation. Default 5, Xen's watchdog (x86 nmi.c opt_watchdog_timeout).
   */
  watchdogSeconds?: number;
  /**
   * After every step, rebuild the checker's view of every pcpu from scratch and throw if the
   * incrementally kept one differs: a write to another pcpu's state that did not go through
   * onTouch (HvObserver's contract). For tests; costs the full scan the view saves.
   */
  crossCheck?: boolean;
}

/**
 * `a` zeroed, when it already has length n (prime runs before every explorer transition: it
 * allocates nothing then), else a new zeroed array of n.
 */
function zeroed<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  if (a.length !== n) return new (a.constructor as new (n: number) => T)(n);
  a.fill(0);
  return a;
}

/** `a` as it is when it already has length n, else a new array of n: for arrays prime() writes in full, or reads only below a count. */
function sized<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  return a.length === n ? a : new (a.constructor as new (n: number) => T)(n);
}

/** The phases in which a pcpu spins, IRQs on, for something another pcpu must do. */
const isWait = (phase: number) => phase === PHASE.SYNC_WAIT || phase === PHASE.CTL_WAIT || phase === PHASE.CTL_SYNC;

/**
 * Whether pcpu q still owes pcpu p an acknowledgement: p's flush (or stop) IPI is pending there,
 * or q took it and deferred the acknowledgement (syncLocal 'defer'). If neither, and none came,
 * nothing in the model will ever end p's wait.
 */
function ackOwed(st: HvState, p: number, q: number): boolean {
  const qc = st.pcpus[q];
  for (const i of qc.ipis) if (i.from === p && (i.kind === IPI_FLUSH || i.kind === IPI_STOP)) return true;
  return qc.deferredAcks.includes(p);
}

/**
 * What vcpu v gets back in each register when it resumes or is read — the design's savedValues
 * or savedValue, else the save area itself — computed once per judgement, not per register.
 * Returns `scratch` filled in, or the save area (no copy) when the design keeps nothing elsewhere;
 * firstDiff against the shadow then finds the first stale register.
 */
function savedOf(st: HvState, v: number, scratch: Uint32Array): Uint32Array {
  const d = st.cfg.design;
  const vc = st.vcpus[v];
  if (d.savedValues) d.savedValues(st, v, scratch);
  else if (d.savedValue) for (let r = 0; r < scratch.length; r++) scratch[r] = d.savedValue(st, v, r);
  else return vc.area.val;
  return scratch;
}

/**
 * The first r at or after `from` where a and b differ; a.length if none. A loop with no call in
 * it: the resume check's whole cost, and (saved values against the shadow) the first stale
 * register of invariants 3 and 8.
 */
function firstDiff(a: Uint32Array, b: Uint32Array, from: number): number {
  const n = a.length;
  let r = from;
  while (r < n && a[r] === b[r]) r++;
  return r;
}

export class Checker implements HvObserver {
  readonly violations: Violation[] = [];
  readonly counts: Record<string, number> = {};
  total = 0;
  private readonly keep: number;
  private stamp: Int32Array = new Int32Array(0);
  private stampOwner: Int32Array = new Int32Array(0);
  private epoch = 0;
  private lastProcessor: Int32Array = new Int32Array(0);
  private lastRunning: Uint8Array = new Uint8Array(0);
  /**
   * Guest vcpus is_running after the last step (runWatch[0..runN)), those in breach of invariant
   * 4 then (inv4Watch), those picked during this step (picked, by onPick); cand is scratch. Typed
   * arrays with counts: the hot path allocates nothing and never resizes a JS array.
   */
  private runWatch: Int32Array = new Int32Array(0);
  private runN = 0;
  private inv4Watch: Int32Array = new Int32Array(0);
  private inv4N = 0;
  private picked: Int32Array = new Int32Array(0);
  private pickedN = 0;
  private cand: Int32Array = new Int32Array(0);
  private readonly watchdogSeconds: number;
  /** savedOf's scratch (nregs). */
  private savedScratch: Uint32Array = new Uint32Array(0);
  /** Per pcpu: the wait phase it was in after the last step (NONE: none), since when (its clock), and whether that wait was reported. */
  private waitPhase: Int32Array = new Int32Array(0);
  private waitSince: Float64Array = new Float64Array(0);
  private waitReported: Uint8Array = new Uint8Array(0);
  /** How many pcpus have waitPhase !== NONE (kept by liveness() and prime()). */
  private waitPhaseN = 0;
  /**
   * The pcpus as the checker last saw them, kept up to date for the pcpus a step touched
   * (onTouch) and no others, so that a step's judgement costs what the step changed, not P × C
   * (issue 15 §2). Per pcpu p: curOf[p] the guest vcpu current there (NONE: idle); heldOf[p·C ..
   * p·C + heldN[p]) the distinct guest vcpus whose state it holds in some class; suspect7[p] set
   * when one of those breaks invariant 7 as p stands. Per vcpu:
   * on how many pcpus it is current (curCount) and held (heldCount). multiCur / multiHeld count
   * the vcpus with two or more — invariants 1 and 5 broken — and suspect7N the flags. When all
   * three are zero the full scans below would report nothing and are skipped; when one is not,
   * the scans run as before, so every violation, its order and its message stay the same.
   */
  private touched: Uint8Array = new Uint8Array(0);
  private touchedList: Int32Array = new Int32Array(0);
  private touchedN = 0;
  private curOf: Int32Array = new Int32Array(0);
  private curCount: Int32Array = new Int32Array(0);
  private multiCur = 0;
  private heldOf: Int32Array = new Int32Array(0);
  private heldN: Int32Array = new Int32Array(0);
  private heldCount: Int32Array = new Int32Array(0);
  private multiHeld = 0;
  private suspect7: Uint8Array = new Uint8Array(0);
  private suspect7N = 0;
  private classes = 0;
  /** Check the incremental view against a full rebuild after every step (tests: a write that bypasses onTouch is found). */
  private readonly crossCheck: boolean;

  constructor(o: CheckerOptions = {}) {
    this.keep = o.keep ?? 100;
    this.watchdogSeconds = o.watchdogSeconds ?? 5;
    this.crossCheck = o.crossCheck ?? false;
  }

  onTouch(_st: HvState, p: number): void {
    if (this.touched[p]) return;
    this.touched[p] = 1;
    this.touchedList[this.touchedN++] = p;
  }

  /**
   * Bring pcpu p's entry of the incremental view up to date with its state now. Invariant 7's
   * conditions are the ones held() reports on, evaluated for p's guest vcpus.
   */
  private refresh(st: HvState, p: number): void {
    const P = st.pcpus.length;
    const pc = st.pcpus[p];
    const cur = pc.current !== pc.idle ? pc.current : NONE;
    const was = this.curOf[p];
    if (cur !== was) {
      if (was !== NONE && --this.curCount[was] === 1) this.multiCur--;
      if (cur !== NONE && ++this.curCount[cur] === 2) this.multiCur++;
      this.curOf[p] = cur;
    }
    const C = this.classes;
    const base = p * C;
    const held = this.heldOf;
    for (let i = 0; i < this.heldN[p]; i++) if (--this.heldCount[held[base + i]] === 1) this.multiHeld--;
    let n = 0;
    let bad = false;
    const l = pc.loaded;
    const offlineIdle = !pc.online && pc.phase === PHASE.IDLE && !pc.ipis.length && !pc.deferredAcks.length;
    const mixed = pc.current !== pc.idle && (pc.phase === PHASE.GUEST || pc.phase === PHASE.SOFTIRQ);
    for (let c = 0; c < l.length; c++) {
      const v = l[c];
      if (v < P) continue; // idle vcpus (0..P-1) and NONE hold no guest state
      let dup = false;
      for (let i = 0; i < n; i++) if (held[base + i] === v) dup = true;
      if (dup) continue;
      held[base + n++] = v;
      if (++this.heldCount[v] === 2) this.multiHeld++;
      if (offlineIdle || (mixed && v !== pc.current)) bad = true;
    }
    this.heldN[p] = n;
    if (bad !== (this.suspect7[p] === 1)) {
      this.suspect7[p] = bad ? 1 : 0;
      this.suspect7N += bad ? 1 : -1;
    }
  }

  /** crossCheck: the incremental view equals one built from scratch (prime builds it). */
  private verifyView(st: HvState): void {
    const fresh = new Checker();
    fresh.prime(st);
    const entry = (c: Checker, p: number) => `current ${c.curOf[p]}, held [${Array.from(c.heldOf.subarray(p * c.classes, p * c.classes + c.heldN[p])).sort((x, y) => x - y)}], inv7 ${c.suspect7[p]}`;
    const counts = (c: Checker) => `${c.curCount} / ${c.heldCount} / ${c.multiCur} ${c.multiHeld} ${c.suspect7N}`;
    for (let p = 0; p < st.pcpus.length; p++) {
      if (entry(this, p) !== entry(fresh, p)) throw new Error(`checker cross-check, step ${st.step}: pcpu ${p}'s state changed without onTouch (kept: ${entry(this, p)}; now: ${entry(fresh, p)})`);
    }
    if (counts(this) !== counts(fresh)) throw new Error(`checker cross-check, step ${st.step}: the per-vcpu counts drifted from the pcpus' state`);
  }

  /**
   * Count a violation; keep it in full while fewer than `keep` are kept. The message is a thunk:
   * a broken design can break the contract thousands of times, and locating each lost value is
   * the checker's most expensive work.
   */
  private report(st: HvState, invariant: string, p: number, v: number | null, r: number | null, message: string | (() => string)): void {
    this.total++;
    this.counts[invariant] = (this.counts[invariant] ?? 0) + 1;
    if (this.violations.length >= this.keep) return;
    if (typeof message === 'function') message = message();
    this.violations.push({
      invariant,
      step: st.step,
      time: Number((st.pcpus[p].clock / st.cfg.arch.spec.clockHz).toFixed(9)),
      pcpu: p,
      vcpu: v === null ? null : st.vcpus[v].name,
      register: r === null ? null : st.cfg.arch.regNames[r],
      message,
    });
  }

  private scratch(nregs: number): Uint32Array {
    if (this.savedScratch.length !== nregs) this.savedScratch = new Uint32Array(nregs);
    return this.savedScratch;
  }

  onResume(st: HvState, p: number, v: number): void {
    const pc = st.pcpus[p];
    // Invariant 13: guest code runs with no hypervisor call chain left under it on the stack.
    if (pc.cframes.length) {
      const fns = st.cfg.arch.cframes.functions;
      this.report(st, 'inv13', p, v, null, () => `${st.vcpus[v].name} resumes on pcpu ${p} with hypervisor frames still on the stack (${pc.cframes.map((f) => fns[f.fn].name).join(' → ')})`);
    }
    const regs = pc.regs;
    const vc = st.vcpus[v];
    const shadow = vc.shadow;
    const n = shadow.length;
    const units = unitMask(st.cfg.arch);
    // Registers of a disabled unit are not architecturally visible: the guest's first touch
    // traps, and the design makes its values current then (issue 6).
    const hidden = units & ~pc.unitEnabled;
    const regClass = st.cfg.arch.regClass;
    if (units & pc.unitEnabled) this.isolation(st, p, v, units & pc.unitEnabled);
    const val = regs.val;
    for (let r = firstDiff(val, shadow, 0); r < n; r = firstDiff(val, shadow, r + 1)) {
      if (hidden && (hidden >>> regClass[r]) & 1) continue;
      const want = shadow[r];
      this.report(st, 'guest-state', p, v, r, () => {
        const where = locateValue(st, r, want);
        const own = regs.own[r];
        const whose = own === vc.domain ? `an older value of its own domain ${ownerName(st, own)}` : `a value owned by ${ownerName(st, own)}`;
        return (
          `${vc.name} resumed on pcpu ${p} and read ${st.cfg.arch.regNames[r]} = ${whose}, not its last write; ` +
          (where.length ? `its value was left in ${where.join(' and ')}` : 'its value is nowhere any more (lost)')
        );
      });
      shadow[r] = val[r];
    }
  }

  /**
   * Isolation (issue 6): an enabled unit is architecturally readable by the guest resuming on
   * p, so none of its registers may hold another domain's value (a design that leaves the unit
   * enabled for the next domain leaks the previous one's FP/vector state).
   */
  private isolation(st: HvState, p: number, v: number, enabled: number): void {
    const dom = st.vcpus[v].domain;
    const r = foreignRegister(st, p, dom, enabled);
    if (r === NONE) return; // one report per resume
    const o = st.pcpus[p].regs.own[r];
    const unit = st.cfg.arch.classes[st.cfg.arch.regClass[r]].name;
    this.report(st, 'isolation', p, v, r, () => `${st.vcpus[v].name} (domain ${ownerName(st, dom)}) resumes on pcpu ${p} with its ${unit} unit enabled while ${st.cfg.arch.regNames[r]} holds a value owned by ${ownerName(st, o)}: an architectural leak`);
  }

  onPick(st: HvState, p: number, next: number): void {
    const nv = st.vcpus[next];
    if (nv.isIdle) return;
    if (this.pickedN < this.picked.length) this.picked[this.pickedN++] = next;
    if (nv.isRunning) {
      const on = st.pcpus.find((q) => q.id !== p && (q.current === next || q.prev === next));
      this.report(st, 'inv1', p, next, null, `pcpu ${p} picked ${nv.name} while it is still is_running${on ? ` on pcpu ${on.id}` : ''}`);
    }
  }

  onLoad(st: HvState, p: number, v: number): void {
    const vc = st.vcpus[v];
    if (vc.dirtyPcpu !== NONE && vc.dirtyPcpu !== p) {
      this.report(st, 'inv6', p, v, null, `pcpu ${p} loads ${vc.name} while its state is still dirty on pcpu ${vc.dirtyPcpu} (not flushed back first)`);
    }
    for (const q of st.pcpus) {
      if (q.id === p) continue;
      for (let c = 0; c < q.loaded.length; c++) {
        if (q.loaded[c] === v) {
          this.report(st, 'inv5', p, v, null, `pcpu ${p} loads ${vc.name} while pcpu ${q.id} still holds its ${st.cfg.arch.classes[c].name} state`);
          return;
        }
      }
    }
  }

  onContextSaved(st: HvState, p: number, prev: number): void {
    const pc = st.pcpus[p];
    const vc = st.vcpus[prev];
    const a = st.cfg.arch;
    const saved = savedOf(st, prev, this.scratch(a.nregs));
    for (let r = firstDiff(saved, vc.shadow, 0); r < a.nregs; r = firstDiff(saved, vc.shadow, r + 1)) {
      const want = vc.shadow[r];
      const heldHere = pc.loaded[a.regClass[r]] === prev && vc.dirtyPcpu === p;
      const live = pc.frameValid[r] ? pc.frame.val[r] : pc.regs.val[r];
      if (heldHere && live === want) continue;
      this.report(st, 'inv3', p, prev, r, () => {
        const where = locateValue(st, r, want);
        const c = st.cfg.contract;
        // What "prev may be touched" means depends on the contract (hv/contract).
        const when = c.lockAcrossSwitch
          ? `pcpu ${p} releases its schedule lock${c.unlockBy === 'arch' ? ' (context_switch_done)' : ' as context_switch() returns'} with ${vc.name}'s running flag already clear (${c.name}: prev may be touched from here on)`
          : `contextSaved(${vc.name}) on pcpu ${p} clears is_running`;
        return (
          `${when}, but ${a.regNames[r]} is neither saved nor held where a sync can commit it; ` +
          (where.length ? `the guest's value is in ${where.join(' and ')}` : "the guest's value is lost")
        );
      });
      return; // one report per contextSaved: the first register tells the story
    }
  }

  /**
   * A remote reader (getvcpucontext) reads v's context after vcpu_pause() and the sync: it must
   * get exactly the guest's values (reference §1.3, invariant 8).
   */
  onRemoteRead(st: HvState, p: number, v: number): void {
    const vc = st.vcpus[v];
    const a = st.cfg.arch;
    const r = firstDiff(savedOf(st, v, this.scratch(a.nregs)), vc.shadow, 0);
    if (r < a.nregs) {
      const want = vc.shadow[r];
      this.report(st, 'inv8', p, v, r, () => {
        const where = locateValue(st, r, want);
        return `getvcpucontext(${vc.name}) on pcpu ${p} read a stale ${a.regNames[r]}; ` + (where.length ? `the guest's value is in ${where.join(' and ')}` : "the guest's value is lost");
      });
    }
  }

  /**
   * Invariant 11: __sync_local_execstate() finds either nothing to do or the idle vcpu current
   * (its ASSERT(current == idle_vcpu)); otherwise set_current() and the curr_vcpu check were
   * separated by an interrupt.
   */
  onSyncLocal(st: HvState, p: number): void {
    const pc = st.pcpus[p];
    const held = pc.loaded[0];
    if (held !== pc.current && pc.current !== pc.idle && pc.pendingNvFrom === -1) {
      this.report(st, 'inv11', p, pc.current, null, () => `a flush IPI on pcpu ${p} finds ${st.vcpus[pc.current].name} current but ${st.vcpus[held].name}'s state loaded: it came between set_current() and the curr_vcpu check`);
    }
  }

  /** domain_destroy: complete_domain_destroy() synced it — no pcpu may still hold the vcpu's state. */
  onDestroy(st: HvState, p: number, v: number): void {
    for (const q of st.pcpus) {
      if (q.loaded.includes(v)) this.report(st, 'inv8', p, v, null, () => `domain_destroy(${st.vcpus[v].name}) while pcpu ${q.id} still holds its state`);
    }
  }

  /** Invariant 10: flush_area_mask()'s ASSERT(local_irq_is_enabled()). */
  onFlushIrqsOff(st: HvState, p: number, q: number): void {
    const why = st.pcpus[p].lockHeld ? ` (it holds its schedule lock across the switch, IRQs off: the ${st.cfg.contract.name} contract)` : '';
    this.report(st, 'inv10', p, null, null, `pcpu ${p} sends a flush IPI to pcpu ${q} and spins for it with interrupts disabled${why}: if pcpu ${q} does the same towards it, neither ever acknowledges`);
  }

  onDeadlock(st: HvState, pcpus: number[]): void {
    if (pcpus.some((p) => irqsOff(st, st.pcpus[p]))) {
      const waits = pcpus.map((p) => `pcpu ${p} waits for pcpu ${st.pcpus[p].waitPcpu}`).join(', ');
      this.report(st, 'inv10', pcpus[0], null, null, `deadlock: ${waits}, each with interrupts disabled, so neither takes the other's flush IPI`);
      return;
    }
    for (const p of pcpus) {
      // A lost acknowledgement was reported when it was lost (liveness(), after that step).
      if (this.waitReported[p] && this.waitPhase[p] === st.pcpus[p].phase) continue;
      this.report(st, 'liveness', p, null, null, () => `${this.waitText(st, p)}, and nothing left in the run can end the wait`);
    }
  }

  /** What pcpu p spins for, and since when: "pcpu 0 has spun since 0.312 s in sync-wait for …". */
  private waitText(st: HvState, p: number): string {
    const pc = st.pcpus[p];
    const since = this.waitPhase[p] === pc.phase ? this.waitSince[p] : pc.clock;
    const at = `pcpu ${p} has spun since t = ${formatDuration(since / st.cfg.arch.spec.clockHz)}`;
    if (pc.phase === PHASE.SYNC_WAIT) return `${at} in context_switch() for pcpu ${pc.waitPcpu} to acknowledge its flush IPI (pulling ${st.vcpus[pc.next]?.name ?? 'next'}'s state)`;
    if (pc.phase === PHASE.CTL_WAIT) return `${at} in vcpu_sleep_sync(${st.vcpus[pc.ctlTarget].name}) for it to stop running (${CTL_NAMES[pc.ctlOp]}), on pcpu ${st.vcpus[pc.ctlTarget].processor}`;
    const what = pc.ctlTarget === NONE ? 'its stop_machine IPI (cpu_down)' : `its flush IPI (sync_vcpu_execstate(${st.vcpus[pc.ctlTarget].name}), ${CTL_NAMES[pc.ctlOp]})`;
    return `${at} for pcpu ${pc.waitPcpu} to acknowledge ${what}`;
  }

  /**
   * Liveness (INVARIANTS 'liveness'), judged after every step: a wait for an acknowledgement that
   * no pcpu owes any more can never end (reported at once: in `explore` too, where time is
   * abstracted); any wait longer than the watchdog bound of simulated time is a stall (measured
   * against `now`, the furthest pcpu clock, since a spinning pcpu's own clock moves only when it takes
   * an interrupt: pcpu clocks run apart by up to a guest segment, so the bound's resolution is
   * about a millisecond, and the CLI takes no bound under the 10 ms scheduler tick). One report
   * per wait.
   */
  private liveness(st: HvState, now: number): void {
    const P = st.pcpus.length;
    const bound = this.watchdogSeconds * st.cfg.arch.spec.clockHz;
    for (let p = 0; p < P; p++) {
      const pc = st.pcpus[p];
      const ph = pc.phase;
      if (!isWait(ph)) {
        if (this.waitPhase[p] !== NONE) this.waitPhaseN--;
        this.waitPhase[p] = NONE;
        continue;
      }
      if (this.waitPhase[p] !== ph) {
        if (this.waitPhase[p] === NONE) this.waitPhaseN++;
        this.waitPhase[p] = ph;
        this.waitSince[p] = pc.clock;
        this.waitReported[p] = 0;
      }
      if (this.waitReported[p]) continue;
      if (ph !== PHASE.CTL_WAIT && pc.ackAt === NONE && !ackOwed(st, p, pc.waitPcpu)) {
        this.waitReported[p] = 1;
        this.report(st, 'liveness', p, null, null, () => `${this.waitText(st, p)}, but pcpu ${pc.waitPcpu} owes it no acknowledgement any more (no such IPI pending there, none deferred): the acknowledgement was lost and pcpu ${p} spins forever`);
      } else if (now - this.waitSince[p] > bound) {
        this.waitReported[p] = 1;
        const held = formatDuration((now - this.waitSince[p]) / st.cfg.arch.spec.clockHz);
        this.report(st, 'liveness', p, null, null, () => `${this.waitText(st, p)}: ${held}, past the ${formatDuration(this.watchdogSeconds)} watchdog bound`);
      }
    }
  }

  /**
   * Start judging from state `st` afresh, reporting nothing: the explorer primes one checker with
   * each parent before a transition (its memory between steps is the previous state's
   * processors, running vcpus and waits). onStep primes itself on its first call.
   */
  prime(st: HvState): void {
    const V = st.vcpus.length;
    const P = st.pcpus.length;
    // Stamps are compared with a fresh epoch (older ones never match), the watch lists and cand
    // are read below their counts, lastProcessor and lastRunning only for the guest vcpus this
    // loop writes, the wait arrays and the touched list likewise: none needs clearing.
    this.stamp = sized(this.stamp, V);
    this.stampOwner = sized(this.stampOwner, V);
    this.lastProcessor = sized(this.lastProcessor, V);
    this.lastRunning = sized(this.lastRunning, V);
    this.runWatch = sized(this.runWatch, V);
    this.inv4Watch = sized(this.inv4Watch, V);
    this.picked = sized(this.picked, V);
    this.cand = sized(this.cand, 3 * V);
    this.runN = this.inv4N = this.pickedN = 0;
    for (let v = P; v < V; v++) {
      const vc = st.vcpus[v];
      this.lastProcessor[v] = vc.processor;
      this.lastRunning[v] = vc.isRunning ? 1 : 0;
      if (vc.isRunning) this.runWatch[this.runN++] = v;
      else if (vc.migrating) this.inv4Watch[this.inv4N++] = v;
    }
    this.waitPhase = sized(this.waitPhase, P);
    this.waitSince = sized(this.waitSince, P);
    this.waitReported = zeroed(this.waitReported, P);
    this.waitPhaseN = 0;
    for (let p = 0; p < P; p++) {
      const pc = st.pcpus[p];
      this.waitPhase[p] = isWait(pc.phase) ? pc.phase : NONE;
      this.waitSince[p] = pc.clock;
      if (this.waitPhase[p] !== NONE) this.waitPhaseN++;
    }
    // The incremental view, built from this state: every pcpu refreshed once.
    const C = (this.classes = st.pcpus[0].loaded.length);
    this.touched = zeroed(this.touched, P);
    this.touchedList = sized(this.touchedList, P);
    this.touchedN = 0;
    this.curOf = sized(this.curOf, P).fill(NONE);
    this.curCount = zeroed(this.curCount, V);
    this.heldOf = sized(this.heldOf, P * C);
    this.heldN = zeroed(this.heldN, P);
    this.heldCount = zeroed(this.heldCount, V);
    this.suspect7 = zeroed(this.suspect7, P);
    this.multiCur = this.multiHeld = this.suspect7N = 0;
    for (let p = 0; p < P; p++) this.refresh(st, p);
  }

  /** Invariants 5 and 7 for guest vcpu v, whose state pcpu p holds (in some class) after this step; `e2` stamps this step's holders. */
  private held(st: HvState, p: number, v: number, e2: number): void {
    const pc = st.pcpus[p];
    // Invariant 5: a vcpu's state is loaded on at most one pcpu.
    if (this.stamp[v] === e2 && this.stampOwner[v] !== p) this.report(st, 'inv5', p, v, null, `${st.vcpus[v].name}'s state is loaded on pcpu ${p} and on pcpu ${this.stampOwner[v]}`);
    this.stamp[v] = e2;
    this.stampOwner[v] = p;
    // Invariant 7, hotplug half (f2dcefdc7b): an offline pcpu that has taken its last
    // interrupts holds no one's state.
    if (!pc.online && pc.phase === PHASE.IDLE && !pc.ipis.length && !pc.deferredAcks.length) this.report(st, 'inv7', p, v, null, () => `offline pcpu ${p} still holds ${st.vcpus[v].name}'s state: no flush can reach it any more`);
    // Invariant 7: lazily held state only under idle (mid-switch phases excepted: there current is still prev, or next is being loaded).
    if (v !== pc.current && pc.current !== pc.idle && (pc.phase === PHASE.GUEST || pc.phase === PHASE.SOFTIRQ)) this.report(st, 'inv7', p, v, null, `pcpu ${p} runs ${st.vcpus[pc.current].name} while still holding ${st.vcpus[v].name}'s state`);
  }

  onStep(st: HvState): void {
    const P = st.pcpus.length;
    if (this.lastProcessor.length !== st.vcpus.length) this.prime(st);
    // Invariants 2 and 4 need only the vcpus that were is_running after the last step, those
    // picked during this one (is_running is set in one place, schedule(), right after onPick)
    // and those already in breach of 4 — not every vcpu: a step costs the same with 8 or 8,000.
    // In vcpu order, as a scan of all would report them.
    const cand = this.cand;
    let n = 0;
    for (let i = 0; i < this.runN; i++) cand[n++] = this.runWatch[i];
    for (let i = 0; i < this.inv4N; i++) cand[n++] = this.inv4Watch[i];
    for (let i = 0; i < this.pickedN; i++) cand[n++] = this.picked[i];
    // Insertion sort: a handful of ids, nearly in order already.
    for (let i = 1; i < n; i++) {
      const x = cand[i];
      let j = i - 1;
      while (j >= 0 && cand[j] > x) {
        cand[j + 1] = cand[j];
        j--;
      }
      cand[j + 1] = x;
    }
    this.runN = this.inv4N = this.pickedN = 0;
    let seen = -1;
    for (let i = 0; i < n; i++) {
      const v = cand[i];
      if (v === seen) continue;
      seen = v;
      const vc = st.vcpus[v];
      // Invariant 2: a vcpu that was is_running before this step and still is has not moved
      // (contextSaved() may clear is_running and then migrate it within one step).
      if (this.lastRunning[v] && vc.isRunning && vc.processor !== this.lastProcessor[v]) {
        this.report(st, 'inv2', vc.processor, v, null, `${vc.name} moved from pcpu ${this.lastProcessor[v]} to pcpu ${vc.processor} while still is_running`);
      }
      this.lastProcessor[v] = vc.processor;
      this.lastRunning[v] = vc.isRunning ? 1 : 0;
      if (vc.isRunning) this.runWatch[this.runN++] = v;
      // Invariant 4: a migration requested while the vcpu ran is carried out once it stops running.
      else if (vc.migrating) {
        this.report(st, 'inv4', vc.processor, v, null, `${vc.name} is no longer is_running but its migration request (_VPF_migrating) was never acted on`);
        this.inv4Watch[this.inv4N++] = v;
      }
    }
    // A pcpu's phase changes only in a step that touches it: a wait begun in this step is on a
    // touched pcpu, one begun earlier is in waitPhase.
    let waits = this.waitPhaseN > 0;
    for (let i = 0; i < this.touchedN; i++) {
      const p = this.touchedList[i];
      this.touched[p] = 0;
      this.refresh(st, p);
      if (isWait(st.pcpus[p].phase)) waits = true;
    }
    this.touchedN = 0;
    if (this.crossCheck) this.verifyView(st);
    // Nothing current or held twice, no pcpu in breach of invariant 7: the scans would find nothing.
    if (this.multiCur || this.multiHeld || this.suspect7N) this.scanPcpus(st);
    // Most steps nobody waits, or waited after the last one: nothing to judge.
    if (waits) {
      let now = 0;
      for (let p = 0; p < P; p++) if (st.pcpus[p].clock > now) now = st.pcpus[p].clock;
      this.liveness(st, now);
    }
  }

  /** Invariants 1, 5 and 7 over every pcpu, in pcpu order (run when the incremental view says one may be broken). */
  private scanPcpus(st: HvState): void {
    const P = st.pcpus.length;
    const e1 = ++this.epoch;
    const e2 = ++this.epoch;
    for (let p = 0; p < P; p++) {
      const pc = st.pcpus[p];
      const cur = pc.current;
      // Invariant 1: no guest vcpu is current on two pcpus.
      if (cur !== pc.idle) {
        if (this.stamp[cur] === e1) this.report(st, 'inv1', p, cur, null, `${st.vcpus[cur].name} is current on pcpu ${p} and on pcpu ${this.stampOwner[cur]}`);
        this.stamp[cur] = e1;
        this.stampOwner[cur] = p;
      }
    }
    for (let p = 0; p < P; p++) {
      const pc = st.pcpus[p];
      const l = pc.loaded;
      // Each run of classes held for one vcpu is judged once (setLoadedAll leaves one run).
      let last = -2;
      for (let c = 0; c < l.length; c++) {
        const v = l[c];
        // Idle vcpus are 0..P-1 (sim/build): they hold no guest state.
        if (v === last || v < P) continue;
        last = v;
        this.held(st, p, v, e2);
      }
    }
  }
}
