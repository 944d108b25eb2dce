import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { linuxX86Deferred } from './linux-x86-deferred.ts';
import { builtinArchNames, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: linuxX86Deferred });

describe('linux-x86-deferred', () => {
  for (const arch of builtinArchNames()) {
    it(`skips restores while owner and last_cpu match, never traps, exposes nothing (${arch})`, () => {
      const r = runOne({ arch: getArch(arch), design: linuxX86Deferred, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3, controlHz: 1000 });
      expect(r.violations).toEqual([]);
      expect(r.metrics.traps).toBe(0);
      expect(r.metrics.exposureCycles).toBe(0);
      expect(r.metrics.unitRestoresAvoided).toBeGreaterThan(0);
      expect(r.metrics.unitSavesAvoided).toBe(0);
    });
  }
});
