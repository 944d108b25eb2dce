/**
 * @module hv/switch/ppc-naive-volatile: the broken design the seed warns about. Every entry path
 * saves only the volatile registers; context_switch() copies the exception frame (and FP/VMX)
 * into prev's vcpu, calls contextSaved(prev) and resets the stack, as the merged PowerPC
 * context_switch() does (xen/arch/powerpc/domain.c, 9e07a06f9b) — but without the r14–r31 save
 * that the merged port added on its scheduling paths (exceptions.S SAVE_GPRS r14, r31).
 * prev's nonvolatiles are left in the registers and in the C frames between the entry and
 * context_switch(), and reset_stack_and_jump() throws those frames away. The checker must
 * report every such loss, naming the register and the frame that held the guest's value.
 */
import type { SwitchDesign } from '../types.ts';
import { loadAll, saveClass, saveFrameOnly, setLoadedAll, writePtbase } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { supportsPpc, volatileOnlyEntry } from '../ppc-support.ts';

export const ppcNaiveVolatile: SwitchDesign = {
  name: 'ppc-naive-volatile',
  summary: 'volatile-only entry; context_switch copies the frame only: loses r14–r31 (broken, the seed\'s warning)',
  cites: ['seed: xen-devel "lazy context switching", Hollis Blanchard, 2005-08-25', 'xen/arch/powerpc/domain.c context_switch() (9e07a06f9b) without SAVE_GPRS r14,r31'],
  // The post's starting point, read against the interface it quotes.
  contracts: ['2005-08'],
  broken: 'prev\'s r14–r31 stay in registers and C frames that reset_stack_and_jump() discards',
  supports: supportsPpc,
  entrySaves: volatileOnlyEntry,
  // reset_stack_and_jump(full_resume): no softirq test on the way back (1aa3c54a31^ exceptions.S).
  resumeTestsSoftirqs: false,
  contextSwitch(st, p, prev, next) {
    if (!st.vcpus[prev].isIdle) {
      // memcpy(&prev->arch.ctxt, stack_regs, sizeof(struct cpu_user_regs)): only what entry saved.
      saveFrameOnly(st, p, prev);
      for (const c of st.cfg.arch.classes) if (!c.hvUses) saveClass(st, p, prev, c.index);
    }
    // full_resume loads r14–r31 for next from its frame: whatever its vcpu struct holds.
    if (!st.vcpus[next].isIdle) loadAll(st, p, next);
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
};
