/**
 * The designs × contracts matrix of `lazyswitch explain ARCH --contract all` (issue 10), cell by
 * cell: each verdict the CLI prints is computed here again, with the CLI's explorer budget and a
 * shorter random run, and compared with the verdict we expect and can explain. A design added to
 * the registry without an expected row fails the test until its row is written.
 */
import { describe, expect, it } from 'vitest';
import { getArch } from '../../src/arch/index.ts';
import { CONTRACT_NAMES, getDesign, getScheduler, type ContractName } from '../../src/hv/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../src/scenario/index.ts';
import { matrixDesigns, verdict } from '../../src/history/index.ts';
import { replay } from '../../src/explore/index.ts';
import { DEFAULT_BUDGET } from '../../src/cli/explain.ts';

/** 'ok', or the invariant the first violation breaks. */
export type Expected = Record<string, [string, string, string]>;

export function runMatrixCase(archName: string, expected: Expected): void {
  const arch = getArch(archName);
  // The CLI's scenario with a shorter random run. A violation is looked for with the CLI's
  // explorer budget (the deepest one needs most of it); a correct verdict is checked with a
  // quarter of it, to keep the suite fast — the e2e test checks `explain x86 --contract all`
  // itself, full budget.
  const o = { arch, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.2, seed: 1, controlHz: 2000, budget: Number(DEFAULT_BUDGET) };
  describe(`the contract matrix on ${archName}`, () => {
    it('has an expected row for every design that runs there', () => {
      expect(Object.keys(expected).sort()).toEqual(matrixDesigns(arch).map((d) => d.name).sort());
    });
    for (const [design, row] of Object.entries(expected)) {
      CONTRACT_NAMES.forEach((contract: ContractName, i) => {
        const want = row[i];
        it(`${design} under ${contract}: ${want === 'ok' ? 'correct' : `breaks ${want}`}`, () => {
          const v = verdict(want === 'ok' ? { ...o, budget: o.budget / 4 } : o, getDesign(design), contract);
          if (want === 'ok') {
            expect(v.violation).toBeNull();
            expect(v.correct).toBe(true);
            expect(v.random.switches).toBeGreaterThan(100);
            return;
          }
          expect(v.correct).toBe(false);
          expect(v.invariant).toBe(want);
          // Where the explorer found it, its replay string reproduces the same violation.
          if (v.replay) {
            const r = replay(v.replay);
            expect(r.violations[0]?.invariant).toBe(want);
          }
        });
      });
    }
  });
}
