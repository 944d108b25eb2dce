/**
 * @module hv/core: the generic scheduling mechanism — Xen's common/schedule.c and the parts of
 * arch code every design shares (exception entry and exit, interrupts, IPIs, timers, wake,
 * block, yield). Each exported `do*` function is one atomic step of one pcpu; between steps
 * IRQs are enabled, so an IPI can be taken at any step boundary (the IPI protocol of 89e23317ba:
 * a pcpu spinning for a flush acknowledgement still serves the flush IPIs sent to it).
 *
 * schedule() as Xen 4.x does it (reference §1.2, §7), split into the steps a remote pcpu can
 * observe:
 *   SOFTIRQ      lock; next = do_schedule(); next.isRunning = 1; unlock   (or continue_running)
 *   SWITCH_PREP  contextSwitch starts, IRQs on: pull next's state off its dirty pcpu (flush IPI)
 *   SYNC_WAIT    spin until that pcpu acknowledges, serving our own IPIs meanwhile
 *   SWITCH       IRQs off: current = next; the design's state switch; IRQs on
 *   SAVED        contextSaved(prev): prev.isRunning = 0, act on a pending migration; then the
 *                tail: return to next's guest code, or the idle loop
 *
 * Under the older contracts (hv/contract; reference §1.1) the same steps carry the rules of
 * their time: schedule() swaps the running flags under the lock and keeps the lock, IRQs off,
 * through SWITCH_PREP, SYNC_WAIT and SWITCH (02bf186308); the lock is dropped when
 * contextSwitch() returns (2005-08) or when the design calls contextSwitchDone() (2006-01-06,
 * e92cab943b), and SAVED is context_switch_finalise(next), IRQs on.
 */
import { ENTRY_PATHS, type EntryPathName } from '../arch/index.ts';
import { modelBug } from '../base/index.ts';
import { copyRegs, IPI_FLUSH, IPI_RESCHED, IPI_STOP } from '../machine/index.ts';
import { charge, hvClobber, restoreFrame } from './ops.ts';
import { callChain, idleDepth, resetStack, unwindTo } from './stack.ts';
import { CTL, controlStart, takeCpuDown } from './control.ts';
import { NONE, PHASE, RUNSTATE, foreignRegister, unitMask, vcpuRunnable, type HvPcpu, type HvState, type Vcpu } from './model.ts';

export const PATH = Object.fromEntries(ENTRY_PATHS.map((p, i) => [p, i])) as Record<EntryPathName, number>;
const PATH_HYPERCALL = PATH.hypercall;
const PATH_DECREMENTER = PATH.decrementer;
const PATH_EXTERNAL = PATH.external;
const PATH_PROGRAM = PATH['program-check'];

/** Exception entry from guest code on pcpu p: the stub saves its registers into the frame, then C code clobbers scratch. */
export function enterFromGuest(st: HvState, p: number, path: number): void {
  const pc = st.pcpus[p];
  const cfg = st.cfg;
  const saves = cfg.entrySaves[path];
  copyRegs(pc.regs, pc.frame, saves);
  for (let i = 0; i < saves.length; i++) pc.frameValid[saves[i]] = 1;
  const words = cfg.entryWords[path];
  countEntry(st.metrics, path, words);
  charge(st, p, 'entry', words * cfg.arch.spec.cost.copyPerWord.cycles);
  charge(st, p, 'trap', path === PATH_HYPERCALL ? cfg.arch.spec.cost.hypercall.cycles : cfg.arch.spec.cost.trap.cycles);
  // Hypervisor code now uses every register the stub saved, and every caller-saved one (its
  // stack and TOC pointers included); callee-saved ones change only inside C frames.
  hvClobber(st, p, cfg.entryClobbers[path]);
  pc.entryPath = path;
  // The handler's C functions: each saves the callee-saved registers it uses, then uses them.
  callChain(st, p, cfg.arch.cframes.chains[path]);
}

/**
 * metrics.entries / entryWords of one entry on path `path` (an ENTRY_PATHS index), by named
 * stores: a keyed store seeing six names is megamorphic, and this runs on every exception.
 */
