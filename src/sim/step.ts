/**
 * @module sim/step: the simulator's one transition function. `applyChoice` advances the state
 * in place by one atomic step (what the drivers use, for speed); `step` is the pure form —
 * clone, then apply — for the explorer. `enabled` lists the choices a state allows.
 */
import { invariant } from '../base/index.ts';
import { cloneRegStore, clonePcpuHw, cloneCFrame } from '../machine/index.ts';
import { Fnv } from '../base/index.ts';
import { NONE, PHASE, RUNSTATE, doGuest, doIpi, doSaved, doDeferredSync, doSchedule, doControlWait, doControlSync, doSwitch, doSwitchPrep, doSyncDone, doTimer, doWake, type HvPcpu, type HvState } from '../hv/index.ts';
import type { Choice } from './choice.ts';

/** Whether pcpu p has a hypervisor step to take (a `run` choice). A control operation's wait needs `st`. */
export function canRun(pc: HvPcpu, st?: HvState): boolean {
  switch (pc.phase) {
    case PHASE.SOFTIRQ:
    case PHASE.SWITCH_PREP:
    case PHASE.SWITCH:
    case PHASE.SAVED:
      return true;
    case PHASE.SYNC_WAIT:
      return pc.ackAt !== NONE;
    case PHASE.IDLE:
      return pc.deferredAcks.length > 0;
    case PHASE.CTL_WAIT:
      return st !== undefined && !st.vcpus[pc.ctlTarget].isRunning;
    case PHASE.CTL_SYNC:
      return pc.ackAt !== NONE;
    default:
      return false;
  }
}

/** Apply one choice to the state, in place. A choice that is not enabled is a model bug. */
export function applyChoice(st: HvState, c: Choice): void {
  switch (c.k) {
    case 'run': {
      const pc = st.pcpus[c.p];
      switch (pc.phase) {
        case PHASE.SOFTIRQ:
          doSchedule(st, c.p);
          break;
        case PHASE.SWITCH_PREP:
          doSwitchPrep(st, c.p);
          break;
        case PHASE.SYNC_WAIT:
          invariant(pc.ackAt !== NONE, `pcpu ${c.p} cannot leave sync-wait before its flush IPI is acknowledged`);
          doSyncDone(st, c.p);
          break;
        case PHASE.SWITCH:
          doSwitch(st, c.p);
          break;
        case PHASE.SAVED:
          doSaved(st, c.p);
          break;
        case PHASE.IDLE:
          invariant(pc.deferredAcks.length > 0, `run choice on idle pcpu ${c.p} with no deferred sync`);
          doDeferredSync(st, c.p);
          break;
        case PHASE.CTL_WAIT:
          invariant(!st.vcpus[pc.ctlTarget].isRunning, `pcpu ${c.p} cannot finish vcpu_sleep_sync while its target is_running`);
          doControlWait(st, c.p);
          break;
        case PHASE.CTL_SYNC:
          invariant(pc.ackAt !== NONE, `pcpu ${c.p} cannot finish sync_vcpu_execstate before the flush is acknowledged`);
          doControlSync(st, c.p);
          break;
        default:
          invariant(false, `run choice on pcpu ${c.p} in a phase with no hypervisor step`);
      }
      break;
    }
    case 'guest':
      invariant(st.pcpus[c.p].phase === PHASE.GUEST, `guest choice on pcpu ${c.p} which is not running guest code`);
      doGuest(st, c.p, c.len, c.op, c.arg, c.irq);
      break;
    case 'timer':
      invariant(st.pcpus[c.p].timerAt !== Infinity, `timer choice on pcpu ${c.p} whose timer is not armed`);
      doTimer(st, c.p);
      break;
    case 'wake':
      invariant(st.vcpus[c.v].runstate === RUNSTATE.BLOCKED, `wake choice for vcpu ${c.v} which is not blocked`);
      doWake(st, c.v);
      break;
    case 'ipi':
      invariant(st.pcpus[c.p].ipis.length > 0, `ipi choice on pcpu ${c.p} with no IPI pending`);
      doIpi(st, c.p);
      break;
  }
  st.step++;
  st.cfg.observer?.onStep(st);
}

