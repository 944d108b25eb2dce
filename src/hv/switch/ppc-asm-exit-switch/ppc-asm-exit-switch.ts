/**
 * @module hv/switch/ppc-asm-exit-switch: the seed post's own design (Hollis Blanchard,
 * xen-devel 2005-08-25). Exception entry saves only the volatile registers. context_switch()
 * "save[s]/restore[s] all the state we can" — the volatile frame, FP/VMX, the page tables — and
 * records the switch; it returns through schedule(), do_softirq() and the handler, whose
 * epilogues put prev's nonvolatiles back into the registers; the assembly exit path then "saves
 * the old set of nonvolatiles and loads the new one", and only after that save calls
 * contextSaved(prev) (the 2006 contract's reading of "committed to memory").
 *
 * Lazy switching, as the x86 port does it, is modelled too: switching to idle leaves prev
 * loaded (dirtyPcpu = this pcpu) and returning to it moves nothing. But the idle loop is C code:
 * it spills the nonvolatiles it uses into its own frame, so a sync request (a flush IPI from a
 * pcpu that wants prev) cannot be served from the interrupt handler — "only by returning all the
 * way to assembly can we accomplish that". syncLocal() therefore defers: the acknowledgement is
 * held back until the idle loop has unwound to assembly and committed prev (serveDeferredSync).
 * The remote pcpu spins meanwhile, with IRQs on. Pulling state off the dirty pcpu before a load
 * is Xen x86's (dirtyElsewhere).
 */
import type { SwitchDesign } from '../types.ts';
import { NONE, type HvState } from '../../model.ts';
import { loadClass, loadList, saveAll, saveClass, saveList, setLoadedAll, writePtbase } from '../../ops.ts';
import { callChain, unwindTo } from '../../stack.ts';
import { ackDeferred, contextSaved, tailDone } from '../../core.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { supportsPpc, volatileOnlyEntry } from '../ppc-support.ts';

/** This pcpu runs idle with another vcpu's state still loaded. */
function holdsLazily(st: HvState, p: number): boolean {
  const pc = st.pcpus[p];
  const held = pc.loaded[0];
  return held !== pc.current && !st.vcpus[held].isIdle;
}

function nonHvClasses(st: HvState) {
  return st.cfg.arch.classes.filter((c) => !c.hvUses);
}

export const ppcAsmExitSwitch: SwitchDesign = {
  name: 'ppc-asm-exit-switch',
  summary: "the seed's design: volatile-only entry; nonvolatiles swapped on the assembly exit path; lazy idle with deferred sync",
  cites: ['seed: xen-devel "lazy context switching", Hollis Blanchard, 2005-08-25', 'msg01096 (reference §3.5)', 'xen/arch/x86/domain.c lazy branch and dirty pull, for the lazy part'],
  // The post asked whether this design fits the 2005-08 interface; it does not (prev is touchable
  // once context_switch() returns, and its nonvolatiles are still in C frames). e92cab943b's
  // context_switch_done() lets it drop the lock from its exit path, and today's context_saved()
  // is the same call under another name: it is written for those two.
  contracts: ['2006-01-06', '2006-01-07'],
  switchDoneInTail: true,
  supports: supportsPpc,
  entrySaves: volatileOnlyEntry,
  // Its exit path is Xen/PowerPC's: after the nonvolatile swap, full_resume, which does not test
  // for softirqs (1aa3c54a31^ exceptions.S).
  resumeTestsSoftirqs: false,
  dirtyElsewhere(st, p, next) {
    const d = st.vcpus[next].dirtyPcpu;
    if (d === NONE || d === p) return NONE;
    // About to spin for next's state. If this pcpu itself lazily holds a vcpu, the sync of that
    // one can only be served from assembly — which we cannot reach while spinning — so two idle
    // pcpus pulling each other's lazily held vcpus would deadlock (the explorer found this).
    // schedule() therefore bails out to assembly first, commits what it holds, and comes back.
    const pc = st.pcpus[p];
    const held = pc.loaded[0];
    if (held !== next && held !== pc.current && !st.vcpus[held].isIdle) {
      unwindTo(st, p, 0);
      saveAll(st, p, held);
      st.vcpus[held].dirtyPcpu = NONE;
      writePtbase(st, p, HV_OWNER);
      setLoadedAll(st, p, pc.current);
      ackDeferred(st, p);
      callChain(st, p, st.cfg.arch.cframes.idle);
      callChain(st, p, st.cfg.arch.cframes.softirq);
    }
    return d;
  },
  contextSwitch(st, p, _prev, next) {
    const pc = st.pcpus[p];
    const held = pc.loaded[0];
    if (held === next || (st.vcpus[next].isIdle && pc.online)) {
      st.metrics.lazySwitches++;
      return;
    }
    const a = st.cfg.arch;
    // In C: everything but the nonvolatiles, which sit in registers and in the frames above us.
    if (!st.vcpus[held].isIdle) {
      saveList(st, p, held, a.hvCallerSaved, true);
      for (const c of nonHvClasses(st)) saveClass(st, p, held, c.index);
      pc.pendingNvFrom = held;
    }
    if (!st.vcpus[next].isIdle) {
      st.cfg.observer?.onLoad(st, p, next);
      loadList(st, p, next, a.hvCallerSaved, true);
      for (const c of nonHvClasses(st)) loadClass(st, p, next, c.index);
      pc.pendingNvTo = next;
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  tail(st, p, prev) {
    const pc = st.pcpus[p];
    const a = st.cfg.arch;
    // context_switch() returns; so do schedule(), do_softirq() and the handler (or the idle
    // loop): every epilogue restores what it saved. We are in assembly now.
    unwindTo(st, p, 0);
    if (pc.pendingNvFrom !== NONE) {
      saveList(st, p, pc.pendingNvFrom, a.hvCalleeSaved, false);
      st.vcpus[pc.pendingNvFrom].dirtyPcpu = NONE;
      pc.pendingNvFrom = NONE;
    }
    if (pc.pendingNvTo !== NONE) {
      loadList(st, p, pc.pendingNvTo, a.hvCalleeSaved, false);
      st.vcpus[pc.pendingNvTo].dirtyPcpu = p;
      pc.pendingNvTo = NONE;
    }
    contextSaved(st, p, prev);
    // Flushes that came in mid-switch can be acknowledged now — unless this pcpu still lazily
    // holds a vcpu (we switched to idle): its sync is the idle loop's to serve (serveDeferredSync).
    if (!holdsLazily(st, p)) ackDeferred(st, p);
    if (pc.current === pc.idle) callChain(st, p, a.cframes.idle);
    tailDone(st, p);
  },
  syncLocal(st, p) {
    const pc = st.pcpus[p];
    // Mid-switch, or lazily holding a vcpu under idle: its nonvolatiles are in C frames that an
    // interrupt handler cannot reach. Only the way back to assembly can commit them.
    if (pc.pendingNvFrom !== NONE) return 'defer';
    if (holdsLazily(st, p)) return 'defer';
    return false;
  },
  serveDeferredSync(st, p) {
    const pc = st.pcpus[p];
    const held = pc.loaded[0];
    if (held === pc.current || st.vcpus[held].isIdle) return;
    // The idle loop returns to assembly (restoring the nonvolatiles it spilled), commits, re-enters.
    unwindTo(st, p, 0);
    saveAll(st, p, held);
    st.vcpus[held].dirtyPcpu = NONE;
    writePtbase(st, p, HV_OWNER);
    setLoadedAll(st, p, pc.current);
    callChain(st, p, st.cfg.arch.cframes.idle);
  },
};
