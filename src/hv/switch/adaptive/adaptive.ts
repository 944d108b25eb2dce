/**
 * @module hv/switch/adaptive: lazy FP/vector switching that turns eager for a vcpu that keeps
 * using its units, and lazy again as soon as it stops. Not one system's code, but the heuristic
 * three of them arrived at independently (anchors §2.3, "lazy with N-use promotion"):
 * - "sLeAZY FPU" (A. van de Ven / C. Ebbert, lkml 2006-07-01): after "5 stints in a row" of FPU
 *   use, preload the FPU at switch-in; merged as Linux i386/x86-64 `fpu_counter` (2.6.19–3.x
 *   arch/x86/kernel/process_64.c __switch_to(): `preload_fpu = tsk_used_math(next_p) &&
 *   next_p->fpu_counter > 5`; traps.c math_state_restore() increments it; __unlazy_fpu() resets
 *   it to 0 for a task switched out without TS_USEDFPU).
 * - KVM "kvm,x86: load guest FPU context more eagerly" (R. van Riel, 653f52c): a guest's
 *   fpu_counter, eager until it rolls over after 255 loads.
 * - Linux powerpc load_fp / load_vec (power-giveup-loadfp in this tree).
 *
 * The design, per vcpu:
 * - Lazy (the default): at switch-in every unit is disabled (x86 stts(), ppc64 MSR[FP]/MSR[VEC]
 *   clear, arm64 CPACR_EL1.FPEN/ZEN trapping, riscv64 FS/VS = Off); the previous owner's values
 *   stay behind the disabled units (metrics.exposureCycles). The first write traps; the trap
 *   restores every unit of the vcpu and enables them (xen-x86-lazy-fpu's #NM handler).
 * - A stint in which the vcpu wrote a unit counts as a use (the hardware dirty bit: riscv FS/VS
 *   = Dirty, x86 XINUSE, Xen's fpu_dirtied; here vcpu.unitDirty). After PROMOTE_AFTER
 *   consecutive stints with a use, the vcpu is eager: its units are restored and enabled at
 *   switch-in, no trap.
 * - One stint without a use demotes it: lazy again, the run starts over from 0.
 * - Switch-out saves only the unit classes the vcpu wrote (vcpu_save_fpu()'s `if
 *   (!v->fpu_dirtied) return`, per class); the others are already in memory
 *   (metrics.unitSavesAvoided). On x86-64 the save and the restores are XSAVEOPT and XRSTOR, as
 *   in Xen's xsave()/xrstor() and in Linux since 6bad06b76892 (2010, XSAVEOPT in the
 *   context-switch path; today's os_xsave() picks XSAVES): the FPU is saved as a whole once a
 *   vcpu dirtied it, and the processor's init and modified optimisations leave out the
 *   components it did not write since the XRSTOR (xen-x86-lazy-fpu's saveDirtiedUnits, hv/ops
 *   xsaveState).
 *
 * Deliberate differences from the precedents:
 * - Linux promoted after `fpu_counter > 5` (six trapping stints) and its u8 counter wrapped at
 *   256, forcing one lazy stint; it also counted a preloaded stint as a use, so a promoted task
 *   stayed eager until the wrap whether it used the FPU or not. Here promotion comes after
 *   PROMOTE_AFTER = 5 (sLeAZY's "5 stints in a row"), there is no wrap (power-giveup-loadfp
 *   models one), and a use is a real write, so demotion is immediate.
 * - All units of a vcpu are promoted and trapped together, as CR0.TS does on x86 (one run
 *   count per vcpu, not per class).
 * The run count lives in vcpu.unitCounters (hv/switch/unit-counters), bits 0–7. Integer state is
 * switched eagerly, with every entry path saving every integer register, as in the other unit
 * designs.
 */
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { unitMask } from '../../model.ts';
import { setLoadedAll, writePtbase, xrstorState } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { saveDirtiedUnits } from '../xen-x86-lazy-fpu/index.ts';
import { clearDirty, getCounter, setCounter, type CounterField } from '../unit-counters.ts';
import { loadNonUnits, saveNonUnits, supportsUnits } from '../unit-support.ts';

/**
 * Consecutive stints with a unit write after which a vcpu's units are restored eagerly at
 * switch-in: sLeAZY's "after 5 stints in a row" (anchors §2.3). Linux's `fpu_counter > 5` is 6.
 */
export const PROMOTE_AFTER = 5;

/** The vcpu's run of consecutive stints with a unit write, saturating at PROMOTE_AFTER (bits 0–7 of vcpu.unitCounters). */
export const USE_RUN: CounterField = { at: 0, bits: 8 };

/** True when v's units are restored at switch-in (its run reached PROMOTE_AFTER). */
export function isEager(st: HvState, v: number): boolean {
  return getCounter(st, v, USE_RUN) >= PROMOTE_AFTER;
}

/** Restore every unit of v (one XRSTOR on x86) and enable them. */
function loadUnits(st: HvState, p: number, v: number): void {
  const units = unitMask(st.cfg.arch);
  xrstorState(st, p, v, units);
  st.pcpus[p].unitEnabled |= units;
}

export const adaptive: SwitchDesign = {
  name: 'adaptive',
  summary: `lazy FP/vector (trap on first use) until a vcpu has used its units ${PROMOTE_AFTER} stints in a row, then restored eagerly until a stint without use`,
  cites: [
    'lkml 2006-07-01 "sLeAZY FPU" (A. van de Ven, C. Ebbert): preload after 5 stints in a row; linux 2.6.19–3.x arch/x86/kernel/process_64.c __switch_to() fpu_counter > 5, traps.c math_state_restore()',
    'linux 653f52c "kvm,x86: load guest FPU context more eagerly" (R. van Riel): fpu_counter, lazy again after 255; linux powerpc restore_math() load_fp/load_vec; anchors §2.3',
    'xen/arch/x86/i387.c vcpu_save_fpu() (fpu_dirtied), vcpu_restore_fpu_lazy() on #NM (Xen 4.x): the lazy half; reference §2.6',
    'xen/arch/x86/xstate.c xsave() (XSAVEOPT), xrstor(); linux 6bad06b76892 "x86, xsave: Use xsaveopt in context-switch path when supported" (S. Siddha, 2010); Intel SDM vol. 1 §13.6',
  ],
  // Written against today's interface: context_saved() once prev is committed (the default tail).
  contracts: ['2006-01-07'],
  supports: supportsUnits,
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    const pc = st.pcpus[p];
    const units = unitMask(st.cfg.arch);
    if (!st.vcpus[prev].isIdle) {
      const dirty = st.vcpus[prev].unitDirty & units;
      saveNonUnits(st, p, prev);
      saveDirtiedUnits(st, p, prev);
      const run = getCounter(st, prev, USE_RUN);
      setCounter(st, prev, USE_RUN, dirty ? Math.min(run + 1, PROMOTE_AFTER) : 0);
      clearDirty(st, prev, units);
    }
    // stts(): every unit off; whatever they hold stays there.
    pc.unitEnabled &= ~units;
    if (!st.vcpus[next].isIdle) {
      st.cfg.observer?.onLoad(st, p, next);
      loadNonUnits(st, p, next);
      clearDirty(st, next, units);
      if (isEager(st, next)) loadUnits(st, p, next);
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  unitTrap(st, p) {
    // The unavailable trap of a lazy vcpu: restore all of its units (they were committed at the
    // owner's switch-out), enable them.
    loadUnits(st, p, st.pcpus[p].current);
  },
};
