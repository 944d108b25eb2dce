/**
 * @module hv/sched/credit: Xen's credit scheduler (xen/common/sched_credit.c, 4.x).
 *
 * Modelled as Xen does it: per-pcpu runqueues ordered by priority (BOOST > UNDER > OVER), FIFO
 * within a priority (__runq_insert); credits burnt while running at CSCHED_CREDITS_PER_MSEC
 * (burn_credits); a 10 ms tick (CSCHED_MSECS_PER_TICK) that demotes BOOST to UNDER
 * (csched_vcpu_acct); accounting every 30 ms (CSCHED_TICKS_PER_ACCT × tick) that shares
 * CSCHED_CREDITS_PER_ACCT per pcpu among domains by weight, honours caps, and sets UNDER/OVER
 * (csched_acct); a 30 ms slice; BOOST on wake for an UNDER vcpu and tickling of idlers
 * (csched_vcpu_wake, __runq_tickle); and load balancing when the local best is OVER or idle,
 * stealing only vcpus that are not is_running (csched_load_balance, csched_runq_steal,
 * __csched_vcpu_is_migrateable).
 *
 * Accounting follows Xen's active list: a vcpu joins it when a tick finds it running
 * (csched_vcpu_acct → __csched_vcpu_acct_start), only active vcpus earn credit and change
 * priority at csched_acct, and a vcpu leaves it when its credit exceeds a slice's worth
 * (__csched_vcpu_acct_stop_locked, credit halved). An inactive vcpu keeps its priority, so an
 * I/O-bound vcpu that rarely runs stays UNDER and is BOOSTed on every wake.
 *
 * Deliberate simplification: a capped vcpu over its cap is parked by a scheduler flag rather
 * than by vcpu_pause_nosync().
 */
import type { Decision, Scheduler } from '../types.ts';
import { idlePcpusFor, runqRemove, schedCurr } from '../types.ts';
import { vcpuRunnable, type HvState } from '../../model.ts';

export const PRI_BOOST = 0;
export const PRI_UNDER = -1;
export const PRI_OVER = -2;
const CREDITS_PER_MSEC = 10;
const TICK_MS = 10;
const TICKS_PER_ACCT = 3;
const CREDITS_PER_ACCT = 300;
const CREDITS_PER_TSLICE = 300;
const TSLICE_MS = 30;

export interface CreditData {
  runq: number[][];
  credit: number[];
  pri: number[];
  /** When the vcpu last started running (cycles), for burn_credits. */
  start: number[];
  parked: boolean[];
  yielding: boolean[];
  /** On the active list (earning credit). */
  active: boolean[];
  nextAcct: number;
}

function data(st: HvState): CreditData {
  return st.schedData as CreditData;
}

function msToCycles(st: HvState, ms: number): number {
  return (st.cfg.arch.spec.clockHz * ms) / 1000;
}

/** __runq_insert: after every vcpu of higher or equal priority (a yielder goes behind its equals too). */
function runqInsert(st: HvState, p: number, v: number): void {
  const d = data(st);
  const q = d.runq[p];
  if (q.includes(v)) return;
  let i = 0;
  while (i < q.length && d.pri[q[i]] >= d.pri[v]) i++;
  q.splice(i, 0, v);
}

function burnCredits(st: HvState, v: number, now: number): void {
  const d = data(st);
  const ran = now - d.start[v];
  if (ran <= 0) return;
  d.credit[v] -= (ran * CREDITS_PER_MSEC) / msToCycles(st, 1);
  d.start[v] = now;
}

