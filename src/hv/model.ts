/**
 * @module hv/model: the hypervisor's state record — domains, vcpus, the per-pcpu scheduling
 * bookkeeping — plus the metrics the run accumulates. One plain, serialisable object: the
 * explorer clones and hashes it, the random driver mutates it in place.
 *
 * Vocabulary (design.md): `current` is whom the scheduler says runs on a pcpu; `loaded`
 * (Xen's per_cpu(curr_vcpu), tracked per register class) is whose values are really in the
 * pcpu's registers; `dirtyPcpu` (Xen's v->dirty_cpu) is the pcpu holding a vcpu's
 * uncommitted state.
 */
import { perArch, type Arch, type EntryPathName } from '../arch/index.ts';
import type { CFrame, Pcpu, RegStore } from '../machine/index.ts';
import type { GuestProfile } from '../guest/index.ts';
import type { SwitchDesign } from './switch/types.ts';
import type { Scheduler } from './sched/types.ts';
import type { Contract } from './contract.ts';
import type { StateLayout } from './state/layout.ts';

/** Where a pcpu stands between two atomic steps. IRQs are enabled at every boundary. */
export const PHASE = {
  /** A guest vcpu (`current`) runs guest code. */
  GUEST: 0,
  /** The idle vcpu runs the idle loop. */
  IDLE: 1,
  /** In the hypervisor with SCHEDULE_SOFTIRQ pending: next step is schedule() (lock, pick, unlock). */
  SOFTIRQ: 2,
  /** schedule() picked next != prev: next step is the start of contextSwitch (next's dirty pcpu check, IRQs on). */
  SWITCH_PREP: 3,
  /** contextSwitch sent a flush IPI to `waitPcpu` and spins, IRQs on, until it is acknowledged (89e23317ba). */
  SYNC_WAIT: 4,
  /** Next step: IRQs off, set current = next, the design's state switch. */
  SWITCH: 5,
  /** Next step: contextSaved(prev), then return to the guest or the idle loop. */
  SAVED: 6,
  /** A control operation (domctl) paused `ctlTarget` and spins, IRQs on, until it is not is_running (vcpu_sleep_sync). */
  CTL_WAIT: 7,
  /** The control operation sent a flush IPI to the target's dirty pcpu and waits for the acknowledgement (sync_vcpu_execstate). */
  CTL_SYNC: 8,
  /** Mutation only: set_current(next) done with IRQs on; the curr_vcpu check and the switch are the next step. */
  SWITCH_LATE: 9,
} as const;
export const PHASE_NAMES = ['guest', 'idle', 'softirq', 'switch-prep', 'sync-wait', 'switch', 'saved', 'ctl-wait', 'ctl-sync', 'switch-late'] as const;

export const RUNSTATE = { RUNNING: 0, RUNNABLE: 1, BLOCKED: 2, OFFLINE: 3 } as const;
export const RUNSTATE_NAMES = ['running', 'runnable', 'blocked', 'offline'] as const;

export const NONE = -1;

