/**
 * @module hv/switch/eager: the reference design. Every exception entry saves every register
 * the hypervisor uses; every switch saves all of prev and loads all of next, including the
 * page tables, so no state is ever left behind and syncVcpuExecState is a no-op.
 * Models Xen/PowerPC's context_switch() as merged (xen/arch/powerpc/domain.c, 9e07a06f9b..
 * 1aa3c54a31^, reference §3.2) with a full save on every path, and x86 __context_switch()
 * taken on every switch (xen/arch/x86/domain.c) without the lazy branch.
 */
import type { SwitchDesign } from '../types.ts';
import { loadAll, saveAll, setLoadedAll, writePtbase } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';

export const eager: SwitchDesign = {
  name: 'eager',
  summary: 'full save on every entry; save prev and load next on every switch (the reference)',
  cites: ['xen/arch/powerpc/domain.c context_switch() (9e07a06f9b)', 'xen/arch/x86/domain.c __context_switch()'],
  // Everything is committed before context_switch() returns: what every generation asks.
  contracts: ['2005-08', '2006-01-06', '2006-01-07'],
  supports: () => true,
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    // prev is whoever is loaded here: with an eager design that is always prev itself.
    if (!st.vcpus[prev].isIdle) saveAll(st, p, prev);
    if (!st.vcpus[next].isIdle) loadAll(st, p, next);
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
};
