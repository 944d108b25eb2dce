/** @module hv/switch/registry: the built-in switch designs by name (the CLI's --design values). */
import { InputError } from '../../base/index.ts';
import type { SwitchDesign } from './types.ts';
import { eager } from './eager/index.ts';
import { xenX86Lazy } from './xen-x86-lazy/index.ts';
import { ppcNaiveVolatile } from './ppc-naive-volatile/index.ts';
import { ppcAsmExitSwitch } from './ppc-asm-exit-switch/index.ts';
import { ppcFullSaveOnSchedPaths } from './ppc-full-save-on-sched-paths/index.ts';
import { ppcSwitchInRoutine } from './ppc-switch-in-routine/index.ts';
import { perVcpuStack } from './per-vcpu-stack/index.ts';
import { fpuEager } from './fpu-eager/index.ts';
import { xenX86LazyFpu } from './xen-x86-lazy-fpu/index.ts';
import { riscvDirtyGated } from './riscv-dirty-gated/index.ts';
import { linuxX86Deferred } from './linux-x86-deferred/index.ts';

export const DESIGNS: readonly SwitchDesign[] = [eager, xenX86Lazy, ppcFullSaveOnSchedPaths, ppcAsmExitSwitch, perVcpuStack, ppcSwitchInRoutine, ppcNaiveVolatile, fpuEager, xenX86LazyFpu, linuxX86Deferred, riscvDirtyGated];

/** The lazily switchable unit designs (issue 6): what `run --preset fpu` compares. */
export const FPU_DESIGNS: readonly SwitchDesign[] = [fpuEager, xenX86LazyFpu, linuxX86Deferred, riscvDirtyGated];

export function designNames(): string[] {
  return DESIGNS.map((d) => d.name);
}

export function getDesign(name: string): SwitchDesign {
  const d = DESIGNS.find((x) => x.name === name);
  if (!d) throw new InputError('--design', [{ where: '--design', message: `unknown design "${name}"; expected one of ${designNames().join(', ')}` }]);
  return d;
}
