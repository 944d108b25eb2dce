/**
 * @module hv/switch/fpu-eager: FP and vector state switched eagerly, every time — the reference
 * for the lazily switchable units (issue 6). Xen master after 70a6abd2cd ("x86: always use
 * eager FPU", 2026) removed lazy FPU switching: the FPU is saved and restored in
 * __context_switch() with the rest of the state, and CR0.TS is never set for a guest, so no #NM
 * is ever taken and no other domain's values sit in a disabled unit (no LazyFP window,
 * CVE-2018-3665). The integer side is Xen x86's lazy idle switch (xen-x86-lazy): X → idle → X
 * keeps everything, units included, loaded — while only idle runs, no guest can see them.
 */
import type { SwitchDesign } from '../types.ts';
import { xenX86Lazy } from '../xen-x86-lazy/index.ts';

export const fpuEager: SwitchDesign = {
  ...xenX86Lazy,
  // Xen of 2026: today's contract; xen-x86-lazy's 2005 form is not this design's.
  contracts: ['2006-01-07'],
  forms: {},
  name: 'fpu-eager',
  summary: 'FP/vector units saved and restored on every real switch, never disabled (Xen master, 70a6abd2cd)',
  cites: [
    'xen/arch/x86/domain.c __context_switch(): vcpu_save_fpu(p); vcpu_restore_fpu_nonlazy(n) (Xen master after 70a6abd2cd, always eager)',
    'xen/arch/x86/i387.c vcpu_restore_fpu_nonlazy() (4.x): the eager half; reference §2.6',
  ],
};
