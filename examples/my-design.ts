// A complete user design: eager switching with one twist — it skips saving the FP/vector units
// of a vcpu whose profile never writes them. Run it through the same checker as the built-ins:
//   npx lazyswitch run --design-file examples/my-design.ts --arch ppc64
import { saveHv, loadAll, saveClass, setLoadedAll, writePtbase, HV_OWNER, type SwitchDesign } from 'lazyswitch';

const design: SwitchDesign = {
  name: 'skip-unused-units',
  summary: 'eager, but never saves a unit the outgoing guest profile does not write',
  cites: ['examples/my-design.ts (a user design)'],
  supports: () => true,
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    if (!st.vcpus[prev].isIdle) {
      saveHv(st, p, prev);
      const used = st.cfg.profiles[st.vcpus[prev].profile].roles;
      for (const c of st.cfg.arch.classes) if (!c.hvUses && used.includes(c.role)) saveClass(st, p, prev, c.index);
    }
    if (!st.vcpus[next].isIdle) loadAll(st, p, next);
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
};

export default design;
