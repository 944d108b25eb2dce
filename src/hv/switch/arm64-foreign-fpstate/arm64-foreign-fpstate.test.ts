import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { arm64ForeignFpstate, arm64Units, fpstateLive, tifSve } from './arm64-foreign-fpstate.ts';
import { linuxX86Deferred } from '../linux-x86-deferred/index.ts';
import { builtinArchNames, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, runOne } from '../../../sim/index.ts';
import { NONE } from '../../model.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: arm64ForeignFpstate });

/** One pcpu and two guests of different domains; the design's hooks driven by hand, as the core calls them. */
function bench(domains = 'fp,vector') {
  const arch = getArch('arm64');
  const st = buildState({ arch, design: arm64ForeignFpstate, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains(domains), seconds: 0.01 });
  const p = 0;
  const idle = st.pcpus[p].idle;
  const [x, y] = st.vcpus.filter((v) => !v.isIdle).map((v) => v.id);
  const u = arm64Units(arch);
  const switchTo = (prev: number, next: number) => {
    st.pcpus[p].current = next;
    arm64ForeignFpstate.contextSwitch(st, p, prev, next);
  };
  const exit = () => arm64ForeignFpstate.exitToGuest!(st, p);
  return { st, p, idle, x, y, u, switchTo, exit };
}

describe('arm64-foreign-fpstate', () => {
  it('X → idle → X: saved at switch-out, the reload skipped because the pcpu still holds X\'s state', () => {
    const { st, p, idle, x, switchTo, exit } = bench();
    switchTo(idle, x);
    expect(fpstateLive(st, p, x)).toBe(false); // first run: TIF_FOREIGN_FPSTATE
    const r0 = st.metrics.wordsRestored;
    exit(); // fpsimd_restore_current_state(): loads and binds
    expect(st.metrics.wordsRestored).toBeGreaterThan(r0);
    expect(fpstateLive(st, p, x)).toBe(true);

    const s0 = st.metrics.wordsSaved;
    switchTo(x, idle); // fpsimd_save(): the state was live, so it is saved
    expect(st.metrics.wordsSaved).toBeGreaterThan(s0);
    const avoided = st.metrics.unitRestoresAvoided;
    switchTo(idle, x);
    expect(st.metrics.unitRestoresAvoided - avoided).toBe(1); // the FPSIMD class (no TIF_SVE)
    const r1 = st.metrics.wordsRestored;
    exit();
    expect(st.metrics.wordsRestored).toBe(r1); // nothing loaded on the way out
  });

  it('another task bound in between, or a migration, makes the state foreign: reloaded at the return to the guest', () => {
    const { st, p, idle, x, y, switchTo, exit } = bench();
    switchTo(idle, x);
    exit();
    switchTo(x, y);
    exit(); // y's state bound to the pcpu: fpsimd_last_state = y
    switchTo(y, x);
    expect(fpstateLive(st, p, x)).toBe(false); // wrong_task
    const r = st.metrics.wordsRestored;
    exit();
    expect(st.metrics.wordsRestored).toBeGreaterThan(r);
    // wrong_cpu: x was last loaded elsewhere (as after running on another pcpu).
    switchTo(x, idle);
    st.vcpus[x].unitLastCpu = 5;
    switchTo(idle, x);
    expect(fpstateLive(st, p, x)).toBe(false);
  });

  it('a task switched out before it reached the guest had nothing loaded: no save, and the previous owner\'s reload is still skipped', () => {
    const { st, idle, x, y, u, switchTo, exit } = bench();
    switchTo(idle, x);
    exit();
    switchTo(x, y); // y never returns to its guest: TIF_FOREIGN_FPSTATE stays set
    const saves = st.metrics.unitSavesAvoided;
    const words = st.metrics.wordsSaved;
    switchTo(y, x);
    const unitClasses = st.cfg.arch.classes.filter((c) => (u.fpsimd | u.sve) & (1 << c.index)).length;
    expect(st.metrics.unitSavesAvoided - saves).toBe(unitClasses);
    // only y's integer and system state were saved
    const nonUnit = st.cfg.arch.classes.filter((c) => !((u.fpsimd | u.sve) & (1 << c.index))).reduce((s, c) => s + c.words, 0);
    expect(st.metrics.wordsSaved - words).toBe(nonUnit);
    const r = st.metrics.wordsRestored;
    exit();
    expect(st.metrics.wordsRestored).toBe(r); // x's registers were never overwritten
  });

  it('SVE is off for a task without TIF_SVE; the first SVE use traps, and from then on SVE is switched with FPSIMD', () => {
    const { st, p, idle, y, u, switchTo, exit } = bench();
    switchTo(idle, y);
    exit();
    expect(st.pcpus[p].unitEnabled & u.sve).toBe(0); // sve_user_disable()
    arm64ForeignFpstate.unitTrap!(st, p, st.cfg.arch.classes.find((c) => c.name === 'sve')!.index); // do_sve_acc()
    expect(st.pcpus[p].unitEnabled & u.sve).toBe(u.sve);
    st.vcpus[y].unitDirty |= u.sve; // the SVE write the trap let through
    expect(tifSve(st, y)).toBe(true);
    const avoidedBefore = st.metrics.unitSavesAvoided;
    switchTo(y, idle);
    expect(st.metrics.unitSavesAvoided).toBe(avoidedBefore); // FPSIMD, Z and P all saved
    st.pcpus[p].unitOwner = NONE; // someone else used the registers meanwhile
    switchTo(idle, y);
    exit();
    expect(st.pcpus[p].unitEnabled & u.sve).toBe(u.sve); // sve_user_enable() at bind time
  });

  it('on arm64: one SVE trap per vector vcpu, never an FPSIMD trap, restores avoided, a measured window over SVE predicates, no violation', () => {
    const o = { arch: getArch('arm64'), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.3, seed: 3 };
    const r = runOne({ ...o, design: arm64ForeignFpstate });
    expect(r.violations).toEqual([]);
    expect(r.metrics.traps).toBe(2);
    expect(r.metrics.unitRestoresAvoided).toBeGreaterThan(0);
    expect(r.metrics.exposureCycles).toBeGreaterThan(0);
    // Only the vector domain's predicates are ever exposed (the Z bits above 128 are zeroed).
    for (const k of Object.keys(r.metrics.exposureByPair)) expect(k.endsWith('>d3')).toBe(true);
    // linux-x86-deferred, the same owner check without the SVE trap: no window at all.
    expect(runOne({ ...o, design: linuxX86Deferred }).metrics.exposureCycles).toBe(0);
  });

  // By capability, not by name: loongarch64's LSX/LASX extend its FPRs and trap apart (EUEN.SXE/ASXE), so it qualifies.
  it('accepts an architecture whose FP registers have an extension trapped apart, declines the others saying why', () => {
    const extended = new Set(['arm64', 'loongarch64']);
    for (const a of builtinArchNames()) {
      const r = arm64ForeignFpstate.supports(getArch(a));
      if (extended.has(a)) expect(r, a).toBe(true);
      else expect(r, a).toMatch(/arm64/);
    }
  });
});
