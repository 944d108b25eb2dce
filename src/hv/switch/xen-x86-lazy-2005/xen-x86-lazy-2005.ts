/**
 * @module hv/switch/xen-x86-lazy-2005: Xen x86's lazy context switch as it was when the seed post
 * was written — xen/arch/x86/domain.c context_switch() / context_switch_finalise() of 02bf186308
 * (2005-08-16), written for the 2005-08 contract (hv/contract) and kept by e92cab943b.
 *
 * The same laziness as today's (xen-x86-lazy): switching to idle, or back to the vcpu whose state
 * is still loaded (percpu_ctxt[cpu].curr_vcpu == next), moves nothing; a flush IPI makes the idle
 * pcpu commit what it holds (__sync_lazy_execstate from smp_invalidate_interrupt, 00e8ef7605).
 * What it lacks is the pull: context_switch() runs with the lock held and IRQs off, so it cannot
 * send a flush IPI and wait, and does not need to — in 2005 a vcpu changed pcpu only while paused,
 * and vcpu_pause() had synced it. The pull arrived with 1088bc0f6d ("If required, context_switch()
 * must pull state off of old CPU"), on the day 1198a6a99f changed the contract; under today's
 * contract, where a scheduler takes a vcpu whose state another pcpu still holds lazily, this form
 * loads stale state (the explain matrix shows it).
 *
 * Under 2005-08, load_LDT()/load_segments() run in context_switch_finalise(next), after the
 * unlock with IRQs on (they may fault), when context_switch() left context_not_finalised set;
 * under 2006-01-06 (e92cab943b, which removed the finalise hook) at the end of context_switch(),
 * after context_switch_done().
 */
import type { SwitchDesign } from '../types.ts';
import { fullSwitch, loadSegments, xenX86Lazy } from '../xen-x86-lazy/index.ts';

export const xenX86Lazy2005: SwitchDesign = {
  name: 'xen-x86-lazy-2005',
  summary: "Xen x86 of August 2005: lazy switch to idle and back, no pull of next's state (vcpus moved only while paused)",
  cites: ['xen/arch/x86/domain.c context_switch(), context_switch_finalise(), __sync_lazy_execstate() (02bf186308); context_switch_done() (e92cab943b)', '00e8ef7605 flush IPI syncs lazy state; pull added later by 1088bc0f6d'],
  contracts: ['2005-08', '2006-01-06'],
  supports: xenX86Lazy.supports,
  entrySaves: xenX86Lazy.entrySaves,
  contextSwitch(st, p, _prev, next) {
    const pc = st.pcpus[p];
    // if ( (percpu_ctxt[cpu].curr_vcpu != next) && !is_idle_domain(next->domain) ) __context_switch();
    if (pc.loaded[0] === next || st.vcpus[next].isIdle) {
      st.metrics.lazySwitches++;
      return;
    }
    fullSwitch(st, p);
    if (st.cfg.contract.unlockBy === 'schedule') pc.notFinalised = true;
    else loadSegments(st, p, next);
  },
  contextSwitchFinalise(st, p, next) {
    const pc = st.pcpus[p];
    if (!pc.notFinalised) return;
    pc.notFinalised = false;
    loadSegments(st, p, next);
  },
  syncLocal: xenX86Lazy.syncLocal,
};
