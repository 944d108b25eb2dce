import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { ppcSwitchInRoutine } from './ppc-switch-in-routine.ts';
import { compileArch, getArch, BUILTIN_ARCH_DATA } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: ppcSwitchInRoutine });

describe("ppc-switch-in-routine (Keir's suggestion, literally)", () => {
  it('fails when C code between the entry and the routine uses nonvolatiles: the guest value is in their frames', () => {
    const r = runOne({ arch: getArch('ppc64'), design: ppcSwitchInRoutine, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.2, seed: 1 });
    const v = r.violations.find((x) => x.invariant === 'inv3')!;
    expect(v.message).toMatch(/C frame of \w+\(\)/);
  });
  it('holds when no C frame between the entry and the routine touches a nonvolatile', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA.ppc64) as any;
    for (const f of Object.keys(data.cframes.functions)) data.cframes.functions[f] = 0;
    const arch = compileArch(data, 'ppc64 with nonvolatile-free C code');
    const r = runOne({ arch, design: ppcSwitchInRoutine, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.2, seed: 1 });
    expect(r.metrics.switches).toBeGreaterThan(100);
    expect(r.violations).toEqual([]);
  });
});
