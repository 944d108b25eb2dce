/**
 * @module hv/switch/ppc-support: what the PowerPC designs share — which architectures they
 * model, and the volatile-only entry stub of the seed ("When we take an exception, we do not
 * save the nonvolatiles in the exception handler").
 */
import type { Arch } from '../../arch/index.ts';

/** The ppc-* designs model the Xen/PowerPC port; elsewhere use eager or per-vcpu-stack. */
export function supportsPpc(arch: Arch): true | string {
  if (!arch.name.startsWith('ppc')) return `models the Xen/PowerPC port (ppc64); on ${arch.name} compare eager, xen-x86-lazy or per-vcpu-stack`;
  if (!arch.hvNonvolatile.length) return 'the architecture has no nonvolatile integer registers';
  return true;
}

/**
 * Volatile-only entry on every path: every integer register except those compiled C code
 * preserves (r14–r31 on ppc64) — Xen/PowerPC's EXCEPTION_HEAD + SAVE_C_STATE (r0–r13, CR, LR,
 * CTR, XER).
 */
export const volatileOnlyEntry = (arch: Arch): Int32Array => arch.hvCallerSaved;
