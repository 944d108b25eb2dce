import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { ppcFullSaveOnSchedPaths } from './ppc-full-save-on-sched-paths.ts';
import { compileArch, getArch, BUILTIN_ARCH_DATA } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: ppcFullSaveOnSchedPaths });

describe('ppc-full-save-on-sched-paths (Xen/PowerPC as merged)', () => {
  const r = runOne({ arch: getArch('ppc64'), design: ppcFullSaveOnSchedPaths, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 3 });
  it('saves r14–r31 only on hypercall and HDEC (and program-check) entries', () => {
    const a = getArch('ppc64');
    const words = (p: keyof typeof r.metrics.entryWords) => r.metrics.entryWords[p] / Math.max(1, r.metrics.entries[p]);
    expect(words('hypercall')).toBe(a.words(a.hvRegs));
    expect(words('decrementer')).toBe(a.words(a.hvCallerSaved));
    expect(words('external')).toBe(a.words(a.hvCallerSaved));
  });
  it('is correct, never lazy, and needs no sync', () => {
    expect(r.violations).toEqual([]);
    expect(r.metrics.lazySwitches).toBe(0);
    expect(r.metrics.remoteSyncs).toBe(0);
  });
  it('refuses an architecture whose external-interrupt path would run softirqs without saving r14–r31', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA.ppc64) as any;
    data.entry.external.runsSoftirqs = true;
    expect(ppcFullSaveOnSchedPaths.supports(compileArch(data, 'x'))).toMatch(/external runs softirqs/);
  });
});
