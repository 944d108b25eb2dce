import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { sel4Rfc18, fpuDisabled, ownsFpu } from './sel4-rfc18.ts';
import { fpuEager } from '../fpu-eager/index.ts';
import { getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, runOne } from '../../../sim/index.ts';
import { NONE, unitMask } from '../../model.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: sel4Rfc18 });

/**
 * One pcpu; d1 has two FPU-enabled vcpus (a, b), d2 one fpuDisabled vcpu (c). The design's hook
 * driven by hand, as the core calls it.
 */
function bench(arch = 'x86-64') {
  const a0 = getArch(arch);
  const st = buildState({ arch: a0, design: sel4Rfc18, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains('fp*2,io'), seconds: 0.01 });
  const p = 0;
  const idle = st.pcpus[p].idle;
  const [a, b, c] = st.vcpus.filter((v) => !v.isIdle).map((v) => v.id);
  const units = unitMask(a0);
  const nUnits = a0.classes.filter((k) => units & (1 << k.index)).length;
  const switchTo = (prev: number, next: number) => {
    st.pcpus[p].current = next;
    sel4Rfc18.contextSwitch(st, p, prev, next);
  };
  const fpuOn = () => (st.pcpus[p].unitEnabled & units) === units;
  const fpuOff = () => (st.pcpus[p].unitEnabled & units) === 0;
  return { st, p, idle, a, b, c, units, nUnits, switchTo, fpuOn, fpuOff };
}

describe('sel4-rfc18', () => {
  it('sets fpuDisabled from the profile: no FP or vector class used', () => {
    const { st, a, b, c } = bench();
    expect([a, b, c].map((v) => fpuDisabled(st, v))).toEqual([false, false, true]);
  });

  it('the owner coming back finds its registers: enableFpu(), no restore', () => {
    const { st, p, idle, a, nUnits, switchTo, fpuOn } = bench();
    switchTo(idle, a);
    expect(ownsFpu(st, p, a)).toBe(true);
    expect(fpuOn()).toBe(true);
    switchTo(a, idle);
    const before = { restored: st.metrics.wordsRestored, avoided: st.metrics.unitRestoresAvoided };
    switchTo(idle, a);
    expect(st.metrics.unitRestoresAvoided - before.avoided).toBe(nUnits);
    expect(fpuOn()).toBe(true);
    // Only integer and system state came back.
    const nonUnitWords = st.cfg.arch.classes.filter((k) => !k.hvUses && !(unitMask(st.cfg.arch) & (1 << k.index))).reduce((s, k) => s + k.words, 0);
    const hvWords = st.cfg.arch.words(st.cfg.arch.hvRegs);
    expect(st.metrics.wordsRestored - before.restored).toBe(hvWords + nonUnitWords);
  });

  it('another FPU thread takes the FPU over (switchLocalFpuOwner); the first owner reloads', () => {
    const { st, p, a, b, idle, switchTo } = bench();
    switchTo(idle, a);
    switchTo(a, b);
    expect(ownsFpu(st, p, b)).toBe(true);
    const avoided = st.metrics.unitRestoresAvoided;
    switchTo(b, a);
    expect(ownsFpu(st, p, a)).toBe(true);
    expect(st.metrics.unitRestoresAvoided).toBe(avoided);
  });

  it('an fpuDisabled thread of another domain: domain exit drops the owner, the FPU is off, the old values stay behind it', () => {
    const { st, p, a, c, idle, switchTo, fpuOff } = bench();
    switchTo(idle, a);
    const saves = st.metrics.unitSavesAvoided;
    switchTo(a, c);
    expect(st.metrics.unitSavesAvoided).toBe(saves); // a, the owner, was saved
    expect(st.pcpus[p].unitOwner).toBe(NONE); // prepareNextDomain(): switchLocalFpuOwner(NULL)
    expect(fpuOff()).toBe(true); // disableFpu()
    const fpClass = st.cfg.arch.classes.find((k) => k.role === 'fp')!;
    expect(st.pcpus[p].regs.own[fpClass.start]).toBe(st.vcpus[a].domain); // not scrubbed
    const unitSaves = st.metrics.unitSavesAvoided;
    switchTo(c, a);
    expect(st.metrics.unitSavesAvoided).toBeGreaterThan(unitSaves); // c had no FPU state to save
    expect(ownsFpu(st, p, a)).toBe(true); // reloaded: the owner had been dropped
  });

  it('ownership on a pcpu the vcpu has left is not trusted (fpuRelease on migration)', () => {
    const { st, p, a, idle, switchTo } = bench();
    switchTo(idle, a);
    switchTo(a, idle);
    st.vcpus[a].unitLastCpu = 3; // it ran on another pcpu meanwhile
    const avoided = st.metrics.unitRestoresAvoided;
    switchTo(idle, a);
    expect(st.metrics.unitRestoresAvoided).toBe(avoided);
    expect(ownsFpu(st, p, a)).toBe(true);
  });

  for (const arch of ['x86-64', 'arm64', 'riscv64']) {
    it(`never traps; fpuDisabled vcpus move no FP state and run over other domains' values (${arch})`, () => {
      const o = { arch: getArch(arch), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.3, seed: 3 };
      const r = runOne({ ...o, design: sel4Rfc18 });
      expect(r.violations).toEqual([]);
      expect(r.metrics.traps).toBe(0);
      expect(r.metrics.unitSavesAvoided).toBeGreaterThan(0);
      expect(r.metrics.unitRestoresAvoided).toBeGreaterThan(0);
      expect(r.metrics.exposureCycles).toBeGreaterThan(0);
      // Only the io domain (d1, fpuDisabled) ever runs with the FPU off.
      for (const k of Object.keys(r.metrics.exposureByPair)) expect(k.startsWith('d1>')).toBe(true);
      // Less FP traffic than switching everything eagerly.
      expect(r.metrics.bytesMoved).toBeLessThan(runOne({ ...o, design: fpuEager }).metrics.bytesMoved);
    });
  }

  it('declines ppc64: seL4 has no PowerPC port', () => {
    expect(sel4Rfc18.supports(getArch('ppc64'))).toMatch(/PowerPC/);
  });
});