function countEntry(m: HvState['metrics'], path: number, words: number): void {
  const e = m.entries;
  const w = m.entryWords;
  switch (ENTRY_PATHS[path]) {
    case 'decrementer': e.decrementer++; w.decrementer += words; break;
    case 'hv-timer': e['hv-timer']++; w['hv-timer'] += words; break;
    case 'hypercall': e.hypercall++; w.hypercall += words; break;
    case 'external': e.external++; w.external += words; break;
    case 'ipi': e.ipi++; w.ipi += words; break;
    case 'program-check': e['program-check']++; w['program-check'] += words; break;
  }
}

/** The assembly exit path: back into current's guest code, where the checker looks. */
export function exitToGuest(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  if (st.cfg.design.exitToGuest) st.cfg.design.exitToGuest(st, p);
  else restoreFrame(st, p);
  pc.entryPath = NONE;
  pc.phase = PHASE.GUEST;
  st.metrics.resumes++;
  st.cfg.observer?.onResume(st, p, pc.current);
}

/** Whether the way back to the guest tests for softirqs first (x86 test_all_events; PPC hcall/HDEC only). */
function exitRunsSoftirqs(st: HvState, p: number): boolean {
  const path = st.pcpus[p].entryPath;
  return path === NONE ? true : st.cfg.arch.entry[ENTRY_PATHS[path]].runsSoftirqs;
}

/**
 * An interrupt or exception on pcpu p. From guest code it goes through the entry path; in the
 * hypervisor (idle loop, spinning in a switch) the handler nests and returns to where it was.
 */
function interrupt(st: HvState, p: number, path: number, handler: (() => void) | null): void {
  const pc = st.pcpus[p];
  const fromGuest = pc.phase === PHASE.GUEST;
  if (fromGuest) enterFromGuest(st, p, path);
  else charge(st, p, 'trap', st.cfg.arch.spec.cost.trap.cycles);
  if (handler) handler();
  if (fromGuest) {
    // Softirqs run beneath the handler (schedule() is called from below c_handler, as the seed
    // says); otherwise the handler returns, its frames restoring what they saved.
    if (pc.softirq && exitRunsSoftirqs(st, p)) pc.phase = PHASE.SOFTIRQ;
    else {
      unwindTo(st, p, 0);
      exitToGuest(st, p);
    }
  } else if (pc.phase === PHASE.IDLE && pc.softirq) pc.phase = PHASE.SOFTIRQ;
  // Nested handlers in the hypervisor return before the step ends: their frames are balanced
  // and not modelled.
}

/**
 * Send an IPI; it can be taken once the interconnect has carried it (the IPI cost figure). An
 * offline pcpu is not in cpu_online_map, so flush_area_mask() leaves it out
 * (`cpumask_and(&flush_cpumask, mask, &cpu_online_map)`, x86 smp.c) and returns at once: the
 * flush "completes" with nothing synced — what f2dcefdc7b's "Else sync_vcpu_execstate() doesn't
 * work properly" means, and why the dying cpu syncs before it leaves the map (control.ts).
 */
export function sendIpi(st: HvState, from: number, to: number, kind: number): void {
  if (!st.pcpus[to].online) {
    if (kind === IPI_FLUSH || kind === IPI_STOP) ackFlush(st, to, from);
    return;
  }
  st.cfg.tracer?.event(st, 'ipi-send', from, to, kind);
  queueIpi(st, from, to, kind, st.pcpus[from].clock + st.cfg.arch.spec.cost.ipi.cycles);
  st.metrics.ipis++;
  charge(st, from, 'ipi', st.cfg.arch.spec.cost.ipi.cycles);
}

/**
 * The interconnect's half of an IPI: pending on pcpu `to`, takeable from time `at`. No online
 * check, no cost, no trace: sendIpi adds those; the pre-f2dcefdc7b hotplug mutation (control.ts)
 * and the trace replay (sim/replay.ts, its own clock) queue directly.
 */
export function queueIpi(st: HvState, from: number, to: number, kind: number, at: number): void {
  st.pcpus[to].ipis.push({ kind, from, at });
  st.cfg.observer?.onTouch?.(st, to);
}

/** Re-arm the hypervisor timer: next tick while a guest runs, slice end; idle pcpus are tickless. */
function armTimer(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  if (pc.current === pc.idle && pc.phase !== PHASE.GUEST) {
    pc.timerAt = Infinity;
    return;
  }
  if (pc.nextTick <= pc.clock) pc.nextTick = pc.clock + st.cfg.tickCycles;
  pc.timerAt = Math.min(pc.nextTick, pc.sliceEnd);
}

// ---------------------------------------------------------------------------------------------
// schedule() and contextSwitch(), one step each.

