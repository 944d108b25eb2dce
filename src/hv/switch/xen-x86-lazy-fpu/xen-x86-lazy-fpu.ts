/**
 * @module hv/switch/xen-x86-lazy-fpu: Xen x86 4.0–4.10 (and its i386 Linux ancestor): the FPU
 * switched lazily (xen/arch/x86/i387.c; read at RELEASE-4.0.0, RELEASE-4.2.0, RELEASE-4.10.0),
 * inside Xen x86's lazy context switch (xen-x86-lazy: domain.c context_switch() /
 * __context_switch() / __sync_local_execstate()), as Xen combined them.
 *
 * - The integer part is xen-x86-lazy's: switching to idle, or back to the vcpu whose state is
 *   still loaded (curr_vcpu == next), moves nothing — its FPU state included, and CR0.TS stays as
 *   it was, so X → idle → X takes no #NM; next's state is pulled off the pcpu where it is dirty
 *   with a flush IPI, and __sync_local_execstate() runs the same __context_switch().
 * - __context_switch() saves the outgoing vcpu's FPU only if it dirtied it since it was switched
 *   in (v->fpu_dirtied, set on #NM): 4.0 `unlazy_fpu(p)` ("if ( (v)->fpu_dirtied )
 *   save_init_fpu(v)", i387.h); 4.1–4.3 vcpu_save_fpu() "if ( !v->fpu_dirtied ) return;"
 *   (09014a12a9, 2011); 4.4–4.10 _vcpu_save_fpu() "if ( !v->fpu_dirtied &&
 *   !v->arch.nonlazy_xstate_used ) return false;" (7d8b5dd984, 2013). Otherwise the save is avoided
 *   (metrics.unitSavesAvoided). Then CR0.TS is set (stts()): the lazy units are disabled and the
 *   old owner's values stay in the registers — the LazyFP window (CVE-2018-3665), measured as
 *   metrics.exposureCycles. (cpu_init() sets TS at boot; the model's boot leaves every unit on, so
 *   TS is also set when a vcpu is loaded from idle — the same bit.)
 * - First use by the new vcpu: #NM → unitTrap: clts(), restore its lazy XSAVE state (4.0
 *   setup_fpu(); 4.2–4.10 vcpu_restore_fpu_lazy(): fpu_xrstor(v, XSTATE_LAZY)), fpu_dirtied = 1.
 * - CR0.TS does not cover every component. 4.2–4.10 restore the non-lazy XSAVE components
 *   (XSTATE_NONLAZY: LWP, MPX BNDREGS/BNDCSR, PKRU in 4.10's xstate.h) eagerly at switch-in
 *   (vcpu_restore_fpu_eager(), called from __context_switch() after set_xcr0(n->arch.xcr0)),
 *   for a vcpu with nonlazy_xstate_used (set when its XCR0 enables one, handle_xsetbv()); since
 *   7d8b5dd984 they are saved at every switch-out of such a vcpu (vcpu_xsave_mask():
 *   XSTATE_ALL if fpu_dirtied, else XSTATE_NONLAZY). Here a unit class whose name is one of those
 *   components is non-lazy (nonlazyMask); a vcpu uses it when its profile writes it (its XCR0
 *   has it from boot), and the class is enabled exactly while such a vcpu is loaded (XCR0). The
 *   built-in x86-64 has only x87, SSE and AVX — all XSTATE_LAZY — so there TS covers every unit
 *   class and the check reduces to fpu_dirtied; an architecture file with such a component
 *   exercises the rest. Left out: 4.10's compacted-format case (xstate_all(): restore everything
 *   eagerly and mark the FPU dirtied), which only changes which save writes what.
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
import { perArch, type Arch } from '../../../arch/index.ts';
import { saveClass, xrstorState, xsaveState } from '../../ops.ts';
import { saveNonUnits, loadNonUnits, supportsUnits } from '../unit-support.ts';
import { xenX86Lazy, lazyContextSwitch, lazySyncLocal, type UnitSwitch } from '../xen-x86-lazy/index.ts';

/** XSTATE_NONLAZY of Xen 4.10 (xen/include/asm-x86/xstate.h): the components CR0.TS does not cover. */
const NONLAZY_COMPONENTS = ['lwp', 'bndregs', 'bndcsr', 'pkru'];

/** The unit classes that are non-lazy XSAVE components (by class name); 0 on every built-in architecture. */
export const nonlazyMask = perArch((a: Arch): number => {
  const units = unitMask(a) & a.xsaveMask;
  let m = 0;
  for (const c of a.classes) if ((units >>> c.index) & 1 && NONLAZY_COMPONENTS.includes(c.name.toLowerCase())) m |= 1 << c.index;
  return m;
});

/** v->arch.nonlazy_xstate_used: v's guest writes a non-lazy component (its XCR0 enables it). */
function nonlazyUsed(st: HvState, v: number): boolean {
  const nl = nonlazyMask(st.cfg.arch);
  if (!nl) return false;
  const regs = st.cfg.profileRegs[st.vcpus[v].profile];
  for (let i = 0; i < regs.length; i++) if ((nl >>> st.cfg.arch.regClass[regs[i]]) & 1) return true;
  return false;
}

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

