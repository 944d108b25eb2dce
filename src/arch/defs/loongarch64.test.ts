/**
 * The loongarch64 definition: it compiles, its volatility follows the LoongArch psABI (lapcs.adoc:
 * s0–s8, fp, sp and the FPR part of fs0–fs7 = f24–f31 preserved, nothing above bit 63 of a vector
 * register), the f ⊂ vr ⊂ xr register file is stored once, and CSR.EUEN's three enable bits are three
 * units; and every design that accepts it keeps every invariant.
 */
import { describe, expect, it } from 'vitest';
import { compileArch, NONVOLATILE, RESERVED, VOLATILE, type Arch } from '../arch.ts';
import { loongarch64 } from './loongarch64.ts';
import { getArch } from '../registry.ts';
import { everyAcceptingDesignKeepsEveryInvariant } from './ports.case.ts';

const a: Arch = compileArch(loongarch64, 'test');
const vol = (reg: string) => a.regVolatility[a.regIndex(reg)];
const cls = (name: string) => a.classes.find((c) => c.name === name)!;
const slotsOf = (sel: string) => [...a.resolve([sel], 'test')].map((r) => a.regNames[r]);

describe('loongarch64', () => {
  it('compiles, with a source on every figure', () => {
    expect(a.name).toBe('loongarch64');
    expect(a.spec.family).toBe('loongarch');
    expect(a.spec.wordBits).toBe(64);
    expect(a.spec.clockHz).toBe(2.5e9);
    for (const c of a.spec.classes) {
      expect(c.save.source.length, c.name).toBeGreaterThan(5);
      expect(c.restore.source.length, c.name).toBeGreaterThan(5);
    }
    for (const f of Object.values(a.spec.cost)) expect(f.source.length).toBeGreaterThan(5);
    expect(a.spec.addressSpace.switch.source).toMatch(/\[estimate\]/);
    expect(a.spec.addressSpace.kind).toBe('pgdl+gstat.gid');
    expect(new Set(a.classes.map((c) => c.role))).toEqual(new Set(['int', 'system', 'fp', 'vector']));
    for (const c of a.classes) expect(c.hvUses, c.name).toBe(c.role === 'int');
  });

  it('GPRs follow lapcs.adoc: sp, fp, s0–s8 preserved; ra, a0–a7, t0–t8 not; tp and r21 non-allocatable; no r0', () => {
    const gpr = cls('gpr');
    expect(gpr.end - gpr.start).toBe(31);
    expect(() => a.regIndex('zero')).toThrow();
    for (const n of ['sp', 'fp', ...Array.from({ length: 9 }, (_, i) => `s${i}`)]) expect(vol(n), n).toBe(NONVOLATILE);
    for (const n of ['ra', ...Array.from({ length: 8 }, (_, i) => `a${i}`), ...Array.from({ length: 9 }, (_, i) => `t${i}`), 'pc']) expect(vol(n), n).toBe(VOLATILE);
    expect(vol('tp')).toBe(RESERVED);
    expect(vol('r21')).toBe(RESERVED);
  });

  it('only the FPR part of fs0–fs7 (f24–f31) is nonvolatile; the rest of f, every vector bit above 63, fcc are volatile; fcsr0 reserved', () => {
    for (let i = 24; i < 32; i++) expect(vol(`f${i}`), `f${i}`).toBe(NONVOLATILE);
    for (let i = 0; i < 24; i++) expect(vol(`f${i}`), `f${i}`).toBe(VOLATILE);
    for (let i = 0; i < 32; i++) {
      expect(vol(`vr${i}[64:127]`), `vr${i}[64:127]`).toBe(VOLATILE);
      expect(vol(`xr${i}[128:255]`), `xr${i}[128:255]`).toBe(VOLATILE);
    }
    for (let i = 0; i < 8; i++) expect(vol(`fcc${i}`)).toBe(VOLATILE);
    expect(vol('fcsr0')).toBe(RESERVED);
    // Exactly eight nonvolatile slots outside the GPRs.
    const gpr = cls('gpr');
    const nv = a.regNames.filter((_, r) => a.regVolatility[r] === NONVOLATILE && (r < gpr.start || r >= gpr.end));
    expect(nv).toEqual(Array.from({ length: 8 }, (_, i) => `f${24 + i}`));
  });

  it('aliases chain f ⊂ vr ⊂ xr: one 256-bit register is three slots, each class owns only its own bits', () => {
    expect(slotsOf('xr24')).toEqual(['f24', 'vr24[64:127]', 'xr24[128:255]']);
    expect(slotsOf('vr3')).toEqual(['f3', 'vr3[64:127]']);
    expect(slotsOf('f3')).toEqual(['f3']);
    expect(cls('fpr').bytes).toBe(32 * 8);
    expect(cls('lsx').bytes).toBe(32 * 8);
    expect(cls('lasx').bytes).toBe(32 * 16);
    // aliasOf follows the chain to its end.
    expect(a.aliasOf[cls('fpr').index]).toBe((1 << cls('lsx').index) | (1 << cls('lasx').index));
    expect(a.aliasOf[cls('lsx').index]).toBe(1 << cls('lasx').index);
    expect(a.aliasOf[cls('lasx').index]).toBe(0);
  });

  it('the overlap is counted once: all slots sum to 32 × 256 vector bits plus the GPR, pc, fcc, fcsr and CSR bits', () => {
    const total = Array.from(a.regWidth).reduce((s, w) => s + w, 0);
    const nsys = cls('sysreg').end - cls('sysreg').start;
    const expected = 32 * 256 + 31 * 64 + 64 + 8 * 1 + 32 + nsys * 64;
    expect(total).toBe(expected);
    expect(total).not.toBe(expected - 32 * 256 + 32 * (64 + 128 + 256));
  });

  it('CSR.EUEN is three units, FPE, SXE and ASXE, with distinct disjoint masks and no hardware dirty state', () => {
    expect(a.units.map((u) => u.name)).toEqual(['fp', 'lsx', 'lasx']);
    expect(a.units.map((u) => u.control)).toEqual(['EUEN.FPE', 'EUEN.SXE', 'EUEN.ASXE']);
    const masks = a.units.map((u) => u.mask);
    expect(new Set(masks).size).toBe(3);
    for (const m of masks) expect(m).not.toBe(0);
    expect(masks[0] & masks[1]).toBe(0);
    expect(masks[0] & masks[2]).toBe(0);
    expect(masks[1] & masks[2]).toBe(0);
    expect(masks[0]).toBe((1 << cls('fpr').index) | (1 << cls('fcc').index) | (1 << cls('fcsr').index));
    expect(masks[1]).toBe(1 << cls('lsx').index);
    expect(masks[2]).toBe(1 << cls('lasx').index);
    for (const u of a.units) expect(u.dirtyState).toBeUndefined();
    for (const c of ['fpr', 'fcc', 'fcsr']) expect(a.unitGroup[cls(c).index]).toBe(masks[0]);
  });

  it('every entry path saves every GPR and pc and runs softirqs; compiled code preserves fp and s0–s8', () => {
    for (const [path, e] of Object.entries(a.entry)) {
      expect(Array.from(e.saves), path).toEqual(Array.from(a.hvRegs));
      expect(e.runsSoftirqs, path).toBe(true);
    }
    expect(a.hvRegs.length).toBe(32); // r1–r31 and pc
    expect(Array.from(a.hvCalleeSaved, (r) => a.regNames[r])).toEqual(['fp', ...Array.from({ length: 9 }, (_, i) => `s${i}`)]);
    expect(Array.from(a.cframes.allocation, (r) => a.regNames[r])).toEqual([...Array.from({ length: 9 }, (_, i) => `s${i}`), 'fp']);
    expect(a.hvCallerSaved).toContain(a.regIndex('sp'));
    expect(a.hvCallerSaved).toContain(a.regIndex('pc'));
    expect(a.cframes.chains.every((c) => c.length > 0)).toBe(true);
  });

  it('the system class holds the GCSRs KVM moves at vcpu_put/vcpu_load', () => {
    for (const n of ['crmd', 'prmd', 'euen', 'era', 'estat', 'pgdl', 'asid', 'tcfg', 'tval', 'save0', 'save7', 'tlbrentry', 'dmw3', 'llbctl']) {
      expect(a.classes[a.regClass[a.regIndex(n)]].name, n).toBe('sysreg');
      expect(vol(n), n).toBe(RESERVED);
    }
    expect(cls('sysreg').role).toBe('system');
    expect(cls('sysreg').hvUses).toBe(false);
  });

  it('is the built-in loongarch64', () => {
    expect(getArch('loongarch64').nregs).toBe(a.nregs);
  });

  it('every design that accepts it keeps every invariant under its contracts, control operations on, its units trapped', () => {
    everyAcceptingDesignKeepsEveryInvariant(a, ['eager', 'xen-x86-lazy', 'xen-x86-lazy-fpu', 'arm64-foreign-fpstate', 'per-vcpu-stack']);
  });
});
