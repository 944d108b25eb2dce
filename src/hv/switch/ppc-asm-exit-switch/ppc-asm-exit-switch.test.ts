import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { ppcAsmExitSwitch } from './ppc-asm-exit-switch.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';
import type { SwitchDesign } from '../types.ts';

runDesignConformance({ design: ppcAsmExitSwitch });

describe("ppc-asm-exit-switch (the seed's design)", () => {
  const r = runOne({ arch: getArch('ppc64'), design: ppcAsmExitSwitch, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*8'), seconds: 0.5, seed: 1 });
  it('switches lazily to idle and back, and serves remote syncs by unwinding the idle loop', () => {
    expect(r.violations).toEqual([]);
    expect(r.metrics.lazySwitches).toBeGreaterThan(r.metrics.switches / 4);
    expect(r.metrics.remoteSyncs).toBeGreaterThan(0);
    expect(r.metrics.localSyncs).toBeGreaterThan(0);
  });
  it('a sync served from the IPI handler (registers only, no unwinding) is caught', () => {
    const eagerSync: SwitchDesign = {
      ...ppcAsmExitSwitch,
      name: 'asm-exit-sync-in-irq',
      syncLocal(st, p) {
        if (ppcAsmExitSwitch.syncLocal!(st, p) !== 'defer' || st.pcpus[p].pendingNvFrom !== -1) return ppcAsmExitSwitch.syncLocal!(st, p);
        // Commit straight from interrupt context: the idle loop's frames are not unwound.
        const cframes = st.pcpus[p].cframes;
        st.pcpus[p].cframes = [];
        ppcAsmExitSwitch.serveDeferredSync!(st, p);
        st.pcpus[p].cframes = cframes;
        return true;
      },
    };
    const bad = runOne({ arch: getArch('ppc64'), design: eagerSync, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*8'), seconds: 0.5, seed: 1 });
    expect(bad.violationsByInvariant['guest-state']).toBeGreaterThan(0);
  });
});
