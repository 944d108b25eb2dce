/**
 * A deliberately broken design, kept in the tests: fpu-eager whose XSAVEOPT believes nothing was
 * modified since the XRSTOR — it forgets the outgoing vcpu's dirty bits just before the save, as
 * if the processor's XMODIFIED tracking were lost. XSAVEOPT then skips components the guest did
 * write, their save area keeps the older values, and the checker, which compares values, MUST
 * report it (inv3 at contextSaved, or a stale read at the next resume).
 */
import type { SwitchDesign } from '../../src/hv/index.ts';
import { fpuEager } from '../../src/hv/switch/fpu-eager/index.ts';

export const xsaveSkipModified: SwitchDesign = {
  ...fpuEager,
  name: 'broken-xsave-skip-modified',
  summary: 'fpu-eager whose XSAVEOPT skips modified components (the dirty bits are dropped before the save)',
  cites: ['Intel SDM vol. 1 §13.6: the modified optimisation may skip a component only if it was not modified since the last XRSTOR'],
  broken: 'XSAVEOPT skips components the guest modified since the XRSTOR: the save area keeps stale values',
  supports: (arch) => (arch.xsaveMask ? true : `${arch.name} has no XSAVE, so there is no optimisation to get wrong`),
  contextSwitch(st, p, prev, next) {
    const from = st.pcpus[p].loaded[0];
    st.vcpus[from].unitDirty = 0; // the bug: the writes since the XRSTOR are forgotten
    fpuEager.contextSwitch(st, p, prev, next);
  },
  syncLocal(st, p) {
    st.vcpus[st.pcpus[p].loaded[0]].unitDirty = 0;
    return fpuEager.syncLocal!(st, p);
  },
};
