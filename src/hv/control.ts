/**
 * @module hv/control: control operations, the remote side of the contract (reference §1.3).
 * A toolstack in a guest on pcpu r issues a domctl through the hypercall path:
 *
 * - getvcpucontext(v) (4.0 xen/common/domctl.c XEN_DOMCTL_getvcpucontext):
 *     vcpu_pause(v)   = pause_count++; vcpu_sleep_nosync(v); vcpu_sleep_sync(v)
 *                       (spin, IRQs on, while v->is_running), then sync_vcpu_execstate(v)
 *                       (local sync, or a flush IPI to v's dirty pcpu and wait)
 *     arch_get_info_guest(v)  — the reader must see exactly the guest's values
 *     vcpu_unpause(v)
 * - setvcpucontext(v) (4.0 XEN_DOMCTL_setvcpucontext): `domain_pause(d); ret =
 *   arch_set_info_guest(v, c); domain_unpause(d)` — every vcpu of v's domain paused, waited for
 *   and synced (vcpu_sleep_sync() in for_each_vcpu order; here v last), then the new context
 *   written; the guest must read it back. Deliberate difference: Xen refuses a target in the
 *   caller's own domain (`d == current->domain`, "no domain_pause()"); the model pauses that
 *   domain's other vcpus instead (its small configurations have one domain, the toolstack's),
 *   as its domain_pause does.
 * - vcpu_set_affinity(v, mask) (4.0 schedule.c): under the lock set the mask and, if
 *   v->processor is no longer allowed, _VPF_migrating; then vcpu_sleep_nosync(v) and
 *   vcpu_migrate(v), which does nothing while v is_running: contextSaved() finishes it.
 *
 * Under the older contracts (hv/contract) the wait also waits for the lock of v's pcpu
 * (4fb2acfb09), set_affinity is a pause, a move and an unpause (2005 DOM0_PINCPUDOMAIN), and
 * there is no cpu hotplug.
 */
import { IPI_FLUSH, IPI_RESCHED, IPI_STOP } from '../machine/index.ts';
import { NONE, PHASE, RUNSTATE, vcpuRunnable, type HvState } from './model.ts';
import { schedCurr } from './sched/types.ts';
import { endFlushWait, exitToGuest, queueIpi, sendIpi, startAckWait, startFlushWait, vcpuMigrate, wakeVcpu } from './core.ts';
import { unwindTo } from './stack.ts';
import { newXsaveArea } from './ops.ts';

export const CTL = { GETCONTEXT: 0, SETCONTEXT: 1, AFFINITY: 2, HOTPLUG: 3, DOMAIN_PAUSE: 4, DOMAIN_DESTROY: 5 } as const;
export const CTL_NAMES = ['getvcpucontext', 'setvcpucontext', 'set_affinity', 'cpu_down/cpu_up', 'domain_pause', 'domain_destroy'] as const;

/**
 * cpu_down(k) / cpu_up(k), toggled, from pcpu r. cpu_up puts k back in cpu_online_map. cpu_down
 * (xen/common/cpu.c) is stop_machine_run(take_cpu_down, NULL, k): r waits (CTL_SYNC) until k has
 * run take_cpu_down() — in tasklet context, after do_tasklet_work()'s sync_local_execstate()
 * (346da00456, 2010-04-19; __cpu_disable() itself called __sync_lazy_execstate() before
 * cpu_clear(cpu, cpu_online_map) only from f2dcefdc7b, 2010-04-07, until 6da2b1ae55 removed it as
 * redundant, 2010-04-20) — which clears k from cpu_online_map and migrates its vcpus away
 * (cpu_disable_scheduler()). So
 * k holds no one's lazy state by the time no flush can reach it (invariant 7's hotplug half).
 * Returns true when r must wait.
 *
 * Deliberate differences: stop_machine also halts every other cpu, IRQs off, while k runs the
 * function; here the others go on (a superset of the interleavings), and k may take the request
 * from guest code or mid-switch instead of from its idle vcpu's tasklet — its vcpus then leave
 * as they would from a running pcpu (_VPF_migrating, then schedule() on the offline pcpu picks
 * idle, and the switch to idle there is never lazy: f2dcefdc7b's `cpu_online(cpu)` test).
 */
function hotplug(st: HvState, r: number, k: number): boolean {
  const pk = st.pcpus[k];
  if (!pk.online) {
    pk.online = true;
    st.cfg.observer?.onTouch?.(st, k);
    return false;
  }
  if (k === r || st.pcpus.filter((pc) => pc.online).length < 2) return false;
  if (st.cfg.mutations?.hotplugOfflineFirst) {
    // Before f2dcefdc7b: k leaves cpu_online_map at once, its sync left to a flush IPI queued
    // to it — a pull of a vcpu it still holds finds it offline and returns with nothing synced.
    const carried = st.cfg.arch.spec.cost.ipi.cycles;
    queueIpi(st, r, k, IPI_FLUSH, st.pcpus[r].clock + carried);
    takeCpuDown(st, k, r);
    if (!pk.softirq) queueIpi(st, r, k, IPI_RESCHED, st.pcpus[r].clock + carried);
    return false;
  }
  const pc = st.pcpus[r];
  pc.ctlOp = CTL.HOTPLUG;
  pc.ctlArg = k;
  pc.ctlTarget = NONE;
  pc.ctlPaused = [];
  startAckWait(st, r, k, IPI_STOP, PHASE.CTL_SYNC);
  return true;
}

