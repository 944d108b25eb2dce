/**
 * @module hv/switch/arm64-foreign-fpstate: Linux arm64's FP/SIMD and SVE switching
 * (arch/arm64/kernel/fpsimd.c, v6.0-era tree read at torvalds/linux 0033cd9339; the deferral
 * itself is 005f78cd8849, A. Biesheuvel, v3.16, "arm64: defer reloading a task's FPSIMD state to
 * userland resume").
 *
 * Two records say whether a cpu's registers still hold a task's latest user FP/SIMD state: per
 * cpu, `fpsimd_last_state.st` (whose state was loaded last — pcpu.unitOwner); per task,
 * `thread.fpsimd_cpu` (where it was loaded last — vcpu.unitLastCpu). TIF_FOREIGN_FPSTATE is set
 * "unless the FPSIMD registers of this CPU currently contain the most recent userland FPSIMD
 * state of the current task": `wrong_task || wrong_cpu`. The model derives the flag from the two
 * records, exactly as fpsimd_thread_switch() computes it (nothing can change them between the
 * switch and the return to the guest: only current runs here).
 * - Switch-out, fpsimd_thread_switch() → fpsimd_save(): if TIF_FOREIGN_FPSTATE is clear, save
 *   the registers — FPSIMD (v0–v31, FPSR, FPCR), plus the SVE Z and P registers and FFR if the
 *   task has TIF_SVE. Always, no dirty check. A task switched in but switched out again before
 *   it reached user mode never had its state loaded (the flag is still set): nothing to save.
 *   Skipped class saves count as metrics.unitSavesAvoided.
 * - Switch-in: fpsimd_thread_switch() sets TIF_FOREIGN_FPSTATE for next; the load waits for the
 *   return to user: do_notify_resume() → fpsimd_restore_current_state() → task_fpsimd_load()
 *   and fpsimd_bind_task_to_cpu() (here: the design's exitToGuest). When the cpu still holds the
 *   task's state (X → idle → X, or X → a task that never reached user mode → X), nothing is
 *   loaded: metrics.unitRestoresAvoided, counted once per switch-in.
 * - FPSIMD is never trapped (CPACR_EL1.FPEN always allows EL0; do_fpsimd_acc() is a WARN "TODO:
 *   implement lazy context saving/restoring"): no trap, no window for the fp class.
 * - SVE is lazy: fpsimd_bind_task_to_cpu() sets CPACR_EL1.ZEN for EL0 only if the task has
 *   TIF_SVE (sve_user_enable()/sve_user_disable()). The first SVE instruction of a task without
 *   it traps (do_sve_acc(): sets TIF_SVE, sve_flush_live() zeroes the bits beyond FPSIMD, binds
 *   the task, ZEN on). A task without TIF_SVE has its FPSIMD state loaded with fpsimd_load_state();
 *   writing a V register zeroes the Z bits above 128 (the model's `sve` class), but P0–P15 and
 *   FFR ("not stored and have unspecified values from userspace's point of view") keep the last
 *   SVE task's predicates while ZEN is off: the window metrics.exposureCycles measures.
 *
 * Where the model differs, deliberately:
 * - TIF_SVE is never cleared once set: Linux may clear it on a syscall and discard the SVE state
 *   beyond FPSIMD (the syscall ABI allows it: fp_user_discard()/sve_user_discard()); a guest's
 *   hypercall promises no such thing here, so its SVE state must survive. TIF_SVE is derived from
 *   vcpu.unitDirty's vector bits, which this design never clears: a vcpu has TIF_SVE once it has
 *   written an SVE register, and the first such write always comes through the trap.
 * - SME/ZA, kernel-mode NEON (kernel_neon_begin() invalidating fpsimd_last_state) and KVM's
 *   fpsimd_bind_state_to_cpu() are not modelled: the hypervisor never uses the units.
 * - setvcpucontext (and domain_destroy's fresh context) invalidates the vcpu's copy, as
 *   fpsimd_flush_task_state() does after ptrace writes the state (fpsimd_cpu = NR_CPUS).
 * Integer and system state are switched eagerly, with every entry path saving every integer
 * register (as Xen on Arm does), as in the other unit designs.
 */