/** SOFTIRQ: schedule(): lock, pick, is_running, unlock (reference §1.2 steps 1–7). */
export function doSchedule(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  pc.softirq = false;
  callChain(st, p, st.cfg.arch.cframes.softirq);
  charge(st, p, 'schedule', st.cfg.arch.spec.cost.schedule.cycles);
  const prev = pc.current;
  // An offline pcpu runs only its idle vcpu (everything on it was sent elsewhere when it went down).
  const { next, slice } = pc.online ? st.cfg.sched.doSchedule(st, p, pc.clock) : { next: pc.idle, slice: Infinity };
  pc.sliceEnd = pc.clock + slice;
  const pv = st.vcpus[prev];
  if (next === prev) {
    // continue_running(prev): no switch; schedule() and do_softirq() return.
    if (pv.isIdle) {
      unwindTo(st, p, idleDepth(st));
      pc.phase = PHASE.IDLE;
      pc.timerAt = Infinity;
    } else {
      unwindTo(st, p, 0);
      armTimer(st, p);
      exitToGuest(st, p);
    }
    return;
  }
  const nv = st.vcpus[next];
  st.cfg.observer?.onPick?.(st, p, next);
  // ASSERT(!next->is_running); next->is_running = 1;  — still under the lock.
  nv.isRunning = true;
  if (st.cfg.contract.lockAcrossSwitch) {
    // 02bf186308 __enter_scheduler(): clear_bit(_VCPUF_running, &prev) and set next's, then
    // context_switch() with the lock still held and IRQs off.
    pv.isRunning = false;
    pc.lockHeld = true;
    pc.lockAt = pc.clock;
  }
  // A vcpu that blocked itself is already BLOCKED (our _VPF_blocked); one descheduled because it
  // was paused or is migrating stays RUNNABLE here — Xen accounts it as offline, but it is not
  // blocked, and vcpuRunnable() looks at pause_count and migrating separately.
  if (!pv.isIdle && pv.runstate === RUNSTATE.RUNNING) pv.runstate = RUNSTATE.RUNNABLE;
  nv.runstate = RUNSTATE.RUNNING;
  pc.prev = prev;
  pc.next = next;
  pc.phase = PHASE.SWITCH_PREP;
  st.metrics.switches++;
  st.cfg.tracer?.event(st, 'sched', p, prev, next);
}

/** SWITCH_PREP: contextSwitch() begins with IRQs on: pull next's state off its dirty pcpu first. */
export function doSwitchPrep(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  const q = st.cfg.design.dirtyElsewhere ? st.cfg.design.dirtyElsewhere(st, p, pc.next) : NONE;
  if (q !== NONE) startFlushWait(st, p, q, PHASE.SYNC_WAIT);
  else pc.phase = PHASE.SWITCH;
}

/** SYNC_WAIT, once acknowledged: the flush returned, the remote state is in memory. */
export function doSyncDone(st: HvState, p: number): void {
  endFlushWait(st, p);
  st.pcpus[p].phase = PHASE.SWITCH;
}

/**
 * flush_mask(cpumask_of(q), FLUSH_VCPU_STATE) from pcpu p: send the flush IPI and spin in `phase`
 * (SYNC_WAIT for a switch, CTL_SYNC for a control operation), IRQs on, until q acknowledges.
 *
 * Deliberate difference: flush_area_mask() serialises on the global `flush_lock` (x86 smp.c:
 * spin_lock(&flush_lock) around the one global flush_cpumask, since 2005; 4.x and master alike),
 * so one flush at a time is in flight; here each pcpu waits for its own acknowledgement
 * (waitPcpu/ackAt) and flushes may overlap. The interleavings are a superset: a pcpu spinning
 * for the lock has IRQs on and serves IPIs, as one waiting in SWITCH_PREP or CTL_WAIT does here,
 * and every serialised order is one the model can take (its own flush delivered after the
 * other's acknowledgement). Xen reads dirty_cpu before it waits for the lock, the model when it
 * sends; the earlier value is the holder or none (src/explore/dirty-cpu-reads.long.test.ts), and a
 * flush of a pcpu that has committed meanwhile acknowledges with nothing to sync. A superset can
 * only add violations, never hide one; no correct design shows one because of it: `run
 * --control-rate 2000` on every built-in architecture, seeds 1–7, explore --design all (every
 * correct design that completes), and xen-x86-lazy with control operations (250,000 states; 150,000 on 3 pcpus,
 * credit, setvcpucontext and hotplug) find none.
 */