/**
 * take_cpu_down() on the dying pcpu k, its lazy state already synced (the caller, ackFlush, runs
 * it between the sync and the acknowledgement): __cpu_disable() clears k from cpu_online_map and
 * cpu_disable_scheduler() migrates every vcpu whose processor is k; vcpu_migrate() runs on `on`
 * — k itself, or the caller r in the pre-f2dcefdc7b mutation — and tickles the new pcpus with IPIs.
 */
export function takeCpuDown(st: HvState, k: number, on: number = k): void {
  st.pcpus[k].online = false;
  st.cfg.observer?.onTouch?.(st, k);
  for (const vc of st.vcpus) {
    if (vc.isIdle || vc.processor !== k) continue;
    vc.migrating = true;
    sleepNosync(st, on, vc.id);
    vcpuMigrate(st, vc.id, on);
  }
}

/** vcpu_sleep_nosync(v), issued from pcpu r: off the runqueue, and descheduled where it runs. */
function sleepNosync(st: HvState, r: number, v: number): void {
  st.cfg.sched.sleep(st, v);
  const q = st.vcpus[v].processor;
  if (schedCurr(st, q) !== v) return;
  if (q === r) st.pcpus[r].softirq = true;
  else sendIpi(st, r, q, IPI_RESCHED);
}

/**
 * Begin control operation `op` on target v from pcpu r (inside r's hypercall handler). Returns
 * true when the pcpu must stay in the hypervisor (it now spins in CTL_WAIT).
 */
export function controlStart(st: HvState, r: number, op: number, v: number, arg: number): boolean {
  const pc = st.pcpus[r];
  const vc = st.vcpus[v];
  // do_domctl(): if (!domctl_lock_acquire()) return hypercall_create_continuation(…) (4.x
  // xen/common/domctl.c). One control operation at a time; a second one returns to its guest and
  // is retried later (here: it does not happen). Without this two toolstack vcpus pausing each
  // other would each spin, IRQs on, for the other to stop running — forever. (2005's dom0_op took
  // a plain spinlock, which can deadlock so; the model uses the later form under every contract.)
  if (st.pcpus.some((q) => q.ctlOp !== NONE)) return false;
  if (op === CTL.HOTPLUG) {
    // CPU hotplug came years after the older contracts (hv/contract): the operation is not there.
    if (!st.cfg.contract.hotplug) return false;
    st.metrics.controlOps++;
    return hotplug(st, r, arg % st.pcpus.length);
  }
  if (op === CTL.DOMAIN_PAUSE || op === CTL.DOMAIN_DESTROY || op === CTL.SETCONTEXT) {
    // domain_pause(d): vcpu_pause() of every vcpu — all paused first, then each waited for and
    // synced in turn (the reader of a saved domain, or complete_domain_destroy()).
    // setvcpucontext pauses v's domain so (4.0 domctl.c); v goes last, so that controlFinish
    // writes its context once the queue is empty (the canonical state keeps ctlTarget and the
    // queue, not a second vcpu): the waits are in another order than for_each_vcpu's, on vcpus
    // all paused from the start.
    if (op === CTL.SETCONTEXT && (!vc || vc.isIdle || v === pc.current || vc.runstate === RUNSTATE.OFFLINE)) return false;
    const dom = op === CTL.SETCONTEXT ? st.domains[vc.domain] : st.domains[arg % st.domains.length];
    const targets = dom.vcpus.filter((x) => x !== pc.current && (op !== CTL.SETCONTEXT || x !== v));
    if (op === CTL.SETCONTEXT) targets.push(v);
    if (!targets.length) return false;
    st.metrics.controlOps++;
    for (const t of targets) {
      st.vcpus[t].pauseCount++;
      sleepNosync(st, r, t);
    }
    pc.ctlOp = op;
    pc.ctlQueue = targets.slice(1);
    pc.ctlPaused = targets;
    pc.ctlTarget = targets[0];
    pc.phase = PHASE.CTL_WAIT;
    return true;
  }
  if (!vc || vc.isIdle || v === pc.current || vc.runstate === RUNSTATE.OFFLINE) return false;
  st.metrics.controlOps++;
  if (op === CTL.AFFINITY && st.cfg.contract.deferredMigration) {
    const k = arg % st.pcpus.length;
    vc.affinity = 1 << k;
    if (vc.processor !== k) {
      vc.migrating = true;
      sleepNosync(st, r, v);
      vcpuMigrate(st, v, r);
    }
    return false;
  }
  // getvcpucontext — and, under the 2005 rules, set_affinity (DOM0_PINCPUDOMAIN:
  // vcpu_pause(), move, vcpu_unpause()): pause, wait, sync.
  vc.pauseCount++;
  sleepNosync(st, r, v);
  pc.ctlOp = op;
  pc.ctlArg = arg;
  pc.ctlTarget = v;
  pc.ctlPaused = [v];
  pc.phase = PHASE.CTL_WAIT;
  return true;
}

