/**
 * @module hv/sched/conformance: the one suite every scheduler policy runs through: with every
 * correct design, no invariant breaks; every guest vcpu gets to run; a vcpu is never stolen
 * while it is_running (the checker's invariant 1 would say so); the run is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { builtinArchNames, getArch } from '../../arch/index.ts';
import { DESIGNS, writtenFor } from '../switch/index.ts';
import { DEFAULT_CONTRACT } from '../contract.ts';
import { buildState, drive, runOne } from '../../sim/index.ts';
import { Checker } from '../../check/index.ts';
import { parseDomains } from '../../scenario/index.ts';
import type { Scheduler } from './types.ts';
import { RUNSTATE } from '../model.ts';

export function runSchedulerConformance(sched: Scheduler): void {
  describe(`scheduler conformance: ${sched.name}`, () => {
    it('names itself and cites what it models', () => {
      expect(sched.name).toMatch(/^[a-z0-9-]+$/);
      expect(sched.cites.length).toBeGreaterThan(0);
    });
    it('can say whether a vcpu is queued', () => expect(sched.isQueued).toBeDefined());
    it('picks, if it has pickCpu, an online pcpu in the vcpu\'s affinity (sched_ops.pick_cpu, for vcpu_migrate)', () => {
      if (!sched.pickCpu) return;
      const st = buildState({ arch: getArch('x86-64'), design: DESIGNS[1], sched, pcpus: 4, domains: parseDomains('int*1'), seconds: 0.01 });
      const v = st.vcpus[4];
      for (let off = 0; off < 4; off++) {
        for (let aff = 1; aff < 16; aff++) {
          for (let from = 0; from < 4; from++) {
            for (const pc of st.pcpus) pc.online = pc.id !== off;
            if (!(aff & ~(1 << off))) continue; // no online pcpu allowed: the core breaks the affinity first
            v.affinity = aff;
            v.processor = from;
            const q = sched.pickCpu(st, v.id);
            expect(st.pcpus[q].online && ((aff >>> q) & 1) === 1).toBe(true);
          }
        }
      }
    });
    // Every design that is correct under today's contract, the one schedulers run under here.
    for (const design of DESIGNS.filter((d) => !d.broken && writtenFor(d).includes(DEFAULT_CONTRACT))) {
      const arch = builtinArchNames().find((a) => design.supports(getArch(a)) === true)!;
      it(`keeps every invariant with ${design.name} on ${arch}, and every vcpu runs`, () => {
        const checker = new Checker();
        const st = buildState({ arch: getArch(arch), design, sched, pcpus: 3, domains: parseDomains('cpu*2,io*3,fp*2'), seconds: 0.3, observer: checker });
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
    it('never loses a wakeup: every runnable vcpu is running, switching or queued, at every step', () => {
      const st = buildState({ arch: getArch('x86-64'), design: DESIGNS[1], sched, pcpus: 4, domains: parseDomains('cpu*2,fp*2,io*2'), seconds: 0.2 });
      let lost = '';
      st.cfg.observer = {
        onResume() {},
        onLoad() {},
        onContextSaved() {},
        onStep(s) {
          if (lost) return;
          for (const v of s.vcpus) {
            if (v.isIdle || v.runstate === RUNSTATE.BLOCKED || v.pauseCount || v.migrating) continue;
            const busy = s.pcpus.some((pc) => pc.current === v.id || pc.next === v.id || pc.prev === v.id);
            if (!busy && !sched.isQueued!(s, v.id)) lost = `${v.name} is runnable but neither running nor queued at step ${s.step}`;
          }
        },
      };
      drive(st, { seed: 4, controlHz: 3000 });
      expect(lost).toBe('');
      // And nobody is blocked for good: every block has its wake pending (a paused vcpu is not blocked).
      for (const v of st.vcpus) if (v.runstate === RUNSTATE.BLOCKED) expect(v.wakeAt, `${v.name} blocked with no wake`).toBeLessThan(Infinity);
    });

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