export function startFlushWait(st: HvState, p: number, q: number, phase: number): void {
  const pc = st.pcpus[p];
  if (pc.lockHeld || st.cfg.mutations?.flushWithIrqsOff) st.cfg.observer?.onFlushIrqsOff?.(st, p, q);
  st.metrics.remoteSyncs++;
  startAckWait(st, p, q, IPI_FLUSH, phase);
}

/**
 * Send pcpu q an IPI it acknowledges (flush, stop) and spin in `phase` until it does. The wait is
 * set up before the IPI goes out: an acknowledgement that comes at once (q offline: the flush
 * mask is empty and flush_area_mask() returns) must find its sender waiting, or it is lost and
 * the sender spins forever — the model's own stall of issue 16.
 */
export function startAckWait(st: HvState, p: number, q: number, kind: number, phase: number): void {
  const pc = st.pcpus[p];
  pc.waitPcpu = q;
  pc.ackAt = NONE;
  pc.phase = phase;
  sendIpi(st, p, q, kind);
}

/** The acknowledgement came: the spin ends when it arrived. */
export function endFlushWait(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  pc.clock = Math.max(pc.clock, pc.ackAt);
  pc.waitPcpu = NONE;
  pc.ackAt = NONE;
}

/** SWITCH: local_irq_disable(); set_current(next); the design's switch; local_irq_enable(). */
export function doSwitch(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  pc.current = pc.next;
  callChain(st, p, st.cfg.arch.cframes.switchChain);
  if (st.cfg.mutations?.setCurrentIrqsOn) {
    // The bug 89e23317ba fixed: an interrupt can arrive between set_current() and the check.
    pc.phase = PHASE.SWITCH_LATE;
    return;
  }
  doSwitchLate(st, p);
}

/** The curr_vcpu check and the design's state switch (the second half of SWITCH). */
export function doSwitchLate(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  unitSwitchOut(st, pc.prev);
  const lazyBefore = st.metrics.lazySwitches;
  st.cfg.design.contextSwitch(st, p, pc.prev, pc.next);
  pc.phase = PHASE.SAVED;
  st.cfg.tracer?.event(st, 'switch', p, pc.prev, pc.next, st.metrics.lazySwitches !== lazyBefore);
  // context_switch() has returned. 2005-08: schedule() drops the lock now (spin_unlock_irq), then
  // calls context_switch_finalise(next) — our SAVED step. 2006-01-06: x86 called
  // context_switch_done() at the end of context_switch(); a design that calls it later says so.
  const c = st.cfg.contract;
  if (c.unlockBy === 'schedule' || (c.unlockBy === 'arch' && !st.cfg.design.switchDoneInTail)) scheduleUnlock(st, p, pc.prev);
}

/**
 * spin_unlock_irq(&schedule_lock) after a switch, under the contracts that hold it across
 * contextSwitch (2005-08 from schedule(); 2006-01-06 as context_switch_done()). From here prev
 * may be touched — its running flag is already clear — so, as contextSaved() under today's
 * contract, its state must be committed or syncable now: the checker judges invariant 3 here.
 */
export function scheduleUnlock(st: HvState, p: number, prev: number): void {
  const pc = st.pcpus[p];
  if (!pc.lockHeld) return;
  if (!st.vcpus[prev].isIdle) {
    st.cfg.observer?.onContextSaved(st, p, prev);
    st.cfg.tracer?.event(st, 'saved', p, prev, NONE);
  }
  pc.lockHeld = false;
  st.metrics.lockHolds++;
  st.metrics.lockHoldCycles += pc.clock - pc.lockAt;
}

/** Switch-out statistics for usedUnitFraction: did prev write a unit since it was switched in? */
function unitSwitchOut(st: HvState, prev: number): void {
  const pv = st.vcpus[prev];
  if (pv.isIdle || !unitMask(st.cfg.arch)) return;
  const m = st.metrics;
  m.unitSwitchOuts++;
  if (pv.unitUsed) m.unitUsedSwitchOuts++;
  pv.unitUsed = 0;
  m.usedUnitFraction = m.unitUsedSwitchOuts / m.unitSwitchOuts;
}

