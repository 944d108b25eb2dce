/**
 * @module hv/sched/rr: round robin, one FIFO runqueue per pcpu, fixed 10 ms slice; an idle pcpu
 * takes the first migratable vcpu from a peer's queue. The simplest policy with migration, as in
 * George Dunlap's sched-sim `rr` (gwd/sched-sim, anchors §1.1), made SMP.
 */
import type { Scheduler } from '../types.ts';
import { idlePcpusFor, runqRemove, schedCurr } from '../types.ts';
import { RUNSTATE, vcpuRunnable, type HvState } from '../../model.ts';

interface RrData {
  runq: number[][];
}

const SLICE_MS = 10;

function data(st: HvState): RrData {
  return st.schedData as RrData;
}

export const rr: Scheduler = {
  name: 'rr',
  summary: 'round robin per pcpu, 10 ms slice, idle pcpus steal (gwd/sched-sim rr, made SMP)',
  cites: ['gwd/sched-sim simulator.c rr (anchors §1.1)'],
  init(st) {
    const runq: number[][] = st.pcpus.map(() => []);
    for (const v of st.vcpus) if (!v.isIdle && vcpuRunnable(v)) runq[v.processor].push(v.id);
    return { runq } satisfies RrData;
  },
  wake(st, v) {
    const d = data(st);
    const vc = st.vcpus[v];
    if (!d.runq[vc.processor].includes(v) && schedCurr(st, vc.processor) !== v) d.runq[vc.processor].push(v);
    const home = st.pcpus[vc.processor];
    const out = schedCurr(st, vc.processor) === home.idle ? [vc.processor] : [];
    if (!out.length) {
      const idle = idlePcpusFor(st, v);
      if (idle.length) out.push(idle[0]);
    }
    return out;
  },
  isQueued: (st, v) => data(st).runq.some((q) => q.includes(v)),
  sleep(st, v) {
    for (const q of data(st).runq) runqRemove(q, v);
  },
  doSchedule(st, p, _now) {
    const d = data(st);
    const pc = st.pcpus[p];
    const prev = st.vcpus[pc.current];
    if (!prev.isIdle && vcpuRunnable(prev) && !d.runq[p].includes(prev.id)) d.runq[p].push(prev.id);
    const slice = (st.cfg.arch.spec.clockHz * SLICE_MS) / 1000;
    const q = d.runq[p];
    for (let i = 0; i < q.length; i++) {
      const v = st.vcpus[q[i]];
      // Our own prev is still isRunning here (its tail has not run): picking it again is continue_running.
      if (v.isRunning && v.id !== prev.id) continue;
      q.splice(i, 1);
      return { next: v.id, slice };
    }
    // Nothing local: steal the first migratable vcpu from a peer (not under the older
    // contracts: no scheduler of 2005 moved work between pcpus, hv/contract).
    for (let k = 1; st.cfg.contract.loadBalancing && k < st.pcpus.length; k++) {
      const peer = (p + k) % st.pcpus.length;
      const pq = d.runq[peer];
      for (let i = 0; i < pq.length; i++) {
        const v = st.vcpus[pq[i]];
        if (v.isRunning || !((v.affinity >>> p) & 1) || v.runstate === RUNSTATE.BLOCKED) continue;
        pq.splice(i, 1);
        v.processor = p;
        st.metrics.migrations++;
        return { next: v.id, slice };
      }
    }
    return { next: pc.idle, slice: Infinity };
  },
  tick: () => false,
};
