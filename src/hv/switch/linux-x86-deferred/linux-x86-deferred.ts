/**
 * @module hv/switch/linux-x86-deferred: Linux x86's eager FPU with deferred restore (v4.2 eager
 * by default, 58122bf1d856; TIF_NEED_FPU_LOAD, v5.2, 5f409e20b794; arch/x86/include/asm/fpu/
 * sched.h switch_fpu_prepare() / switch_fpu_return(), fpregs_state_valid()).
 *
 * - Switch-out: the outgoing vcpu's FP/vector state is always saved (save_fpregs_to_fpstate()),
 *   and the pcpu remembers it as the owner of its registers (fpu_fpregs_owner_ctx), the vcpu the
 *   pcpu it was on (fpu->last_cpu).
 * - Switch-in (on the way back to the guest, switch_fpu_return()): restored unless the registers
 *   are still valid for it — owner == it and last_cpu == this pcpu (X → idle → X, nobody else
 *   used the unit meanwhile); then the restore is avoided (metrics.unitRestoresAvoided).
 * - Writing the saved context (ptrace / setvcpucontext) invalidates it (__fpu_invalidate_fpregs_state).
 * - The unit is never disabled for a guest: no trap, no exposure. Integer state as `eager`.
 * - x86-64 (`xsave` in the architecture data): the save is os_xsave(), whose XSTATE_XSAVE picks
 *   XSAVES, else XSAVEC, else XSAVEOPT, else XSAVE by CPU feature (arch/x86/kernel/fpu/xstate.h);
 *   on the modelled Xeon that is XSAVES, with the init and modified optimisations; the restore
 *   is os_xrstor() (XRSTORS). So the always-save at switch-out writes only the components written
 *   since the last XRSTORS from the vcpu's buffer on this pcpu (hv/ops xsaveState) — and after
 *   X → idle → X, where the restore was skipped, still the ones written since that XRSTORS
 *   (XMODIFIED is not reset by a save).
 */
import type { SwitchDesign } from '../types.ts';
import { NONE, unitMask } from '../../model.ts';
import { classCount, setLoadedAll, writePtbase, xrstorState, xsaveState } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { saveNonUnits, loadNonUnits, supportsUnits } from '../unit-support.ts';

export const linuxX86Deferred: SwitchDesign = {
  name: 'linux-x86-deferred',
  summary: 'Linux x86: FP always saved at switch-out, restore skipped while owner and last_cpu still match',
  cites: [
    'linux arch/x86/include/asm/fpu/sched.h switch_fpu_prepare(), switch_fpu_return(); fpregs_state_valid() (v5.2+, 5f409e20b794 TIF_NEED_FPU_LOAD)',
    'linux 58122bf1d856 "x86/fpu: Default eagerfpu=on on all CPUs" (v4.2)',
    'linux arch/x86/kernel/fpu/xstate.h XSTATE_XSAVE: ALTERNATIVE(XSAVE, XSAVEOPT, XSAVEC, XSAVES), XSTATE_XRESTORE: XRSTOR or XRSTORS; Intel SDM vol. 1 §13.6, §13.11',
  ],
  // A Linux scheme placed in Xen's today's interface (context_saved() in the default tail).
  contracts: ['2006-01-07'],
  supports: supportsUnits,
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    const pc = st.pcpus[p];
    const units = unitMask(st.cfg.arch);
    if (!st.vcpus[prev].isIdle) {
      saveNonUnits(st, p, prev); // save_fpregs_to_fpstate(): the units through os_xsave()
      xsaveState(st, p, prev, units);
      st.vcpus[prev].unitLastCpu = p;
      pc.unitOwner = prev;
    }
    if (!st.vcpus[next].isIdle) {
      const nv = st.vcpus[next];
      st.cfg.observer?.onLoad(st, p, next);
      loadNonUnits(st, p, next);
      const valid = pc.unitOwner === next && nv.unitLastCpu === p;
      if (!valid) xrstorState(st, p, next, units); // os_xrstor()
      else st.metrics.unitRestoresAvoided += classCount(units);
      pc.unitOwner = next;
      nv.unitLastCpu = p;
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  contextWritten(st, v) {
    st.vcpus[v].unitLastCpu = NONE;
  },
};
