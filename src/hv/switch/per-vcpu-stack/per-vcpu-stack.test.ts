import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { perVcpuStack } from './per-vcpu-stack.ts';
import { eager } from '../eager/index.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: perVcpuStack });

describe('per-vcpu-stack (Xen Arm, ia64)', () => {
  it('keeps guest nonvolatiles on the vcpu\'s own stack: volatile-only entry and still 0 violations', () => {
    const a = getArch('ppc64');
    expect(Array.from(perVcpuStack.entrySaves(a, 'hypercall'))).not.toContain(a.regIndex('r20'));
    const r = runOne({ arch: a, design: perVcpuStack, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 2 });
    expect(r.metrics.switches).toBeGreaterThan(100);
    expect(r.violations).toEqual([]);
  });
  it('moves fewer words per switch than eager (only the callee-saved set at the switch point)', () => {
    const o = { arch: getArch('ppc64'), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 2 };
    const r = runOne({ ...o, design: perVcpuStack });
    const e = runOne({ ...o, design: eager });
    expect(r.metrics.wordsSaved / r.metrics.switches).toBeLessThanOrEqual(e.metrics.wordsSaved / e.metrics.switches + 1e-9);
  });
});
