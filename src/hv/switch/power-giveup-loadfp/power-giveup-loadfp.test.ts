import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { powerGiveupLoadfp, powerFacilities, LOAD_FP, LOAD_VEC } from './power-giveup-loadfp.ts';
import { xenX86LazyFpu } from '../xen-x86-lazy-fpu/index.ts';
import { getCounter } from '../unit-counters.ts';
import { builtinArchNames, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, runOne } from '../../../sim/index.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: powerGiveupLoadfp });

/** One pcpu, one vector guest; drive the design's hooks by hand, as the core would call them. */
function bench() {
  const arch = getArch('ppc64');
  const st = buildState({ arch, design: powerGiveupLoadfp, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains('vector'), seconds: 0.01 });
  const p = 0;
  const idle = st.pcpus[p].idle;
  const v = st.vcpus.findIndex((x) => !x.isIdle);
  const f = powerFacilities(arch);
  const fpr = arch.classes.find((c) => c.role === 'fp')!.index;
  const vmx = arch.classes.find((c) => c.name === 'vmx')!.index;
  const switchTo = (prev: number, next: number) => {
    st.pcpus[p].current = next;
    powerGiveupLoadfp.contextSwitch(st, p, prev, next);
  };
  const fpOn = () => (st.pcpus[p].unitEnabled & f.fp) === f.fp;
  const vecOn = () => (st.pcpus[p].unitEnabled & f.vec) === f.vec;
  return { st, p, idle, v, fpr, vmx, switchTo, fpOn, vecOn };
}

describe('power-giveup-loadfp', () => {
  it('splits ppc64 into MSR[FP] (fpr), MSR[VEC] (vmx) and the VRSAVE SPR', () => {
    const a = getArch('ppc64');
    const f = powerFacilities(a);
    const names = (m: number) => a.classes.filter((c) => m & (1 << c.index)).map((c) => c.name);
    expect(names(f.fp)).toEqual(['fpr']);
    expect(names(f.vec)).toEqual(['vmx']);
    expect(names(f.spr)).toEqual(['vrsave']);
  });

  it('starts lazy; one FP-unavailable trap buys 255 eager reloads; the u8 counter then wraps and it is lazy again', () => {
    const b = bench();
    const { st, v, idle } = b;
    b.switchTo(idle, v);
    expect(b.fpOn()).toBe(false); // load_fp == 0: MSR[FP] clear, the first use traps
    expect(getCounter(st, v, LOAD_FP)).toBe(0);

    powerGiveupLoadfp.unitTrap!(st, b.p, b.fpr); // load_up_fpu
    expect(b.fpOn()).toBe(true);
    expect(b.vecOn()).toBe(false); // VMX is its own facility, still lazy
    expect(getCounter(st, v, LOAD_FP)).toBe(1);

    for (let i = 1; i <= 255; i++) {
      b.switchTo(v, idle);
      expect(b.fpOn()).toBe(false); // giveup_all(): MSR[FP] cleared at every switch-out
      const restored = st.metrics.wordsRestored;
      b.switchTo(idle, v);
      expect(b.fpOn()).toBe(true); // restore_math(): eager reload
      expect(st.metrics.wordsRestored).toBeGreaterThan(restored);
      expect(getCounter(st, v, LOAD_FP)).toBe((i + 1) & 0xff);
      expect(b.vecOn()).toBe(false);
    }
    // The 255th reload took load_fp from 255 to 0: the next switch-in leaves FP off.
    b.switchTo(v, idle);
    b.switchTo(idle, v);
    expect(getCounter(st, v, LOAD_FP)).toBe(0);
    expect(b.fpOn()).toBe(false);
    // A VMX trap starts VMX's own run of reloads.
    powerGiveupLoadfp.unitTrap!(st, b.p, b.vmx);
    expect(getCounter(st, v, LOAD_VEC)).toBe(1);
    b.switchTo(v, idle);
    b.switchTo(idle, v);
    expect(b.vecOn()).toBe(true);
    expect(b.fpOn()).toBe(false);
  });

  it('giveup saves only the facilities that were on; VRSAVE is written only when it changes', () => {
    const b = bench();
    const { st, v, idle } = b;
    b.switchTo(idle, v);
    const avoided = st.metrics.unitSavesAvoided;
    b.switchTo(v, idle); // FP and VMX were never enabled: both saves avoided
    expect(st.metrics.unitSavesAvoided - avoided).toBe(2);
    const restoresAvoided = st.metrics.unitRestoresAvoided;
    b.switchTo(idle, v); // VRSAVE still holds v's value: no mtspr
    expect(st.metrics.unitRestoresAvoided - restoresAvoided).toBe(1);
  });

  it('on ppc64: few traps (one per facility per 256 switch-ins), a measured exposure window, no violation', () => {
    const o = { arch: getArch('ppc64'), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.3, seed: 3 };
    const r = runOne({ ...o, design: powerGiveupLoadfp });
    expect(r.violations).toEqual([]);
    expect(r.metrics.traps).toBeGreaterThan(0);
    // 2 fp vcpus × FP + 2 vector vcpus × (FP + VMX) = 6 first traps; a wrap needs 256 switch-ins.
    expect(r.metrics.traps).toBeLessThanOrEqual(6 * Math.ceil(r.metrics.switches / 256 + 1));
    expect(r.metrics.unitSavesAvoided).toBeGreaterThan(0);
    // The io vcpus never load FP: they run with MSR[FP] clear over the FP vcpus' registers.
    expect(r.metrics.exposureCycles).toBeGreaterThan(0);
    const lazy = runOne({ ...o, design: xenX86LazyFpu });
    expect(r.metrics.traps * 10).toBeLessThan(lazy.metrics.traps);
  });

  it('declines the other architectures, saying why', () => {
    for (const a of builtinArchNames().filter((n) => getArch(n).spec.family !== 'power')) expect(powerGiveupLoadfp.supports(getArch(a))).toMatch(/PowerPC/);
  });
});
