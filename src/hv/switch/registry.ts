/** @module hv/switch/registry: the built-in switch designs by name (the CLI's --design values). */
import { InputError } from '../../base/index.ts';
import type { SwitchDesign } from './types.ts';
import { DEFAULT_CONTRACT, type ContractName } from '../contract.ts';
import { eager } from './eager/index.ts';
import { xenX86Lazy } from './xen-x86-lazy/index.ts';
import { xenX86Lazy2005 } from './xen-x86-lazy-2005/index.ts';
import { ppcNaiveVolatile } from './ppc-naive-volatile/index.ts';
import { ppcAsmExitSwitch } from './ppc-asm-exit-switch/index.ts';
import { ppcFullSaveOnSchedPaths } from './ppc-full-save-on-sched-paths/index.ts';
import { ppcSwitchInRoutine } from './ppc-switch-in-routine/index.ts';
import { perVcpuStack } from './per-vcpu-stack/index.ts';
import { perVcpuStackVolatileEntry } from './per-vcpu-stack-volatile-entry/index.ts';
import { fpuEager } from './fpu-eager/index.ts';
import { xenX86LazyFpu } from './xen-x86-lazy-fpu/index.ts';
import { riscvDirtyGated } from './riscv-dirty-gated/index.ts';
import { linuxX86Deferred } from './linux-x86-deferred/index.ts';
import { arm64ForeignFpstate } from './arm64-foreign-fpstate/index.ts';
import { powerGiveupLoadfp } from './power-giveup-loadfp/index.ts';
import { sel4Rfc18 } from './sel4-rfc18/index.ts';
import { adaptive } from './adaptive/index.ts';

export const DESIGNS: readonly SwitchDesign[] = [eager, xenX86Lazy, ppcFullSaveOnSchedPaths, ppcAsmExitSwitch, perVcpuStack, perVcpuStackVolatileEntry, ppcSwitchInRoutine, ppcNaiveVolatile, fpuEager, xenX86LazyFpu, linuxX86Deferred, riscvDirtyGated, xenX86Lazy2005, arm64ForeignFpstate, powerGiveupLoadfp, sel4Rfc18, adaptive];

/** The lazily switchable unit designs (issue 6): what `run --preset fpu` compares. */
export const FPU_DESIGNS: readonly SwitchDesign[] = [fpuEager, xenX86LazyFpu, linuxX86Deferred, riscvDirtyGated, arm64ForeignFpstate, powerGiveupLoadfp, sel4Rfc18, adaptive];

export function designNames(): string[] {
  return DESIGNS.map((d) => d.name);
}

export function getDesign(name: string): SwitchDesign {
  const d = DESIGNS.find((x) => x.name === name);
  if (!d) throw new InputError('--design', [{ where: '--design', message: `unknown design "${name}"; expected one of ${designNames().join(', ')}` }]);
  return d;
}

/** The contracts a design is written for (today's only, unless it says otherwise). */
export function writtenFor(d: SwitchDesign): readonly ContractName[] {
  return d.contracts ?? [DEFAULT_CONTRACT];
}

/** Whether d is written for `contract`: itself, or through its own older form. */
export function servesContract(d: SwitchDesign, contract: ContractName): boolean {
  return writtenFor(d).includes(contract) || d.forms?.[contract] !== undefined;
}

/** The form of `d` that runs under `contract`: its own older form where it has one, else itself. */
export function designFor(d: SwitchDesign, contract: ContractName = DEFAULT_CONTRACT): SwitchDesign {
  const form = d.forms?.[contract];
  return form ? getDesign(form) : d;
}
