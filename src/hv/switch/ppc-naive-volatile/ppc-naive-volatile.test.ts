import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { ppcNaiveVolatile } from './ppc-naive-volatile.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: ppcNaiveVolatile });

describe('ppc-naive-volatile (the seed\'s warning)', () => {
  const r = runOne({ arch: getArch('ppc64'), design: ppcNaiveVolatile, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.2, seed: 1 });
  it('is caught on the default ppc64 scenario: invariant 3 at contextSaved, naming a nonvolatile and the C frame holding the guest value', () => {
    expect(r.violationsByInvariant.inv3).toBeGreaterThan(0);
    const v = r.violations.find((x) => x.invariant === 'inv3' && /C frame/.test(x.message))!;
    expect(v.register).toMatch(/^r(1[4-9]|2\d|3[01])$/);
    expect(v.message).toMatch(/the guest's value is in the C frame of (do_hcall|do_sched_op|do_timer|do_softirq|schedule|context_switch)\(\) on pcpu \d's stack/);
  });
  it('and the guest then reads wrong nonvolatiles only: volatile registers survive', () => {
    const g = r.violations.filter((x) => x.invariant === 'guest-state');
    expect(g.length).toBeGreaterThan(0);
    for (const x of g) expect(x.register).toMatch(/^r(1[4-9]|2\d|3[01])$/);
  });
  it('does not support x86-64, and says why', () => {
    expect(ppcNaiveVolatile.supports(getArch('x86-64'))).toMatch(/Xen\/PowerPC/);
  });
});
