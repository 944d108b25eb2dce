import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { xenX86Lazy2005 } from './xen-x86-lazy-2005.ts';
import { xenX86Lazy } from '../xen-x86-lazy/index.ts';
import { designFor } from '../registry.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: xenX86Lazy2005 });

describe('xen-x86-lazy-2005', () => {
  const run = (contract: '2005-08' | '2006-01-07', controlHz = 0) =>
    runOne({ arch: getArch('x86-64'), design: xenX86Lazy2005, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*6,cpu*2'), seconds: 0.3, seed: 2, contract, controlHz });

  it("is xen-x86-lazy's form under the older contracts", () => {
    expect(designFor(xenX86Lazy, '2005-08')).toBe(xenX86Lazy2005);
    expect(designFor(xenX86Lazy, '2006-01-06')).toBe(xenX86Lazy2005);
    expect(designFor(xenX86Lazy, '2006-01-07')).toBe(xenX86Lazy);
  });

  it('is lazy, and correct under 2005-08: vcpus move only while paused, and the pause synced them', () => {
    const r = run('2005-08', 2000);
    expect(r.metrics.lazySwitches).toBeGreaterThan(r.metrics.switches / 4);
    expect(r.metrics.migrations).toBeGreaterThan(0);
    expect(r.violations).toEqual([]);
  });

  it('loads stale state under 2006-01-07, where a scheduler takes a vcpu another pcpu still holds (why 1088bc0f6d added the pull)', () => {
    const r = run('2006-01-07');
    expect(r.violationCount).toBeGreaterThan(0);
    expect(r.violations[0].invariant).toBe('inv6');
    expect(r.violations[0].message).toMatch(/while its state is still dirty on pcpu \d/);
  });
});
