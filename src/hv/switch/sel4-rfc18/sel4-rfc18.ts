/**
 * @module hv/switch/sel4-rfc18: seL4's FPU switching after RFC-18 "FPU Context Switching"
 * (Klein, Kolanski, Zupancic; proposed 2024-06-21, implemented in seL4 14.0.0; anchors §2.2).
 * Lazy, fault-driven FPU switching is gone: a per-thread flag decides, and the FPU is never
 * trapped for a thread that may use it.
 *
 * What it models (seL4/seL4 include/machine/fpu.h lazyFPURestore(), read at 79e52c279e;
 * src/machine/fpu.c switchLocalFpuOwner() / switchFpuOwner() / fpuRelease(), read at
 * 3bb33e0d60; src/kernel/thread.c prepareNextDomain()):
 * - Every thread has `tcbFlags & seL4_TCBFlag_fpuDisabled`, set by user level with
 *   seL4_TCB_SetFlags. The model sets it from the guest's profile, as the system designer the RFC
 *   has in mind would: a vcpu whose profile uses no fp or vector class is fpuDisabled (the RFC's
 *   "low-level OS threads"), every other one is FPU-enabled (the default, flag clear).
 * - Per core, `ksCurFPUOwner` (pcpu.unitOwner): "the TCB of the most recently running thread
 *   that was configured to use the FPU".
 * - Switching to a thread, lazyFPURestore(thread):
 *     fpuDisabled            → disableFpu(): nothing saved or loaded; the owner's values stay in
 *                              the registers behind a disabled FPU (metrics.exposureCycles when
 *                              they belong to another domain);
 *     thread == owner        → enableFpu(): its registers are still there (metrics.unitRestoresAvoided);
 *     otherwise              → switchLocalFpuOwner(thread): save the owner, load the thread,
 *                              owner = thread.
 *   With every thread FPU-enabled this is eager switching; with none, no FPU switching at all.
 * - Domain exit, prepareNextDomain(): switchLocalFpuOwner(NULL) — the owner is saved, the FPU
 *   disabled, the owner cleared, "to avoid touching cross-domain state later"; the invariant is
 *   that the owner belongs to the current domain. seL4 domains are partitions of a static domain
 *   schedule; Xen's credit scheduler has none, so the model treats every switch-in of a vcpu of
 *   another domain than the owner's as a domain exit. The registers are not scrubbed: the next
 *   domain's fpuDisabled threads run over the old owner's values.
 * - fpuRelease() on thread deletion and migration (migrateTCB → switchFpuOwner(NULL, old core),
 *   an IPI to the old core): here the vcpu's last pcpu (vcpu.unitLastCpu) — ownership on a pcpu
 *   the vcpu has since left is not trusted, and setvcpucontext / domain_destroy forget it.
 * - No FPU trap is ever taken: an fpuDisabled thread that uses the FPU gets a fault delivered to
 *   its user-level fault handler. The model's profiles never do; should one, unitTrap plays the
 *   RFC's suggested user-level handler (enable the FPU for the thread and restart it).
 *
 * Where the model differs, deliberately:
 * - seL4 does not save the owner when switching away from it, only when the next FPU-enabled
 *   thread (or a domain exit) takes the FPU over, so an FPU thread calling fpuDisabled OS threads
 *   and being returned to costs no FPU save at all. Xen's contract forbids that: when
 *   contextSaved(prev) clears is_running, prev's state must be committed, or held where a sync
 *   can commit it and only while the pcpu runs its idle vcpu (invariants 3 and 7). So the model
 *   saves the owner when it is switched out — the RFC's "semi-lazy with early context saving"
 *   alternative — and keeps seL4's owner tracking, so the restore is still skipped when the
 *   owner comes back (X → idle → X). Saves: one per switch-out of an FPU-enabled vcpu, where
 *   seL4 pays one per change of owner. The state saved is the same.
 * - lazyFPURestore() runs on the way out to user (restore_user_context(), the fastpath); the
 *   model runs it at the switch, where the core loads next — the same for every vcpu that
 *   reaches its guest.
 * - The FPU state is every unit class (x86-64: x87, SSE, AVX, as seL4's XSAVE area; arm64 and
 *   riscv64: the FP classes and also SVE / V, which seL4 does not support yet).
 * - ppc64 is declined: seL4 has no PowerPC port.
 * - On x86-64 the FPU is saved with XSAVEOPT and loaded with XRSTOR: saveFpuState() /
 *   loadFpuState() (include/arch/x86/arch/machine/fpu.h) use the instruction the KernelXSave
 *   choice names, and its first, default entry is XSAVEOPT ("Save state taking advantage of both
 *   the init optimization and modified optimization", src/arch/x86/config.cmake). The model's
 *   x86 FPU state also has AVX, where KernelXSaveFeatureSet defaults to x87 and SSE only.
 * Integer state is switched eagerly, with every entry path saving every integer register, as in
 * the other unit designs (seL4 saves a thread's registers into its TCB on every kernel entry).
 */
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { NONE, unitMask } from '../../model.ts';
import { classCount, setLoadedAll, writePtbase, xrstorState, xsaveState } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { saveNonUnits, loadNonUnits, supportsUnits } from '../unit-support.ts';

