import { describe, expect, it } from 'vitest';
import { getArch } from '../arch/index.ts';
import { buildState, drive } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';
import { getDesign, getScheduler } from './index.ts';
import { vcpuMigrate } from './core.ts';
import { PHASE, RUNSTATE } from './model.ts';
import { IPI_RESCHED } from '../machine/index.ts';

describe('vcpu_migrate', () => {
  it('wakes the migrated vcpu on its new pcpu with an IPI, never by poking that pcpu\'s softirq flag (a lost wakeup the explorer found)', () => {
    const st = buildState({ arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('int*1'), seconds: 0.01 });
    // Let both pcpus settle into their idle loops, with the guest vcpu queued on pcpu 0.
    for (const pc of st.pcpus) {
      pc.phase = PHASE.IDLE;
      pc.softirq = false;
    }
    const v = st.vcpus[2];
    v.runstate = RUNSTATE.RUNNABLE;
    v.processor = 0;
    v.affinity = 1 << 1;
    v.migrating = true;
    vcpuMigrate(st, v.id, 0);
    expect(v.processor).toBe(1);
    expect(st.pcpus[1].ipis.map((i) => i.kind)).toContain(IPI_RESCHED);
  });
  it('moves the vcpu to the pcpu the scheduler\'s pickCpu names (SCHED_OP(pick_cpu, v), 4.0 schedule.c)', () => {
    const base = getScheduler('rr');
    const picked: number[] = [];
    const sched = { ...base, pickCpu: (_st: unknown, v: number) => (picked.push(v), 2) };
    const st = buildState({ arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), sched, pcpus: 3, domains: parseDomains('int*1'), seconds: 0.01 });
    const v = st.vcpus[3];
    v.processor = 0;
    v.affinity = 0b110;
    v.migrating = true;
    vcpuMigrate(st, v.id, 0);
    expect(picked).toEqual([v.id]);
    expect(v.processor).toBe(2);
  });
  it('credit picks v\'s pcpu while allowed, else the next allowed one after it (csched_cpu_pick\'s cycle_cpu); rr the first allowed', () => {
    const place = (sched: string, from: number, affinity: number, offline: number[] = []) => {
      const st = buildState({ arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), sched: getScheduler(sched), pcpus: 4, domains: parseDomains('int*1'), seconds: 0.01 });
      for (const k of offline) st.pcpus[k].online = false;
      const v = st.vcpus[4];
      v.processor = from;
      v.affinity = affinity;
      v.migrating = true;
      vcpuMigrate(st, v.id, 0);
      return v.processor;
    };
    expect(place('credit', 2, 0b1111, [2])).toBe(3); // cpu_down(2): the next online pcpu after it
    expect(place('credit', 3, 0b1111, [3])).toBe(0); // … wrapping
    expect(place('credit', 2, 0b0011)).toBe(0);
    expect(place('credit', 1, 0b1011)).toBe(1); // still allowed: stays
    expect(place('rr', 2, 0b1111, [2])).toBe(0);
    // An affinity with no online pcpu left is broken first (cpu_disable_scheduler), then picked from.
    expect(place('credit', 2, 0b0100, [2])).toBe(3);
  });
  it('a migrated vcpu runs again: every vcpu keeps running under affinity changes', () => {
    const st = buildState({ arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('int*2'), seconds: 0.2 });
    drive(st, { seed: 3, controlHz: 3000 });
    for (const v of st.vcpus) if (!v.isIdle) expect(v.guestCycles).toBeGreaterThan(0);
  });
});
