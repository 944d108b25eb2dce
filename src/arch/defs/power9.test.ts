/**
 * The power9 built-in (issue 20): VSX's 64 registers with the FPRs and VRs as their bits, stored
 * and counted once; ELFv2's partly volatile vs14–vs31; two facilities (MSR[FP] over FPRs, FPSCR and
 * the rest of vs0–vs31, MSR[VEC] over the VRs and VSCR); every design that accepts it runs clean.
 */
import { describe, expect, it } from 'vitest';
import { compileArch, getArch, NONVOLATILE, RESERVED, VOLATILE, type ArchSpecInput } from '../index.ts';
import { power9 } from './power9.ts';
import { getDesign, getScheduler } from '../../hv/index.ts';
import { everyAcceptingDesignKeepsEveryInvariant } from './ports.case.ts';
import { powerFacilities } from '../../hv/switch/power-giveup-loadfp/power-giveup-loadfp.ts';
import { runOne } from '../../sim/index.ts';
import { parseDomains } from '../../scenario/index.ts';

const a = getArch('power9');
const vol = (reg: string): number => a.regVolatility[a.regIndex(reg)];
const slots = (sel: string) => [...a.resolve([sel], 'test')].map((r) => a.regNames[r]);

describe('power9: VSX registers, aliases and volatility (Power ISA 3.0B §7.2.1, ELFv2 §2.2.1.1)', () => {
  it('vs0–vs31 are an FPR slot and a doubleword-1 slot; vs32–vs63 are v0–v31 whole', () => {
    expect(slots('vs14')).toEqual(['f14', 'vs14[64:127]']);
    expect(slots('vs0-vs1').sort()).toEqual(['f0', 'f1', 'vs0[64:127]', 'vs1[64:127]']);
    expect(slots('vs52')).toEqual(['v20']);
    expect(slots('vsx')).toHaveLength(64 + 32);
    const cls = (n: string) => a.classes.find((c) => c.name === n)!;
    // Own bits: vsx only doubleword 1 of vs0–vs31; fpr 32 FPRs + FPSCR; vmx 32 VRs + VSCR.
    expect(cls('vsx').bytes).toBe(32 * 8);
    expect(cls('fpr').bytes).toBe(33 * 8);
    expect(cls('vmx').bytes).toBe(33 * 16);
    expect(a.aliasOf[cls('fpr').index]).toBe(1 << cls('vsx').index);
    expect(a.aliasOf[cls('vmx').index]).toBe(1 << cls('vsx').index);
  });

  it('ELFv2: f14–f31 and v20–v31 nonvolatile, the other doubleword of vs14–vs31 volatile; r13, vrsave reserved', () => {
    for (const r of ['r1', 'r2', 'r14', 'r31', 'cr2', 'cr4', 'f14', 'f31', 'v20', 'v31']) expect(vol(r), r).toBe(NONVOLATILE);
    for (const r of ['r0', 'r3', 'r12', 'cr0', 'cr5', 'lr', 'ctr', 'xer', 'f0', 'f13', 'vs14[64:127]', 'vs31[64:127]', 'vs0[64:127]', 'v0', 'v19', 'fpscr', 'vscr']) expect(vol(r), r).toBe(VOLATILE);
    for (const r of ['r13', 'vrsave']) expect(vol(r), r).toBe(RESERVED);
  });

  it('the overlap is counted once: 64 × 128 VSX bits, not 32 × 64 + 64 × 128 + 32 × 128', () => {
    // The same file with the aliases left out, as a user would have written it before issue 20:
    // then f0–f31 and v0–v31 are registers of their own beside vs0–vs63.
    const doubled = structuredClone(power9) as ArchSpecInput;
    doubled.name = 'power9-doubled';
    for (const c of doubled.classes) delete c.aliases;
    const D = compileArch(doubled, 'power9-doubled.json');
    const bitsOf = (arch: typeof a, classes: string[]) => {
      let bits = 0;
      for (let r = 0; r < arch.nregs; r++) if (classes.includes(arch.classes[arch.regClass[r]].name)) bits += arch.regWidth[r];
      return bits;
    };
    const vector = ['fpr', 'vsx', 'vmx'];
    // fpscr is 64 bits, vscr 128 (the class width) beside the 64 × 128 VSX bits.
    expect(bitsOf(a, vector)).toBe(64 * 128 + 64 + 128);
    expect(bitsOf(D, vector) - bitsOf(a, vector)).toBe(32 * 64 + 32 * 128);
    expect(D.words(D.allRegs) - a.words(a.allRegs)).toBe(32 + 64);
    // End to end: eager saves every register at every switch; the same guests and seed move fewer
    // words per switch on the aliased file.
    const run = (arch: typeof a) => runOne({ arch, design: getDesign('eager'), sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('fp*2,vector*1'), seconds: 0.05, seed: 1, checker: true });
    const ra = run(a);
    const rd = run(D);
    expect(ra.violations).toEqual([]);
    expect(rd.violations).toEqual([]);
    expect(ra.metrics.wordsSaved / ra.metrics.switches).toBeLessThan(rd.metrics.wordsSaved / rd.metrics.switches);
  });

  it('two facilities: MSR[FP] over fpr and vsx, MSR[VEC] over vmx; vrsave the SPR no MSR bit gates', () => {
    const units = a.units.map((u) => ({ name: u.name, classes: a.classes.filter((c) => (u.mask >>> c.index) & 1).map((c) => c.name) }));
    expect(units).toEqual([
      { name: 'fp', classes: ['fpr', 'vsx'] },
      { name: 'vec', classes: ['vmx'] },
      { name: 'vrsave', classes: ['vrsave'] },
    ]);
    const f = powerFacilities(a);
    const idx = (n: string) => a.classes.find((c) => c.name === n)!.index;
    expect(f.fp).toBe((1 << idx('fpr')) | (1 << idx('vsx')));
    expect(f.vec).toBe(1 << idx('vmx'));
    expect(f.spr).toBe(1 << idx('vrsave'));
  });

});

describe('power9: the designs', () => {
  it('entry saves every GPR on every path (Linux ≥ 5.14 full pt_regs), so the volatile-only PowerPC designs decline it, saying why', () => {
    for (const name of ['ppc-full-save-on-sched-paths', 'ppc-asm-exit-switch', 'ppc-switch-in-routine', 'ppc-naive-volatile']) {
      expect(getDesign(name).supports(a), name).toMatch(/volatile registers and returns without running softirqs/);
    }
    expect(getDesign('power-giveup-loadfp').supports(a)).toBe(true);
    expect(getDesign('sel4-rfc18').supports(a)).toMatch(/no PowerPC\/POWER port/);
  });

  it('every design that accepts it keeps every invariant under its contracts, control operations on', () => {
    everyAcceptingDesignKeepsEveryInvariant(a, ['eager', 'xen-x86-lazy', 'xen-x86-lazy-fpu', 'power-giveup-loadfp', 'per-vcpu-stack']);
  });
});
