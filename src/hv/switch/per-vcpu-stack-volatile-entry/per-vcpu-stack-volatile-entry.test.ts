import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { perVcpuStackVolatileEntry } from './per-vcpu-stack-volatile-entry.ts';
import { perVcpuStack } from '../per-vcpu-stack/index.ts';
import { ppcNaiveVolatile } from '../ppc-naive-volatile/index.ts';
import { getDesign, designNames } from '../registry.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';
import { defaultDesigns } from '../../../cli/run.ts';

runDesignConformance({ design: perVcpuStackVolatileEntry });

describe('per-vcpu-stack-volatile-entry (what-if)', () => {
  it('is registered, and says it is a what-if', () => {
    expect(designNames()).toContain('per-vcpu-stack-volatile-entry');
    expect(getDesign('per-vcpu-stack-volatile-entry')).toBe(perVcpuStackVolatileEntry);
    expect(perVcpuStackVolatileEntry.summary).toMatch(/^what-if/);
    expect(perVcpuStackVolatileEntry.broken).toBeUndefined();
    expect(perVcpuStackVolatileEntry.whatIf).toBeTruthy();
    expect(defaultDesigns().map((d) => d.name)).not.toContain('per-vcpu-stack-volatile-entry');
    expect(defaultDesigns().map((d) => d.name)).toContain('per-vcpu-stack');
  });
  it('saves only the volatile registers on entry, and stays correct where the naive per-pcpu design loses r14–r31', () => {
    const a = getArch('ppc64');
    expect(Array.from(perVcpuStackVolatileEntry.entrySaves(a, 'hypercall'))).not.toContain(a.regIndex('r20'));
    const o = { arch: a, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 2, controlHz: 2000 };
    const r = runOne({ ...o, design: perVcpuStackVolatileEntry });
    expect(r.metrics.switches).toBeGreaterThan(100);
    expect(r.violations).toEqual([]);
    expect(runOne({ ...o, design: ppcNaiveVolatile, contract: '2006-01-07' }).violationCount).toBeGreaterThan(0);
  });
  it('stores fewer words on entry than Xen/Arm\'s full save, for the same switches', () => {
    for (const name of ['ppc64', 'arm64']) {
      const o = { arch: getArch(name), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 2 };
      const w = runOne({ ...o, design: perVcpuStackVolatileEntry });
      const x = runOne({ ...o, design: perVcpuStack });
      const words = (m: typeof w.metrics) => Object.values(m.entryWords).reduce((s, n) => s + n, 0);
      const entries = (m: typeof w.metrics) => Object.values(m.entries).reduce((s, n) => s + n, 0);
      expect(words(w.metrics) / entries(w.metrics)).toBeLessThan(words(x.metrics) / entries(x.metrics));
    }
  });
});