export interface HvPcpu extends Pcpu {
  /** Whom the scheduler says runs here (Xen `current`). Written by schedule()'s switch step. */
  current: number;
  /** Per register class: whose values are in this pcpu's registers (Xen `curr_vcpu`). Written by designs. */
  loaded: Int32Array;
  /** This pcpu's idle vcpu. */
  readonly idle: number;
  phase: number;
  /** During a switch: prev and next, as schedule() chose them. */
  prev: number;
  next: number;
  /** SYNC_WAIT: the pcpu whose flush acknowledgement we wait for, and when it came (NONE: not yet). */
  waitPcpu: number;
  ackAt: number;
  /** SCHEDULE_SOFTIRQ pending. */
  softirq: boolean;
  /**
   * This pcpu holds its own schedule lock across a switch, with IRQs off — only under the
   * contracts of 2005-08 and 2006-01-06 (hv/contract); under today's the lock never outlives the
   * schedule() step. Set by schedule() when it picks next != prev, cleared by scheduleUnlock().
   */
  lockHeld: boolean;
  /** When the lock was taken (for metrics.lockHoldCycles). */
  lockAt: number;
  /**
   * 2005-08 only: the design's contextSwitch() left work for contextSwitchFinalise(next), after the
   * unlock with IRQs on (02bf186308 x86 percpu_ctxt[cpu].context_not_finalised: load_LDT(),
   * load_segments()). Set and cleared by designs.
   */
  notFinalised: boolean;
  /** The current hypervisor activation came from guest code through this entry path (NONE: from idle). */
  entryPath: number;
  /** Next hypervisor timer deadline (min of the scheduler tick and the slice end), in cycles. */
  timerAt: number;
  nextTick: number;
  sliceEnd: number;
  /** The C frames on the stack this pcpu runs on (outermost first). */
  cframes: CFrame[];
  /** Flush IPIs whose acknowledgement a design deferred (senders' pcpu ids): see syncLocal. */
  deferredAcks: number[];
  /**
   * A state switch split across C and the assembly exit path (Hollis's design): the vcpu whose
   * nonvolatiles the exit path must still save, and the one whose it must load (NONE: none).
   */
  pendingNvFrom: number;
  pendingNvTo: number;
  /** The control operation this pcpu is carrying out (CTL_* in hv/control), its target vcpu. */
  ctlOp: number;
  ctlTarget: number;
  /** Its argument (set_affinity's pcpu, under the 2005 rules where the move waits for the pause). */
  ctlArg: number;
  /** Targets still to wait for and sync (domain operations), and every vcpu it paused. */
  ctlQueue: number[];
  ctlPaused: number[];
  /**
   * Lazily switchable units (issue 6): bit c set when register class c may be used by guest
   * code on this pcpu — x86 CR0.TS clear, ppc64 MSR[FP] / MSR[VEC], arm64 CPACR_EL1.FPEN,
   * riscv64 sstatus.FS/VS != Off. Only classes of role fp or vector are ever cleared (unitMask);
   * every bit is set at boot, and designs that never clear one behave as before. A guest write
   * to a register of a disabled class takes the "unavailable" trap first (core doGuest).
   */
  unitEnabled: number;
  /**
   * The vcpu whose FP/vector values this pcpu's unit registers hold and that a design may still
   * trust (Linux fpu_fpregs_owner_ctx); NONE when none. Only linux-x86-deferred uses it.
   */
  unitOwner: number;
  /**
   * XSAVE's modified optimisation (Intel SDM vol. 1 §13.6, §13.8.3), on an architecture with
   * `xsave`: the vcpu from whose save area this pcpu's last XRSTOR loaded every XSAVE component
   * (the processor's XRSTOR_INFO: the area's address names the vcpu); NONE when none, or when
   * the components were since loaded by other means or that XRSTOR restored only some. While it
   * is v, a component v has not written since (vcpu.unitDirty bit clear) is unmodified, and an
   * XSAVEOPT/XSAVES into v's area skips it. Written only by hv/ops (xrstorState, loadClass,
   * newXsaveArea). Neither `loaded` nor `unitOwner` means this: designs set those without an XRSTOR.
   */
  xrstorFrom: number;
}

/** A per-vcpu hypervisor stack (Xen ARM, ia64): its exception frame and C frames travel with the vcpu. */
export interface VcpuStack {
  frame: RegStore;
  frameValid: Uint8Array;
  cframes: CFrame[];
  /** Callee-saved registers saved by switch_to (__context_switch's saved_context). */
  ctx: RegStore;
}

export interface Vcpu {
  readonly id: number;
  /** Domain index, or NONE for an idle vcpu. */
  readonly domain: number;
  readonly name: string;
  readonly isIdle: boolean;
  runstate: number;
  /** Set under the schedule lock when picked; cleared by contextSaved (invariant 3). */
  isRunning: boolean;
  /** The pcpu whose runqueue holds this vcpu. Changes only while !isRunning (invariant 2). */
  processor: number;
  dirtyPcpu: number;
  pauseCount: number;
  migrating: boolean;
  /** The save area in memory (struct vcpu's arch context). */
  area: RegStore;
  /** What the guest last wrote to each register: what it must read back. */
  shadow: Uint32Array;
  /** Blocked: when its I/O completes, and the pcpu whose interrupt wakes it (vcpu_wake() runs there). */
  wakeAt: number;
  wakePcpu: number;
  readonly profile: number;
  /** Next register the guest workload writes (walks every register it uses). */
  writeCursor: number;
  /** Affinity bitmask over pcpus. */
  affinity: number;
  /** Cycles of guest code this vcpu has run. */
  guestCycles: number;
  /** Its own hypervisor stack while not running, for per-vcpu-stack designs (null otherwise). */
  stack: VcpuStack | null;
  /**
   * Per unit class (bit c): the guest wrote the unit since a design last cleared the bit — the
   * hardware dirty bit (riscv FS/VS = Dirty) or Xen's v->fpu_dirtied. Set by the core on every
   * guest write to a unit register; only designs clear it — directly, or through hv/ops
   * xrstorState, which clears the XSAVE components' bits (from then on: written since the XRSTOR).
   */
  unitDirty: number;
  /** Per unit class: written since this vcpu was last switched in (core-owned; for usedUnitFraction). */
  unitUsed: number;
  /** The pcpu its unit state was last loaded on or saved from (Linux fpu->last_cpu); NONE when invalidated. */
  unitLastCpu: number;
  /**
   * Small per-vcpu counters of the unit designs that keep one (Linux powerpc's thread.load_fp /
   * load_vec, adaptive's run of stints with a unit write), packed by hv/switch/unit-counters.
   * Owned by the unit designs: never read by the core. 0 at build.
   */
  unitCounters: number;
  /**
   * XSTATE_BV of the XSAVE header of v's save area (Intel SDM vol. 1 §13.4.2), by class bit: set
   * for an XSAVE component that is not in its initial configuration, i.e. the guest has written
   * it since the area was allocated (0 at build, as Xen's xstate_alloc_save_area() leaves it).
   * An XSAVEOPT/XSAVES writes the processor's XINUSE here (hv/ops xsaveState). It only says which
   * optimisation a skipped save is counted under (metrics.xsaveAvoidedBy), never what is saved,
   * so canonicalWords leaves it out, as it leaves out the metrics.
   */
  xstateBv: number;
}

