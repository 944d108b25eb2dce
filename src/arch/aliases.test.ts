/**
 * Issue 20's schema: registers that alias other classes' bits, partly volatile registers, units
 * that span classes, and words counted at the architecture's width. Each feature is checked on
 * what it must change (slots, counts, traps, violations) and on the errors a bad file gets.
 */
import { describe, expect, it } from 'vitest';
import { compileArch, getArch, BUILTIN_ARCH_DATA, NONVOLATILE, VOLATILE, type Arch, type ArchSpecInput } from './index.ts';
import { InputError } from '../base/index.ts';
import { getDesign, getScheduler, type SwitchDesign } from '../hv/index.ts';
import { xrstorState } from '../hv/ops.ts';
import { runOne } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';

const clone = (name: string): ArchSpecInput => structuredClone(BUILTIN_ARCH_DATA[name]) as ArchSpecInput;
type ClassInput = ArchSpecInput['classes'][number];
const cls = (spec: ArchSpecInput, name: string): ClassInput => spec.classes.find((c) => c.name === name)!;

/** The issues compileArch raises for `spec`, as "where: message" lines. */
function issues(spec: ArchSpecInput): string[] {
  try {
    compileArch(spec, 'test.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.where}: ${i.message}`);
    throw e;
  }
  return [];
}

const slotsOf = (a: Arch, sel: string) => [...a.resolve([sel], 'test')].map((r) => a.regNames[r]);

describe('aliases: bits two classes share are stored once', () => {
  it('x86-64: xmm0–15 are the low halves of ymm0–15; a ymm register is its xmm slot and its upper-half slot', () => {
    const a = getArch('x86-64');
    expect(slotsOf(a, 'ymm3')).toEqual(['xmm3', 'ymm3[128:255]']);
    expect(slotsOf(a, 'xmm3')).toEqual(['xmm3']);
    const avx = a.classes.find((c) => c.name === 'avx')!;
    // The class's own bits: 16 upper halves of 128 bits, 2 words each.
    expect(avx.end - avx.start).toBe(16);
    expect(avx.bytes).toBe(16 * 16);
    expect(avx.words).toBe(32);
    expect(a.aliasOf[a.classes.find((c) => c.name === 'sse')!.index]).toBe(1 << avx.index);
  });

  it('the same register file written as two separate classes counts the shared bits twice; as an alias, once', () => {
    // A POWER-like file: vs0–vs31 (128 bits) whose doubleword 0 is f0–f31.
    const aliased = clone('ppc64');
    aliased.name = 'ppc-vsx';
    aliased.classes.push({ name: 'vsx', description: 'vs0–vs31', prefix: 'vs', count: 32, widthBits: 128, volatility: 'volatile', hvUses: false, role: 'vector', save: { cycles: 32, source: 'test figure' }, restore: { cycles: 32, source: 'test figure' } });
    const doubled = structuredClone(aliased);
    doubled.name = 'ppc-vsx-doubled';
    cls(aliased, 'fpr').aliases = [{ regs: 'f0-f31', of: 'vs0-vs31', bits: [0, 63] }];
    const A = compileArch(aliased, 'aliased');
    const D = compileArch(doubled, 'doubled');
    // 32 × 64 bits counted twice in the doubled file: 32 words, 256 bytes.
    expect(D.words(D.allRegs) - A.words(A.allRegs)).toBe(32);
    expect(D.nregs - A.nregs).toBe(0); // as many slots: vs0 is f0 + vs0[64:127] instead of one 128-bit slot
    expect(A.classes.find((c) => c.name === 'vsx')!.bytes).toBe(32 * 8);
    expect(slotsOf(A, 'vs5')).toEqual(['f5', 'vs5[64:127]']);
    // End to end: a full save on every switch (eager) moves 32 words less per save.
    const run = (arch: Arch) => runOne({ arch, design: getDesign('eager'), sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('fp*2,cpu*1'), seconds: 0.05, seed: 1, checker: true });
    const ra = run(A);
    const rd = run(D);
    expect(ra.violations).toHaveLength(0);
    expect(rd.violations).toHaveLength(0);
    expect(ra.metrics.wordsSaved).toBeLessThan(rd.metrics.wordsSaved);
  });

  it('aliases chain (LoongArch f ⊂ vr ⊂ xr) and each slot belongs to the innermost class naming it', () => {
    const s = clone('riscv64');
    s.name = 'chain';
    s.classes = s.classes.filter((c) => c.role !== 'vector' && c.role !== 'fp');
    s.units = undefined;
    const fig = { cycles: 10, source: 'test figure' };
    s.classes.push(
      { name: 'fpr', prefix: 'f', count: 32, widthBits: 64, volatility: 'volatile', nonvolatile: ['f24-f31'], aliases: [{ regs: 'f0-f31', of: 'vr0-vr31', bits: [0, 63] }], hvUses: false, role: 'fp', save: fig, restore: fig },
      { name: 'lsx', prefix: 'vr', count: 32, widthBits: 128, volatility: 'volatile', aliases: [{ regs: 'vr0-vr31', of: 'xr0-xr31', bits: [0, 127] }], hvUses: false, role: 'vector', save: fig, restore: fig },
      { name: 'lasx', prefix: 'xr', count: 32, widthBits: 256, volatility: 'volatile', hvUses: false, role: 'vector', save: fig, restore: fig },
    );
    const a = compileArch(s, 'chain');
    expect(slotsOf(a, 'xr24')).toEqual(['f24', 'vr24[64:127]', 'xr24[128:255]']);
    expect(slotsOf(a, 'vr24')).toEqual(['f24', 'vr24[64:127]']);
    expect(a.regVolatility[a.regIndex('f24')]).toBe(NONVOLATILE);
    expect(a.regVolatility[a.regIndex('vr24[64:127]')]).toBe(VOLATILE);
    const idx = (n: string) => a.classes.find((c) => c.name === n)!.index;
    expect(a.aliasOf[idx('fpr')]).toBe((1 << idx('lsx')) | (1 << idx('lasx')));
    expect(a.aliasOf[idx('lasx')]).toBe(0);
    // 32 × 256 bits in all, whichever class holds them.
    let bytes = 0;
    for (const n of ['fpr', 'lsx', 'lasx']) bytes += a.classes[idx(n)].bytes;
    expect(bytes).toBe(32 * 32);
  });

  it('bad aliases: each issue once, naming the field', () => {
    const base = () => {
      const s = clone('x86-64');
      return s;
    };
    let s = base();
    cls(s, 'sse').aliases = [{ regs: 'xmm0-xmm15', of: 'ymm0-ymm14', bits: [0, 127] }];
    expect(issues(s)).toEqual(['classes[4].aliases[0]: "xmm0-xmm15" names 16 registers but "ymm0-ymm14" names 15: expected as many']);
    s = base();
    cls(s, 'sse').aliases = [{ regs: 'xmm0-xmm15', of: 'ymm0-ymm15', bits: [0, 63] }];
    expect(issues(s)).toEqual(['classes[4].aliases[0].bits: [0, 63] is 64 bits but "sse" registers are 128 (widthBits)']);
    s = base();
    cls(s, 'sse').aliases = [{ regs: 'xmm0-xmm15', of: 'ymm0-ymm15', bits: [192, 319] }];
    expect(issues(s)).toEqual(['classes[4].aliases[0].bits: bit 319 is past the end of ymm0 (256 bits)']);
    s = base();
    cls(s, 'sse').aliases = [{ regs: 'xmm0-xmm15', of: 'xmm0-xmm15', bits: [0, 127] }];
    expect(issues(s)).toEqual(['classes[4].aliases[0].of: xmm0 is in class "sse" itself: an alias names another class\'s registers']);
    // Two aliases into ymm0 that overlap in part.
    s = base();
    cls(s, 'x87').aliases = [{ regs: 'st0', of: 'ymm0', bits: [100, 179] }];
    expect(issues(s)).toEqual([expect.stringMatching(/^classes\[\d\]\.aliases: st0 and xmm0 overlap in part \(bits 100–179 and 0–127 of ymm0\): aliases must nest or be disjoint$/)]);
    // A class all of whose bits are other classes' registers.
    s = base();
    cls(s, 'avx').widthBits = 128;
    expect(issues(s)).toEqual(['classes[5]: class "avx" has no bits of its own: other classes\' registers alias all of it']);
  });
});

describe('partly volatile registers', () => {
  it('arm64: only the low 64 bits of v8–v15 are callee-saved (AAPCS64 §6.1.2)', () => {
    const a = getArch('arm64');
    expect(slotsOf(a, 'v8')).toEqual(['v8[0:63]', 'v8[64:127]']);
    expect(a.regVolatility[a.regIndex('v8[0:63]')]).toBe(NONVOLATILE);
    expect(a.regVolatility[a.regIndex('v8[64:127]')]).toBe(VOLATILE);
    expect(a.regVolatility[a.regIndex('v7')]).toBe(VOLATILE);
    // The split changes no byte count: v8 is 16 bytes in two slots.
    expect(a.regBytes[a.regIndex('v8[0:63]')] + a.regBytes[a.regIndex('v8[64:127]')]).toBe(16);
  });

  it('a bit range past the register, or backwards, is one line naming the field', () => {
    const s = clone('arm64');
    cls(s, 'fpsimd').nonvolatile = ['v8-v15[0:200]'];
    expect(issues(s)).toEqual(['classes[2].nonvolatile: "v8-v15[0:200]": bit 200 is past the end of v8 (128 bits)']);
    cls(s, 'fpsimd').nonvolatile = ['v8-v15[63:0]'];
    expect(issues(s)).toEqual(['classes[2].nonvolatile: "v8-v15[63:0]": the bit range runs backwards']);
  });
});

describe('units that span classes', () => {
  /** xen-x86-lazy-fpu with a #NM handler that restores and enables `which` of the trapping class. */
  const trapping = (which: 'class' | 'unit'): SwitchDesign => ({
    ...getDesign('xen-x86-lazy-fpu'),
    name: `lazy-fpu-per-${which}`,
    unitTrap(st, p, ci) {
      const pc = st.pcpus[p];
      const mask = which === 'class' ? 1 << ci : st.cfg.arch.unitGroup[ci];
      xrstorState(st, p, pc.current, mask);
      pc.unitEnabled |= mask;
    },
  });
  const noUnits = (() => {
    const s = clone('x86-64');
    s.name = 'x86-64-units-apart';
    delete s.units;
    return compileArch(s, 'x86-64 without units');
  })();
  const run = (arch: Arch, design: SwitchDesign) => runOne({ arch, design, sched: getScheduler('credit'), pcpus: 2, domains: parseDomains('fp*3'), seconds: 0.05, seed: 2, checker: true });

  it('x86-64: CR0.TS is one unit over x87, SSE and AVX; without `units` each class is a unit alone', () => {
    const a = getArch('x86-64');
    expect(a.units.map((u) => u.name)).toEqual(['fpu']);
    const x87 = a.classes.find((c) => c.name === 'x87')!.index;
    expect(a.unitGroup[x87]).toBe(a.units[0].mask);
    expect(noUnits.units.map((u) => u.name)).toEqual(['x87', 'sse', 'avx']);
  });

  it('one trap per unit, not per class: the first use of any class enables them all', () => {
    // The same handler (it enables the unit of the trapping class) on the same guests: with the
    // classes apart, each is a unit and traps on its own first use. (xen-x86-lazy-fpu's save
    // path assumes CR0.TS's one unit, so apart it also loses state: only the traps are compared.)
    const apart = run(noUnits, trapping('unit'));
    const one = run(getArch('x86-64'), trapping('unit'));
    expect(one.violations).toHaveLength(0);
    expect(one.metrics.traps).toBeGreaterThan(0);
    expect(one.metrics.traps).toBeLessThan(apart.metrics.traps);
  });

  it('a handler that loads only the trapping class of a spanning unit leaves the others stale, and the checker says so', () => {
    const r = run(getArch('x86-64'), trapping('class'));
    expect(r.violations.length).toBeGreaterThan(0);
    expect(r.violations[0].invariant).toBe('guest-state');
  });

  it('bad units: each issue once, naming the field', () => {
    const s = clone('x86-64');
    s.units = [
      { name: 'fpu', classes: ['x87', 'sse'], control: 'CR0.TS', source: 'test' },
      { name: 'more', classes: ['sse', 'gpr', 'nope'], control: 'X', source: 'test' },
    ];
    expect(issues(s)).toEqual([
      'units[1].classes[0]: "sse" is already in unit "fpu"',
      'units[1].classes[1]: "gpr" is used by the hypervisor: a unit covers fp or vector classes the hypervisor leaves alone',
      'units[1].classes[2]: "nope" is not a class (classes: gpr, ctl, seg, x87, sse, avx)',
    ]);
  });
});

describe('words at the architecture\'s width', () => {
  it('a register counts ceil(width / wordBits) words: on a 32-bit architecture a 64-bit register is two', () => {
    const s = clone('x86-64');
    const a64 = compileArch(s, '64');
    s.wordBits = 32;
    const a32 = compileArch(s, '32');
    const r = a64.regIndex('rax');
    expect(a64.regWords[r]).toBe(1);
    expect(a32.regWords[r]).toBe(2);
    expect(a32.regBytes[r]).toBe(a64.regBytes[r]);
  });

  it('a register narrower than its class counts its own width: arm64 FPSR and FPCR are 32 bits beside 128-bit V', () => {
    const a = getArch('arm64');
    for (const n of ['fpsr', 'fpcr']) {
      const r = a.regIndex(n);
      expect([a.regWidth[r], a.regWords[r], a.regBytes[r]], n).toEqual([32, 1, 4]);
    }
    expect([a.regWidth[a.regIndex('v0')], a.regWords[a.regIndex('v0')]]).toEqual([128, 2]);
    // Written as one 128-bit class, as before: each is two words and 16 bytes.
    const s = clone('arm64');
    delete cls(s, 'fpsimd').narrower;
    const wide = compileArch(s, 'wide');
    expect(wide.words(wide.allRegs) - a.words(a.allRegs)).toBe(2);
    expect(wide.classes.find((c) => c.name === 'fpsimd')!.bytes - a.classes.find((c) => c.name === 'fpsimd')!.bytes).toBe(2 * 12);
  });

  it('bad narrower registers: each issue once, naming the field', () => {
    const s = clone('arm64');
    cls(s, 'fpsimd').narrower = [{ regs: 'fpsr, x0', widthBits: 32 }, { regs: 'fpcr', widthBits: 128 }];
    expect(issues(s)).toEqual([
      'classes[2].narrower[0].regs: "x0" is not a register of class "fpsimd"',
      'classes[2].narrower[1].widthBits: 128 is not narrower than the class (128 bits, widthBits)',
    ]);
    const t = clone('arm64');
    cls(t, 'fpsimd').narrower = [{ regs: 'v3', widthBits: 64 }];
    expect(issues(t)).toEqual(['classes[2].aliases[0].regs: v3 is 64 bits (narrower), not the 128 of its class: an alias is a whole register of widthBits']);
  });
});
