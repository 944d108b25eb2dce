import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { xenX86Lazy } from './xen-x86-lazy.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: xenX86Lazy });

describe('xen-x86-lazy', () => {
  const r = runOne({ arch: getArch('x86-64'), design: xenX86Lazy, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*8'), seconds: 0.5, seed: 1 });
  it('skips the switch to idle and back (lazy switches) and saves address-space switches', () => {
    expect(r.metrics.lazySwitches).toBeGreaterThan(r.metrics.switches / 4);
    expect(r.metrics.addressSpaceSwitches).toBeLessThan(r.metrics.switches);
  });
  it('pulls state off the dirty pcpu with flush IPIs, served by the holder', () => {
    expect(r.metrics.remoteSyncs).toBeGreaterThan(0);
    // A flush can find the state already committed (the holder switched meanwhile): nothing to do then.
    expect(r.metrics.localSyncs).toBeGreaterThan(0);
    expect(r.metrics.localSyncs).toBeLessThanOrEqual(r.metrics.remoteSyncs);
    expect(r.violations).toEqual([]);
  });
});