import { perArch, type Arch } from '../../../arch/index.ts';
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { NONE, unitMask } from '../../model.ts';
import { classCount, loadClasses, restoreFrame, saveClass, setLoadedAll, writePtbase } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { saveNonUnits, loadNonUnits } from '../unit-support.ts';

/** The arm64 unit classes: FPSIMD (role fp, never trapped), SVE (role vector, behind CPACR_EL1.ZEN), and the Z-high part a V write zeroes. */
export interface Arm64Units {
  readonly fpsimd: number;
  readonly sve: number;
  /** The SVE classes an FPSIMD load zeroes (Z bits above 128; not P0–P15/FFR). */
  readonly zeroedByFpsimdLoad: number;
}

/**
 * By unit and alias (arch.units, arch.aliasOf), not by name: FPSIMD is every unit with an fp
 * class; the SVE extension every other unit, trapped apart, that holds a class the FP registers
 * are bits of (Z over V) or sits in such a unit (P, FFR); what an FPSIMD load zeroes is the
 * classes the FP registers alias into (the Z bits above V: "the upper bits of the Z register are
 * set to zero" on a V write, Arm ARM SVE).
 */
export const arm64Units = perArch((arch: Arch): Arm64Units => {
  let fpsimd = 0;
  let under = 0; // classes the FP classes' registers are bits of
  for (const u of arch.units) {
    if (!arch.classes.some((c) => (u.mask >>> c.index) & 1 && c.role === 'fp')) continue;
    fpsimd |= u.mask;
    for (const c of arch.classes) if ((u.mask >>> c.index) & 1) under |= arch.aliasOf[c.index];
  }
  let sve = 0;
  for (const u of arch.units) if (!(u.mask & fpsimd) && u.mask & under) sve |= u.mask;
  return { fpsimd, sve, zeroedByFpsimdLoad: under & sve };
});

/** TIF_SVE: the vcpu has SVE state (it took the SVE access trap and wrote an SVE register). */
export function tifSve(st: HvState, v: number): boolean {
  return (st.vcpus[v].unitDirty & arm64Units(st.cfg.arch).sve) !== 0;
}

/** !TIF_FOREIGN_FPSTATE: this pcpu's registers hold v's latest FP/SIMD state. */
export function fpstateLive(st: HvState, p: number, v: number): boolean {
  return st.pcpus[p].unitOwner === v && st.vcpus[v].unitLastCpu === p;
}

/** The unit classes that make up v's state: FPSIMD, and SVE with TIF_SVE. */
function stateMask(st: HvState, v: number): number {
  const u = arm64Units(st.cfg.arch);
  return tifSve(st, v) ? u.fpsimd | u.sve : u.fpsimd;
}

/** fpsimd_bind_task_to_cpu(): fpsimd_last_state = current's, fpsimd_cpu = this cpu; ZEN for EL0 iff TIF_SVE. */
function bindTaskToCpu(st: HvState, p: number, v: number): void {
  const pc = st.pcpus[p];
  const u = arm64Units(st.cfg.arch);
  pc.unitOwner = v;
  st.vcpus[v].unitLastCpu = p;
  if (tifSve(st, v)) pc.unitEnabled |= u.sve;
  else pc.unitEnabled &= ~u.sve;
}

