import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../../src/hv/switch/conformance.case.ts';
import { lazyNoPull } from './lazy-no-pull.ts';
import { getArch } from '../../src/arch/index.ts';
import { getScheduler } from '../../src/hv/index.ts';
import { runOne } from '../../src/sim/index.ts';
import { parseDomains } from '../../src/scenario/index.ts';

runDesignConformance({ design: lazyNoPull, broken: true });

describe('the broken lazy design (no pull off the dirty pcpu)', () => {
  it('is reported: invariant 6 at the load, and the guest reads stale registers', () => {
    const r = runOne({ arch: getArch('x86-64'), design: lazyNoPull, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*8'), seconds: 0.5, seed: 1 });
    expect(r.violationsByInvariant.inv6).toBeGreaterThan(0);
    expect(r.violationsByInvariant['guest-state']).toBeGreaterThan(0);
    const v = r.violations.find((x) => x.invariant === 'inv6')!;
    expect(v.message).toMatch(/still dirty on pcpu \d/);
    const g = r.violations.find((x) => x.invariant === 'guest-state')!;
    expect(g.register).not.toBeNull();
    expect(g.message).toMatch(/resumed on pcpu \d and read/);
  });
});