/**
 * The "unavailable" trap on pcpu p: guest code touched unit class ci while it is disabled. A
 * synchronous exception through the program-check entry path (the architectures' #NM,
 * FP/VMX-unavailable, CPACR and FS=Off illegal-instruction traps are all synchronous program
 * exceptions): entry, the design's unitTrap, and straight back to the guest (the handler does
 * not run softirqs: the faulting instruction is retried at once).
 */
function unitTrap(st: HvState, p: number, ci: number): void {
  enterFromGuest(st, p, PATH_PROGRAM);
  st.metrics.traps++;
  st.cfg.design.unitTrap?.(st, p, ci);
  // A unit is one enable bit however many classes it covers (arch.units: CR0.TS, MSR[FP],
  // EUEN.FPE): a handler that enabled class ci enabled all of them. What it left unloaded
  // there, the guest reads stale, and the checker says so.
  const pc = st.pcpus[p];
  if ((pc.unitEnabled >>> ci) & 1) pc.unitEnabled |= st.cfg.arch.unitGroup[ci];
  unwindTo(st, p, 0);
  exitToGuest(st, p);
}

/**
 * The LazyFP window (CVE-2018-3665): while vcpu v runs `len` cycles on pcpu p, a disabled unit
 * whose registers still hold another domain's values exposes them to speculation. Measured.
 */
function measureExposure(st: HvState, p: number, v: number, len: number, disabled: number): void {
  const dom = st.vcpus[v].domain;
  const r = foreignRegister(st, p, dom, disabled);
  if (r === NONE) return; // one window per segment, however many units are exposed
  st.metrics.exposureCycles += len;
  const key = `${st.domains[dom].name}>${st.domains[st.pcpus[p].regs.own[r]].name}`;
  st.metrics.exposureByPair[key] = (st.metrics.exposureByPair[key] ?? 0) + len;
}

/**
 * contextSaved(prev) (common/schedule.c context_saved(), 1198a6a99f; barriers 90bc7dea0e;
 * migration hook 97bfffea3c): clear is_running only now that prev's state is committed or
 * syncable, then act on a migration requested while it was running.
 */
export function contextSaved(st: HvState, p: number, prev: number): void {
  const c = st.cfg.contract;
  if (c.lockAcrossSwitch) {
    // The older contracts have no context_saved(): prev's flag was cleared under the lock. A
    // design that releases the lock itself under 2006-01-06 calls us where it is safe to: that
    // is its context_switch_done(). Under 2005-08 schedule() already dropped the lock.
    if (c.unlockBy === 'arch' && st.cfg.design.switchDoneInTail) scheduleUnlock(st, p, prev);
    return;
  }
  const pv = st.vcpus[prev];
  if (pv.isIdle) {
    pv.isRunning = false;
    return;
  }
  st.cfg.observer?.onContextSaved(st, p, prev);
  st.cfg.tracer?.event(st, 'saved', p, prev, NONE);
  pv.isRunning = false;
  if (pv.migrating && !st.cfg.mutations?.savedIgnoresMigration) vcpuMigrate(st, prev, p);
}

/** SAVED: the design's schedule tail (contextSaved(prev) and the way out), or the default. */
export function doSaved(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  const prev = pc.prev;
  const next = pc.next;
  pc.prev = NONE;
  pc.next = NONE;
  // 2005-08: schedule() calls context_switch_finalise(next) after the unlock, IRQs on.
  if (st.cfg.contract.unlockBy === 'schedule') st.cfg.design.contextSwitchFinalise?.(st, p, next);
  if (st.cfg.design.tail) st.cfg.design.tail(st, p, prev);
  else defaultTail(st, p, prev);
  if (st.pcpus[p].lockHeld) modelBug(`${st.cfg.design.name}'s schedule tail on pcpu ${p} never released the schedule lock (switchDoneInTail without a contextSaved() call)`);
}

/**
 * x86 and PowerPC Xen: context_saved(prev), then reset_stack_and_jump() — prev's C frames are
 * abandoned — to the exit path that restores next's whole frame, or into the idle loop.
 */
export function defaultTail(st: HvState, p: number, prev: number): void {
  contextSaved(st, p, prev);
  resetStack(st, p);
  if (st.pcpus[p].current === st.pcpus[p].idle) callChain(st, p, st.cfg.arch.cframes.idle);
  tailDone(st, p);
}

