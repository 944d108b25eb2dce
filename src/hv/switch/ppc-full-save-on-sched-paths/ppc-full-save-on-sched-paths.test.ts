import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { ppcFullSaveOnSchedPaths } from './ppc-full-save-on-sched-paths.ts';
import { compileArch, getArch, BUILTIN_ARCH_DATA } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, drive, runOne } from '../../../sim/index.ts';
import { doSaved } from '../../core.ts';
import { PHASE, type HvState } from '../../model.ts';
import type { SwitchDesign } from '../types.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: ppcFullSaveOnSchedPaths });

describe('ppc-full-save-on-sched-paths (Xen/PowerPC as merged)', () => {
  const r = runOne({ arch: getArch('ppc64'), design: ppcFullSaveOnSchedPaths, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 3 });
  it('saves r14–r31 only on hypercall and HDEC (and program-check) entries', () => {
    const a = getArch('ppc64');
    const words = (p: keyof typeof r.metrics.entryWords) => r.metrics.entryWords[p] / Math.max(1, r.metrics.entries[p]);
    expect(words('hypercall')).toBe(a.words(a.hvRegs));
    expect(words('decrementer')).toBe(a.words(a.hvCallerSaved));
    expect(words('external')).toBe(a.words(a.hvCallerSaved));
  });
  it('is correct, never lazy, and needs no sync', () => {
    expect(r.violations).toEqual([]);
    expect(r.metrics.lazySwitches).toBe(0);
    expect(r.metrics.remoteSyncs).toBe(0);
  });
  it('refuses an architecture whose external-interrupt path would run softirqs without saving r14–r31', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA.ppc64) as any;
    data.entry.external.runsSoftirqs = true;
    expect(ppcFullSaveOnSchedPaths.supports(compileArch(data, 'x'))).toMatch(/external runs softirqs/);
  });

  it('full_resume does not test for softirqs: one pending at the end of a switch stays pending (1aa3c54a31^ exceptions.S)', () => {
    expect(ppcFullSaveOnSchedPaths.resumeTestsSoftirqs).toBe(false);
    const st = buildState({ arch: getArch('ppc64'), design: ppcFullSaveOnSchedPaths, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('cpu*2,io*2'), seconds: 0.1 });
    let p = -1;
    drive(st, { seed: 1, stop: () => (p = st.pcpus.findIndex((pc) => pc.phase === PHASE.SAVED && !st.vcpus[pc.next].isIdle)) >= 0 });
    const pc = st.pcpus[p];
    pc.softirq = true; // say a resched IPI came in during the switch
    doSaved(st, p);
    expect(pc.phase).toBe(PHASE.GUEST);
    expect(pc.softirq).toBe(true);
  });

  /** Switches that end in a guest with a softirq pending, and the cycles until it is served. */
  function deferred(design: SwitchDesign, seed: number) {
    const st: HvState = buildState({ arch: getArch('ppc64'), design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3 });
    const since = st.pcpus.map(() => -1);
    const prev = st.pcpus.map((q) => q.phase);
    const delays: number[] = [];
    drive(st, {
      seed,
      stop: () => {
        for (const q of st.pcpus) {
          if (since[q.id] < 0 && q.phase === PHASE.GUEST && q.softirq && prev[q.id] === PHASE.SAVED) since[q.id] = q.clock;
          else if (since[q.id] >= 0 && (!q.softirq || q.phase === PHASE.SOFTIRQ)) {
            delays.push(q.clock - since[q.id]);
            since[q.id] = -1;
          }
          prev[q.id] = q.phase;
        }
        return false;
      },
    });
    return { delays, switches: st.metrics.switches, tick: st.cfg.tickCycles };
  }

  it('what it cost: some switches leave a softirq for the next hcall or HDEC, served within a scheduler tick', () => {
    const merged = deferred(ppcFullSaveOnSchedPaths, 1);
    const testing = deferred({ ...ppcFullSaveOnSchedPaths, resumeTestsSoftirqs: true }, 1);
    expect(testing.delays).toEqual([]);
    expect(merged.delays.length).toBeGreaterThan(merged.switches / 100);
    const avg = merged.delays.reduce((a, b) => a + b, 0) / merged.delays.length;
    expect(avg).toBeGreaterThan(0);
    expect(Math.max(...merged.delays)).toBeLessThanOrEqual(merged.tick * 1.01);
  });
});
