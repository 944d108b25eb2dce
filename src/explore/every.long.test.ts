/**
 * The long exploration of `explore --design all` (about two minutes): run by `npm run test:long`
 * (and .ci/run), not by `npm test`. The quick checks of the same code are in every.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../hv/index.ts';
import { exploreEvery } from './index.ts';

describe('every design on the small configuration (explore --design all)', () => {
  // The bar: every correct design explores to completion with no violation (and no
  // deadlock); every design kept broken is caught. power-giveup-loadfp and adaptive keep a
  // counter per vcpu (u8 load_fp/load_vec; a run of up to 5 stints), which multiplies their
  // spaces past this budget: for them, no violation within it.
  it('the correct designs explore to completion with no violation; the broken ones are caught', { timeout: 600_000 }, () => {
    const big = ['power-giveup-loadfp', 'adaptive'];
    const names = DESIGNS.map((d) => d.name);
    const rows = [
      ...exploreEvery({}, { maxStates: 50_000 }, undefined, names.filter((n) => !big.includes(n))),
      ...exploreEvery({}, { maxStates: 15_000 }, undefined, big),
    ];
    expect(rows.map((r) => r.design).sort()).toEqual(names.slice().sort());
    for (const r of rows) {
      const label = `${r.design} on ${r.result.arch}`;
      if (r.expected === 'broken') {
        expect(r.asExpected, label).toBe(true);
        expect(r.result.violations[0].invariant, label).toBe('inv3');
      } else if (r.expected === 'correct') {
        expect(r.result.violations, label).toEqual([]);
        expect(r.result.deadlocks, label).toBe(0);
        if (big.includes(r.design)) expect(r.result.stopped, label).toBe('states');
        else {
          expect(r.result.complete, label).toBe(true);
          expect(r.asExpected, label).toBe(true);
          expect(r.result.states, label).toBeGreaterThan(10_000);
        }
      } else {
        // xen-x86-lazy-2005 under today's contract: no pull, invariant 6 (why 1088bc0f6d added it).
        expect(r.design).toBe('xen-x86-lazy-2005');
        expect(r.result.violations[0].invariant).toBe('inv6');
        expect(r.asExpected).toBeNull();
      }
    }
  });
});
