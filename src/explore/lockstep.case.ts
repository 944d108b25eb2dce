/**
 * @module explore/lockstep.case: the lockstep test at full length (issue 15: at least 10^6
 * random steps), shared out between the test files that run it (stored.long.test.ts and
 * stored-2.long.test.ts), so that `npm run test:long` runs the halves on two cores: every
 * built-in design on every architecture it supports, the credit and 3-pcpu variants, and every
 * mutant — 10^6 steps shared among them, each walk seeded by its index.
 */
import { describe, expect, it } from 'vitest';
import { resolveSpec } from './model.ts';
import { lockstep, lockstepCases } from './lockstep.ts';

const TOTAL = 1_000_000;

/** The cases whose index is `part` modulo `parts`. */
export function describeLockstepShare(part: number, parts: number): void {
  describe(`stored states: the lockstep test, 10^6 steps (part ${part + 1} of ${parts})`, () => {
    const cases = lockstepCases();
    const per = Math.ceil(TOTAL / cases.length);
    cases.forEach((k, i) => {
      if (i % parts !== part) return;
      it(`${k.name}: ${per} steps in lockstep`, () => {
        const r = lockstep(resolveSpec(k.spec), { steps: per, seed: 1000 + i });
        expect(r.mismatch).toBeNull();
        expect(r.steps).toBe(per);
      }, 300_000);
    });
  });
}
