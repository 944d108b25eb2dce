/**
 * @module hv/switch/riscv-dirty-gated: RISC-V's hardware-tracked FP/vector state (Linux
 * arch/riscv/include/asm/switch_to.h __switch_to_fpu() / __switch_to_vector(); privileged spec
 * §3.1.6.6 "Extension Context Status in mstatus Register"). sstatus.FS and VS move
 * Off → Initial → Clean → Dirty; any write by the guest makes them Dirty (the core's
 * vcpu.unitDirty). At switch-out the unit is saved only when Dirty (fstate_save: "if
 * ((regs->status & SR_FS) == SR_FS_DIRTY)"), otherwise the save is avoided; the next task's state
 * is restored eagerly and marked Clean. The unit is never turned Off for a guest, so no trap is
 * taken and no other domain's values sit in a disabled unit: zero exposure.
 * Integer state as `eager`.
 */
import type { SwitchDesign } from '../types.ts';
import { loadAll, setLoadedAll, writePtbase } from '../../ops.ts';
import { saveLazyFpu } from '../xen-x86-lazy-fpu/index.ts';
import { HV_OWNER } from '../../../machine/index.ts';

export const riscvDirtyGated: SwitchDesign = {
  name: 'riscv-dirty-gated',
  summary: 'RISC-V: FP/vector saved at switch-out only when FS/VS = Dirty, restored eagerly, never Off',
  cites: [
    'linux arch/riscv/include/asm/switch_to.h __switch_to_fpu(): fstate_save() only if SR_FS_DIRTY, fstate_restore() (v5.x–v6.x); __switch_to_vector()',
    'RISC-V privileged spec §3.1.6.6, Extension Context Status (FS, VS: Off/Initial/Clean/Dirty)',
  ],
  // A RISC-V scheme placed in Xen's today's interface (context_saved() in the default tail).
  contracts: ['2006-01-07'],
  // What it needs is the hardware's record of a write per unit (arch units' dirtyState), not RISC-V by name.
  supports: (arch) => {
    const need = 'it saves a unit only when the hardware marked it written (RISC-V sstatus.FS/VS = Dirty)';
    if (!arch.units.length) return `${need}; ${arch.name} has no FP/vector unit`;
    const blind = arch.units.filter((u) => !u.dirtyState);
    return blind.length ? `${need}; on ${arch.name} no dirty state tracks ${blind.map((u) => `${u.name} (${u.control})`).join(', ')} (units[].dirtyState)` : true;
  },
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    if (!st.vcpus[prev].isIdle) saveLazyFpu(st, p, prev);
    if (!st.vcpus[next].isIdle) {
      loadAll(st, p, next);
      st.vcpus[next].unitDirty = 0; // FS = Clean after fstate_restore()
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
};
