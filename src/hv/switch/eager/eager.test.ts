import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { eager } from './eager.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: eager });

describe('eager', () => {
  it('never switches lazily, never needs a remote sync, and switches page tables on every switch', () => {
    const r = runOne({ arch: getArch('x86-64'), design: eager, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,int*2'), seconds: 0.2, seed: 5 });
    expect(r.metrics.lazySwitches).toBe(0);
    expect(r.metrics.remoteSyncs).toBe(0);
    expect(r.metrics.addressSpaceSwitches).toBe(r.metrics.switches);
  });
});
