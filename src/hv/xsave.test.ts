/**
 * XSAVE's init and modified optimisations (hv/ops xsaveState / xrstorState; Intel SDM vol. 1
 * §13.6, §13.8.3, §13.9, §13.11): the helpers by hand, then whole runs of the designs that use
 * them, checked by value.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_ARCH_DATA, compileArch, getArch, type Arch } from '../arch/index.ts';
import { getScheduler } from './sched/index.ts';
import { buildState, runOne } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';
import { NONE } from './model.ts';
import { newXsaveArea, xrstorState, xsaveState } from './ops.ts';
import { fpuEager } from './switch/fpu-eager/index.ts';
import { xenX86LazyFpu } from './switch/xen-x86-lazy-fpu/index.ts';
import { linuxX86Deferred } from './switch/linux-x86-deferred/index.ts';
import { sel4Rfc18 } from './switch/sel4-rfc18/index.ts';
import { adaptive } from './switch/adaptive/index.ts';

const x86 = getArch('x86-64');

/** x86-64 without the `xsave` capability: every unit class copied in full. */
function x86WithoutXsave(): Arch {
  const data = structuredClone(BUILTIN_ARCH_DATA['x86-64']) as any;
  delete data.xsave;
  return compileArch(data, 'x86-64-no-xsave');
}

const cls = (a: Arch, name: string) => a.classes.find((c) => c.name === name)!;

/** Two pcpus, one vector vcpu (it may write every unit); a guest write by hand, as core doGuest does it. */
function bench(arch: Arch = x86) {
  const st = buildState({ arch, design: fpuEager, sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('vector'), seconds: 0.01 });
  const v = st.vcpus.findIndex((x) => !x.isIdle);
  // Both pcpus' unit registers start out holding v's values (copied, not XRSTORed: no tracking).
  for (const pc of st.pcpus) {
    for (const c of arch.classes) {
      if (!((arch.xsaveMask >>> c.index) & 1)) continue;
      for (let r = c.start; r < c.end; r++) {
        pc.regs.val[r] = st.vcpus[v].area.val[r];
        pc.regs.own[r] = st.vcpus[v].area.own[r];
      }
    }
  }
  const write = (p: number, reg: string) => {
    const r = arch.regIndex(reg);
    const tok = st.nextToken++;
    st.pcpus[p].regs.val[r] = tok;
    st.pcpus[p].regs.own[r] = st.vcpus[v].domain;
    st.vcpus[v].shadow[r] = tok;
    st.vcpus[v].unitDirty |= 1 << arch.regClass[r];
  };
  /** The save area holds the guest's last write of every register of these classes. */
  const areaCurrent = (...names: string[]) =>
    names.every((n) => {
      const c = cls(arch, n);
      for (let r = c.start; r < c.end; r++) if (st.vcpus[v].area.val[r] !== st.vcpus[v].shadow[r]) return false;
      return true;
    });
  return { st, v, write, areaCurrent, units: arch.xsaveMask };
}

describe('x86-64 architecture data: XSAVE components', () => {
  it('x87, SSE and AVX are components 0–2; MXCSR is always saved; a full skip costs the measured 68 cycles', () => {
    expect(x86.classes.filter((c) => (x86.xsaveMask >>> c.index) & 1).map((c) => c.name)).toEqual(['x87', 'sse', 'avx']);
    expect(Array.from(x86.xsaveAlways).map((r) => x86.regNames[r])).toEqual(['mxcsr']);
    const skipAll = x86.classes.reduce((s, c) => s + x86.xsaveSkipCycles[c.index], 0);
    expect(skipAll).toBeCloseTo(68, 6);
    expect(x86.spec.xsave!.source).toMatch(/SDM vol\. 1 §13\.6/);
    for (const name of ['ppc64', 'arm64', 'riscv64']) expect(getArch(name).xsaveMask).toBe(0);
  });

  it('rejects components that are not classes, are integer state, or repeat, and an always-saved register outside them', () => {
    const bad = (f: (d: any) => void) => {
      const d = structuredClone(BUILTIN_ARCH_DATA['x86-64']) as any;
      f(d);
      return () => compileArch(d, 'bad');
    };
    expect(bad((d) => (d.xsave.components = ['x87', 'mmx']))).toThrow(/xsave\.components\[1\]: "mmx" is not a class/);
    expect(bad((d) => (d.xsave.components = ['gpr']))).toThrow(/hypervisor-used integer state/);
    expect(bad((d) => (d.xsave.components = ['sse', 'sse']))).toThrow(/listed twice/);
    expect(bad((d) => (d.xsave.alwaysSaved = ['fs_base']))).toThrow(/xsave\.alwaysSaved: fs_base is in class "seg"/);
  });
});

