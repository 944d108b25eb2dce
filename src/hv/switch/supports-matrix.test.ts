/**
 * supports(), design × built-in architecture: the table as it was when the PowerPC designs still
 * tested the architecture's name (computed before issue 20 made them test what they need).
 * Deciding by need must leave every built-in answer as it was; and a user's POWER file, ppc64
 * under another name, is now accepted by the PowerPC designs exactly as ppc64 is. power9 (a later
 * built-in) takes every design but the volatile-only PowerPC ones, riscv-dirty-gated, arm64's and seL4's;
 * loongarch64 (LSX/LASX over the FPRs, each its own EUEN bit) arm64-foreign-fpstate too.
 */
import { describe, expect, it } from 'vitest';
import { DESIGNS } from './registry.ts';
import { builtinArchNames, compileArch, getArch } from '../../arch/index.ts';
import { ppc64 } from '../../arch/defs/ppc64.ts';

const TODAY: Record<string, string> = {
  eager: 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'xen-x86-lazy': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'ppc-full-save-on-sched-paths': 'ppc64',
  'ppc-asm-exit-switch': 'ppc64',
  'per-vcpu-stack': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'per-vcpu-stack-volatile-entry': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'ppc-switch-in-routine': 'ppc64',
  'ppc-naive-volatile': 'ppc64',
  'fpu-eager': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'xen-x86-lazy-fpu': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'linux-x86-deferred': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'riscv-dirty-gated': 'riscv64',
  'xen-x86-lazy-2005': 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
  'arm64-foreign-fpstate': 'arm64 loongarch64',
  'power-giveup-loadfp': 'ppc64 power9',
  'sel4-rfc18': 'x86-64 arm64 riscv64',
  adaptive: 'ppc64 x86-64 arm64 riscv64 power9 loongarch64',
};

const PPC_DESIGNS = ['ppc-full-save-on-sched-paths', 'ppc-asm-exit-switch', 'ppc-switch-in-routine', 'ppc-naive-volatile', 'power-giveup-loadfp'];

describe('supports(): design × built-in architecture', () => {
  it("is today's table", () => {
    const archs = builtinArchNames();
    const now = Object.fromEntries(DESIGNS.map((d) => [d.name, archs.filter((a) => d.supports(getArch(a)) === true).join(' ')]));
    expect(now).toEqual(TODAY);
  });

  it('the PowerPC designs accept ppc64 under another name, and say what they need where they decline', () => {
    const myPower = compileArch({ ...ppc64, name: 'my-power' }, 'my-power.json');
    for (const name of PPC_DESIGNS) {
      const d = DESIGNS.find((x) => x.name === name)!;
      expect(d.supports(myPower), name).toBe(true);
      for (const a of ['x86-64', 'arm64', 'riscv64']) {
        const why = d.supports(getArch(a));
        expect(why, `${name} on ${a}`).toMatch(/needs/);
        expect(why).not.toMatch(/ppc64\)$/);
      }
    }
  });
});