export const arm64ForeignFpstate: SwitchDesign = {
  name: 'arm64-foreign-fpstate',
  summary: 'Linux arm64: FPSIMD/SVE always saved at switch-out; reload deferred to the return to the guest and skipped while the pcpu still holds its state (TIF_FOREIGN_FPSTATE); SVE trapped on first use',
  cites: [
    'linux arch/arm64/kernel/fpsimd.c fpsimd_thread_switch(), fpsimd_save(), fpsimd_restore_current_state(), task_fpsimd_load(), fpsimd_bind_task_to_cpu(), do_sve_acc() (v6.0-era, torvalds/linux 0033cd9339); signal.c do_notify_resume() (_TIF_FOREIGN_FPSTATE)',
    'linux 005f78cd8849 "arm64: defer reloading a task\'s FPSIMD state to userland resume" (A. Biesheuvel, v3.16); anchors §2.3 (TIF_FOREIGN_FPSTATE; fix e92bee9f861b)',
  ],
  // Linux arm64 only. The same owner/last-cpu test on x86-64 and riscv64 is linux-x86-deferred
  // (fpregs_state_valid()); on ppc64 Linux gives the units up at every switch instead
  // (power-giveup-loadfp). What is arm64's own is the split into an untrapped FPSIMD file and a
  // trapped SVE extension (CPACR_EL1.ZEN) bound per task.
  // A Linux scheme placed in Xen's today's interface (context_saved() in the default tail).
  contracts: ['2006-01-07'],
  supports(arch) {
    // What it needs, not arm64 by name: an FP unit and, trapped apart, an extension of its registers.
    const u = arm64Units(arch);
    if (!u.fpsimd) return `${arch.name} has no FP/SIMD class the hypervisor leaves alone`;
    if (!u.sve) return `it needs an extension of the FP registers trapped apart from them (arm64 SVE: Z over V, CPACR_EL1.ZEN); ${arch.name} has none (units and aliases) — there the same owner/last-cpu check is linux-x86-deferred`;
    return true;
  },
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    const units = unitMask(st.cfg.arch);
    if (!st.vcpus[prev].isIdle) {
      saveNonUnits(st, p, prev);
      // fpsimd_save(): only if !TIF_FOREIGN_FPSTATE; SVE registers only with TIF_SVE.
      const save = fpstateLive(st, p, prev) ? stateMask(st, prev) : 0;
      for (const c of st.cfg.arch.classes) {
        const bit = 1 << c.index;
        if (!(units & bit)) continue;
        if (save & bit) saveClass(st, p, prev, c.index);
        else st.metrics.unitSavesAvoided++;
      }
    }
    if (!st.vcpus[next].isIdle) {
      st.cfg.observer?.onLoad(st, p, next);
      loadNonUnits(st, p, next);
      // TIF_FOREIGN_FPSTATE = wrong_task || wrong_cpu; the load itself waits for exitToGuest.
      if (fpstateLive(st, p, next)) {
        st.metrics.unitRestoresAvoided += classCount(stateMask(st, next));
      }
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  exitToGuest(st, p) {
    restoreFrame(st, p);
    // do_notify_resume(): _TIF_FOREIGN_FPSTATE → fpsimd_restore_current_state().
    const pc = st.pcpus[p];
    const v = pc.current;
    if (fpstateLive(st, p, v)) return;
    const u = arm64Units(st.cfg.arch);
    if (tifSve(st, v)) loadClasses(st, p, v, u.fpsimd | u.sve); // sve_load_state()
    else {
      loadClasses(st, p, v, u.fpsimd); // fpsimd_load_state(): V writes zero the Z bits above 128
      const regs = pc.regs;
      for (const c of st.cfg.arch.classes) {
        if (!(u.zeroedByFpsimdLoad & (1 << c.index))) continue;
        for (let r = c.start; r < c.end; r++) {
          regs.val[r] = 0;
          regs.own[r] = HV_OWNER;
        }
      }
    }
    bindTaskToCpu(st, p, v);
  },
  unitTrap(st, p) {
    // do_sve_acc(): the state is live (the trap comes from user mode), so sve_flush_live() zeroes
    // the SVE bits beyond FPSIMD — here: current's SVE context as its save area holds it (its
    // initial one, as it never had TIF_SVE) — then fpsimd_bind_task_to_cpu(), ZEN on. The write
    // that follows sets TIF_SVE (vcpu.unitDirty).
    const pc = st.pcpus[p];
    const u = arm64Units(st.cfg.arch);
    loadClasses(st, p, pc.current, u.sve);
    pc.unitOwner = pc.current;
    st.vcpus[pc.current].unitLastCpu = p;
    pc.unitEnabled |= u.sve;
  },
  contextWritten(st, v) {
    // fpsimd_flush_task_state(): the in-memory copy is newer than any cpu's.
    st.vcpus[v].unitLastCpu = NONE;
  },
};
