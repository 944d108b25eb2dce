import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { adaptive, PROMOTE_AFTER, USE_RUN, isEager } from './adaptive.ts';
import { xenX86LazyFpu } from '../xen-x86-lazy-fpu/index.ts';
import { getCounter } from '../unit-counters.ts';
import { builtinArchNames, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, runOne } from '../../../sim/index.ts';
import { unitMask } from '../../model.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: adaptive });

/** One pcpu, one fp guest; the design's hooks driven by hand, as the core calls them. */
function bench(arch: string) {
  const a = getArch(arch);
  const st = buildState({ arch: a, design: adaptive, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains('fp'), seconds: 0.01 });
  const p = 0;
  const idle = st.pcpus[p].idle;
  const v = st.vcpus.findIndex((x) => !x.isIdle);
  const units = unitMask(a);
  const fpClass = a.classes.find((c) => c.role === 'fp')!.index;
  const fpBit = 1 << fpClass;
  const switchTo = (prev: number, next: number) => {
    st.pcpus[p].current = next;
    adaptive.contextSwitch(st, p, prev, next);
  };
  const on = () => (st.pcpus[p].unitEnabled & units) === units;
  /** One stint of v: switched in, maybe a unit write (trapping first if the units are off), switched out. */
  const stint = (use: boolean): { trapped: boolean; eagerAtEntry: boolean } => {
    switchTo(idle, v);
    const eagerAtEntry = on();
    let trapped = false;
    if (use) {
      if (!on()) {
        adaptive.unitTrap!(st, p, fpClass);
        trapped = true;
      }
      st.vcpus[v].unitDirty |= fpBit; // the write (core doGuest)
    }
    switchTo(v, idle);
    return { trapped, eagerAtEntry };
  };
  return { st, v, on, stint };
}

describe('adaptive', () => {
  it('promotes after a documented constant: sLeAZY\'s 5 stints in a row', () => {
    expect(PROMOTE_AFTER).toBe(5);
  });

  for (const arch of builtinArchNames()) {
    it(`traps for ${PROMOTE_AFTER} used stints in a row, is eager from the next, lazy again after a stint without use (${arch})`, () => {
      const { st, v, stint } = bench(arch);
      for (let i = 1; i <= PROMOTE_AFTER; i++) {
        const s = stint(true);
        expect(s).toEqual({ trapped: true, eagerAtEntry: false });
        expect(getCounter(st, v, USE_RUN)).toBe(i);
      }
      expect(isEager(st, v)).toBe(true);
      for (let i = 0; i < 3; i++) expect(stint(true)).toEqual({ trapped: false, eagerAtEntry: true });
      expect(getCounter(st, v, USE_RUN)).toBe(PROMOTE_AFTER); // saturates
      // A stint without a write: demoted at once.
      expect(stint(false)).toEqual({ trapped: false, eagerAtEntry: true });
      expect(isEager(st, v)).toBe(false);
      expect(stint(true)).toEqual({ trapped: true, eagerAtEntry: false });
    });
  }

  it('a run broken one stint short of promotion starts over', () => {
    const { st, v, stint } = bench('x86-64');
    for (let i = 1; i < PROMOTE_AFTER; i++) stint(true);
    stint(false);
    expect(getCounter(st, v, USE_RUN)).toBe(0);
    for (let i = 1; i < PROMOTE_AFTER; i++) expect(stint(true).trapped).toBe(true);
    expect(stint(true).trapped).toBe(true); // the 5th of the new run still traps
    expect(stint(true)).toEqual({ trapped: false, eagerAtEntry: true });
  });

  for (const arch of builtinArchNames()) {
    it(`fewer traps than always-lazy, a measured window while lazy, no violation (${arch})`, () => {
      const o = { arch: getArch(arch), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.3, seed: 3 };
      const r = runOne({ ...o, design: adaptive });
      expect(r.violations).toEqual([]);
      expect(r.metrics.traps).toBeGreaterThan(0);
      expect(r.metrics.traps).toBeLessThan(runOne({ ...o, design: xenX86LazyFpu }).metrics.traps);
      expect(r.metrics.unitSavesAvoided).toBeGreaterThan(0);
      expect(r.metrics.exposureCycles).toBeGreaterThan(0);
    });
  }
});