/** seL4_TCBFlag_fpuDisabled, as the model sets it: the vcpu's profile uses no FP or vector class. */
export function fpuDisabled(st: HvState, v: number): boolean {
  const roles = st.cfg.profiles[st.vcpus[v].profile].roles;
  return !roles.includes('fp') && !roles.includes('vector');
}

/** nativeThreadUsingFPU(v) on pcpu p, with fpuRelease() on migration: v owns p's FPU and p still holds its registers. */
export function ownsFpu(st: HvState, p: number, v: number): boolean {
  return st.pcpus[p].unitOwner === v && st.vcpus[v].unitLastCpu === p;
}

/** switchLocalFpuOwner(v): the owner's state is already in memory (saved at its switch-out); load v's (loadFpuState: XRSTOR on x86), v owns the FPU. */
function switchLocalFpuOwner(st: HvState, p: number, v: number): void {
  const pc = st.pcpus[p];
  xrstorState(st, p, v, unitMask(st.cfg.arch));
  pc.unitOwner = v;
  st.vcpus[v].unitLastCpu = p;
  pc.unitEnabled |= unitMask(st.cfg.arch);
}

/** The ISA families seL4 runs on (seL4/seL4 src/arch: arm, riscv, x86). */
const SEL4_FAMILIES: readonly string[] = ['x86', 'arm', 'riscv'];

export const sel4Rfc18: SwitchDesign = {
  name: 'sel4-rfc18',
  summary: 'seL4 14 (RFC-18): no FPU trap; fpuDisabled threads run with the FPU off, others take it over (owner saved, own state loaded) unless they still own it; owner dropped on domain exit',
  cites: [
    'seL4 include/machine/fpu.h lazyFPURestore(): tcbFlags & seL4_TCBFlag_fpuDisabled → disableFpu(); nativeThreadUsingFPU() → enableFpu(); else switchLocalFpuOwner() (seL4 14.0.0, seL4/seL4 79e52c279e)',
    'seL4 src/machine/fpu.c switchLocalFpuOwner(), switchFpuOwner(), fpuRelease() (seL4/seL4 3bb33e0d60); src/kernel/thread.c prepareNextDomain(): switchLocalFpuOwner(NULL)',
    'seL4 RFC-18 "FPU Context Switching" (seL4/rfcs src/implemented/0180-fpu-switching.md, 2024-06-21); anchors §2.2, §4.3',
    'seL4 include/arch/x86/arch/machine/fpu.h saveFpuState(): xsaveopt under CONFIG_XSAVE_XSAVEOPT, the first (default) KernelXSave choice of src/arch/x86/config.cmake; Intel SDM vol. 1 §13.6',
  ],
  // seL4's scheme placed in Xen's today's interface (context_saved() in the default tail).
  contracts: ['2006-01-07'],
  supports(arch) {
    // Where seL4 has a port, by ISA family (spec.family), not by the architecture's name.
    if (arch.spec.family && !SEL4_FAMILIES.includes(arch.spec.family)) return `seL4 has no ${arch.spec.family === 'power' ? 'PowerPC/POWER' : arch.spec.family} port (its FPU support is x86, Arm and RISC-V)`;
    return supportsUnits(arch);
  },
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    const pc = st.pcpus[p];
    const units = unitMask(st.cfg.arch);
    if (!st.vcpus[prev].isIdle) {
      saveNonUnits(st, p, prev);
      // Early save of the owner (see the header: Xen's contract); an fpuDisabled prev has no FPU state here.
      const owner = pc.unitOwner === prev && (pc.unitEnabled & units) === units;
      if (owner) xsaveState(st, p, prev, units); // saveFpuState(): XSAVEOPT on x86
      else st.metrics.unitSavesAvoided += classCount(units);
    }
    if (!st.vcpus[next].isIdle) {
      const nv = st.vcpus[next];
      st.cfg.observer?.onLoad(st, p, next);
      loadNonUnits(st, p, next);
      // prepareNextDomain(): entering another domain than the owner's → switchLocalFpuOwner(NULL).
      if (pc.unitOwner !== NONE && st.vcpus[pc.unitOwner].domain !== nv.domain) {
        pc.unitOwner = NONE;
        pc.unitEnabled &= ~units;
      }
      // lazyFPURestore(next)
      if (fpuDisabled(st, next)) pc.unitEnabled &= ~units;
      else if (ownsFpu(st, p, next)) {
        pc.unitEnabled |= units;
        st.metrics.unitRestoresAvoided += classCount(units);
      } else switchLocalFpuOwner(st, p, next);
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  unitTrap(st, p) {
    // Not reached with profile-derived flags. The RFC's user-level emulation: the fault handler
    // enables the FPU for the thread and restarts it — the FPU is handed over to it.
    switchLocalFpuOwner(st, p, st.pcpus[p].current);
  },
  contextWritten(st, v) {
    st.vcpus[v].unitLastCpu = NONE;
  },
};
