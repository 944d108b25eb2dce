import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../../src/hv/switch/conformance.case.ts';
import { lazyFpuLeak } from './lazy-fpu-leak.ts';
import { builtinArchNames, getArch } from '../../src/arch/index.ts';
import { getScheduler } from '../../src/hv/index.ts';
import { runOne } from '../../src/sim/index.ts';
import { parseDomains } from '../../src/scenario/index.ts';

runDesignConformance({ design: lazyFpuLeak, broken: true });

describe('the broken lazy FPU design (unit left enabled for the next domain)', () => {
  for (const arch of builtinArchNames()) {
    it(`is reported as an isolation violation (${arch})`, () => {
      const r = runOne({ arch: getArch(arch), design: lazyFpuLeak, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 });
      expect(r.violationsByInvariant.isolation).toBeGreaterThan(0);
      expect(r.metrics.traps).toBe(0);
    });
  }
  it('names the leaking register and the domain that owns it (x86-64)', () => {
    // One vcpu per domain, so the first stale value a guest reads is another domain's (on the
    // other architectures the boot-time hypervisor values fill the kept violations first).
    const r = runOne({ arch: getArch('x86-64'), design: lazyFpuLeak, sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('fp,vector,fp'), seconds: 0.1, seed: 3 });
    const v = r.violations.find((x) => x.invariant === 'isolation')!;
    expect(v.register).not.toBeNull();
    expect(v.message).toMatch(/unit enabled while .* holds a value owned by d\d+: an architectural leak/);
  });
});
