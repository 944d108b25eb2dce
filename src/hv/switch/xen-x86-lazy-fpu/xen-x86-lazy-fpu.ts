/**
 * @module hv/switch/xen-x86-lazy-fpu: Xen x86 before 2018 (and its i386 Linux ancestor): the FPU
 * switched lazily (xen/arch/x86/i387.c, reference §2.6; anchors §2.2–§2.4).
 *
 * - Switch-out: the outgoing vcpu's FP/vector state is saved only if it dirtied the FPU since it
 *   was switched in (v->fpu_dirtied, set by the #NM handler: i386.c unlazy_fpu(),
 *   Xen vcpu_save_fpu() "if ( !v->fpu_dirtied ) return;"); otherwise the save is avoided
 *   (metrics.unitSavesAvoided). Then CR0.TS is set (stts()): every unit is disabled, and the
 *   old owner's values stay in the registers — the LazyFP window (CVE-2018-3665), measured as
 *   metrics.exposureCycles.
 * - First use by the new vcpu: #NM (device-not-available) → unitTrap: clts(), restore its whole
 *   XSAVE state (setup_fpu() / vcpu_restore_fpu_lazy()), fpu_dirtied = 1.
 * - Integer state: eager (saved at every switch, as `eager` does), so nothing else is lazy and no
 *   remote flush is ever needed.
 *
 * TS covers every FP/vector class at once, so one #NM restores all of them.
 *
 * XSAVE (x86-64, `xsave` in the architecture data): Xen 4.x saves with xsave(), which is XSAVE
 * patched to XSAVEOPT where the processor has it (XSAVES for supervisor components;
 * xen/arch/x86/xstate.c), and restores with xrstor(v, XSTATE_LAZY). fpu_dirtied is one flag per
 * vcpu: a dirtied vcpu's save is one XSAVEOPT of every component, and the processor itself leaves
 * out the components not written since the #NM's XRSTOR (the modified optimisation) or never
 * written at all (the init optimisation): metrics.xsaveWordsAvoided (hv/ops xsaveState). A vcpu
 * that did not dirty the FPU saves nothing (metrics.unitSavesAvoided, one per unit class).
 * Without XSAVE (the other architectures, and riscv-dirty-gated, which shares the save) the
 * model keeps a dirty bit per class and saves the dirtied classes.
 */
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { unitMask } from '../../model.ts';
import { saveClass, setLoadedAll, writePtbase, xrstorState, xsaveState } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { saveNonUnits, loadNonUnits, supportsUnits } from '../unit-support.ts';

/**
 * vcpu_save_fpu(): the unit classes v dirtied since its dirty bits were last cleared. With XSAVE,
 * fpu_dirtied is one flag: any dirtied unit → one XSAVEOPT/XSAVES of them all (xsaveState skips
 * what the processor skips), none → nothing. Without, each dirtied class. A class not saved
 * counts in metrics.unitSavesAvoided. Does not clear the dirty bits.
 */
export function saveDirtiedUnits(st: HvState, p: number, v: number): void {
  const a = st.cfg.arch;
  const units = unitMask(a);
  const dirty = st.vcpus[v].unitDirty & units;
  if (a.xsaveMask && (units & a.xsaveMask) === units) {
    if (dirty) xsaveState(st, p, v, units);
    else for (const c of a.classes) if ((units >>> c.index) & 1) st.metrics.unitSavesAvoided++;
    return;
  }
  for (const c of a.classes) {
    if (!((units >>> c.index) & 1)) continue;
    if ((dirty >>> c.index) & 1) saveClass(st, p, v, c.index);
    else st.metrics.unitSavesAvoided++;
  }
}

/** Save prev at switch-out: integer and system state always, unit classes only if dirtied. */
export function saveLazyFpu(st: HvState, p: number, prev: number): void {
  const vc = st.vcpus[prev];
  saveNonUnits(st, p, prev);
  saveDirtiedUnits(st, p, prev);
  vc.unitDirty = 0;
}

/** Load next's integer and system state; its units stay where they are until it traps. */
export function loadLazyFpu(st: HvState, p: number, next: number): void {
  st.cfg.observer?.onLoad(st, p, next);
  loadNonUnits(st, p, next);
  st.vcpus[next].unitDirty = 0;
}

export const xenX86LazyFpu: SwitchDesign = {
  name: 'xen-x86-lazy-fpu',
  summary: 'pre-2018 Xen: FP saved at switch-out only if fpu_dirtied, CR0.TS set on switch, restored on #NM',
  cites: [
    'xen/arch/x86/i387.c vcpu_save_fpu() (fpu_dirtied check), vcpu_restore_fpu_lazy() on #NM; domain.c __context_switch() (Xen 4.0–4.10)',
    'xen/arch/x86/xstate.c xsave(): XSAVE patched to XSAVEOPT (X86_FEATURE_XSAVEOPT), XSAVES for supervisor components; xrstor(); Intel SDM vol. 1 §13.6',
    'linux-2.6 arch/i386/kernel/process.c __switch_to(): unlazy_fpu(prev_p); traps.c math_state_restore() (setup_fpu)',
    'reference xen-context-switch.md §2.6; LazyFP, CVE-2018-3665',
  ],
  // Xen 4.0–4.10: today's interface (and its dirty pull needs IRQs on in context_switch()).
  contracts: ['2006-01-07'],
  supports: supportsUnits,
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    if (!st.vcpus[prev].isIdle) saveLazyFpu(st, p, prev);
    if (!st.vcpus[next].isIdle) loadLazyFpu(st, p, next);
    // stts(): every unit disabled; the old values stay in the registers.
    st.pcpus[p].unitEnabled &= ~unitMask(st.cfg.arch);
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  unitTrap(st, p) {
    // #NM: clts(); restore current's whole FP/vector state (its last save is in its area) —
    // xrstor(v, XSTATE_LAZY) on x86.
    const pc = st.pcpus[p];
    const units = unitMask(st.cfg.arch);
    xrstorState(st, p, pc.current, units);
    pc.unitEnabled |= units;
  },
};
