/**
 * The arm64, riscv64 and loongarch64 built-ins: they compile, their volatility follows the ABI text (AAPCS64,
 * anchors §7.2; RISC-V psABI, §7.4), every entry path saves every GPR, and the CLI runs every
 * design that accepts them with no violations (a child process, like test/e2e/cli.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { getArch, NONVOLATILE, RESERVED, VOLATILE } from '../index.ts';

const BIN = new URL('../../../bin/lazyswitch.mjs', import.meta.url).pathname;
const NEW = ['arm64', 'riscv64', 'loongarch64'];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function vol(arch: string, reg: string): number {
  const a = getArch(arch);
  return a.regVolatility[a.regIndex(reg)];
}

describe('arm64, riscv64 and loongarch64 built-ins', () => {
  for (const name of NEW) {
    it(`${name} compiles through getArch, with a source on every figure`, () => {
      const a = getArch(name);
      expect(a.name).toBe(name);
      expect(a.nregs).toBeGreaterThan(30);
      for (const c of a.spec.classes) {
        expect(c.save.source.length).toBeGreaterThan(5);
        expect(c.restore.source.length).toBeGreaterThan(5);
      }
      for (const f of Object.values(a.spec.cost)) expect(f.source.length).toBeGreaterThan(5);
      expect(a.spec.addressSpace.switch.source).toMatch(/\[estimate\]/);
    });

    it(`${name}: every entry path saves every GPR and runs softirqs`, () => {
      const a = getArch(name);
      const gpr = a.classes.find((c) => c.name === 'gpr')!;
      for (const [path, e] of Object.entries(a.entry)) {
        for (let r = gpr.start; r < gpr.end; r++) expect(e.saves, `${path} saves ${a.regNames[r]}`).toContain(r);
        expect(Array.from(e.saves)).toEqual(Array.from(a.hvRegs));
        expect(e.runsSoftirqs).toBe(true);
      }
    });

    it(`${name}: class roles cover int, system, fp and vector; only integer state is hvUses`, () => {
      const a = getArch(name);
      expect(new Set(a.classes.map((c) => c.role))).toEqual(new Set(['int', 'system', 'fp', 'vector']));
      for (const c of a.classes) if (c.hvUses) expect(c.role).toBe('int');
      for (const c of a.classes) if (c.role !== 'int') expect(c.hvUses).toBe(false);
    });
  }

  it('arm64 follows AAPCS64: x19–x29, sp and the low 64 bits of v8–v15 nonvolatile; x0–x17, x30, v0–v7, v16–v31, the rest of v8–v15 volatile; x18 reserved', () => {
    for (const n of ['x19', 'x28', 'x29', 'sp', 'v8[0:63]', 'v15[0:63]']) expect(vol('arm64', n), n).toBe(NONVOLATILE);
    for (const n of ['x0', 'x8', 'x9', 'x15', 'x16', 'x17', 'x30', 'v0', 'v7', 'v8[64:127]', 'v15[64:127]', 'v16', 'v31', 'fpsr', 'pc', 'pstate', 'z0[128:255]', 'p0']) expect(vol('arm64', n), n).toBe(VOLATILE);
    expect(vol('arm64', 'x18')).toBe(RESERVED);
    const a = getArch('arm64');
    expect(a.classes.find((c) => c.name === 'fpsimd')!.widthBits).toBe(128);
    // v0–v7 and v16–v31 whole, v8–v15 in two halves; v0–v31 are z0–z31's low 128 bits, stored once.
    expect(a.regNames.filter((n) => /^v\d+$/.test(n))).toHaveLength(24);
    expect(a.regNames.filter((n) => /^v\d+\[/.test(n))).toHaveLength(16);
    expect(a.regNames.filter((n) => /^z\d+/.test(n))).toEqual(Array.from({ length: 32 }, (_, i) => `z${i}[128:255]`));
    for (const n of ['sctlr_el1', 'ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'tpidr_el0', 'tpidr_el1', 'vbar_el1']) {
      expect(a.classes[a.regClass[a.regIndex(n)]].role).toBe('system');
    }
    expect(a.spec.addressSpace.kind).toBe('vttbr');
  });

  it('riscv64 follows the psABI: s0–s11, sp, fs0–fs11 nonvolatile; ra, t*, a*, ft*, fa*, v* volatile; gp, tp reserved', () => {
    for (const n of ['s0', 's1', 's2', 's11', 'sp', 'fs0', 'fs1', 'fs2', 'fs11']) expect(vol('riscv64', n), n).toBe(NONVOLATILE);
    for (const n of ['ra', 't0', 't6', 'a0', 'a7', 'ft0', 'ft11', 'fa0', 'v0', 'v31', 'vl', 'vtype', 'vstart', 'vcsr', 'pc']) expect(vol('riscv64', n), n).toBe(VOLATILE);
    expect(vol('riscv64', 'gp')).toBe(RESERVED);
    expect(vol('riscv64', 'tp')).toBe(RESERVED);
    const a = getArch('riscv64');
    expect(a.classes.find((c) => c.name === 'gpr')!.end - a.classes.find((c) => c.name === 'gpr')!.start).toBe(31);
    expect(a.regNames.filter((n) => /^f[tsa]\d+$/.test(n))).toHaveLength(32);
    expect(a.classes.find((c) => c.name === 'vreg')!.widthBits).toBe(128);
    for (const n of ['sstatus', 'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'satp']) {
      expect(a.classes[a.regClass[a.regIndex(n)]].role).toBe('system');
    }
    expect(a.spec.addressSpace.kind).toBe('hgatp');
  });
});

describe('C frames of the hypervisor (schema cframes)', () => {
  it('compiled code preserves exactly the callee-saved GPRs but sp: x19–x29 on arm64, s0–s11 on riscv64', () => {
    const names = (arch: string) => Array.from(getArch(arch).hvCalleeSaved, (r) => getArch(arch).regNames[r]);
    expect(names('arm64')).toEqual(['x19', 'x20', 'x21', 'x22', 'x23', 'x24', 'x25', 'x26', 'x27', 'x28', 'x29']);
    expect(names('riscv64')).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11']);
    for (const arch of NEW) {
      const a = getArch(arch);
      expect(a.cframes.chains.every((c) => c.length > 0)).toBe(true);
      // What C code changes (scratch registers, sp, lr/ra, pc) is what a volatile-only stub must save.
      expect(a.hvCallerSaved).toContain(a.regIndex('sp'));
      expect(a.hvCallerSaved).toContain(a.regIndex('pc'));
    }
  });
});

describe('lazyswitch run --arch arm64 / riscv64 / loongarch64 (CLI)', () => {
  const list = cli('list', '--json');
  const designs: { name: string; archs: string[] }[] = JSON.parse(list.out).designs;

  for (const name of NEW) {
    it(`run --arch ${name} --time 20ms --json (the default designs) exits 0 with no violations`, () => {
      const r = cli('run', '--arch', name, '--time', '20ms', '--json');
      expect(r.code, r.err).toBe(0);
      const doc = JSON.parse(r.out);
      expect(doc.results.length).toBeGreaterThan(0);
      for (const res of doc.results) {
        expect(res.arch).toBe(name);
        expect(res.violations, `${res.design} on ${name}`).toEqual([]);
      }
    });

    it(`run --arch ${name} --design <every design that supports it> exits 0 with no violations`, () => {
      const supporting = designs.filter((d) => d.archs.includes(name)).map((d) => d.name);
      expect(supporting).toEqual(expect.arrayContaining(['eager', 'xen-x86-lazy']));
      const r = cli('run', '--arch', name, '--time', '20ms', '--json', '--design', supporting.join(','));
      expect(r.code, r.err).toBe(0);
      const doc = JSON.parse(r.out);
      expect(doc.results.map((x: any) => x.design).sort()).toEqual([...supporting].sort());
      for (const res of doc.results) {
        expect(res.arch).toBe(name);
        expect(res.violations, `${res.design} on ${name}`).toEqual([]);
        expect(res.metrics.switches).toBeGreaterThan(0);
      }
    });
  }
});