describe('XSAVEOPT / XSAVES after an XRSTOR (ops)', () => {
  it('writes only what was modified since the XRSTOR; leaves out the unmodified (modified) and the never-written (init) components, MXCSR excepted', () => {
    const { st, v, write, areaCurrent, units } = bench();
    xrstorState(st, 0, v, units);
    expect(st.pcpus[0].xrstorFrom).toBe(v);
    write(0, 'st3'); // x87 modified
    st.vcpus[v].xstateBv |= 1 << cls(x86, 'sse').index; // SSE in use from an earlier stint, not written since the XRSTOR
    const saved = st.metrics.wordsSaved;
    xsaveState(st, 0, v, units);
    const x87 = cls(x86, 'x87');
    const sse = cls(x86, 'sse');
    const avx = cls(x86, 'avx');
    const mxcsrWords = x86.regWords[x86.regIndex('mxcsr')];
    expect(st.metrics.wordsSaved - saved).toBe(x87.words + mxcsrWords);
    expect(st.metrics.xsaveAvoidedBy).toEqual({ init: avx.words, modified: sse.words - mxcsrWords });
    expect(st.metrics.xsaveWordsAvoided).toBe(avx.words + sse.words - mxcsrWords);
    // XSTATE_BV := XINUSE: x87 and SSE in use, AVX still in its initial configuration.
    expect(st.vcpus[v].xstateBv).toBe((1 << x87.index) | (1 << sse.index));
    expect(areaCurrent('x87', 'sse', 'avx')).toBe(true);
  });

  it('a save does not reset the tracking: a component modified since the XRSTOR is written again (XMODIFIED stays set)', () => {
    const { st, v, write, units } = bench();
    xrstorState(st, 0, v, units);
    write(0, 'xmm1');
    xsaveState(st, 0, v, units);
    const saved = st.metrics.wordsSaved;
    xsaveState(st, 0, v, units); // X → idle → X with the restore skipped, then the next switch-out
    expect(st.metrics.wordsSaved - saved).toBe(cls(x86, 'sse').words);
  });

  it('saves everything when XRSTOR_INFO does not name the area: no XRSTOR yet, a partial one, a plain load, or an XRSTOR of it on another pcpu', () => {
    const full = x86.classes.filter((c) => (x86.xsaveMask >>> c.index) & 1).reduce((s, c) => s + c.words, 0);
    const savedBy = (setup: (b: ReturnType<typeof bench>) => void) => {
      const b = bench();
      setup(b);
      const before = b.st.metrics.wordsSaved;
      xsaveState(b.st, 0, b.v, b.units);
      expect(b.areaCurrent('x87', 'sse', 'avx')).toBe(true);
      return b.st.metrics.wordsSaved - before;
    };
    expect(savedBy(() => {})).toBe(full);
    expect(
      savedBy(({ st, v }) => {
        xrstorState(st, 0, v, 1 << cls(x86, 'x87').index); // RFBM without SSE and AVX
        expect(st.pcpus[0].xrstorFrom).toBe(NONE);
      }),
    ).toBe(full);
    expect(
      savedBy(({ st, v, units }) => {
        xrstorState(st, 0, v, units);
        xrstorState(st, 0, v, 1 << cls(x86, 'seg').index); // not a component: the tracking stays
        expect(st.pcpus[0].xrstorFrom).toBe(v);
        xrstorState(st, 0, v, 1 << cls(x86, 'avx').index); // a load of a component by other means
      }),
    ).toBe(full);
    expect(
      savedBy(({ st, v, units }) => {
        xrstorState(st, 0, v, units);
        xrstorState(st, 1, v, units); // v's dirty bits now describe pcpu 1
        expect(st.pcpus[0].xrstorFrom).toBe(NONE);
      }),
    ).toBe(full);
    expect(
      savedBy(({ st, v, units }) => {
        xrstorState(st, 0, v, units);
        newXsaveArea(st, v); // domain_destroy reused the slot: a new area
      }),
    ).toBe(full);
  });

  it('XRSTOR clears the components\' dirty bits (written since the XRSTOR from then on) and keeps earlier use in XSTATE_BV', () => {
    const { st, v, write, units } = bench();
    write(0, 'ymm2[128:255]');
    xrstorState(st, 0, v, units);
    expect(st.vcpus[v].unitDirty & units).toBe(0);
    expect(st.vcpus[v].xstateBv).toBe(1 << cls(x86, 'avx').index);
  });

  it('without `xsave` the helpers copy every class in full and avoid nothing', () => {
    const a = getArch('ppc64');
    const st = buildState({ arch: a, design: fpuEager, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains('vector'), seconds: 0.01 });
    const v = st.vcpus.findIndex((x) => !x.isIdle);
    const mask = (1 << cls(a, 'fpr').index) | (1 << cls(a, 'vmx').index);
    xrstorState(st, 0, v, mask);
    const saved = st.metrics.wordsSaved;
    xsaveState(st, 0, v, mask);
    expect(st.metrics.wordsSaved - saved).toBe(cls(a, 'fpr').words + cls(a, 'vmx').words);
    expect(st.metrics.xsaveWordsAvoided).toBe(0);
    expect(st.pcpus[0].xrstorFrom).toBe(NONE);
  });
});

