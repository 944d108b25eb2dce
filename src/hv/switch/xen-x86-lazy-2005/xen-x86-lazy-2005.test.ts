import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { xenX86Lazy2005 } from './xen-x86-lazy-2005.ts';
import { xenX86Lazy } from '../xen-x86-lazy/index.ts';
import { designFor } from '../registry.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { applyChoice, buildState, drive, runOne } from '../../../sim/index.ts';
import { PHASE } from '../../model.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: xenX86Lazy2005 });

describe('xen-x86-lazy-2005', () => {
  const run = (contract: '2005-08' | '2006-01-07', controlHz = 0) =>
    runOne({ arch: getArch('x86-64'), design: xenX86Lazy2005, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*6,cpu*2'), seconds: 0.3, seed: 2, contract, controlHz });

  it("is xen-x86-lazy's form under the older contracts", () => {
    expect(designFor(xenX86Lazy, '2005-08')).toBe(xenX86Lazy2005);
    expect(designFor(xenX86Lazy, '2006-01-06')).toBe(xenX86Lazy2005);
    expect(designFor(xenX86Lazy, '2006-01-07')).toBe(xenX86Lazy);
  });

  it('is lazy, and correct under 2005-08: vcpus move only while paused, and the pause synced them', () => {
    const r = run('2005-08', 2000);
    expect(r.metrics.lazySwitches).toBeGreaterThan(r.metrics.switches / 4);
    expect(r.metrics.migrations).toBeGreaterThan(0);
    expect(r.violations).toEqual([]);
  });

  it('loads stale state under 2006-01-07, where a scheduler takes a vcpu another pcpu still holds (why 1088bc0f6d added the pull)', () => {
    const r = run('2006-01-07');
    expect(r.violationCount).toBeGreaterThan(0);
    expect(r.violations[0].invariant).toBe('inv6');
    expect(r.violations[0].message).toMatch(/while its state is still dirty on pcpu \d/);
  });
});

describe('xen-x86-lazy-2005 under 2005-08: context_switch_finalise(next)', () => {
  it('loads next\'s segments after the unlock, in the finalise step, not in context_switch()', () => {
    const st = buildState({ arch: getArch('x86-64'), design: xenX86Lazy2005, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('cpu*4'), seconds: 0.2, contract: '2005-08' });
    const sys = st.cfg.arch.classes.filter((c) => c.role === 'system');
    let seen = 0;
    for (let i = 0; i < 20000 && seen < 3; i++) {
      drive(st, { seed: i, maxSteps: 1 });
      const pc = st.pcpus.find((q) => q.notFinalised);
      if (!pc) continue;
      // Between context_switch() and the finalise: the lock is free, next's segments not loaded yet.
      expect(pc.phase).toBe(PHASE.SAVED);
      expect(pc.lockHeld).toBe(false);
      const next = st.vcpus[pc.current];
      const stale = sys.some((c) => Array.from({ length: c.end - c.start }, (_, k) => c.start + k).some((r) => pc.regs.val[r] !== next.area.val[r]));
      expect(stale).toBe(true);
      applyChoice(st, { k: 'run', p: pc.id });
      expect(pc.notFinalised).toBe(false);
      for (const c of sys) for (let r = c.start; r < c.end; r++) expect(pc.regs.val[r]).toBe(next.area.val[r]);
      seen++;
    }
    expect(seen).toBe(3);
  });
});
