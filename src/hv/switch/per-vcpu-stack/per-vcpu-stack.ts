/**
 * @module hv/switch/per-vcpu-stack: Xen on Arm (755e512957, "arm: use a per-VCPU stack. We do not
 * do any lazy state switching") and ia64 (1198a6a99f xenmisc.c: switch_to(); context_saved()).
 * Each vcpu has its own hypervisor stack, with its exception frame and C frames on it. The
 * switch routine (__context_switch, arm64 entry.S) saves only the callee-saved registers of the
 * hypervisor code that called it into prev's saved_context, loads next's, and returns on next's
 * stack; schedule_tail() saves and restores the rest (ctxt_switch_from/to: FP/SIMD eagerly,
 * system registers, page tables) and calls contextSaved(prev). prev's Xen call chain stays on
 * prev's own stack, guest nonvolatiles included, so a volatile-only entry is enough — the other
 * general answer to the seed's question (reference §3.4).
 */
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { loadClass, saveClass, setLoadedAll, writePtbase, charge } from '../../ops.ts';
import { unwindTo, idleDepth } from '../../stack.ts';
import { contextSaved, tailDone } from '../../core.ts';
import { HV_OWNER, newRegStore } from '../../../machine/index.ts';
import { volatileOnlyEntry } from '../ppc-support.ts';

function moveCtx(st: HvState, p: number, from: { val: Uint32Array; own: Int16Array }, to: { val: Uint32Array; own: Int16Array }): void {
  const regs = st.cfg.arch.cframes.allocation;
  for (let i = 0; i < regs.length; i++) {
    to.val[regs[i]] = from.val[regs[i]];
    to.own[regs[i]] = from.own[regs[i]];
  }
  charge(st, p, 'save', regs.length * st.cfg.arch.spec.cost.copyPerWord.cycles);
}

export const perVcpuStack: SwitchDesign = {
  name: 'per-vcpu-stack',
  summary: 'Xen Arm / ia64: per-vcpu stacks; switch_to saves only callee-saved registers; volatile-only entry suffices',
  cites: ['xen/arch/arm/domain.c context_switch(), schedule_tail(); arm64 entry.S __context_switch (755e512957)', 'xen/arch/ia64/xen/xenmisc.c switch_to(); context_saved() (1198a6a99f)'],
  stack: 'per-vcpu',
  // Xen Arm (2008 on) calls context_saved(prev) from schedule_tail(): today's interface only.
  contracts: ['2006-01-07'],
  supports: (arch) => (arch.cframes.allocation.length ? true : 'needs the callee-saved register set (cframes.allocation) of the hypervisor ABI'),
  entrySaves: volatileOnlyEntry,
  contextSwitch(st, p, prev, next) {
    const pc = st.pcpus[p];
    const pv = st.vcpus[prev];
    const nv = st.vcpus[next];
    // ctxt_switch_from(prev): FP/SIMD and the other non-integer state, eagerly.
    if (!pv.isIdle) for (const c of st.cfg.arch.classes) if (!c.hvUses) saveClass(st, p, prev, c.index);
    // __context_switch: callee-saved registers into prev's saved_context; prev keeps its stack.
    const ctx = pv.stack?.ctx ?? newRegStore(st.cfg.arch.nregs);
    moveCtx(st, p, pc.regs, ctx);
    pv.stack = { frame: pc.frame, frameValid: pc.frameValid, cframes: pc.cframes, ctx };
    // ... and onto next's stack, with its callee-saved registers.
    st.cfg.observer?.onLoad(st, p, next);
    const ns = nv.stack!;
    pc.frame = ns.frame;
    pc.frameValid = ns.frameValid;
    pc.cframes = ns.cframes;
    moveCtx(st, p, ns.ctx, pc.regs);
    nv.stack = null;
    if (!nv.isIdle) for (const c of st.cfg.arch.classes) if (!c.hvUses) loadClass(st, p, next, c.index);
    writePtbase(st, p, nv.isIdle ? HV_OWNER : nv.domain);
    setLoadedAll(st, p, next);
  },
  tail(st, p, prev) {
    // schedule_tail() on next's stack: context_saved(prev), then next returns through its own
    // frames (context_switch, schedule, do_softirq, its handler or the idle loop).
    contextSaved(st, p, prev);
    const pc = st.pcpus[p];
    unwindTo(st, p, pc.current === pc.idle ? idleDepth(st) : 0);
    tailDone(st, p);
  },
  contextWritten(st, v) {
    // arch_set_info_guest() on Arm writes the frame on the vcpu's own stack, and a vcpu given a
    // new context starts afresh: continue_new_vcpu → reset_stack_and_jump to the exit path.
    const vc = st.vcpus[v];
    if (!vc.stack) return;
    for (const r of st.cfg.arch.hvRegs) {
      vc.stack.frame.val[r] = vc.area.val[r];
      vc.stack.frame.own[r] = vc.area.own[r];
      vc.stack.frameValid[r] = 1;
    }
    vc.stack.cframes = [];
  },
  savedValue(st, v, r) {
    // What v's own stack gives back when it resumes: the exit path's frame restore wins; then the
    // outermost C frame that saved r (restored last while unwinding); then saved_context.
    const vc = st.vcpus[v];
    const s = vc.stack;
    if (!s) return vc.area.val[r];
    if (s.frameValid[r]) return s.frame.val[r];
    const fns = st.cfg.arch.cframes.functions;
    for (const f of s.cframes) {
      const i = fns[f.fn].regs.indexOf(r);
      if (i >= 0) return f.val[i];
    }
    if (st.cfg.arch.cframes.allocation.includes(r)) return s.ctx.val[r];
    return vc.area.val[r];
  },
};