export interface Domain {
  readonly id: number;
  readonly name: string;
  readonly weight: number;
  /** Credit cap in percent of one pcpu; 0 = no cap. */
  readonly cap: number;
  readonly profile: string;
  readonly vcpus: number[];
}

export interface Metrics {
  switches: number;
  lazySwitches: number;
  wordsSaved: number;
  wordsRestored: number;
  bytesMoved: number;
  ipis: number;
  addressSpaceSwitches: number;
  cycles: number;
  /** Breakdown of `cycles`. */
  cyclesBy: { entry: number; save: number; restore: number; schedule: number; ipi: number; addressSpace: number; trap: number; cframes: number };
  /** Per entry path: exceptions taken, words stored into the frame on entry. */
  entries: Record<EntryPathName, number>;
  entryWords: Record<EntryPathName, number>;
  remoteSyncs: number;
  localSyncs: number;
  /** Control operations carried out (getvcpucontext, setvcpucontext, set_affinity). */
  controlOps: number;
  migrations: number;
  guestSegments: number;
  resumes: number;
  /** "Unavailable" traps taken (first use of a disabled FP/vector unit: #NM, FP/VMX unavailable, CPACR trap, FS=Off). */
  traps: number;
  /** Unit-class saves a design skipped at switch-out because the outgoing vcpu had not written the unit. */
  unitSavesAvoided: number;
  /** Unit-class restores a design skipped at switch-in because the pcpu still held the vcpu's values. */
  unitRestoresAvoided: number;
  /**
   * Words an XSAVEOPT/XSAVES did not write (hv/ops xsaveState, architectures with `xsave`): a
   * component in its initial configuration (the init optimisation) or not modified since the
   * XRSTOR from the same save area on the same pcpu (the modified optimisation), Intel SDM vol. 1
   * §13.6. Not part of unitSavesAvoided: those are class saves a design chose not to make; these
   * are words of a save it made that the processor left out.
   */
  xsaveWordsAvoided: number;
  /** xsaveWordsAvoided by optimisation: `init` (XINUSE clear) or `modified` (in use but not modified since the XRSTOR). */
  xsaveAvoidedBy: { init: number; modified: number };
  /**
   * Guest cycles run while a disabled unit on that pcpu held another domain's values (the LazyFP
   * window, CVE-2018-3665): measured, not a violation.
   */
  exposureCycles: number;
  /** exposureCycles by "running domain>owning domain" (domain names, e.g. "d2>d1"). */
  exposureByPair: Record<string, number>;
  /** Switch-outs of a guest vcpu on an architecture with units, and how many had used a unit since switched in. */
  unitSwitchOuts: number;
  unitUsedSwitchOuts: number;
  /** Switches during which the schedule lock was held across contextSwitch (2005-08, 2006-01-06), and the cycles it was held, IRQs off. */
  lockHolds: number;
  lockHoldCycles: number;
  /** unitUsedSwitchOuts / unitSwitchOuts (0 when none): the statistic behind Xen's removal of lazy FPU (70a6abd2cd). */
  usedUnitFraction: number;
  /**
   * The part of cyclesBy.addressSpace spent refilling the TLB after switching to a guest's page
   * tables (working-set pages × refill per page, the architecture's cost.addressSpace: an estimate).
   */
  tlbRefillCycles: number;
}

