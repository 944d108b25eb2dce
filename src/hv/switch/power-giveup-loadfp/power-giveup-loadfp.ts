/**
 * @module hv/switch/power-giveup-loadfp: Linux powerpc's FP and VMX switching (Book3S-64):
 * give the facilities up at every switch, reload them eagerly on the way back while a per-thread
 * u8 counter is non-zero, and go lazy again when the counter wraps.
 *
 * What it models (arch/powerpc/kernel/process.c as of v6.x, read at torvalds/linux 7d9aca39dc;
 * fpu.S / vector.S):
 * - Switch-out, __switch_to(prev, new): save_sprs(&prev->thread) reads VRSAVE (`t->vrsave =
 *   mfspr(SPRN_VRSAVE)`) every time; then giveup_all(prev) saves each facility whose bit is set
 *   in prev's user MSR — MSR[FP] → __giveup_fpu(), MSR[VEC] → __giveup_altivec() — and clears
 *   the bits. A facility that was off was not loaded this time: its save is avoided
 *   (metrics.unitSavesAvoided). The registers keep prev's values (giveup saves, it does not
 *   scrub): the next guest runs with MSR[FP]/MSR[VEC] clear over them — the LazyFP-style
 *   window the model measures (metrics.exposureCycles).
 * - Switch-in: restore_sprs() writes VRSAVE only if the value changes ("SPR writes are slow, so
 *   check that the value is changing before writing it", 152d523e6307), else the restore is
 *   avoided (metrics.unitRestoresAvoided); then restore_math(regs) (called at the end of
 *   __switch_to on Book3S-64 and on every exit to user with a math bit clear):
 *   should_restore_fp() is `if (current->thread.load_fp) { current->thread.load_fp++; return
 *   true; }` — an eager reload of the FPRs and MSR[FP] set, while the u8 counter is non-zero;
 *   the same for VMX with load_vec (should_restore_altivec()). Each eager reload increments the
 *   counter; 255 + 1 wraps to 0, and the thread is lazy again (70fe3d980f5f, C. Bur, v4.6,
 *   "powerpc: Restore FPU/VEC/VSX if previously used").
 * - First use while lazy: the FP-unavailable / VMX-unavailable interrupt → load_up_fpu /
 *   load_up_altivec loads the thread's state, sets MSR[FP] / MSR[VEC] in its user MSR and sets
 *   `load_fp = 1` (`li r4,1; stb r4,THREAD_LOAD_FP(r5)`, since N. Piggin, "powerpc:
 *   re-initialise lazy FPU/VEC counters on every fault", v5.9; before it incremented). So one
 *   trap buys 255 eager reloads: trap, then 255 switch-ins with the state preloaded, then lazy.
 * - VRSAVE is an SPR, readable and writable whatever MSR[VEC] says: the model keeps its class
 *   enabled and switches it as save_sprs()/restore_sprs() do.
 *
 * Where the model differs, deliberately:
 * - VSX (MSR[VSX], the union of the FPRs and VRs, enabled only when both FP and VEC are) has no
 *   class of its own in the ppc64 description; giving up FP and VEC covers it.
 * - The checkpointed (transactional memory) state of __switch_to_tm() and kernel-mode FP
 *   (enable_kernel_fp()) are not modelled: the hypervisor never uses the units.
 * - The counters live in vcpu.unitCounters (hv/switch/unit-counters): LOAD_FP in bits 0–7,
 *   LOAD_VEC in bits 8–15.
 * Integer state is switched eagerly (saved at every switch-out, loaded at every switch-in), with
 * every entry path saving every integer register, as the other unit designs do.
 */
import { perArch, type Arch } from '../../../arch/index.ts';
import type { SwitchDesign } from '../types.ts';
import type { HvState } from '../../model.ts';
import { unitMask } from '../../model.ts';
import { loadClass, loadClasses, saveClass, setLoadedAll, writePtbase } from '../../ops.ts';
import { HV_OWNER } from '../../../machine/index.ts';
import { clearDirty, getCounter, setCounter, type CounterField } from '../unit-counters.ts';
import { saveNonUnits, loadNonUnits } from '../unit-support.ts';

/** thread.load_fp and thread.load_vec: u8 counters, as in struct thread_struct (bit fields of vcpu.unitCounters). */
export const LOAD_FP: CounterField = { at: 0, bits: 8 };
export const LOAD_VEC: CounterField = { at: 8, bits: 8 };

/** The ppc64 classes by the MSR bit that guards them (VRSAVE, an SPR, by none). */
export interface PowerFacilities {
  /** MSR[FP]: the classes of role fp. */
  readonly fp: number;
  /** MSR[VEC]: the vector classes other than VRSAVE. */
  readonly vec: number;
  /** VRSAVE (save_sprs/restore_sprs): never disabled. */
  readonly spr: number;
}

/**
 * By unit (arch.units), so that a facility is every class its MSR bit covers: a unit with an fp
 * class is MSR[FP]'s (on POWER9 the FPRs, FPSCR and the rest of vs0–vs31), the others MSR[VEC]'s;
 * a class named vrsave is an SPR whatever unit it is in.
 */
export const powerFacilities = perArch((arch: Arch): PowerFacilities => {
  let fp = 0;
  let vec = 0;
  let spr = 0;
  for (const u of arch.units) {
    let m = u.mask;
    for (const c of arch.classes) {
      if (!((m >>> c.index) & 1) || c.name !== 'vrsave') continue;
      spr |= 1 << c.index;
      m &= ~(1 << c.index);
    }
    if (arch.classes.some((c) => (m >>> c.index) & 1 && c.role === 'fp')) fp |= m;
    else vec |= m;
  }
  return { fp, vec, spr };
});

