/**
 * @module hv/switch/fpu-eager: FP and vector state switched eagerly, every time — the reference
 * for the lazily switchable units (issue 6). Xen master after 70a6abd2cd ("x86: always use
 * eager FPU", 2026) removed lazy FPU switching: the FPU is saved and restored in
 * __context_switch() with the rest of the state, and CR0.TS is never set for a guest, so no #NM
 * is ever taken and no other domain's values sit in a disabled unit (no LazyFP window,
 * CVE-2018-3665). The integer side is Xen x86's lazy idle switch (xen-x86-lazy): X → idle → X
 * keeps everything, units included, loaded — while only idle runs, no guest can see them.
 *
 * The FPU moves with XSAVE: vcpu_save_fpu() calls xsave(), which executes XSAVES when the vcpu
 * uses a supervisor component and otherwise XSAVE patched to XSAVEOPT where the processor has it
 * (alternative_io(..., X86_FEATURE_XSAVEOPT), xen/arch/x86/xstate.c); vcpu_restore_fpu_nonlazy()
 * calls xrstor(). So on x86-64 (`xsave` in the architecture data) the processor's init and
 * modified optimisations (Intel SDM vol. 1 §13.6) leave out the components a vcpu has not written
 * since its XRSTOR — all of them for a vcpu that never touches the FPU (hv/ops xsaveState,
 * metrics.xsaveWordsAvoided). Elsewhere every unit class is copied in full.
 */
import type { SwitchDesign } from '../types.ts';
import { xenX86Lazy, lazyContextSwitch, lazySyncLocal } from '../xen-x86-lazy/index.ts';

export const fpuEager: SwitchDesign = {
  ...xenX86Lazy,
  // Xen of 2026: today's contract; xen-x86-lazy's 2005 form is not this design's.
  contracts: ['2006-01-07'],
  forms: {},
  name: 'fpu-eager',
  summary: 'FP/vector units saved and restored on every real switch, never disabled (Xen master, 70a6abd2cd); x86 saves with XSAVEOPT/XSAVES',
  cites: [
    'xen/arch/x86/domain.c __context_switch(): vcpu_save_fpu(p); vcpu_restore_fpu_nonlazy(n) (Xen master after 70a6abd2cd, always eager)',
    'xen/arch/x86/i387.c vcpu_restore_fpu_nonlazy() (4.x): the eager half; reference §2.6',
    'xen/arch/x86/xstate.c xsave(): XSAVES, else XSAVE patched to XSAVEOPT (X86_FEATURE_XSAVEOPT); xrstor(); Intel SDM vol. 1 §13.6, §13.9, §13.11',
  ],
  contextSwitch(st, p, _prev, next) {
    lazyContextSwitch(st, p, next, true);
  },
  syncLocal(st, p) {
    return lazySyncLocal(st, p, true);
  },
};