/** The end of every tail: the stack is set up for current; go to its guest code or the idle loop. */
export function tailDone(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  if (pc.current === pc.idle) {
    pc.entryPath = NONE;
    pc.phase = pc.softirq ? PHASE.SOFTIRQ : PHASE.IDLE;
    pc.timerAt = Infinity;
    return;
  }
  armTimer(st, p);
  // Xen/PowerPC's full_resume does not look (design.resumeTestsSoftirqs false, 1aa3c54a31^):
  // a pending softirq stays pending until the guest's next hcall or HDEC.
  if (pc.softirq && st.cfg.design.resumeTestsSoftirqs !== false && exitRunsSoftirqs(st, p)) pc.phase = PHASE.SOFTIRQ;
  else exitToGuest(st, p);
}

/**
 * Whether pcpu pc has interrupts disabled between two steps: while it holds its schedule lock
 * across a switch (spin_lock_irq; 2005-08 and 2006-01-06), or spinning for a flush sent with
 * IRQs off (the mutation 89e23317ba forbids). Interrupts, IPIs and timers wait until they are on.
 */
export function irqsOff(st: HvState, pc: HvPcpu): boolean {
  return pc.lockHeld || (st.cfg.mutations?.flushWithIrqsOff === true && (pc.phase === PHASE.SYNC_WAIT || pc.phase === PHASE.CTL_SYNC));
}

/**
 * vcpu_sleep_sync()'s wait is over for v: it is not running — and, under the contracts that hold
 * the lock across the switch, its pcpu's schedule lock is free too (4fb2acfb09: "Synchronous
 * pause should not only wait for the running flag to clear, but also for the scheduler lock to
 * be released").
 */
export function sleepSyncDone(st: HvState, vc: Vcpu): boolean {
  if (vc.isRunning) return false;
  if (!st.cfg.contract.lockAcrossSwitch || st.cfg.mutations?.sleepSyncIgnoresLock) return true;
  return !st.pcpus[vc.processor].lockHeld;
}

/**
 * Acknowledge a flush IPI from `from` (its lazily held state, if any, is committed): its sender
 * stops spinning. If the sender is a cpu_down() of this pcpu, the IPI was its stop_machine
 * request, and this is where take_cpu_down() runs: after the sync, before the acknowledgement.
 */
export function ackFlush(st: HvState, p: number, from: number): void {
  const sender = st.pcpus[from];
  if ((sender.phase !== PHASE.SYNC_WAIT && sender.phase !== PHASE.CTL_SYNC) || sender.waitPcpu !== p) return;
  if (st.cfg.mutations?.flushAckLost) return;
  if (sender.phase === PHASE.CTL_SYNC && sender.ctlOp === CTL.HOTPLUG && st.pcpus[p].online) takeCpuDown(st, p);
  sender.ackAt = st.pcpus[p].clock;
}

/** Acknowledge every flush a design deferred (after it committed the state). */
export function ackDeferred(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  for (const from of pc.deferredAcks) ackFlush(st, p, from);
  pc.deferredAcks.length = 0;
}

/** IDLE with deferred flush acknowledgements: the idle loop unwinds to commit, then acknowledges. */
export function doDeferredSync(st: HvState, p: number): void {
  st.cfg.design.serveDeferredSync?.(st, p);
  st.metrics.localSyncs++;
  ackDeferred(st, p);
}

/**
 * vcpu_migrate(v) (4.0), run on pcpu `self`: only once v is not running; it moves to the pcpu the
 * scheduler picks — `new_cpu = SCHED_OP(pick_cpu, v)` (4.0 schedule.c; since 72ee01f5db, before
 * which 97bfffea3c took `first_cpu(online_affinity)`): credit's csched_cpu_pick(), or, for a
 * policy without pickCpu (rr), 97bfffea3c's first allowed online pcpu, v's own kept while it is
 * allowed — and is woken there: vcpu_wake() runs on `self`, which tickles the new pcpu with an
 * IPI (it must not just set that pcpu's softirq flag: an idle pcpu would never notice). Called
 * from contextSaved() when the request came while it ran, and by control operations.
 */