/** Fixed configuration of one run, shared by reference between clones. */
export interface HvConfig {
  readonly arch: Arch;
  readonly design: SwitchDesign;
  readonly sched: Scheduler;
  /** The generation of the scheduler/context-switch interface this run follows (hv/contract). */
  readonly contract: Contract;
  readonly profiles: readonly GuestProfile[];
  /** Per entry path index: the registers the design's entry stub saves, their words, and what C code then clobbers. */
  readonly entrySaves: readonly Int32Array[];
  readonly entryWords: readonly number[];
  readonly entryClobbers: readonly Int32Array[];
  /** Per profile: the registers its guests write. */
  readonly profileRegs: readonly Int32Array[];
  /** Cycles of simulated time to run. */
  readonly endCycles: number;
  /** Scheduler tick period in cycles. */
  readonly tickCycles: number;
  observer: HvObserver | null;
  /** Deliberate bugs switched on by the mutation suite (src/mutants); absent in every real run. */
  mutations?: Mutations;
  /** Timeline sink (Perfetto export, reports); null when nobody listens. */
  tracer: HvTracer | null;
}

/**
 * Timeline events, emitted at the point they happen on pcpu `p` (time: that pcpu's clock).
 * - sched: schedule() on p picked `b` to replace `a` (a switch starts)
 * - switch: the state switch from `a` to `b` finished; `lazy` when the design moved nothing
 * - saved: contextSaved(a) on p
 * - ipi-send: p sent an IPI of kind `b` (1 flush, 2 resched, 3 stop) to pcpu `a`
 * - ipi-take: p took an IPI of kind `b` from pcpu `a`
 * - sync: p committed vcpu `a`'s lazily held state (syncLocal)
 * - block / wake: vcpu `a` blocked on p / was woken by an interrupt on p
 */
export type HvEventKind = 'sched' | 'switch' | 'saved' | 'ipi-send' | 'ipi-take' | 'sync' | 'block' | 'wake';

export interface HvTracer {
  event(st: HvState, kind: HvEventKind, p: number, a: number, b: number, lazy?: boolean): void;
}

export interface Mutations {
  /** getvcpucontext reads without sync_vcpu_execstate(). */
  remoteReadWithoutSync?: boolean;
  /** vcpu_migrate() without its is_running bail-out (97bfffea3c). */
  migrateRunning?: boolean;
  /** Flush IPIs sent, and waited for, with IRQs disabled (what 89e23317ba forbids). */
  flushWithIrqsOff?: boolean;
  /** context_saved() without its _VPF_migrating check (before 97bfffea3c). */
  savedIgnoresMigration?: boolean;
  /** set_current() and the curr_vcpu check with an IRQ window between them (before 89e23317ba). */
  setCurrentIrqsOn?: boolean;
  /** vcpu_sleep_sync() waits for the running flag only, not for the schedule lock (02bf186308 before 4fb2acfb09; 2005-08 and 2006-01-06 contracts). */
  sleepSyncIgnoresLock?: boolean;
  /** cpu_down() takes the pcpu out of cpu_online_map first and leaves its sync to a queued flush IPI (the order before f2dcefdc7b). */
  hotplugOfflineFirst?: boolean;
  /** invalidate_interrupt() syncs but its acknowledgement never reaches the sender (a lost ack: the sender spins forever). */
  flushAckLost?: boolean;
}

export interface HvState {
  readonly cfg: HvConfig;
  /** Where each pcpu's and vcpu's scalars and register files sit in `buf` (hv/state/layout). */
  readonly layout: StateLayout;
  /** The flat state: every scalar of the pcpus and vcpus, and their register files at home. */
  readonly buf: ArrayBuffer;
  pcpus: HvPcpu[];
  vcpus: Vcpu[];
  domains: Domain[];
  /** Scheduler-owned state (plain data, cloned with the rest). */
  schedData: any;
  /** Steps taken. */
  step: number;
  /** Next fresh value token for a guest write. */
  nextToken: number;
  metrics: Metrics;
}

/**
 * Hooks the checker (check/) attaches to. The hypervisor calls them at the points where the
 * contract can be judged; it never depends on what they do.
 */
