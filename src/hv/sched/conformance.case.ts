/**
 * @module hv/sched/conformance: the one suite every scheduler policy runs through: with every
 * correct design, no invariant breaks; every guest vcpu gets to run; a vcpu is never stolen
 * while it is_running (the checker's invariant 1 would say so); the run is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { getArch } from '../../arch/index.ts';
import { DESIGNS } from '../switch/index.ts';
import { buildState, drive, runOne } from '../../sim/index.ts';
import { Checker } from '../../check/index.ts';
import { parseDomains } from '../../scenario/index.ts';
import type { Scheduler } from './types.ts';

export function runSchedulerConformance(sched: Scheduler): void {
  describe(`scheduler conformance: ${sched.name}`, () => {
    it('names itself and cites what it models', () => {
      expect(sched.name).toMatch(/^[a-z0-9-]+$/);
      expect(sched.cites.length).toBeGreaterThan(0);
    });
    for (const design of DESIGNS) {
      it(`keeps every invariant with ${design.name}, and every vcpu runs`, () => {
        const checker = new Checker();
        const st = buildState({ arch: getArch('x86-64'), design, sched, pcpus: 3, domains: parseDomains('cpu*2,io*3,fp*2'), seconds: 0.3, observer: checker });
        drive(st, { seed: 11 });
        expect(checker.violations).toEqual([]);
        for (const v of st.vcpus) {
          if (v.isIdle) continue;
          // No starvation: each guest vcpu ran at least 0.1% of the simulated time (an I/O-bound
          // vcpu behind cpu-bound ones under rr gets little more: it waits out whole slices).
          expect(v.guestCycles).toBeGreaterThan(st.cfg.endCycles / 1000);
        }
      });
    }
    it('keeps its state as plain data that survives structuredClone', () => {
      const st = buildState({ arch: getArch('ppc64'), design: DESIGNS[0], sched, pcpus: 2, domains: parseDomains('io*3'), seconds: 0.05 });
      drive(st, { seed: 2 });
      expect(structuredClone(st.schedData)).toEqual(st.schedData);
    });
    it('is deterministic', () => {
      const o = { arch: getArch('ppc64'), design: DESIGNS[1], sched, pcpus: 4, domains: parseDomains('io*3,cpu*3'), seconds: 0.1, seed: 9 };
      expect(JSON.stringify(runOne(o))).toBe(JSON.stringify(runOne(o)));
    });
  });
}
