/** @module arch/registry: the built-in architectures, by name. */
import { InputError } from '../base/index.ts';
import { compileArch, type Arch } from './arch.ts';
import { arm64 } from './defs/arm64.ts';
import { loongarch64 } from './defs/loongarch64.ts';
import { power9 } from './defs/power9.ts';
import { ppc64 } from './defs/ppc64.ts';
import { riscv64 } from './defs/riscv64.ts';
import { x86_64 } from './defs/x86-64.ts';
import type { ArchSpecInput } from './schema.ts';

export const BUILTIN_ARCH_DATA: Readonly<Record<string, ArchSpecInput>> = {
  ppc64,
  'x86-64': x86_64,
  arm64,
  riscv64,
  power9,
  loongarch64,
};

const cache = new Map<string, Arch>();

export function builtinArchNames(): string[] {
  return Object.keys(BUILTIN_ARCH_DATA);
}

/** A built-in architecture by name; an unknown name is an InputError listing the valid ones. */
export function getArch(name: string): Arch {
  let a = cache.get(name);
  if (a) return a;
  const data = BUILTIN_ARCH_DATA[name];
  if (!data) throw new InputError('--arch', [{ where: '--arch', message: `unknown architecture "${name}"; expected one of ${builtinArchNames().join(', ')} or a .yaml/.json file` }]);
  a = compileArch(data, `built-in architecture ${name}`);
  cache.set(name, a);
  return a;
}
