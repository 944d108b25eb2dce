import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { riscvDirtyGated } from './riscv-dirty-gated.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: riscvDirtyGated });

describe('riscv-dirty-gated', () => {
  it('saves only Dirty units, never traps, and exposes nothing', () => {
    const r = runOne({ arch: getArch('riscv64'), design: riscvDirtyGated, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 });
    expect(r.violations).toEqual([]);
    expect(r.metrics.traps).toBe(0);
    expect(r.metrics.exposureCycles).toBe(0);
    expect(r.metrics.unitSavesAvoided).toBeGreaterThan(0);
  });
  it('declines the other architectures, saying why', () => {
    expect(riscvDirtyGated.supports(getArch('x86-64'))).toMatch(/RISC-V/);
  });
});
