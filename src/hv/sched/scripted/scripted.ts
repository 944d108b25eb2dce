/**
 * @module hv/sched/scripted: a policy with no policy. Whoever drives the simulation (the trace
 * replay, src/sim/replay.ts) writes into `st.schedData.wanted[p]` the vcpu that must run on pcpu
 * p next, and schedule() on p picks exactly that; the decisions were already taken by the real
 * scheduler whose trace is being replayed (Linux CFS, Xen credit, ...), so this one only carries
 * them out through the same schedule()/contextSwitch() machinery as every other policy.
 *
 * It never steals, never tickles a pcpu on its own, never asks for a reschedule on a tick, and
 * sets no slice timer. The one thing wake() does is a consequence of the script, not a decision:
 * a vcpu that pcpu p has been told to run, woken while p idles, raises p's SCHEDULE_SOFTIRQ
 * (Xen's vcpu_wake() → the policy's wake hook tickling the pcpu it chose, as credit's
 * __runq_tickle does for an idle pcpu).
 *
 * There is no isQueued(): a runnable vcpu that runs nowhere is not a lost wakeup here but a task
 * the traced scheduler left waiting; only the trace knows when it runs again.
 *
 * Contract (hv/sched/types.ts): doSchedule() never returns a vcpu that is not runnable, that is
 * `isRunning` on another pcpu (invariant 1), or that the driver has not placed on this pcpu
 * (`processor === p`): in those cases it returns the idle vcpu, and the driver's bookkeeping is
 * at fault, not the model.
 */
import { schedCurr, type Scheduler } from '../types.ts';
import { NONE, vcpuRunnable, type HvState } from '../../model.ts';

/** st.schedData of the scripted policy: plain data, cloned and hashed with the rest of the state. */
export interface ScriptedData {
  /** Per pcpu: the vcpu the driver wants there next (its idle vcpu, or NONE: idle). */
  wanted: number[];
}

function data(st: HvState): ScriptedData {
  return st.schedData as ScriptedData;
}

/** The driver's instruction: pcpu p runs vcpu v from its next schedule() on (NONE or p's idle vcpu: idle). */
export function setWanted(st: HvState, p: number, v: number): void {
  data(st).wanted[p] = v;
}

export function wantedOn(st: HvState, p: number): number {
  const w = data(st).wanted[p];
  return w === NONE ? st.pcpus[p].idle : w;
}

export const scripted: Scheduler = {
  name: 'scripted',
  summary: 'runs on each pcpu exactly the vcpu the driver names (trace replay): no policy, no stealing, no slices',
  cites: [
    'xen/common/schedule.c schedule(): the policy hook (sched_ops.do_schedule) is the only decision; everything after it is mechanism',
    'the replayed trace (ftrace/trace-cmd/perf sched_switch, xentrace __enter_scheduler) is the real scheduler whose decisions it carries out',
  ],
  init(st) {
    return { wanted: st.pcpus.map((pc) => pc.idle) } satisfies ScriptedData;
  },
  wake(st, v) {
    const d = data(st);
    const out: number[] = [];
    for (let p = 0; p < d.wanted.length; p++) {
      if (d.wanted[p] === v && schedCurr(st, p) === st.pcpus[p].idle) out.push(p);
    }
    return out;
  },
  sleep() {
    // No runqueues: who runs where is the driver's to say.
  },
  doSchedule(st, p) {
    const pc = st.pcpus[p];
    const w = wantedOn(st, p);
    if (w === pc.idle) return { next: pc.idle, slice: Infinity };
    const v = st.vcpus[w];
    // Our own prev is still isRunning here (its tail has not run): picking it again is continue_running.
    const ok = !v.isIdle && vcpuRunnable(v) && v.processor === p && (!v.isRunning || pc.current === w);
    return { next: ok ? w : pc.idle, slice: Infinity };
  },
  tick: () => false,
};
