import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { fpuEager } from './fpu-eager.ts';
import { builtinArchNames, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: fpuEager });

describe('fpu-eager', () => {
  for (const arch of builtinArchNames()) {
    it(`never disables a unit: no trap, exposure exactly 0, no save avoided (${arch})`, () => {
      const r = runOne({ arch: getArch(arch), design: fpuEager, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 });
      expect(r.violations).toEqual([]);
      expect(r.metrics.traps).toBe(0);
      expect(r.metrics.exposureCycles).toBe(0);
      expect(r.metrics.exposureByPair).toEqual({});
      expect(r.metrics.unitSavesAvoided).toBe(0);
      expect(r.metrics.usedUnitFraction).toBeGreaterThan(0);
      expect(r.metrics.usedUnitFraction).toBeLessThanOrEqual(1);
    });
  }
});
