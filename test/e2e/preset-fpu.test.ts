/** End-to-end: `lazyswitch run --preset fpu` (issue 6), through bin/lazyswitch.mjs as a user runs it. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lazyswitch run --preset fpu', () => {
  it('compares the unit designs on every architecture that supports them; --json carries the new metrics', () => {
    const r = cli('run', '--preset', 'fpu', '--time', '50ms', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.results.map((x: any) => `${x.arch}/${x.design}`).sort()).toEqual([
      'arm64/adaptive',
      'arm64/arm64-foreign-fpstate',
      'arm64/fpu-eager',
      'arm64/linux-x86-deferred',
      'arm64/sel4-rfc18',
      'arm64/xen-x86-lazy-fpu',
      'loongarch64/adaptive',
      'loongarch64/arm64-foreign-fpstate',
      'loongarch64/fpu-eager',
      'loongarch64/linux-x86-deferred',
      'loongarch64/xen-x86-lazy-fpu',
      'power9/adaptive',
      'power9/fpu-eager',
      'power9/linux-x86-deferred',
      'power9/power-giveup-loadfp',
      'power9/xen-x86-lazy-fpu',
      'ppc64/adaptive',
      'ppc64/fpu-eager',
      'ppc64/linux-x86-deferred',
      'ppc64/power-giveup-loadfp',
      'ppc64/xen-x86-lazy-fpu',
      'riscv64/adaptive',
      'riscv64/fpu-eager',
      'riscv64/linux-x86-deferred',
      'riscv64/riscv-dirty-gated',
      'riscv64/sel4-rfc18',
      'riscv64/xen-x86-lazy-fpu',
      'x86-64/adaptive',
      'x86-64/fpu-eager',
      'x86-64/linux-x86-deferred',
      'x86-64/sel4-rfc18',
      'x86-64/xen-x86-lazy-fpu',
    ]);
    for (const res of doc.results) {
      expect(res.violations).toEqual([]);
      for (const k of ['traps', 'unitSavesAvoided', 'exposureCycles', 'usedUnitFraction', 'exposureInstructions', 'xsaveWordsAvoided']) expect(typeof res.metrics[k]).toBe('number');
      expect(Object.keys(res.metrics.exposureInstructionsByPair).sort()).toEqual(Object.keys(res.metrics.exposureByPair).sort());
      // XSAVEOPT/XSAVES only where the architecture has XSAVE, and every x86 unit design uses them.
      if (res.arch === 'x86-64') expect(res.metrics.xsaveWordsAvoided).toBeGreaterThan(0);
      else expect(res.metrics.xsaveWordsAvoided).toBe(0);
      switch (res.design) {
        // Lazy: units disabled at switch-in, trapped on first use, other domains' values behind them.
        case 'xen-x86-lazy-fpu':
        case 'adaptive':
        case 'power-giveup-loadfp':
          expect(res.metrics.traps).toBeGreaterThan(0);
          expect(res.metrics.exposureCycles).toBeGreaterThan(0);
          expect(res.metrics.exposureInstructions).toBeGreaterThan(0);
          break;
        // No trap ever, but fpuDisabled vcpus (int, io, cpu) run with the FPU off over other domains' values.
        case 'sel4-rfc18':
          expect(res.metrics.traps).toBe(0);
          expect(res.metrics.exposureCycles).toBeGreaterThan(0);
          break;
        // Lazy for SVE only, and the default domains never use it.
        case 'arm64-foreign-fpstate':
          expect(res.metrics.traps).toBe(0);
          expect(res.metrics.exposureCycles).toBe(0);
          break;
        default:
          expect(res.metrics.exposureCycles).toBe(0);
          expect(res.metrics.exposureInstructions).toBe(0);
      }
    }
  });
  it('prints one table with traps and exposure', () => {
    const r = cli('run', '--preset', 'fpu', '--arch', 'x86-64', '--time', '20ms');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/design\s+switches\s+Mcycles\s+overhead %\s+traps\s+unit saves avoided\s+restores avoided\s+exposure Mcycles/);
    expect(r.out).toMatch(/exposure Mcycles\s+exposure Minstr\s+exposure %\s+XSAVE words avoided/);
    // The window per domain pair: the default domains are d1 cpu, d2 fp, d3 io; only d2 uses the FPU.
    expect(r.out).toMatch(/LazyFP exposure by domain pair: .*\(d1 cpu, d2 fp, d3 io\)/);
    expect(r.out).toMatch(/^x86-64\s+xen-x86-lazy-fpu\s+d[13] over d2\s+[\d.,]+\s+[\d.,]+\s+\d+$/m);
    expect(r.out).not.toMatch(/^x86-64\s+fpu-eager\s+d\d over/m);
  });
  it('refuses an unknown preset, naming the flag (exit 2)', () => {
    const r = cli('run', '--preset', 'gpu');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--preset/);
  });
});
