/**
 * @module hv/sched/types: the scheduler policy interface — Xen's `struct sched_ops` narrowed to
 * what the model needs. The policy returns a decision; the core carries it out (it never touches
 * switching machinery). Its state lives in st.schedData as plain data, so it clones and hashes
 * with the rest of the simulation.
 *
 * Contract shared by every policy (and checked by the conformance suite):
 * - doSchedule() runs under pcpu p's schedule lock. It re-queues prev (= p.current) if prev is a
 *   runnable guest vcpu, and returns a vcpu that is not `isRunning` on another pcpu (invariant 1),
 *   or p's idle vcpu. A vcpu taken from another pcpu's runqueue must not be `isRunning`
 *   (credit's __csched_vcpu_is_migrateable) and gets `processor = p`.
 * - wake() queues a vcpu that became runnable on v.processor and returns the pcpus to tickle.
 * - sleep() removes a vcpu that stopped being runnable from its runqueue.
 */
import { NONE, type HvState } from '../model.ts';

export interface Decision {
  next: number;
  /** Cycles until the slice ends (Infinity: no slice timer, e.g. idle). */
  slice: number;
}

export interface Scheduler {
  readonly name: string;
  readonly summary: string;
  readonly cites: readonly string[];
  init(st: HvState): unknown;
  wake(st: HvState, v: number, now: number): number[];
  sleep(st: HvState, v: number): void;
  doSchedule(st: HvState, p: number, now: number): Decision;
  /** Periodic accounting tick on pcpu p. Returns true to request a reschedule. */
  tick(st: HvState, p: number, now: number): boolean;
  /** SCHEDOP_yield from v (optional). */
  yield?(st: HvState, v: number): void;
  /** Whether v sits on a runqueue (lets the conformance suite catch a lost wakeup). */
  isQueued?(st: HvState, v: number): boolean;
  /**
   * sched_ops.pick_cpu: the pcpu vcpu_migrate() moves v to — online and in v's affinity, which
   * the core has made non-empty (Xen: SCHED_OP(pick_cpu, v) since 72ee01f5db, 2006-11-06).
   * Optional: without it the core takes 97bfffea3c's first_cpu(online_affinity), keeping v's pcpu
   * when it is still allowed (hv/core vcpuMigrate).
   */
  pickCpu?(st: HvState, v: number): number;
}

/**
 * The scheduler's view of who runs on pcpu p — Xen's per_cpu(schedule_data).curr, set under the
 * lock by schedule() — which runs ahead of `current` (set_current() in context_switch()) while a
 * switch is under way. Policies must use this, not `current`: a vcpu woken during prev's
 * switch-out is no longer "current" for the scheduler and must be queued (csched_vcpu_wake's
 * curr_on_cpu() test).
 */
export function schedCurr(st: HvState, p: number): number {
  const pc = st.pcpus[p];
  return pc.next !== NONE ? pc.next : pc.current;
}

/** Remove v from a runqueue array if present. */
export function runqRemove(q: number[], v: number): boolean {
  const i = q.indexOf(v);
  if (i < 0) return false;
  q.splice(i, 1);
  return true;
}

/** Pcpus whose current vcpu is idle and which v may run on: candidates to tickle so they steal. */
export function idlePcpusFor(st: HvState, v: number): number[] {
  const out: number[] = [];
  const aff = st.vcpus[v].affinity;
  for (const pc of st.pcpus) if (pc.online && schedCurr(st, pc.id) === pc.idle && (aff >>> pc.id) & 1) out.push(pc.id);
  return out;
}