export interface HvObserver {
  /** A guest vcpu is about to run guest code again on pcpu p (after an exception or a switch). */
  onResume(st: HvState, p: number, v: number): void;
  /** contextSaved(prev) on pcpu p is about to clear prev.isRunning. */
  onContextSaved(st: HvState, p: number, prev: number): void;
  /** schedule() on pcpu p picked `next` (about to set next.isRunning): invariant 1 is judged here. */
  onPick?(st: HvState, p: number, next: number): void;
  /** A design is about to load vcpu v's state on pcpu p. */
  onLoad(st: HvState, p: number, v: number): void;
  /** A remote reader is about to read v's save area (issue: remote operations). */
  onRemoteRead?(st: HvState, p: number, v: number): void;
  /** After every step. */
  onStep(st: HvState): void;
  /**
   * Pcpu p's scheduling state — current, loaded, phase, online, its pending IPIs — may have
   * changed in this step. Contract (what an incremental observer relies on): applyChoice reports
   * the pcpu a step runs on, and every write to another pcpu's state goes through a function
   * that reports it (queueIpi, setLoadedAll, the hotplug operations); code that writes a pcpu's
   * state outside a step reports it too.
   */
  onTouch?(st: HvState, p: number): void;
  /** A flush IPI is about to run __sync_local_execstate() on pcpu p (invariant 11 is judged here). */
  onSyncLocal?(st: HvState, p: number): void;
  /** domain_destroy is about to reuse vcpu v's slot: no pcpu may still hold its state. */
  onDestroy?(st: HvState, p: number, v: number): void;
  /**
   * Pcpu p is about to send a flush IPI to q and spin for it with interrupts disabled: what
   * flush_area_mask()'s ASSERT(local_irq_is_enabled()) forbids (invariant 10).
   */
  onFlushIrqsOff?(st: HvState, p: number, q: number): void;
  /** The pcpus listed spin forever: each waits for an acknowledgement no one can send. */
  onDeadlock?(st: HvState, pcpus: number[]): void;
}

export function newMetrics(): Metrics {
  const perPath = () => ({ decrementer: 0, 'hv-timer': 0, hypercall: 0, external: 0, ipi: 0, 'program-check': 0 });
  return {
    switches: 0,
    lazySwitches: 0,
    wordsSaved: 0,
    wordsRestored: 0,
    bytesMoved: 0,
    ipis: 0,
    addressSpaceSwitches: 0,
    cycles: 0,
    cyclesBy: { entry: 0, save: 0, restore: 0, schedule: 0, ipi: 0, addressSpace: 0, trap: 0, cframes: 0 },
    entries: perPath(),
    entryWords: perPath(),
    remoteSyncs: 0,
    localSyncs: 0,
    controlOps: 0,
    migrations: 0,
    guestSegments: 0,
    resumes: 0,
    traps: 0,
    unitSavesAvoided: 0,
    unitRestoresAvoided: 0,
    xsaveWordsAvoided: 0,
    xsaveAvoidedBy: { init: 0, modified: 0 },
    exposureCycles: 0,
    exposureByPair: {},
    unitSwitchOuts: 0,
    unitUsedSwitchOuts: 0,
    usedUnitFraction: 0,
    lockHolds: 0,
    lockHoldCycles: 0,
    tlbRefillCycles: 0,
  };
}

/** Bitmask of the lazily switchable unit classes of an architecture: role fp or vector, never used by the hypervisor (arch.units). */
export const unitMask = perArch((arch: Arch): number => {
  let m = 0;
  for (const u of arch.units) m |= u.mask;
  return m;
});

/**
 * The first register of the classes in `mask` (a bitmask by class index) on pcpu p that holds a
 * value another domain owns than `dom` — what an enabled unit leaks to the guest resuming there
 * (the checker's isolation) and what a disabled one exposes to speculation (the LazyFP window,
 * core's measureExposure). NONE when there is none.
 */
export function foreignRegister(st: HvState, p: number, dom: number, mask: number): number {
  const own = st.pcpus[p].regs.own;
  const classes = st.cfg.arch.classes;
  for (let ci = 0; mask >>> ci; ci++) {
    if (!((mask >>> ci) & 1)) continue;
    const c = classes[ci];
    for (let r = c.start; r < c.end; r++) {
      const o = own[r];
      if (o >= 0 && o !== dom) return r;
    }
  }
  return NONE;
}

/** True when unit class ci is enabled on pcpu p. */
export function unitOn(st: HvState, p: number, ci: number): boolean {
  return ((st.pcpus[p].unitEnabled >>> ci) & 1) === 1;
}

export function isIdle(st: HvState, v: number): boolean {
  return st.vcpus[v].isIdle;
}

/** Xen's vcpu_runnable(): not blocked, not paused, not migrating. */
export function vcpuRunnable(v: Vcpu): boolean {
  return v.runstate !== RUNSTATE.BLOCKED && v.runstate !== RUNSTATE.OFFLINE && v.pauseCount === 0 && !v.migrating;
}
