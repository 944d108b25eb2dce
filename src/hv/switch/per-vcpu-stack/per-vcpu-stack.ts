/**
 * @module hv/switch/per-vcpu-stack: Xen on Arm (755e512957, "arm: use a per-VCPU stack. We do not
 * do any lazy state switching"; read at c447b7308b: xen/arch/arm/arm64/entry.S, domain.c).
 * Each vcpu has its own hypervisor stack, with its exception frame (cpu_user_regs at the top,
 * v->arch.cpu_info) and C frames on it.
 *
 * - Entry: the arm64 `entry` macro pushes x0–x29 and lr (and, from a guest, SP_EL0, SP_EL1,
 *   ELR_EL1, SPSR_EL1; ELR_EL2 and SPSR_EL2) into that frame on every path: the whole integer
 *   state, as on x86 (entrySaves: every register the hypervisor uses).
 * - context_switch(): local_irq_disable(); set_current(next); __context_switch(prev, next)
 *   (entry.S) stores x19–x28, x29, sp and lr — the hypervisor's callee-saved registers at that
 *   point, not the guest's — into prev's saved_context and loads next's: the pcpu is on next's
 *   stack. schedule_tail(prev) then runs there: ctxt_switch_from(prev) (VFP and system
 *   registers, eagerly), ctxt_switch_to(current), local_irq_enable(), sched_context_switched()
 *   → context_saved(prev), and returns through next's own frames (context_switch, schedule,
 *   do_softirq, its handler or the idle loop). sync_local_execstate() is a no-op: nothing lazy.
 * - arch_set_info_guest() → arch_vcpu_apply_guest_context() (1e3dc2f866; before it
 *   arch_set_info_guest() itself, 1c38a1e937) → vcpu_regs_user_to_hyp(): it writes the frame on
 *   the vcpu's own stack and nothing else; the vcpu keeps its C frames and returns through them,
 *   and the exit path (return_from_trap) restores the whole frame. continue_new_vcpu (the
 *   saved_context.pc of arch_vcpu_create()) runs only for a vcpu that has never run.
 *
 * ia64 Xen (1198a6a99f xenmisc.c context_switch(): switch_to(); context_saved()) also kept a
 * stack per vcpu, but it is not modelled here: no ia64 architecture, and its entry saved the
 * preserved r4–r7 into the frame too (linux-xen/minstate.h SAVE_REST). A volatile-only entry on a
 * per-vcpu stack — the other general answer to the seed's question (reference §3.4) — is the
 * what-if per-vcpu-stack-volatile-entry.
 */
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { loadClass, saveClass, setLoadedAll, writePtbase, charge } from '../../ops.ts';
import { unwindTo, idleDepth } from '../../stack.ts';
import { contextSaved, tailDone } from '../../core.ts';
import { HV_OWNER } from '../../../machine/index.ts';

/** __context_switch's two moves at once: the allocation registers of `regs` and `ctx` exchanged (next's in, prev's out), charged as both copies. */
function swapCtx(st: HvState, p: number, regs: { val: Uint32Array; own: Int16Array }, ctx: { val: Uint32Array; own: Int16Array }): void {
  const alloc = st.cfg.arch.cframes.allocation;
  for (let i = 0; i < alloc.length; i++) {
    const r = alloc[i];
    const v = ctx.val[r];
    const o = ctx.own[r];
    ctx.val[r] = regs.val[r];
    ctx.own[r] = regs.own[r];
    regs.val[r] = v;
    regs.own[r] = o;
  }
  const cycles = alloc.length * st.cfg.arch.spec.cost.copyPerWord.cycles;
  charge(st, p, 'save', cycles);
  charge(st, p, 'save', cycles);
}

export const perVcpuStack: SwitchDesign = {
  name: 'per-vcpu-stack',
  summary: 'Xen on Arm: full save on entry into the frame on the vcpu\'s own stack; __context_switch moves only callee-saved registers and the stack',
  cites: [
    'xen/arch/arm/arm64/entry.S `entry` macro (x0–x29, lr), __context_switch, return_from_trap (c447b7308b; per-vcpu stacks since 755e512957)',
    'xen/arch/arm/domain.c context_switch(), schedule_tail(), ctxt_switch_from/to(), continue_new_vcpu() (c447b7308b)',
    'xen/arch/arm/domain.c arch_set_info_guest() → arch_vcpu_apply_guest_context() (1e3dc2f866) → vcpu_regs_user_to_hyp(), arm64/domain.c (1c38a1e937)',
  ],
  stack: 'per-vcpu',
  // Xen Arm (2008 on) calls context_saved(prev) from schedule_tail(): today's interface only.
  contracts: ['2006-01-07'],
  supports: (arch) => (arch.cframes.allocation.length ? true : 'needs the callee-saved register set (cframes.allocation) of the hypervisor ABI'),
  // The arm64 `entry` macro: every GPR on every path (c447b7308b entry.S).
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    const pc = st.pcpus[p];
    const pv = st.vcpus[prev];
    const nv = st.vcpus[next];
    // ctxt_switch_from(prev): FP/SIMD and the other non-integer state, eagerly.
    if (!pv.isIdle) for (const c of st.cfg.arch.classes) if (!c.hvUses) saveClass(st, p, prev, c.index);
    // __context_switch: callee-saved registers into prev's saved_context, next's out of its
    // own; prev keeps its stack, the pcpu moves onto next's. One saved_context record passes
    // from next to prev (exchanged register by register, the same words moved and charged as
    // two copies): a record only ever holds the allocation registers, so it is what a fresh one
    // would be, and a switch allocates nothing.
    const ns = nv.stack!;
    const ctx = ns.ctx;
    swapCtx(st, p, pc.regs, ctx);
    pv.stack = { frame: pc.frame, frameValid: pc.frameValid, cframes: pc.cframes, ctx };
    st.cfg.observer?.onLoad(st, p, next);
    pc.frame = ns.frame;
    pc.frameValid = ns.frameValid;
    pc.cframes = ns.cframes;
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
    // arch_set_info_guest() → vcpu_regs_user_to_hyp() (c447b7308b): the new registers go into the
    // frame on the vcpu's own stack — nothing else; its C frames stay, and it returns through
    // them to return_from_trap, which restores the whole frame. (The model's domain_destroy
    // reuses the vcpu slot through this hook too; the frame wins at the exit just the same.)
    const vc = st.vcpus[v];
    if (!vc.stack) return;
    for (const r of st.cfg.arch.hvRegs) {
      vc.stack.frame.val[r] = vc.area.val[r];
      vc.stack.frame.own[r] = vc.area.own[r];
      vc.stack.frameValid[r] = 1;
    }
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
  savedValues(st, v, out) {
    // savedValue for every register, lowest precedence first so that each later source
    // overwrites: the save area, saved_context, the C frames from the innermost out (the
    // outermost that saved r wins), the exception frame's valid slots.
    const vc = st.vcpus[v];
    out.set(vc.area.val);
    const s = vc.stack;
    if (!s) return;
    const alloc = st.cfg.arch.cframes.allocation;
    for (let i = 0; i < alloc.length; i++) out[alloc[i]] = s.ctx.val[alloc[i]];
    const fns = st.cfg.arch.cframes.functions;
    for (let k = s.cframes.length - 1; k >= 0; k--) {
      const f = s.cframes[k];
      const regs = fns[f.fn].regs;
      for (let i = 0; i < regs.length; i++) out[regs[i]] = f.val[i];
    }
    const n = out.length;
    for (let r = 0; r < n; r++) if (s.frameValid[r]) out[r] = s.frame.val[r];
  },
};