export function vcpuMigrate(st: HvState, v: number, self: number): void {
  const vc = st.vcpus[v];
  if ((vc.isRunning && !st.cfg.mutations?.migrateRunning) || !vc.migrating) return;
  vc.migrating = false;
  if (!st.pcpus.some((pc) => pc.online && (vc.affinity >>> pc.id) & 1)) {
    // cpu_disable_scheduler(): no online pcpu left in its affinity — the affinity is broken.
    vc.affinity = st.pcpus.reduce((m, pc) => (pc.online ? m | (1 << pc.id) : m), 0);
  }
  let target = vc.processor;
  if (st.cfg.sched.pickCpu) target = st.cfg.sched.pickCpu(st, v);
  else if (!((vc.affinity >>> target) & 1) || !st.pcpus[target].online) target = st.pcpus.find((pc) => pc.online && (vc.affinity >>> pc.id) & 1)!.id;
  if (target !== vc.processor) st.metrics.migrations++;
  st.cfg.sched.sleep(st, v);
  vc.processor = target;
  if (vcpuRunnable(vc)) wakeVcpu(st, self, v);
}

// ---------------------------------------------------------------------------------------------
// Interrupts, guest hypercalls and timers.

/** vcpu_wake(v) handled on pcpu `on`: queue it and tickle the pcpus the policy names. */
export function wakeVcpu(st: HvState, on: number, v: number): void {
  const tickles = st.cfg.sched.wake(st, v, st.pcpus[on].clock);
  for (const t of tickles) {
    if (t === on) st.pcpus[on].softirq = true;
    else sendIpi(st, on, t, IPI_RESCHED);
  }
}

/**
 * An I/O completion interrupt on pcpu v.wakePcpu wakes blocked vcpu v: vcpu_wake() runs there
 * (evtchn_send → vcpu_unblock → vcpu_wake), and tickles v's pcpu with an IPI if that is another.
 */
export function doWake(st: HvState, v: number): void {
  const vc = st.vcpus[v];
  // Device interrupts are routed away from a pcpu that went offline.
  const p = st.pcpus[vc.wakePcpu].online ? vc.wakePcpu : st.pcpus.find((q) => q.online)!.id;
  const pc = st.pcpus[p];
  st.cfg.observer?.onTouch?.(st, p);
  pc.clock = Math.max(pc.clock, vc.wakeAt);
  interrupt(st, p, PATH.external, () => {
    vc.wakeAt = Infinity;
    if (vc.runstate !== RUNSTATE.BLOCKED) return;
    st.cfg.tracer?.event(st, 'wake', p, v, NONE);
    vc.runstate = RUNSTATE.RUNNABLE;
    if (vcpuRunnable(vc)) wakeVcpu(st, p, v);
  });
}

/** The hypervisor timer on pcpu p: the scheduler tick and the end of the slice. */
export function doTimer(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  pc.clock = Math.max(pc.clock, pc.timerAt);
  interrupt(st, p, PATH['hv-timer'], () => {
    if (pc.clock >= pc.nextTick) {
      if (st.cfg.sched.tick(st, p, pc.clock)) pc.softirq = true;
      pc.nextTick = pc.clock + st.cfg.tickCycles;
    }
    if (pc.clock >= pc.sliceEnd) {
      // s_timer fired: the slice is over; schedule() will set the next one.
      pc.softirq = true;
      pc.sliceEnd = Infinity;
    }
    armTimer(st, p);
  });
}

/** Take the oldest pending IPI on pcpu p. */
export function doIpi(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  const ipi = pc.ipis.shift()!;
  pc.clock = Math.max(pc.clock, ipi.at);
  interrupt(st, p, PATH.ipi, () => {
    st.cfg.tracer?.event(st, 'ipi-take', p, ipi.from, ipi.kind);
    if (ipi.kind === IPI_FLUSH || ipi.kind === IPI_STOP) {
      // invalidate_interrupt(): FLUSH_VCPU_STATE syncs lazily held state, then acknowledges.
      // IPI_STOP, cpu_down()'s stop_machine_run(take_cpu_down): the function runs in a tasklet,
      // and do_tasklet_work() calls sync_local_execstate() before it (346da00456; from
      // f2dcefdc7b to 6da2b1ae55, April 2010, __cpu_disable() called it too): the same sync,
      // then take_cpu_down() (ackFlush).
      const held = pc.loaded[0];
      st.cfg.observer?.onSyncLocal?.(st, p);
      const r = st.cfg.design.syncLocal ? st.cfg.design.syncLocal(st, p) : false;
      if (r === 'defer') {
        pc.deferredAcks.push(ipi.from);
        return;
      }
      if (r) {
        st.metrics.localSyncs++;
        st.cfg.tracer?.event(st, 'sync', p, held, NONE);
      }
      ackFlush(st, p, ipi.from);
    } else if (ipi.kind === IPI_RESCHED) {
      pc.softirq = true;
    }
  });
}

