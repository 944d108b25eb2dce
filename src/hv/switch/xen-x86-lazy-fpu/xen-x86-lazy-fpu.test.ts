import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { xenX86LazyFpu } from './xen-x86-lazy-fpu.ts';
import { fpuEager } from '../fpu-eager/index.ts';
import { builtinArchNames, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: xenX86LazyFpu });

describe('xen-x86-lazy-fpu', () => {
  for (const arch of builtinArchNames()) {
    it(`traps on first use, avoids saves, and leaves a measured LazyFP window (${arch})`, () => {
      const o = { arch: getArch(arch), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 };
      const r = runOne({ ...o, design: xenX86LazyFpu });
      expect(r.violations).toEqual([]);
      expect(r.metrics.traps).toBeGreaterThan(0);
      expect(r.metrics.entries['program-check']).toBeGreaterThanOrEqual(r.metrics.traps);
      expect(r.metrics.unitSavesAvoided).toBeGreaterThan(0);
      expect(r.metrics.exposureCycles).toBeGreaterThan(0);
      const pairs = Object.entries(r.metrics.exposureByPair);
      expect(pairs.length).toBeGreaterThan(0);
      for (const [k] of pairs) {
        const [run, own] = k.split('>');
        expect(run).not.toBe(own);
      }
      expect(pairs.reduce((s, [, c]) => s + c, 0)).toBe(r.metrics.exposureCycles);
      // The same guests under the eager reference: no window at all.
      expect(runOne({ ...o, design: fpuEager }).metrics.exposureCycles).toBe(0);
    });
  }

  it('int-only guests never trap: their FP units are never enabled', () => {
    const r = runOne({ arch: getArch('x86-64'), design: xenX86LazyFpu, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('int*2,io*2'), seconds: 0.1, seed: 2 });
    expect(r.violations).toEqual([]);
    expect(r.metrics.traps).toBe(0);
    expect(r.metrics.usedUnitFraction).toBe(0);
  });
});
