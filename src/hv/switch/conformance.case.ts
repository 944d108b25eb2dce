/**
 * @module hv/switch/conformance: the one suite every switch design runs through (from its own
 * test file, like Hono's common.case.test.ts). A design that declines an architecture says why
 * (supports() returns a reason); everything it accepts must hold the contract.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { builtinArchNames, getArch } from '../../arch/index.ts';
import { getScheduler } from '../sched/index.ts';
import { runOne, buildState, drive, step, cloneState, hashState, enabled } from '../../sim/index.ts';
import { parseDomains } from '../../scenario/index.ts';
import { PROFILES } from '../../guest/index.ts';
import type { SwitchDesign } from './types.ts';
import { getDesign, writtenFor } from './registry.ts';
import { savedValuesMismatch } from './saved-values.ts';
import { CONTRACT_NAMES, DEFAULT_CONTRACT } from '../contract.ts';

export interface DesignConformance {
  design: SwitchDesign;
  /** True for a design whose purpose is to be wrong (kept to prove the checker catches it). */
  broken?: boolean;
}

export function runDesignConformance({ design, broken = Boolean(design.broken) }: DesignConformance): void {
  describe(`switch design conformance: ${design.name}`, () => {
    it('names itself, summarises itself and cites what it models', () => {
      expect(design.name).toMatch(/^[a-z0-9-]+$/);
      expect(design.summary.length).toBeGreaterThan(10);
      expect(design.cites.length).toBeGreaterThan(0);
    });

    it('declares the scheduler interfaces it is written for, and its older forms exist', () => {
      expect(design.contracts?.length, 'contracts').toBeGreaterThan(0);
      for (const c of design.contracts ?? []) expect(CONTRACT_NAMES).toContain(c);
      for (const [c, form] of Object.entries(design.forms ?? {})) {
        expect(CONTRACT_NAMES).toContain(c);
        expect(writtenFor(getDesign(form))).toContain(c);
      }
    });

    const archs = builtinArchNames().filter((a) => design.supports(getArch(a)) === true);
    it('supports at least one built-in architecture, and explains any it declines', () => {
      expect(archs.length).toBeGreaterThan(0);
      for (const a of builtinArchNames()) {
        const ok = design.supports(getArch(a));
        if (ok !== true) expect(ok.length).toBeGreaterThan(5);
      }
    });

    for (const arch of archs) {
      it(`entry saves only real registers on every path (${arch})`, () => {
        const a = getArch(arch);
        for (const p of Object.keys(a.entry) as (keyof typeof a.entry)[]) {
          const s = design.entrySaves(a, p);
          for (const r of s) expect(r).toBeLessThan(a.nregs);
        }
      });

      // Under every contract it is written for (a broken design: today's, where it is caught).
      for (const contract of broken ? [DEFAULT_CONTRACT] : writtenFor(design))
      for (const sched of ['credit', 'rr']) {
        it(`${broken ? 'is caught' : 'keeps every invariant'} on ${arch} with ${sched} under the ${contract} contract (io-heavy, 4 pcpus)`, () => {
          const r = runOne({ arch: getArch(arch), design, sched: getScheduler(sched), pcpus: 4, domains: parseDomains('io*6,vector*2'), seconds: 0.3, seed: 7, contract });
          expect(r.metrics.switches).toBeGreaterThan(100);
          if (broken) expect(r.violationCount).toBeGreaterThan(0);
          else expect(r.violations).toEqual([]);
          expect(r.metrics.lazySwitches).toBeLessThanOrEqual(r.metrics.switches);
          expect(r.metrics.wordsSaved).toBeGreaterThan(0);
          expect(r.metrics.bytesMoved).toBeGreaterThanOrEqual(r.metrics.wordsSaved);
        });
      }

      if (!broken) for (const contract of writtenFor(design)) {
        it(`keeps every invariant with control operations on: pause, getvcpucontext, setvcpucontext, migration (${arch}, ${contract})`, () => {
          const r = runOne({ arch: getArch(arch), design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('int*2,io*4,fp*2'), seconds: 0.2, seed: 5, controlHz: 3000, contract });
          expect(r.metrics.controlOps).toBeGreaterThan(50);
          expect(r.violations).toEqual([]);
        });
      }

      it(`is deterministic: same seed, identical results (${arch})`, () => {
        const o = { arch: getArch(arch), design, sched: getScheduler('credit'), pcpus: 3, domains: parseDomains('io*2,fp*2'), seconds: 0.05, seed: 3 };
        expect(JSON.stringify(runOne(o))).toEqual(JSON.stringify(runOne(o)));
      });

      if (design.savedValues) {
        it(`savedValues gives what savedValue gives, for every vcpu and register (${arch})`, () => {
          const st = buildState({ arch: getArch(arch), design, sched: getScheduler('credit'), pcpus: 3, domains: parseDomains('int*2,io*2,fp*2'), seconds: 1 });
          for (let k = 0; k < 120; k++) {
            drive(st, { seed: 11 + k, maxSteps: 25, controlHz: 3000 });
            expect(savedValuesMismatch(st)).toBeNull();
          }
          expect(st.step).toBeGreaterThan(2000);
        });
      }

      it(`step() is pure: it leaves its input state untouched (${arch})`, () => {
        const st = buildState({ arch: getArch(arch), design, sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('io*2'), seconds: 0.01 });
        drive(st, { seed: 1, maxSteps: 200 });
        const before = hashState(st);
        for (const c of enabled(st)) {
          step(st, c);
          expect(hashState(st)).toBe(before);
        }
        expect(hashState(cloneState(st))).toBe(before);
      });

      if (!broken) for (const contract of writtenFor(design)) {
        it(`holds on random scenarios (fast-check, ${arch}, ${contract})`, () => {
          fc.assert(
            fc.property(
              fc.integer({ min: 1, max: 5 }),
              fc.array(fc.tuple(fc.constantFrom(...PROFILES.map((p) => p.name)), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 4 }),
              fc.constantFrom('credit', 'rr'),
              fc.integer({ min: 0, max: 2 ** 31 }),
              (pcpus, doms, sched, seed) => {
                const r = runOne({
                  arch: getArch(arch),
                  design,
                  sched: getScheduler(sched),
                  pcpus,
                  domains: doms.map(([profile, vcpus]) => ({ profile, vcpus, weight: 256, cap: 0 })),
                  seconds: 0.02,
                  seed,
                  contract,
                });
                expect(r.violations).toEqual([]);
              },
            ),
            { numRuns: Math.ceil(25 / writtenFor(design).length), seed: 42 },
          );
        });
      }
    }
  });
}