export const GUEST_OP = { NONE: 0, HYPERCALL: 1, YIELD: 2, BLOCK: 3, TIMER: 4, EXTERNAL: 5, CONTROL: 6 } as const;
export const GUEST_OP_NAMES = ['run', 'hypercall', 'yield', 'block', 'guest-timer', 'device-irq', 'domctl'] as const;

/**
 * Guest code on pcpu p runs for `len` cycles, writing its next registers (every one it uses, in
 * turn), then does `op`: nothing, a null hypercall, SCHEDOP_yield, SCHEDOP_block (blocked for
 * `arg` cycles, woken
 * by an interrupt on pcpu `irq`), takes its own timer interrupt (the decrementer path), or a
 * device interrupt (the external path).
 */
export function doGuest(st: HvState, p: number, len: number, op: number, arg: number, irq: number): void {
  const pc = st.pcpus[p];
  const v = pc.current;
  const vc = st.vcpus[v];
  pc.clock += len;
  vc.guestCycles += len;
  st.metrics.guestSegments++;
  const regs = st.cfg.profileRegs[vc.profile];
  const n = st.cfg.profiles[vc.profile].writesPerSegment;
  const own = vc.domain;
  const units = unitMask(st.cfg.arch);
  if (units) {
    const disabled = units & ~pc.unitEnabled;
    if (disabled) measureExposure(st, p, v, len, disabled);
  }
  // The guest's writes, each a fresh token into the register and the guest's shadow. The cursor
  // and the token counter live in locals and are written back before a unit trap (design code
  // runs there) and at the end; the register file is re-read after one.
  const regClass = st.cfg.arch.regClass;
  const shadow = vc.shadow;
  let val = pc.regs.val;
  let owns = pc.regs.own;
  let cursor = vc.writeCursor;
  let tok = st.nextToken;
  for (let k = 0; k < n; k++) {
    const r = regs[cursor];
    cursor = cursor + 1 === regs.length ? 0 : cursor + 1;
    if (units) {
      const bit = 1 << regClass[r];
      if (units & bit) {
        if (!(pc.unitEnabled & bit)) {
          vc.writeCursor = cursor;
          st.nextToken = tok;
          unitTrap(st, p, regClass[r]);
          tok = st.nextToken;
          val = pc.regs.val;
          owns = pc.regs.own;
        }
        vc.unitDirty |= bit;
        vc.unitUsed |= bit;
      }
    }
    val[r] = tok;
    owns[r] = own;
    shadow[r] = tok;
    tok = (tok + 1) >>> 0;
  }
  vc.writeCursor = cursor;
  st.nextToken = tok;
  switch (op) {
    case GUEST_OP.NONE:
      return;
    case GUEST_OP.HYPERCALL:
      interrupt(st, p, PATH_HYPERCALL, null);
      return;
    case GUEST_OP.YIELD:
      interrupt(st, p, PATH.hypercall, () => {
        st.cfg.sched.yield?.(st, v);
        pc.softirq = true;
      });
      return;
    case GUEST_OP.BLOCK:
      interrupt(st, p, PATH.hypercall, () => {
        vc.runstate = RUNSTATE.BLOCKED;
        st.cfg.tracer?.event(st, 'block', p, v, NONE);
        vc.wakeAt = pc.clock + arg;
        vc.wakePcpu = irq >= 0 && irq < st.pcpus.length ? irq : p;
        st.cfg.sched.sleep(st, v);
        pc.softirq = true;
      });
      return;
    case GUEST_OP.TIMER:
      interrupt(st, p, PATH_DECREMENTER, null);
      return;
    case GUEST_OP.EXTERNAL:
      interrupt(st, p, PATH_EXTERNAL, null);
      return;
    case GUEST_OP.CONTROL: {
      // A domctl from the toolstack: `arg` is the target vcpu, `irq` the operation and its argument.
      enterFromGuest(st, p, PATH.hypercall);
      if (!controlStart(st, p, irq & 15, arg, irq >>> 4)) {
        if (pc.softirq && exitRunsSoftirqs(st, p)) pc.phase = PHASE.SOFTIRQ;
        else {
          unwindTo(st, p, 0);
          exitToGuest(st, p);
        }
      }
      return;
    }
  }
}
