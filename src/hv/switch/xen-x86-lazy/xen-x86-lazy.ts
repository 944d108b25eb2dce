/**
 * @module hv/switch/xen-x86-lazy: Xen x86's lazy context switch (xen/arch/x86/domain.c,
 * context_switch() / __context_switch() / __sync_local_execstate(), 4.0 and master; reference §2).
 *
 * - Every entry saves every GPR (SAVE_ALL), so the frame at the top of the per-pcpu stack always
 *   holds the complete integer state and can be copied at any moment, even from an IPI handler.
 * - Switching to idle, or back to the vcpu whose state is still loaded (curr_vcpu == next), is
 *   lazy: nothing moves; prev stays loaded and marked dirty on this pcpu, yet contextSaved(prev)
 *   runs — the "Alternatively, if implementing lazy context switching…" clause.
 * - Before loading next, its state is pulled off the pcpu where it is dirty with a flush IPI
 *   (flush_tlb_mask / FLUSH_VCPU_STATE), sent with IRQs enabled (1088bc0f6d, 89e23317ba).
 * - Never lazy on a pcpu going offline (f2dcefdc7b).
 */
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { NONE, unitMask } from '../../model.ts';
import { loadClass, loadHv, saveAll, saveClass, saveHv, setLoadedAll, writePtbase, xrstorState, xsaveState } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';

/**
 * __context_switch(): save whoever is loaded (curr_vcpu) — registers, FPU, segments
 * (ctxt_switch_from → save_segments) — and load `current`'s registers and FPU and page tables.
 * The segment state (selectors, FS/GS bases: the `system` classes) is not loaded here: Xen loads
 * it in context_switch() itself, after __context_switch() and only on its non-lazy branch
 * (load_LDT(); load_segments(), "may fault", so with IRQs on).
 *
 * `xsave`: the FPU is saved with XSAVEOPT/XSAVES and loaded with XRSTOR (vcpu_save_fpu() →
 * xsave(), vcpu_restore_fpu_nonlazy() → xrstor(), xen/arch/x86/xstate.c), so the processor's
 * init and modified optimisations apply (hv/ops xsaveState) on an architecture with `xsave`.
 * Off (xen-x86-lazy), every class is copied in full, as before.
 *
 * `units`: the FP/vector units are not moved with the rest but by the design's own FPU code
 * (xen-x86-lazy-fpu: Xen 4.0–4.10's vcpu_save_fpu() and vcpu_restore_fpu_eager(), called from
 * this same __context_switch()); every other class moves as above.
 */
export function fullSwitch(st: HvState, p: number, xsave = false, units?: UnitSwitch): void {
  const pc = st.pcpus[p];
  const from = pc.loaded[0];
  const to = pc.current;
  const a = st.cfg.arch;
  const um = units ? unitMask(a) : 0;
  const comps = units ? 0 : xsave ? a.xsaveMask : 0;
  if (!st.vcpus[from].isIdle) {
    if (units) {
      saveHv(st, p, from);
      for (const c of a.classes) if (!c.hvUses && !((um >>> c.index) & 1)) saveClass(st, p, from, c.index);
      units.save(st, p, from);
    } else if (comps) {
      saveHv(st, p, from);
      for (const c of a.classes) if (!c.hvUses && !((comps >>> c.index) & 1)) saveClass(st, p, from, c.index);
      xsaveState(st, p, from, comps);
    } else saveAll(st, p, from);
    st.vcpus[from].dirtyPcpu = NONE;
  }
  if (!st.vcpus[to].isIdle) {
    st.cfg.observer?.onLoad(st, p, to);
    loadHv(st, p, to);
    for (const c of a.classes) if (!c.hvUses && c.role !== 'system' && !(((comps | um) >>> c.index) & 1)) loadClass(st, p, to, c.index);
    if (comps) xrstorState(st, p, to, comps);
    units?.load(st, p, to);
    st.vcpus[to].dirtyPcpu = p;
  }
  writePtbase(st, p, st.vcpus[to].isIdle ? HV_OWNER : st.vcpus[to].domain);
  setLoadedAll(st, p, to);
}

/** How a design built on this switch moves the FP/vector units in __context_switch() (fullSwitch). */
export interface UnitSwitch {
  /** prev (not idle) is being saved: its units, as vcpu_save_fpu(p) does. */
  save(st: HvState, p: number, v: number): void;
  /** next (not idle) is being loaded: its units, as vcpu_restore_fpu_eager(n) does. */
  load(st: HvState, p: number, v: number): void;
}

/** context_switch()'s curr_vcpu check, then __context_switch() and load_segments() (xsave, units: see fullSwitch). */
export function lazyContextSwitch(st: HvState, p: number, next: number, xsave = false, units?: UnitSwitch): void {
  const pc = st.pcpus[p];
  if (pc.loaded[0] === next || (st.vcpus[next].isIdle && pc.online)) {
    st.metrics.lazySwitches++;
    return;
  }
  fullSwitch(st, p, xsave, units);
  if (!st.vcpus[next].isIdle) loadSegments(st, p, next);
}

/** __sync_local_execstate(): commit what this pcpu holds lazily (xsave, units: see fullSwitch). */
export function lazySyncLocal(st: HvState, p: number, xsave = false, units?: UnitSwitch): boolean {
  const pc = st.pcpus[p];
  if (pc.loaded[0] === pc.current) return false;
  fullSwitch(st, p, xsave, units);
  return true;
}

/** load_segments(next): the system (segment) classes, in context_switch()'s non-lazy branch. */
export function loadSegments(st: HvState, p: number, next: number): void {
  for (const c of st.cfg.arch.classes) if (c.role === 'system') loadClass(st, p, next, c.index);
}

export const xenX86Lazy: SwitchDesign = {
  name: 'xen-x86-lazy',
  summary: 'Xen x86: full save on entry; lazy switch to idle and back; remote sync by flush IPI',
  // The dirty pull with IRQs on (1088bc0f6d, 89e23317ba) needs today's contract; under the older
  // ones x86 ran its 2005 form.
  contracts: ['2006-01-07'],
  forms: { '2005-08': 'xen-x86-lazy-2005', '2006-01-06': 'xen-x86-lazy-2005' },
  cites: [
    'xen/arch/x86/domain.c context_switch(), __context_switch(), __sync_local_execstate() (4.0; master)',
    '4ce9d9d80e lazy switch to/from idle; 1088bc0f6d pull state off old cpu; 89e23317ba IRQ ordering',
  ],
  // Any architecture, because the design imposes a full save on every entry path. On ppc64 that
  // is a what-if: the PowerPC port never did it (reference §3.3).
  supports: () => true,
  entrySaves: (arch) => arch.hvRegs,
  dirtyElsewhere(st, p, next) {
    const d = st.vcpus[next].dirtyPcpu;
    return d !== NONE && d !== p ? d : NONE;
  },
  contextSwitch(st, p, _prev, next) {
    lazyContextSwitch(st, p, next);
  },
  syncLocal(st, p) {
    return lazySyncLocal(st, p);
  },
};