/** CTL_WAIT, once the target is not is_running: sync_vcpu_execstate(v). */
export function doControlWait(st: HvState, r: number): void {
  const pc = st.pcpus[r];
  const v = pc.ctlTarget;
  const d = st.vcpus[v].dirtyPcpu;
  // sync_vcpu_execstate(): a lazily held copy elsewhere is flushed with an IPI; one held here
  // cannot exist while a guest vcpu is current (invariant 7).
  if (d !== NONE && d !== r && !st.cfg.mutations?.remoteReadWithoutSync) {
    startFlushWait(st, r, d, PHASE.CTL_SYNC);
    return;
  }
  controlFinish(st, r);
}

/** CTL_SYNC, once acknowledged (a sync_vcpu_execstate() flush, or cpu_down()'s stop_machine). */
export function doControlSync(st: HvState, r: number): void {
  endFlushWait(st, r);
  controlFinish(st, r);
}

function controlFinish(st: HvState, r: number): void {
  const pc = st.pcpus[r];
  const v = pc.ctlTarget;
  const vc = st.vcpus[v];
  if (pc.ctlOp === CTL.HOTPLUG) {
    // stop_machine_run() returned: take_cpu_down() ran on the dying pcpu (ackFlush).
  } else if (pc.ctlOp === CTL.SETCONTEXT && pc.ctlQueue.length) {
    // domain_pause(d) for setvcpucontext: the next vcpu of the domain (the target itself last).
    pc.ctlTarget = pc.ctlQueue.shift()!;
    pc.phase = PHASE.CTL_WAIT;
    return;
  } else if (pc.ctlOp === CTL.DOMAIN_PAUSE || pc.ctlOp === CTL.DOMAIN_DESTROY) {
    // The domain's saved image is read (save, migration, destruction): it must be exact.
    st.cfg.observer?.onRemoteRead?.(st, r, v);
    if (pc.ctlOp === CTL.DOMAIN_DESTROY) {
      st.cfg.observer?.onDestroy?.(st, r, v);
      rebirth(st, v);
    }
    if (pc.ctlQueue.length) {
      pc.ctlTarget = pc.ctlQueue.shift()!;
      pc.phase = PHASE.CTL_WAIT;
      return;
    }
  } else if (pc.ctlOp === CTL.GETCONTEXT) st.cfg.observer?.onRemoteRead?.(st, r, v);
  else if (pc.ctlOp === CTL.SETCONTEXT) {
    // arch_set_info_guest(): the toolstack writes a whole new integer context; it is what the
    // guest must read from now on.
    st.cfg.observer?.onRemoteRead?.(st, r, v);
    freshContext(st, v, st.cfg.arch.hvRegs);
  } else if (pc.ctlOp === CTL.AFFINITY) {
    // 2005 (02bf186308 dom0_ops.c DOM0_PINCPUDOMAIN): the vcpu is paused and synced, so it may
    // move: v->processor changes while it runs nowhere and no pcpu holds its state.
    const k = pc.ctlArg % st.pcpus.length;
    vc.affinity = 1 << k;
    if (vc.processor !== k) {
      st.cfg.sched.sleep(st, v);
      vc.processor = k;
      st.metrics.migrations++;
    }
  }
  // vcpu_unpause() / domain_unpause()
  for (const t of pc.ctlPaused) {
    const tc = st.vcpus[t];
    tc.pauseCount--;
    if (tc.pauseCount === 0 && vcpuRunnable(tc) && tc.runstate !== RUNSTATE.RUNNING) wakeVcpu(st, r, t);
  }
  pc.ctlOp = NONE;
  pc.ctlTarget = NONE;
  pc.ctlArg = 0;
  pc.ctlPaused = [];
  // The domctl returns to the toolstack's guest code.
  unwindTo(st, r, 0);
  exitToGuest(st, r);
}

/**
 * After complete_domain_destroy(): the vcpu's slot is reused by a new domain with a fresh
 * context (the model keeps its vcpu count fixed). Its old state must be gone from every pcpu —
 * the checker's onDestroy judged that just before.
 */
function rebirth(st: HvState, v: number): void {
  const vc = st.vcpus[v];
  freshContext(st, v, st.cfg.arch.allRegs);
  newXsaveArea(st, v);
  vc.writeCursor = 0;
  if (vc.runstate === RUNSTATE.BLOCKED) vc.wakeAt = Math.min(vc.wakeAt, st.pcpus[vc.wakePcpu].clock);
}

/** Write a new context for v into its save area (the values the guest must read from now on). */
function freshContext(st: HvState, v: number, regs: Int32Array): void {
  const vc = st.vcpus[v];
  for (const reg of regs) {
    const tok = st.nextToken;
    st.nextToken = (tok + 1) >>> 0;
    vc.area.val[reg] = tok;
    vc.area.own[reg] = vc.domain;
    vc.shadow[reg] = tok;
  }
  st.cfg.design.contextWritten?.(st, v);
}