/** csched_acct: hand out credits by weight, apply caps, set UNDER/OVER. */
function acct(st: HvState): void {
  const d = data(st);
  const creditTotal = CREDITS_PER_ACCT * st.pcpus.filter((p) => p.online).length;
  let weightTotal = 0;
  const active = st.domains.map((dom) => dom.vcpus.filter((v) => d.active[v]));
  st.domains.forEach((dom, i) => (weightTotal += dom.weight * active[i].length));
  if (weightTotal === 0) return;
  st.domains.forEach((dom, i) => {
    const n = active[i].length;
    if (!n) return;
    let fair = Math.ceil((creditTotal * dom.weight * n) / weightTotal);
    const capCredit = dom.cap ? Math.ceil((dom.cap * CREDITS_PER_ACCT) / 100) : 0;
    if (dom.cap && fair > capCredit) fair = capCredit;
    const perVcpu = Math.ceil(fair / n);
    for (const v of active[i]) {
      d.credit[v] += perVcpu;
      if (d.credit[v] < 0) {
        d.pri[v] = PRI_OVER;
        // Over its cap: park it until it earns back above the cap.
        if (dom.cap && d.credit[v] < -capCredit) d.parked[v] = true;
      } else {
        d.pri[v] = PRI_UNDER;
        d.parked[v] = false;
        // Upper bound: a vcpu that does not spend its credit leaves the active list and stops hoarding.
        if (d.credit[v] > CREDITS_PER_TSLICE) {
          d.active[v] = false;
          d.credit[v] /= 2;
        }
      }
    }
  });
}

function pickable(st: HvState, p: number, v: number, prev: number): boolean {
  const vc = st.vcpus[v];
  return !data(st).parked[v] && (!vc.isRunning || v === prev);
}

/** csched_schedule(): requeue prev, pick the best local vcpu, or balance load from peers. */
function doSchedule(st: HvState, p: number, now: number, opts: CreditOptions): Decision {
    const d = data(st);
    const pc = st.pcpus[p];
    const prev = pc.current;
    const pv = st.vcpus[prev];
    if (!pv.isIdle) {
      burnCredits(st, prev, now);
      if (vcpuRunnable(pv)) {
        // A yielder goes behind every vcpu of its own priority.
        if (d.yielding[prev]) {
          const saved = d.pri[prev];
          d.pri[prev] = saved - 0.5;
          runqInsert(st, p, prev);
          d.pri[prev] = saved;
        } else runqInsert(st, p, prev);
      }
      d.yielding[prev] = false;
    }
    const q = d.runq[p];
    let best = -1;
    for (let i = 0; i < q.length; i++) {
      if (pickable(st, p, q[i], prev)) {
        best = i;
        break;
      }
    }
    const localPri = best >= 0 ? d.pri[q[best]] : -64;
    const slice = msToCycles(st, TSLICE_MS);
    if (best >= 0 && localPri > PRI_OVER) {
      const next = q.splice(best, 1)[0];
      d.start[next] = now;
      return { next, slice };
    }
    // csched_load_balance: look for better work on peers (only vcpus not in their scheduling tail).
    // Not under the older contracts: no scheduler of 2005 moved work between pcpus (hv/contract).
    for (let k = 1; st.cfg.contract.loadBalancing && k < st.pcpus.length; k++) {
      const peer = (p + k) % st.pcpus.length;
      const pq = d.runq[peer];
      for (let i = 0; i < pq.length; i++) {
        const v = pq[i];
        const vc = st.vcpus[v];
        if (d.pri[v] <= localPri || (vc.isRunning && !opts.stealRunning) || d.parked[v] || !((vc.affinity >>> p) & 1)) continue;
        pq.splice(i, 1);
        vc.processor = p;
        st.metrics.migrations++;
        d.start[v] = now;
        return { next: v, slice };
      }
    }
    if (best >= 0) {
      const next = q.splice(best, 1)[0];
      d.start[next] = now;
      return { next, slice };
    }
    return { next: pc.idle, slice: Infinity };
  }

/**
 * csched_cpu_pick() → _csched_cpu_pick(vc, 1) (4.0 xen/common/sched_credit.c; in vcpu_migrate()
 * since 72ee01f5db): `cpus_and(cpus, cpu_online_map, vc->cpu_affinity); cpu = cpu_isset(
 * vc->processor, cpus) ? vc->processor : cycle_cpu(vc->processor, cpus)` — v's pcpu if allowed,
 * else the next allowed one after it, wrapping (cycle_cpu: next_cpu, else first_cpu). The loop
 * that follows moves to an idler with more idle neighbours in its core or socket; the model's
 * pcpus are one thread, one core each (no cpu_sibling_map or cpu_core_map to tell apart), so
 * every weight compared there is 1 and the loop never moves. Not modelled: ebb064aa22 (2013,
 * 4.3+), which prefers an idle pcpu when v's own is busy.
 */
