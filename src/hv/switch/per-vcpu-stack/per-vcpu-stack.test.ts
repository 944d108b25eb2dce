import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { perVcpuStack } from './per-vcpu-stack.ts';
import { eager } from '../eager/index.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, drive, runOne } from '../../../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: perVcpuStack });

describe('per-vcpu-stack (Xen on Arm)', () => {
  it('saves every GPR on every entry path, as the arm64 entry macro does, and still 0 violations', () => {
    for (const name of ['arm64', 'ppc64']) {
      const a = getArch(name);
      for (const path of Object.keys(a.entry) as (keyof typeof a.entry)[]) expect(Array.from(perVcpuStack.entrySaves(a, path)).sort()).toEqual(Array.from(a.hvRegs).sort());
    }
    const arm = getArch('arm64');
    expect(Array.from(perVcpuStack.entrySaves(arm, 'external'))).toContain(arm.regIndex('x19'));
    const r = runOne({ arch: arm, design: perVcpuStack, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 2, controlHz: 2000 });
    expect(r.metrics.switches).toBeGreaterThan(100);
    expect(r.violations).toEqual([]);
  });
  it('moves fewer words per switch than eager (only the callee-saved set at the switch point)', () => {
    const o = { arch: getArch('arm64'), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds: 0.3, seed: 2 };
    const r = runOne({ ...o, design: perVcpuStack });
    const e = runOne({ ...o, design: eager });
    expect(r.metrics.wordsSaved / r.metrics.switches).toBeLessThanOrEqual(e.metrics.wordsSaved / e.metrics.switches + 1e-9);
  });
  it('setvcpucontext writes only the frame: the vcpu keeps its C frames and returns through them (vcpu_regs_user_to_hyp)', () => {
    const a = getArch('arm64');
    const st = buildState({ arch: a, design: perVcpuStack, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('int*3'), seconds: 0.05 });
    drive(st, { seed: 4, maxSteps: 3000 });
    // A descheduled guest vcpu whose stack holds its call chain down to __context_switch.
    const vc = st.vcpus.find((v) => !v.isIdle && v.stack && v.stack.cframes.length > 0)!;
    expect(vc).toBeDefined();
    const frames = vc.stack!.cframes.map((f) => f.fn);
    for (const r of a.hvRegs) vc.area.val[r] = 0x7000 + r;
    perVcpuStack.contextWritten!(st, vc.id);
    expect(vc.stack!.cframes.map((f) => f.fn)).toEqual(frames);
    for (const r of a.hvRegs) {
      expect(vc.stack!.frameValid[r]).toBe(1);
      expect(perVcpuStack.savedValue!(st, vc.id, r)).toBe(0x7000 + r);
    }
  });
});
