/**
 * A deliberately broken design, kept in the tests: xen-x86-lazy-fpu that forgets stts() at the
 * switch — the unit stays ENABLED for the next domain while the previous domain's FP/vector
 * values are still in the registers (no #NM, so nothing restores next's). The next guest can
 * read them architecturally: the checker MUST report `isolation`.
 */
import type { SwitchDesign } from '../../src/hv/index.ts';
import { xenX86LazyFpu } from '../../src/hv/switch/xen-x86-lazy-fpu/index.ts';

export const lazyFpuLeak: SwitchDesign = {
  ...xenX86LazyFpu,
  name: 'broken-lazy-fpu-leak',
  summary: 'xen-x86-lazy-fpu without stts(): the unit is left enabled for the next domain',
  cites: ['CR0.TS must be set on every switch (xen/arch/x86/i387.c, domain.c); what its omission would leak'],
  broken: 'leaves the FP/vector unit enabled for the next domain, holding the previous one\'s values',
  contextSwitch(st, p, prev, next) {
    xenX86LazyFpu.contextSwitch(st, p, prev, next);
    st.pcpus[p].unitEnabled = ~0; // the bug: the unit is never disabled
  },
};
