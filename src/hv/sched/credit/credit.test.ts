import { describe, expect, it } from 'vitest';
import { runSchedulerConformance } from '../conformance.case.ts';
import { credit, PRI_BOOST, type CreditData } from './credit.ts';
import { getArch } from '../../../arch/index.ts';
import { xenX86Lazy } from '../../switch/xen-x86-lazy/index.ts';
import { buildState, drive } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';
import { RUNSTATE } from '../../model.ts';

runSchedulerConformance(credit);

describe('credit', () => {
  it('shares one pcpu by weight between cpu-bound domains (512:256 → about 2:1)', () => {
    const st = buildState({ arch: getArch('x86-64'), design: xenX86Lazy, sched: credit, pcpus: 1, domains: parseDomains('cpu*1:w512,cpu*1:w256'), seconds: 3 });
    drive(st, { seed: 1 });
    const [heavy, light] = [st.vcpus[1].guestCycles, st.vcpus[2].guestCycles];
    expect(heavy / light).toBeGreaterThan(1.6);
    expect(heavy / light).toBeLessThan(2.5);
  });

  it('honours a cap: a domain capped at 25% of a pcpu gets about a quarter', () => {
    const st = buildState({ arch: getArch('x86-64'), design: xenX86Lazy, sched: credit, pcpus: 1, domains: parseDomains('cpu*1:c25,cpu*1'), seconds: 3 });
    drive(st, { seed: 1 });
    const share = st.vcpus[1].guestCycles / (st.vcpus[1].guestCycles + st.vcpus[2].guestCycles);
    expect(share).toBeLessThan(0.35);
    expect(share).toBeGreaterThan(0.15);
  });

  it('boosts a waking UNDER vcpu and tickles its idle pcpu', () => {
    const st = buildState({ arch: getArch('x86-64'), design: xenX86Lazy, sched: credit, pcpus: 2, domains: parseDomains('io*2'), seconds: 0.01 });
    const d = st.schedData as CreditData;
    const v = st.vcpus[2];
    v.runstate = RUNSTATE.BLOCKED;
    credit.sleep(st, v.id);
    expect(d.runq[v.processor]).not.toContain(v.id);
    v.runstate = RUNSTATE.RUNNABLE;
    const tickled = credit.wake(st, v.id, 0);
    expect(d.pri[v.id]).toBe(PRI_BOOST);
    expect(d.runq[v.processor]).toContain(v.id);
    expect(tickled).toEqual([v.processor]);
  });
});
