import { describe, expect, it } from 'vitest';
import { runDesignConformance } from '../conformance.case.ts';
import { nonlazyMask, xenX86LazyFpu } from './xen-x86-lazy-fpu.ts';
import { fpuEager } from '../fpu-eager/index.ts';
import { BUILTIN_ARCH_DATA, builtinArchNames, compileArch, getArch } from '../../../arch/index.ts';
import { getScheduler } from '../../sched/index.ts';
import { buildState, drive, runOne } from '../../../sim/index.ts';
import { PHASE, unitMask } from '../../model.ts';
import { parseDomains } from '../../../scenario/index.ts';

runDesignConformance({ design: xenX86LazyFpu });

describe('xen-x86-lazy-fpu', () => {
  for (const arch of builtinArchNames()) {
    it(`traps on first use, avoids saves, and leaves a measured LazyFP window (${arch})`, () => {
      const o = { arch: getArch(arch), sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 };
      const r = runOne({ ...o, design: xenX86LazyFpu });
      expect(r.violations).toEqual([]);
      expect(r.metrics.traps).toBeGreaterThan(0);
      expect(r.metrics.entries['program-check']).toBeGreaterThanOrEqual(r.metrics.traps);
      expect(r.metrics.unitSavesAvoided).toBeGreaterThan(0);
      expect(r.metrics.exposureCycles).toBeGreaterThan(0);
      const pairs = Object.entries(r.metrics.exposureByPair);
      expect(pairs.length).toBeGreaterThan(0);
      for (const [k] of pairs) {
        const [run, own] = k.split('>');
        expect(run).not.toBe(own);
      }
      expect(pairs.reduce((s, [, c]) => s + c, 0)).toBe(r.metrics.exposureCycles);
      // The same guests under the eager reference: no window at all.
      expect(runOne({ ...o, design: fpuEager }).metrics.exposureCycles).toBe(0);
    });
  }

  it('int-only guests never trap: their FP units are never enabled', () => {
    const r = runOne({ arch: getArch('x86-64'), design: xenX86LazyFpu, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('int*2,io*2'), seconds: 0.1, seed: 2 });
    expect(r.violations).toEqual([]);
    expect(r.metrics.traps).toBe(0);
    expect(r.metrics.usedUnitFraction).toBe(0);
  });

  it('is xen-x86-lazy underneath, as in Xen 4.0–4.10: lazy idle switches and flush-IPI pulls, with control operations on', () => {
    const r = runOne({ arch: getArch('x86-64'), design: xenX86LazyFpu, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('cpu*2,fp*2,io*2'), seconds: 0.3, seed: 1, controlHz: 2000 });
    expect(r.violations).toEqual([]);
    expect(r.metrics.lazySwitches).toBeGreaterThan(r.metrics.switches / 10);
    expect(r.metrics.remoteSyncs).toBeGreaterThan(0);
    expect(r.metrics.localSyncs).toBeGreaterThan(0);
  });

  it('X → idle → X keeps the FPU loaded and CR0.TS clear: no #NM on the way back', () => {
    const st = buildState({ arch: getArch('x86-64'), design: xenX86LazyFpu, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains('fp*1'), seconds: 0.05 });
    const units = unitMask(st.cfg.arch);
    const pc = st.pcpus[0];
    let seen = 0;
    // Drive until the fp vcpu has trapped (its units on), then blocked: a lazy switch to idle.
    drive(st, {
      seed: 3,
      stop: () => {
        const held = pc.loaded[0];
        if (pc.current === pc.idle && held !== pc.idle && pc.phase === PHASE.IDLE && (pc.unitEnabled & units) === units) seen++;
        return seen > 0;
      },
    });
    expect(seen).toBe(1);
    const v = pc.loaded[0];
    expect(st.vcpus[v].dirtyPcpu).toBe(0);
    const traps = st.metrics.traps;
    drive(st, { seed: 4, stop: () => pc.current === v && pc.phase === PHASE.GUEST });
    expect(pc.current).toBe(v);
    expect(pc.unitEnabled & units).toBe(units);
    expect(st.metrics.traps).toBe(traps);
    // The pcpu still holds it: nothing was saved on the round trip.
    expect(st.vcpus[v].dirtyPcpu).toBe(0);
  });

  it('restores the non-lazy XSAVE components eagerly at switch-in (vcpu_restore_fpu_eager), outside CR0.TS', () => {
    // x86-64 with a PKRU component (XSTATE_NONLAZY in 4.10), used by the vector guests.
    const base = BUILTIN_ARCH_DATA['x86-64'];
    const arch = compileArch(
      {
        ...base,
        name: 'x86-64-pkru',
        classes: [...(base.classes as object[]), { name: 'pkru', description: 'protection-key rights (XSAVE component 9)', regs: ['pkru'], widthBits: 32, volatility: 'volatile', hvUses: false, role: 'vector', save: { cycles: 5, source: '[test]' }, restore: { cycles: 5, source: '[test]' } }],
        xsave: { ...base.xsave!, components: [...base.xsave!.components, 'pkru'] },
      },
      'test',
    );
    expect(nonlazyMask(getArch('x86-64'))).toBe(0);
    const nl = nonlazyMask(arch);
    expect(nl).toBe(1 << arch.regClass[arch.regIndex('pkru')]);
    const o = { arch, design: xenX86LazyFpu, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('vector*2,fp*2,io*2'), seconds: 0.2, seed: 5, controlHz: 2000 };
    const r = runOne(o);
    expect(r.violations).toEqual([]);
    expect(r.metrics.traps).toBeGreaterThan(0);
    // At every guest resume the PKRU class is on exactly for its users and holds their values;
    // the lazy classes may be off (TS), PKRU never traps.
    const st = buildState(o);
    const lazy = unitMask(arch) & ~nl;
    const pk = arch.regIndex('pkru');
    let users = 0;
    let others = 0;
    drive(st, {
      seed: 5,
      stop: () => {
        for (const pc of st.pcpus) {
          if (pc.phase !== PHASE.GUEST) continue;
          const vc = st.vcpus[pc.current];
          const uses = st.cfg.profiles[vc.profile].roles.includes('vector');
          expect(Boolean(pc.unitEnabled & nl)).toBe(uses);
          if (uses) {
            users++;
            expect(pc.regs.own[pk]).toBe(vc.domain);
          } else others++;
        }
        return false;
      },
    });
    expect(users).toBeGreaterThan(100);
    expect(others).toBeGreaterThan(100);
    expect(lazy).not.toBe(0);
  });
});
