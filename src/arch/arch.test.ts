import { describe, expect, it } from 'vitest';
import { builtinArchNames, getArch, loadArchText, compileArch, NONVOLATILE, VOLATILE, RESERVED, BUILTIN_ARCH_DATA } from './index.ts';
import { InputError } from '../base/index.ts';

describe('built-in architectures', () => {
  for (const name of builtinArchNames()) {
    it(`${name} compiles, every cost figure has a source, every entry path is defined`, () => {
      const a = getArch(name);
      expect(a.nregs).toBeGreaterThan(30);
      for (const c of a.spec.classes) {
        expect(c.save.source.length).toBeGreaterThan(5);
        expect(c.restore.source.length).toBeGreaterThan(5);
      }
      for (const f of Object.values(a.spec.cost)) expect(f.source.length).toBeGreaterThan(5);
      expect(Object.keys(a.entry).sort()).toEqual(['decrementer', 'external', 'hv-timer', 'hypercall', 'ipi', 'program-check']);
    });
  }

  it('ppc64 follows ELFv2: r14–r31, f14–f31, v20–v31, CR2–CR4 nonvolatile; r13 reserved', () => {
    const a = getArch('ppc64');
    const vol = (n: string) => a.regVolatility[a.regIndex(n)];
    for (const n of ['r14', 'r31', 'f14', 'f31', 'v20', 'v31', 'cr2', 'cr4', 'r1']) expect(vol(n)).toBe(NONVOLATILE);
    for (const n of ['r0', 'r3', 'r12', 'f0', 'f13', 'v0', 'v19', 'cr0', 'cr5', 'lr', 'ctr', 'xer']) expect(vol(n)).toBe(VOLATILE);
    expect(vol('r13')).toBe(RESERVED);
    expect(vol('vrsave')).toBe(RESERVED);
    expect(a.regNames.filter((n) => /^v\d+$/.test(n))).toHaveLength(32);
    expect(a.classes.find((c) => c.name === 'vmx')!.widthBits).toBe(128);
  });

  it('ppc64 entry paths: only hcall, HDEC and program check save r14–r31 (exceptions.S)', () => {
    const a = getArch('ppc64');
    const saves = (p: keyof typeof a.entry) => a.entry[p].saves.includes(a.regIndex('r20'));
    expect(saves('hypercall')).toBe(true);
    expect(saves('hv-timer')).toBe(true);
    expect(saves('program-check')).toBe(true);
    expect(saves('decrementer')).toBe(false);
    expect(saves('external')).toBe(false);
    expect(saves('ipi')).toBe(false);
    expect(a.entry.external.runsSoftirqs).toBe(false);
  });

  it('x86-64: every entry path saves every GPR (SAVE_ALL); SysV callee-saved set', () => {
    const a = getArch('x86-64');
    for (const e of Object.values(a.entry)) expect(Array.from(e.saves)).toEqual(Array.from(a.hvRegs));
    expect(['rbx', 'rbp', 'rsp', 'r12', 'r13', 'r14', 'r15'].map((n) => a.regVolatility[a.regIndex(n)])).toEqual(Array(7).fill(NONVOLATILE));
    expect(a.regNames).toContain('ymm15[128:255]');
  });
});

describe('user architectures from files', () => {
  const yaml = JSON.stringify(BUILTIN_ARCH_DATA['x86-64'], null, 2);

  it('loads a valid JSON file (the built-in x86-64, round-tripped)', () => {
    const a = loadArchText(yaml, 'my.json');
    expect(a.nregs).toBe(getArch('x86-64').nregs);
  });

  it('names the field and the line of a bad value', () => {
    const bad = yaml.replace('"widthBits": 64', '"widthBits": -3');
    const err = (() => {
      try {
        loadArchText(bad, 'bad.json');
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toMatch(/bad\.json: classes\[0\]\.widthBits \(line \d+\)/);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(() => loadArchText('name: x\n  bad: [\n', 'broken.yaml')).toThrow(/broken\.yaml: line \d+: not valid YAML/);
  });

  it('rejects a selector that names no register, naming the field', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA['ppc64']) as any;
    data.entry.decrementer.saves = ['r0-r40'];
    expect(() => compileArch(data, 'x')).toThrow(/entry\.decrementer\.saves: "r0-r40" names 9 registers no class defines \(r32…r40\)/);
  });

  it('says a range that runs past its class once, however many registers it misses (issue 20)', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA['ppc64']) as any;
    data.entry.decrementer.saves = ['f8-f47'];
    const err = (() => {
      try {
        compileArch(data, 'x');
      } catch (e) {
        return e as InputError;
      }
      throw new Error('compiled');
    })();
    expect(err.issues).toEqual([{ where: 'entry.decrementer.saves', message: '"f8-f47" names 16 registers no class defines (f32…f47)' }]);
  });

  it('says a field left out is missing, not "received undefined" (issue 20)', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA['ppc64']) as any;
    delete data.classes[0].widthBits;
    let msg = '';
    try {
      compileArch(data, 'x');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/classes\[0\]\.widthBits: missing \(expected number\)/);
    expect(msg).not.toMatch(/received undefined/);
  });

  it('requires every entry path and a source for every cost', () => {
    const data = structuredClone(BUILTIN_ARCH_DATA['ppc64']) as any;
    delete data.entry.ipi;
    delete data.cost.ipi.source;
    expect(() => compileArch(data, 'x')).toThrow(/entry\.ipi: missing entry path "ipi"/);
    expect(() => compileArch(data, 'x')).toThrow(/cost\.ipi\.source/);
  });
});