/**
 * vcpu_save_fpu(v) (4.4–4.10 _vcpu_save_fpu(), 7d8b5dd984): nothing unless fpu_dirtied or
 * nonlazy_xstate_used; else one XSAVE of vcpu_xsave_mask(): every unit if fpu_dirtied, else the
 * non-lazy ones. Without a non-lazy component in use this is the fpu_dirtied check of 4.0–4.3.
 * fpu_dirtied = 0, and stts().
 */
export function vcpuSaveFpu(st: HvState, p: number, v: number): void {
  const a = st.cfg.arch;
  const units = unitMask(a);
  const nl = nonlazyMask(a);
  const vc = st.vcpus[v];
  if (!nl) saveDirtiedUnits(st, p, v);
  else {
    // XSAVE writes XCR0 & mask: a vcpu without a non-lazy component in its XCR0 never saves one.
    const used = nonlazyUsed(st, v);
    const dirtied = vc.unitDirty & units & ~nl;
    const mask = !dirtied && !used ? 0 : (dirtied ? units : nl) & (used ? units : units & ~nl);
    if (mask) xsaveState(st, p, v, mask);
    for (const c of a.classes) if (((units & ~mask) >>> c.index) & 1) st.metrics.unitSavesAvoided++;
  }
  vc.unitDirty = 0;
  st.pcpus[p].unitEnabled &= ~(units & ~nl);
}

/**
 * vcpu_restore_fpu_eager(n) after set_xcr0(n->arch.xcr0) (4.2–4.10 __context_switch()): the
 * non-lazy components of a vcpu that uses them, restored now; XCR0 enables them for it only. The
 * lazy ones wait for #NM (TS set: cpu_init()'s, or the last vcpu_save_fpu()'s).
 */
export function vcpuRestoreFpuEager(st: HvState, p: number, v: number): void {
  const a = st.cfg.arch;
  const units = unitMask(a);
  const nl = nonlazyMask(a);
  const pc = st.pcpus[p];
  st.vcpus[v].unitDirty = 0;
  pc.unitEnabled &= ~(units & ~nl);
  if (!nl) return;
  if (nonlazyUsed(st, v)) {
    xrstorState(st, p, v, nl);
    pc.unitEnabled |= nl;
  } else pc.unitEnabled &= ~nl;
}

/** The FPU half of Xen 4.x's __context_switch(), for xen-x86-lazy's fullSwitch(). */
const LAZY_FPU: UnitSwitch = { save: vcpuSaveFpu, load: vcpuRestoreFpuEager };

export const xenX86LazyFpu: SwitchDesign = {
  ...xenX86Lazy,
  name: 'xen-x86-lazy-fpu',
  summary: 'Xen x86 4.0–4.10: xen-x86-lazy\'s lazy idle switch and dirty pull, with the FPU saved only if fpu_dirtied, CR0.TS set, restored on #NM',
  cites: [
    'xen/arch/x86/i387.c: 4.0 unlazy_fpu()/setup_fpu() (i387.h); 4.1–4.3 vcpu_save_fpu() fpu_dirtied check (09014a12a9); 4.4–4.10 _vcpu_save_fpu() "!v->fpu_dirtied && !v->arch.nonlazy_xstate_used" (7d8b5dd984), vcpu_restore_fpu_lazy() on #NM, vcpu_restore_fpu_eager() (RELEASE-4.0.0, 4.2.0, 4.10.0)',
    'xen/arch/x86/domain.c context_switch(), __context_switch(): vcpu_save_fpu(p), set_xcr0(), vcpu_restore_fpu_eager(n); the lazy idle switch and flush-IPI pull of xen-x86-lazy (RELEASE-4.10.0)',
    'xen/arch/x86/xstate.c xsave(): XSAVE patched to XSAVEOPT (X86_FEATURE_XSAVEOPT), XSAVES for supervisor components; xrstor(); XSTATE_NONLAZY (xstate.h); Intel SDM vol. 1 §13.6',
    'linux-2.6 arch/i386/kernel/process.c __switch_to(): unlazy_fpu(prev_p); traps.c math_state_restore() (setup_fpu)',
    'reference xen-context-switch.md §2.6; LazyFP, CVE-2018-3665',
  ],
  // Xen 4.0–4.10: today's interface, and its dirty pull needs IRQs on in context_switch(). No
  // older form: under 2005-08 and 2006-01-06 it runs as a what-if.
  contracts: ['2006-01-07'],
  forms: {},
  supports: supportsUnits,
  contextSwitch(st, p, _prev, next) {
    lazyContextSwitch(st, p, next, false, LAZY_FPU);
  },
  syncLocal(st, p) {
    return lazySyncLocal(st, p, false, LAZY_FPU);
  },
  unitTrap(st, p) {
    // #NM: clts(); restore current's lazy FP/vector state (its last save is in its area) —
    // vcpu_restore_fpu_lazy(): fpu_xrstor(v, XSTATE_LAZY); fpu_dirtied = 1 (the dirty bits).
    const pc = st.pcpus[p];
    const lazy = unitMask(st.cfg.arch) & ~nonlazyMask(st.cfg.arch);
    xrstorState(st, p, pc.current, lazy);
    pc.unitEnabled |= lazy;
  },
};
