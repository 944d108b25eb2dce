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
  it('a migrated vcpu runs again: every vcpu keeps running under affinity changes', () => {
    const st = buildState({ arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('int*2'), seconds: 0.2 });
    drive(st, { seed: 3, controlHz: 3000 });
    for (const v of st.vcpus) if (!v.isIdle) expect(v.guestCycles).toBeGreaterThan(0);
  });
});