describe('the x86 unit designs with XSAVEOPT/XSAVES', () => {
  const run = (design: typeof fpuEager, arch: Arch, domains = 'io*4,fp*2,vector*2', controlHz = 0) =>
    runOne({ arch, design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(domains), seconds: 0.2, seed: 3, controlHz });

  it('fpu-eager: far fewer words saved than copying every component, with 0 violations', () => {
    const opt = run(fpuEager, x86);
    const plain = run(fpuEager, x86WithoutXsave());
    expect(opt.violations).toEqual([]);
    expect(plain.violations).toEqual([]);
    expect(plain.metrics.xsaveWordsAvoided).toBe(0);
    expect(opt.metrics.xsaveWordsAvoided).toBeGreaterThan(0);
    expect(opt.metrics.xsaveAvoidedBy.init).toBeGreaterThan(0); // io vcpus never touch the FPU
    expect(opt.metrics.xsaveAvoidedBy.modified).toBeGreaterThan(0);
    // Per switch (the two runs' schedules differ a little with their costs):
    expect(opt.metrics.wordsSaved / opt.metrics.switches).toBeLessThan(0.75 * (plain.metrics.wordsSaved / plain.metrics.switches));
    expect(opt.metrics.cyclesBy.save / opt.metrics.switches).toBeLessThan(plain.metrics.cyclesBy.save / plain.metrics.switches);
    // Only unit designs that ask for it: xen-x86-lazy on the same architecture copies in full.
    expect(opt.metrics.unitSavesAvoided).toBe(0);
  });

  for (const design of [fpuEager, xenX86LazyFpu, linuxX86Deferred, sel4Rfc18, adaptive]) {
    it(`${design.name}: XSAVE words avoided on x86-64, 0 violations, with control operations too`, () => {
      const r = run(design, x86, 'io*4,fp*2,vector*2', 2000);
      expect(r.violations).toEqual([]);
      expect(r.metrics.controlOps).toBeGreaterThan(0);
      expect(r.metrics.xsaveWordsAvoided).toBeGreaterThan(0);
      expect(r.metrics.xsaveWordsAvoided).toBe(r.metrics.xsaveAvoidedBy.init + r.metrics.xsaveAvoidedBy.modified);
      for (const a of ['ppc64', 'arm64', 'riscv64']) if (design.supports(getArch(a)) === true) expect(run(design, getArch(a), 'io*2,fp*2').metrics.xsaveWordsAvoided).toBe(0);
    });
  }
});