export function csCpuPick(st: HvState, v: number): number {
  const vc = st.vcpus[v];
  const n = st.pcpus.length;
  const allowed = (q: number) => st.pcpus[q].online && ((vc.affinity >>> q) & 1) === 1;
  if (allowed(vc.processor)) return vc.processor;
  for (let k = 1; k <= n; k++) {
    const q = (vc.processor + k) % n;
    if (allowed(q)) return q;
  }
  return vc.processor; // unreachable: the core breaks an affinity with no online pcpu first
}

export interface CreditOptions {
  /** Mutation: load balancing without __csched_vcpu_is_migrateable()'s !is_running test. */
  stealRunning?: boolean;
}

export function makeCredit(opts: CreditOptions = {}): Scheduler {
  return { ...creditBase, doSchedule: (st, p, now) => doSchedule(st, p, now, opts) };
}

const creditBase: Scheduler = {
  name: 'credit',
  summary: 'Xen credit: weights, caps, 30 ms slice, 10 ms tick, BOOST on wake, load balancing',
  cites: ['xen/common/sched_credit.c (4.x): csched_schedule, csched_acct, csched_vcpu_wake, csched_load_balance, csched_cpu_pick (4.0)'],
  init(st) {
    const n = st.vcpus.length;
    const d: CreditData = {
      runq: st.pcpus.map(() => []),
      credit: new Array(n).fill(0),
      pri: new Array(n).fill(PRI_UNDER),
      start: new Array(n).fill(0),
      parked: new Array(n).fill(false),
      yielding: new Array(n).fill(false),
      active: new Array(n).fill(false),
      nextAcct: msToCycles(st, TICK_MS * TICKS_PER_ACCT),
    };
    st.schedData = d;
    for (const v of st.vcpus) if (!v.isIdle && vcpuRunnable(v)) runqInsert(st, v.processor, v.id);
    return d;
  },
  wake(st, v, now) {
    const d = data(st);
    const vc = st.vcpus[v];
    if (schedCurr(st, vc.processor) === v) return [];
    if (d.pri[v] === PRI_UNDER && !d.parked[v]) d.pri[v] = PRI_BOOST;
    d.start[v] = now;
    runqInsert(st, vc.processor, v);
    // __runq_tickle: preempt the home pcpu if we beat its current; else wake an idler to steal us.
    const home = st.pcpus[vc.processor];
    const cur = schedCurr(st, vc.processor);
    const curPri = cur === home.idle ? -64 : d.pri[cur];
    if (d.pri[v] > curPri) return [vc.processor];
    const idle = idlePcpusFor(st, v);
    return idle.length ? [idle[0]] : [];
  },
  isQueued: (st, v) => data(st).runq.some((q) => q.includes(v)),
  pickCpu: csCpuPick,
  sleep(st, v) {
    for (const q of data(st).runq) runqRemove(q, v);
  },
  yield(st, v) {
    data(st).yielding[v] = true;
  },
  doSchedule: (st, p, now) => doSchedule(st, p, now, {}),
  tick(st, p, now) {
    const d = data(st);
    const cur = st.pcpus[p].current;
    if (!st.vcpus[cur].isIdle) {
      // csched_vcpu_acct: a vcpu seen running at a tick is consuming CPU: no longer boosted.
      if (d.pri[cur] === PRI_BOOST) d.pri[cur] = PRI_UNDER;
      burnCredits(st, cur, now);
      d.active[cur] = true;
    }
    if (now >= d.nextAcct) {
      acct(st);
      d.nextAcct += msToCycles(st, TICK_MS * TICKS_PER_ACCT);
    }
    return false;
  },
};

export const credit: Scheduler = makeCredit();
