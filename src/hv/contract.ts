/**
 * @module hv/contract: the three generations of the interface between Xen's scheduler and the
 * architecture's context switch (reference §1.1). The scheduler core (hv/core) reads one of these
 * records and behaves as common/schedule.c did at that time; the checker (check/) reads it to
 * know what "prev may be touched" means.
 *
 * - 2005-08 (02bf186308, the interface the seed post quotes): __enter_scheduler() clears prev's
 *   running flag and sets next's under the per-pcpu schedule lock, *before* context_switch();
 *   the lock stays held, with IRQs off, across context_switch(); it is dropped when
 *   context_switch() returns, and context_switch_finalise(next) runs after that with IRQs on.
 *   prev may be touched once its running flag is clear *and* the lock is free: vcpu_sleep_sync()
 *   spins on both (4fb2acfb09, 2005-08-26, the day after the post).
 * - 2006-01-06 (e92cab943b): the same, except the architecture drops the lock itself, by calling
 *   context_switch_done() when prev's state is committed (it lived for one day).
 * - 2006-01-07 (1198a6a99f, today's): the lock is dropped before context_switch(), which runs
 *   with IRQs on; prev's running flag stays set until the architecture calls context_saved(prev)
 *   once prev's state is committed or syncable; a migration requested meanwhile is finished there
 *   (97bfffea3c).
 *
 * "The other rules of its time" (issue 10) that differ between the generations, as data:
 * - load balancing: the schedulers of 2005 (BVT, SEDF) kept a vcpu on its pcpu's runqueue; a
 *   pcpu taking work from a peer came with the credit scheduler (2006-05), after 1198a6a99f and
 *   1088bc0f6d (2006-01-07, "context_switch() must pull state off of old CPU").
 * - migration: in 2005 a vcpu changed pcpu only while paused (DOM0_PINCPUDOMAIN: vcpu_pause(),
 *   which syncs its state; set the processor; vcpu_unpause()); the deferred migration through
 *   _VPF_migrating and context_saved() is 2006-09 (97bfffea3c).
 * - CPU hotplug (cpu_down with lazy state synced, f2dcefdc7b) is 2008–2010: not offered before.
 * - The sync a reader forces is sync_vcpu_execstate(v) under all three (fc6151d0e9, 2005-08-26,
 *   the same day as 4fb2acfb09). Before it, 02bf186308 called sync_lazy_execstate_cpu(v->processor);
 *   under the 2005 rules v's processor is the only pcpu that can hold it lazily, so the two flush
 *   the same pcpu.
 * - The domctl lock: see hv/control (the model uses its later, non-blocking form throughout).
 */

export const CONTRACT_NAMES = ['2005-08', '2006-01-06', '2006-01-07'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface Contract {
  readonly name: ContractName;
  /** The commit that introduced it, and its date. */
  readonly commit: string;
  readonly summary: string;
  /**
   * Running flags are swapped under the lock in schedule(), before the switch (prev's cleared,
   * next's set); the schedule lock, with IRQs off, is held across contextSwitch(). False: today's
   * rule — next's flag set under the lock, the lock dropped before the switch, prev's flag cleared
   * by contextSaved().
   */
  readonly lockAcrossSwitch: boolean;
  /**
   * Who drops the lock: 'schedule' — common code, when contextSwitch() returns (2005-08); 'arch'
   * — the design, through contextSwitchDone() (2006-01-06; a design that does not say otherwise
   * calls it as soon as contextSwitch() returns, x86's placement); null when not held (2006-01-07).
   */
  readonly unlockBy: 'schedule' | 'arch' | null;
  /** Schedulers may take runnable vcpus from a peer's runqueue (credit csched_load_balance). */
  readonly loadBalancing: boolean;
  /**
   * vcpu_set_affinity() marks _VPF_migrating and contextSaved() finishes the move (97bfffea3c);
   * false: the 2005 way, pause (with its sync), set the processor, unpause.
   */
  readonly deferredMigration: boolean;
  /** cpu_down / cpu_up exist. */
  readonly hotplug: boolean;
}

export const CONTRACTS: Record<ContractName, Contract> = {
  '2005-08': {
    name: '2005-08',
    commit: '02bf186308 (2005-08-16); vcpu_sleep_sync waits for the lock too from 4fb2acfb09 (2005-08-26)',
    summary: 'flags swapped under the lock before context_switch(); lock and IRQs-off held across it; context_switch_finalise(next) after the unlock',
    lockAcrossSwitch: true,
    unlockBy: 'schedule',
    loadBalancing: false,
    deferredMigration: false,
    hotplug: false,
  },
  '2006-01-06': {
    name: '2006-01-06',
    commit: 'e92cab943b (2006-01-06)',
    summary: 'as 2005-08, but the architecture drops the lock by calling context_switch_done()',
    lockAcrossSwitch: true,
    unlockBy: 'arch',
    loadBalancing: false,
    deferredMigration: false,
    hotplug: false,
  },
  '2006-01-07': {
    name: '2006-01-07',
    commit: '1198a6a99f (2006-01-07); migration hook 97bfffea3c; barriers 90bc7dea0e',
    summary: "today's: lock dropped before context_switch(); the architecture calls context_saved(prev) once prev is committed or syncable",
    lockAcrossSwitch: false,
    unlockBy: null,
    loadBalancing: true,
    deferredMigration: true,
    hotplug: true,
  },
};

export const DEFAULT_CONTRACT: ContractName = '2006-01-07';

export function isContractName(s: string): s is ContractName {
  return (CONTRACT_NAMES as readonly string[]).includes(s);
}
