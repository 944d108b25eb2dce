/**
 * @module hv/switch/ppc-support: what the PowerPC designs share — which architectures they
 * model, and the volatile-only entry stub of the seed ("When we take an exception, we do not
 * save the nonvolatiles in the exception handler").
 */
import { ENTRY_PATHS, type Arch } from '../../arch/index.ts';

/**
 * The exception entry paths of the Xen/PowerPC scheme: they save only the volatile registers
 * (none of the nonvolatiles the C code preserves) and return without running softirqs, by
 * fast_resume — decrementer, external and IPI on ppc64 (exceptions.S, reference §3.1).
 */
export function fastResumePaths(arch: Arch): string[] {
  return ENTRY_PATHS.filter((p) => {
    const e = arch.entry[p];
    return !e.runsSoftirqs && !arch.hvCalleeSaved.some((r) => e.saves.includes(r));
  });
}

/**
 * The ppc-* designs model the Xen/PowerPC port, and run where the architecture is built as it
 * is — whatever its name (a user's POWER file): nonvolatile integer registers the C code
 * preserves (r14–r31), and an entry table with the port's volatile-only fast_resume paths.
 * The other built-in architectures save every register and run softirqs on every path; there
 * compare eager, xen-x86-lazy or per-vcpu-stack.
 */
export function supportsPpc(arch: Arch): true | string {
  const need = 'models the Xen/PowerPC port: it needs nonvolatile integer registers (ELFv2 r14–r31) and an exception entry path that saves only the volatile registers and returns without running softirqs (fast_resume; ppc64: decrementer, external, ipi)';
  if (!arch.hvNonvolatile.length) return `${need}; ${arch.name} has no nonvolatile integer registers`;
  if (!fastResumePaths(arch).length) return `${need}; every entry path of ${arch.name} saves a nonvolatile or runs softirqs — compare eager, xen-x86-lazy or per-vcpu-stack`;
  return true;
}

/**
 * Volatile-only entry on every path: every integer register except those compiled C code
 * preserves (r14–r31 on ppc64) — Xen/PowerPC's EXCEPTION_HEAD + SAVE_C_STATE (r0–r13, CR, LR,
 * CTR, XER).
 */
export const volatileOnlyEntry = (arch: Arch): Int32Array => arch.hvCallerSaved;