/** The counter that governs the facility of class ci (LOAD_FP or LOAD_VEC), or null for VRSAVE. */
function counterOf(arch: Arch, ci: number): CounterField | null {
  const f = powerFacilities(arch);
  const bit = 1 << ci;
  return f.fp & bit ? LOAD_FP : f.vec & bit ? LOAD_VEC : null;
}

/** save_sprs() + giveup_all(prev): VRSAVE always; FP and VMX only if enabled (loaded) for prev; then MSR[FP|VEC] clear. */
function giveupAll(st: HvState, p: number, prev: number): void {
  const pc = st.pcpus[p];
  const f = powerFacilities(st.cfg.arch);
  for (const c of st.cfg.arch.classes) {
    const bit = 1 << c.index;
    if (f.spr & bit) saveClass(st, p, prev, c.index);
    else if ((f.fp | f.vec) & bit) {
      if (pc.unitEnabled & bit) saveClass(st, p, prev, c.index);
      else st.metrics.unitSavesAvoided++;
    }
  }
  pc.unitEnabled &= ~(f.fp | f.vec);
  clearDirty(st, prev, unitMask(st.cfg.arch));
}

/** restore_sprs(): VRSAVE written only if it changes. */
function restoreSprs(st: HvState, p: number, next: number): void {
  const f = powerFacilities(st.cfg.arch);
  const regs = st.pcpus[p].regs;
  const area = st.vcpus[next].area;
  for (const c of st.cfg.arch.classes) {
    if (!(f.spr & (1 << c.index))) continue;
    let same = true;
    for (let r = c.start; r < c.end && same; r++) same = regs.val[r] === area.val[r];
    if (same) st.metrics.unitRestoresAvoided++;
    else loadClass(st, p, next, c.index);
  }
}

/** restore_math(): each facility whose counter is non-zero is reloaded now, and its counter incremented (u8). */
function restoreMath(st: HvState, p: number, next: number): void {
  const pc = st.pcpus[p];
  const f = powerFacilities(st.cfg.arch);
  // next's user MSR has FP and VEC clear: giveup_all() cleared them when it was switched out.
  pc.unitEnabled &= ~(f.fp | f.vec);
  for (const [mask, field] of [[f.fp, LOAD_FP], [f.vec, LOAD_VEC]] as const) {
    if (!mask) continue;
    const n = getCounter(st, next, field);
    if (n === 0) continue; // lazy: the first use traps
    setCounter(st, next, field, n + 1); // 255 + 1 wraps to 0: lazy again from the next switch-in
    loadClasses(st, p, next, mask);
    pc.unitEnabled |= mask;
  }
}

export const powerGiveupLoadfp: SwitchDesign = {
  name: 'power-giveup-loadfp',
  summary: 'Linux powerpc: FP/VMX given up (saved, MSR bits cleared) at every switch; eager reload while the u8 load_fp/load_vec counter is non-zero, lazy after it wraps',
  cites: [
    'linux arch/powerpc/kernel/process.c __switch_to(): save_sprs(), giveup_all(prev), restore_sprs(), restore_math(); should_restore_fp() / should_restore_altivec() (v6.x, torvalds/linux 7d9aca39dc)',
    'linux arch/powerpc/kernel/fpu.S load_up_fpu, vector.S load_up_altivec: `li r4,1; stb r4,THREAD_LOAD_FP(r5)` (N. Piggin, "powerpc: re-initialise lazy FPU/VEC counters on every fault", v5.9)',
    'linux 70fe3d980f5f "powerpc: Restore FPU/VEC/VSX if previously used" (C. Bur, v4.6): the load_fp / load_vec u8 counters; anchors §2.3, §4.4',
  ],
  // A Linux scheme placed in Xen's today's interface (context_saved() in the default tail).
  contracts: ['2006-01-07'],
  supports(arch) {
    // What it needs, not a name (a user's POWER file runs it): the PowerPC facilities it
    // switches — FP (MSR[FP]) and vector (MSR[VEC]) classes the hypervisor leaves alone, and
    // VRSAVE (a class named vrsave), which save_sprs() switches whatever MSR[VEC] says.
    const f = powerFacilities(arch);
    const need = "a PowerPC design (MSR[FP]/MSR[VEC] and Linux powerpc's load_fp/load_vec): it needs an FP class and a vector class the hypervisor leaves alone and the VRSAVE SPR (a class named vrsave)";
    if (!f.spr) return `${need}; ${arch.name} has no vrsave class — compare xen-x86-lazy-fpu or adaptive`;
    if (!f.fp) return `${need}; ${arch.name} has no FP class the hypervisor leaves alone`;
    if (!f.vec) return `${need}; ${arch.name} has no vector class the hypervisor leaves alone`;
    return true;
  },
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    const units = unitMask(st.cfg.arch);
    if (!st.vcpus[prev].isIdle) {
      saveNonUnits(st, p, prev);
      giveupAll(st, p, prev);
    }
    if (!st.vcpus[next].isIdle) {
      st.cfg.observer?.onLoad(st, p, next);
      loadNonUnits(st, p, next);
      clearDirty(st, next, units);
      restoreSprs(st, p, next);
      restoreMath(st, p, next);
    }
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
  unitTrap(st, p, ci) {
    // FP / VMX unavailable → load_up_fpu / load_up_altivec: load current's state (giveup_all()
    // committed whoever was there), set the MSR bit, counter = 1.
    const pc = st.pcpus[p];
    const field = counterOf(st.cfg.arch, ci);
    const f = powerFacilities(st.cfg.arch);
    const mask = field === LOAD_FP ? f.fp : field === LOAD_VEC ? f.vec : 1 << ci;
    loadClasses(st, p, pc.current, mask);
    pc.unitEnabled |= mask;
    if (field) setCounter(st, pc.current, field, 1);
  },
};