/** The choices this state allows (guest choices in one canonical form: a short segment, each op). */
export function enabled(st: HvState): Choice[] {
  const out: Choice[] = [];
  for (const pc of st.pcpus) {
    if (canRun(pc, st)) out.push({ k: 'run', p: pc.id });
    if (pc.phase === PHASE.GUEST) for (let op = 0; op <= 5; op++) out.push({ k: 'guest', p: pc.id, len: 1000, op, arg: 1000, irq: pc.id });
    if (pc.timerAt !== Infinity) out.push({ k: 'timer', p: pc.id });
    if (pc.ipis.length) out.push({ k: 'ipi', p: pc.id });
  }
  for (const v of st.vcpus) if (v.runstate === RUNSTATE.BLOCKED && v.wakeAt !== Infinity) out.push({ k: 'wake', v: v.id });
  return out;
}

/** Deep copy of the state; configuration is shared by reference. */
export function cloneState(st: HvState): HvState {
  return {
    cfg: st.cfg,
    pcpus: st.pcpus.map((p) => ({
      ...p,
      ...clonePcpuHw(p),
      loaded: p.loaded.slice(),
      cframes: p.cframes.map(cloneCFrame),
      deferredAcks: p.deferredAcks.slice(),
    })),
    vcpus: st.vcpus.map((v) => ({
      ...v,
      area: cloneRegStore(v.area),
      shadow: v.shadow.slice(),
      stack: v.stack && { frame: cloneRegStore(v.stack.frame), frameValid: v.stack.frameValid.slice(), cframes: v.stack.cframes.map(cloneCFrame), ctx: cloneRegStore(v.stack.ctx) },
    })),
    domains: st.domains,
    schedData: structuredClone(st.schedData),
    step: st.step,
    nextToken: st.nextToken,
    metrics: structuredClone(st.metrics),
  };
}

/** The pure transition: a new state, the old one untouched. */
export function step(st: HvState, c: Choice): HvState {
  const n = cloneState(st);
  applyChoice(n, c);
  return n;
}

/** Hash of everything that determines the future (not metrics, not the step count). */
export function hashState(st: HvState): string {
  const h = new Fnv();
  for (const p of st.pcpus) {
    h.u32(p.phase).u32(p.current).u32(p.prev).u32(p.next).u32(p.waitPcpu).u32(p.ackAt === NONE ? 0 : 1).u32(p.softirq ? 1 : 0).u32(p.entryPath).u32(p.ptbase);
    h.arr(p.loaded).arr(p.regs.val).arr(p.regs.own).arr(p.frame.val).arr(p.frameValid);
    for (const i of p.ipis) h.u32(i.kind).u32(i.from);
    for (const f of p.cframes) h.u32(f.fn).arr(f.val);
    h.arr(p.deferredAcks).u32(p.pendingNvFrom).u32(p.pendingNvTo).u32(p.ctlOp).u32(p.ctlTarget);
    h.num(p.clock).num(p.timerAt === Infinity ? -1 : p.timerAt);
  }
  for (const v of st.vcpus) {
    h.u32(v.runstate).u32(v.isRunning ? 1 : 0).u32(v.processor).u32(v.wakePcpu).u32(v.dirtyPcpu).u32(v.pauseCount).u32(v.migrating ? 1 : 0).u32(v.writeCursor);
    h.arr(v.area.val).arr(v.area.own).arr(v.shadow);
    if (v.stack) {
      h.arr(v.stack.frame.val).arr(v.stack.frameValid).arr(v.stack.ctx.val);
      for (const f of v.stack.cframes) h.u32(f.fn).arr(f.val);
    }
  }
  h.str(JSON.stringify(st.schedData));
  return h.hex();
}
