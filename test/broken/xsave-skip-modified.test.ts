import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../../src/hv/switch/conformance.case.ts';
import { xsaveSkipModified } from './xsave-skip-modified.ts';
import { getArch } from '../../src/arch/index.ts';
import { getScheduler } from '../../src/hv/index.ts';
import { fpuEager } from '../../src/hv/switch/fpu-eager/index.ts';
import { runOne } from '../../src/sim/index.ts';
import { parseDomains } from '../../src/scenario/index.ts';

runDesignConformance({ design: xsaveSkipModified, broken: true });

describe('XSAVEOPT skipping a modified component (the dirty bits dropped before the save)', () => {
  const x86 = getArch('x86-64');
  const run = (design: typeof fpuEager) => runOne({ arch: x86, design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 });

  it('skips more than the processor would, and the checker reports the stale save area, in an XSAVE component', () => {
    const good = run(fpuEager);
    const bad = run(xsaveSkipModified);
    expect(good.violations).toEqual([]);
    expect(bad.metrics.xsaveWordsAvoided).toBeGreaterThan(good.metrics.xsaveWordsAvoided);
    expect(bad.violationCount).toBeGreaterThan(0);
    const v = bad.violations[0];
    expect(['inv3', 'guest-state']).toContain(v.invariant);
    expect(x86.xsaveMask & (1 << x86.regClass[x86.regIndex(v.register!)])).not.toBe(0);
  });

  it('has nothing to get wrong, and says so, where there is no XSAVE', () => {
    for (const a of ['ppc64', 'arm64', 'riscv64']) expect(xsaveSkipModified.supports(getArch(a))).toMatch(/no XSAVE/);
  });
});
