/**
 * @module hv/switch/types: the contract between the scheduler core and a switch design — our
 * version of Xen's `context_switch()` comment (xen/include/xen/sched.h since 1198a6a99f):
 *
 *   Called by the scheduler to switch to another VCPU. This function must call
 *   context_saved(@prev) when the local CPU is no longer running in @prev's context, and
 *   that context is saved to memory. Alternatively, if implementing lazy context switching,
 *   it suffices to ensure that invoking sync_vcpu_execstate() will switch and commit
 *   @prev's state.
 *
 * In lazyswitch the core runs the protocol's fixed skeleton (schedule(): lock, pick,
 * is_running, unlock; then the steps below) and the design fills in the state movement.
 * The core calls contextSaved(prev) itself, in the step after contextSwitch(), which is where
 * x86 Xen calls it (after local_irq_enable(), reference §2.3).
 */
import type { Arch, EntryPathName } from '../../arch/index.ts';
import type { HvState } from '../model.ts';
import type { ContractName } from '../contract.ts';

export interface SwitchDesign {
  /** Registry key, folder name and CLI value. */
  readonly name: string;
  /** One line for `lazyswitch list`. */
  readonly summary: string;
  /** The code it models: file, function, commit. */
  readonly cites: readonly string[];
  /**
   * Set on a design that is kept because it is wrong (the checker must catch it): why it breaks.
   * Such designs still run everywhere; tables mark them.
   */
  readonly broken?: string;
  /**
   * Set on a design that models no real code but a variation worth comparing (a what-if): what
   * it varies. `run` leaves it out of its default comparison (name it with --design); explain,
   * explore --design all and the matrix include it. `lazyswitch list` shows it.
   */
  readonly whatIf?: string;
  /**
   * The generations of the scheduler interface (hv/contract) the design is written for. Absent:
   * today's only ('2006-01-07'). It runs under every contract; under one it is not written for,
   * the run is a what-if and tables say so.
   */
  readonly contracts?: readonly ContractName[];
  /**
   * Its natural form under an older contract: the name of another built-in design (xen-x86-lazy's
   * 2005 form is xen-x86-lazy-2005). Selecting that contract runs the form instead.
   */
  readonly forms?: Partial<Record<ContractName, string>>;
  /**
   * Under 2006-01-06 (e92cab943b) the architecture drops the schedule lock by calling
   * context_switch_done(). True: this design's tail makes that call where it calls contextSaved()
   * (after it has committed prev — the seed's assembly exit path); the lock and IRQs-off last
   * until then. Absent: the core calls it as soon as contextSwitch() returns (x86's placement).
   */
  readonly switchDoneInTail?: boolean;
  /**
   * Under 2005-08 only: context_switch_finalise(next), called by schedule() after it dropped the
   * lock, IRQs on, before the schedule tail (02bf186308; e92cab943b removed it). Absent: nothing.
   */
  contextSwitchFinalise?(st: HvState, p: number, next: number): void;
  /** True when the design can run on `arch`, or the reason it cannot. */
  supports(arch: Arch): true | string;
  /**
   * What the exception-entry stub saves into the frame on `path` (computed once per run).
   * A design may keep the architecture's default (arch.entry[path].saves) or impose its own.
   */
  entrySaves(arch: Arch, path: EntryPathName): Int32Array;
  /**
   * Start of contextSwitch(prev, next), IRQs enabled: if next's state is still held by another
   * pcpu, return that pcpu; the core sends it a flush IPI and waits for the acknowledgement
   * (Xen: flush_tlb_mask(next->vcpu_dirty_cpumask) before local_irq_disable(), 89e23317ba).
   * This is the design's own step, not a mere query: before it spins, a design may first put
   * its own house in order (ppc-asm-exit-switch commits what it holds lazily here). Absent: never.
   */
  dirtyElsewhere?(st: HvState, p: number, next: number): number;
  /**
   * The state switch, IRQs disabled, `current` already set to next. On return, prev's state is
   * committed to its save area, or held on this pcpu so that syncLocal() can commit it; next's
   * state is where the exit path (exitToGuest) will find it. Eager designs always move state;
   * lazy ones may leave it in place and must count a lazy switch (st.metrics.lazySwitches).
   */
  contextSwitch(st: HvState, p: number, prev: number, next: number): void;
  /**
   * Which stack the hypervisor runs on. 'per-pcpu' (x86, PowerPC): one stack per pcpu, and the
   * switch ends in reset_stack_and_jump() unless the design's tail returns through the frames.
   * 'per-vcpu' (Xen ARM, ia64): every vcpu has its own stack, frames and exception frame
   * included, and the switch moves the pcpu onto next's stack. Absent: 'per-pcpu'.
   */
  readonly stack?: 'per-pcpu' | 'per-vcpu';
  /**
   * __sync_local_execstate(): if this pcpu lazily holds a vcpu's state, commit it now (the
   * pcpu is running its idle vcpu). Returns true when a switch happened. 'defer' means it cannot
   * be done from interrupt context (part of the state sits in C frames the handler cannot
   * reach): the core holds back the flush acknowledgement until serveDeferredSync() ran.
   * Absent: nothing is ever held.
   */
  syncLocal?(st: HvState, p: number): boolean | 'defer';
  /** Commit what syncLocal deferred; runs as the idle pcpu's next step. The core then acknowledges. */
  serveDeferredSync?(st: HvState, p: number): void;
  /**
   * schedule_tail, after the state switch: must call contextSaved(st, p, prev) exactly once — at
   * the point where prev's state is committed or syncable — set the stack up for `current`, then
   * call tailDone(st, p). The core gives that call the meaning of the selected contract:
   * context_saved(prev) today; context_switch_done() under 2006-01-06 for a design that sets
   * switchDoneInTail; nothing under 2005-08, where schedule() dropped the lock already. Absent: contextSaved(prev), then
   * reset_stack_and_jump() to the exit path (or into the idle loop) — x86 and PowerPC Xen.
   */
  tail?(st: HvState, p: number, prev: number): void;
  /**
   * Whether the way back into a guest after a switch tests for pending softirqs first (x86:
   * schedule_tail → ret_from_intr → test_all_events; Xen/Arm: leave_hypervisor_to_guest). false:
   * it does not — Xen/PowerPC's context_switch() ends in reset_stack_and_jump(full_resume), and
   * full_resume falls into fast_resume, which never looks (1aa3c54a31^ powerpc64/exceptions.S;
   * exceptions.c do_timer()'s "HACK ALERT": "if we switch domains in schedule() we switch right
   * away regardless of whatever else is pending"). A softirq raised during the switch then waits
   * for next's next entry that runs softirqs (hcall, HDEC). tailDone() reads it. Absent: true.
   * The idle loop looks either way (idle_loop → default_idle checks softirq_pending).
   */
  readonly resumeTestsSoftirqs?: boolean;
  /**
   * The value vcpu v gets back in register r when it next resumes, given where this design keeps
   * a descheduled vcpu's state (the checker judges invariant 3 with it). Absent: the save area.
   */
  savedValue?(st: HvState, v: number, r: number): number;
  /**
   * The same for every register at once, into `out` (length nregs): out[r] must equal
   * savedValue(st, v, r) for every r (the conformance suite compares the two). Optional, for a
   * design whose savedValue walks its structures per register: the checker judges invariants 3
   * and 8 with one call instead of one per register.
   */
  savedValues?(st: HvState, v: number, out: Uint32Array): void;
  /** setvcpucontext wrote v's save area: a design that keeps state elsewhere (a vcpu stack) must adopt it. */
  contextWritten?(st: HvState, v: number): void;
  /**
   * The assembly return-to-guest path on pcpu p for `current`. Absent: restore every valid
   * slot of the exception frame into the registers (fast_resume / full_resume).
   */
  exitToGuest?(st: HvState, p: number): void;
  /**
   * The "unavailable" trap (issue 6): guest code on pcpu p is about to write a register of unit
   * class ci (role fp or vector) while the unit is disabled there (pcpu.unitEnabled bit clear).
   * The core has entered through the program-check path (x86 #NM with CR0.TS set; ppc64 FP /
   * VMX unavailable with MSR[FP] / MSR[VEC] clear; arm64 the CPACR_EL1.FPEN trap; riscv64 the
   * illegal-instruction trap with FS/VS = Off) and counted metrics.traps. The hook must make the
   * unit usable for `current`: save the values of whoever they belong to if not yet committed,
   * load current's, and set the enabled bit (x86 setup_fpu(): clts(); restore). The core then
   * returns to the guest and the write happens. Only designs that clear enabled bits need it.
   */
  unitTrap?(st: HvState, p: number, ci: number): void;
}
