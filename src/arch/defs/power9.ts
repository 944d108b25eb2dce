/**
 * @module arch/defs/power9: 64-bit POWER9 (Power ISA 3.0B) with VSX, ELFv2 ABI, switched as Linux
 * and KVM-HV switch it today — the ppc64 built-in (the PPC970 of the seed post) fifteen years on.
 *
 * Registers: the Power ISA's VSX facility has 64 vector-scalar registers vs0–vs63 of 128 bits;
 * FPR i is doubleword 0 of vs i (i < 32) and AltiVec's VR i is the whole of vs(32+i) (Power ISA
 * 3.0B Book I §7.2.1 "Vector-Scalar Registers", fig. 95). Written as aliases, so the 32 × 64
 * FPR bits and the 32 × 128 VR bits are stored and counted once (issue 20).
 * Volatility: OpenPOWER ELFv2 ABI rev 1.5 §2.2.1.1 (register roles; anchors §7.1): r1, r2, r14–r31,
 * cr2–cr4, f14–f31 and v20–v31 (= vsr52–vsr63) nonvolatile, but "the least-significant halves of
 * those VSX registers corresponding to the classic floating-point registers (that is,
 * vsr0–vsr31), are volatile"; r13 the thread pointer; VRSAVE reserved.
 * Facilities (lazy units): MSR[FP] and MSR[VEC] gate them; Linux's load_up_fpu (fpu.S) sets
 * MSR_FP together with MSR_VSX and restores the whole of vs0–vs31 (REST_32FPVSRS → REST_32VSRS on
 * CPU_FTR_VSX), save_fpu stores all 32 VSRs and FPSCR; load_up_altivec / save_altivec (vector.S)
 * move v0–v31 and VSCR; load_up_vsx loads whichever of the two is missing. So one unit is FPRs +
 * FPSCR + the rest of vs0–vs31, the other the VRs + VSCR. (A VSX instruction on vs0–vs31 with
 * only MSR[FP] set takes a VSX-unavailable trap in hardware that the model does not separate: it
 * loads nothing the FP unit has not loaded.)
 * Entry paths: since Linux 5.14's "powerpc: remove partial register save logic" (8dc7f0229b78,
 * N. Piggin, and 4228b2c3d20e for 64e) every interrupt saves the full pt_regs, r14–r31 included,
 * and the return to a guest or user runs pending work; KVM-HV's POWER9 path (book3s_hv_p9_entry.c
 * kvmhv_vcpu_entry_p9) saves every guest GPR at exit. Xen's own POWER port (xen/arch/ppc,
 * revived 2023 for POWER9/Talos II) does not run guests yet, so the model takes Linux/KVM's full
 * save with softirqs on every return [inferred]: the ppc-* designs, which model the 2005 port's
 * volatile-only fast_resume paths, do not run here (supportsPpc says why).
 * Unmeasured figures are marked [estimate], [inferred] or [recalled].
 */
import type { ArchSpecInput } from '../schema.ts';
import { ppc64 } from './ppc64.ts';

const NO_COUNT = '[estimate] no published POWER9 cycle count found';
const FULL = 'every GPR, CR, LR, CTR, XER into pt_regs (Linux ≥ 5.14: "remove partial register save logic", 8dc7f0229b78)';
const SOFTIRQ = 'pending work (softirqs) on every return to the guest [inferred] from Linux interrupt_exit_user_prepare and Xen\'s other ports';

export const power9: ArchSpecInput = {
  name: 'power9',
  description: 'POWER9 (Power ISA 3.0B, VSX: f ⊂ vs0–31, v = vs32–63), ELFv2 ABI; Linux/KVM-HV switching, radix MMU',
  abi: 'OpenPOWER ELFv2 ABI rev 1.5, §2.2.1.1 (anchors §7.1), with its VSX note',
  family: 'power',
  wordBits: 64,
  clockHz: 3.2e9,
  clockSource: '[recalled] POWER9 Sforza (Talos II, Blackbird) 8–22 cores at 2.75–3.8 GHz; 3.2 GHz a mid value, no machine measured',
  classes: [
    // ELFv2's integer registers, as on ppc64 (the same volatility; the PPC970 cost estimates
    // carried over, no POWER9 count being published either).
    ...ppc64.classes.filter((c) => c.name === 'gpr' || c.name === 'cr' || c.name === 'spr'),
    {
      name: 'fpr',
      description: 'floating-point registers (doubleword 0 of vs0–vs31) and FPSCR',
      regs: [...Array.from({ length: 32 }, (_, i) => `f${i}`), 'fpscr'],
      widthBits: 64,
      volatility: 'volatile',
      nonvolatile: ['f14-f31'],
      aliases: [{ regs: 'f0-f31', of: 'vs0-vs31', bits: [0, 63], source: 'Power ISA 3.0B Book I §7.2.1: "FPR[i] is mapped to doubleword 0 of VSR[i]" for i = 0–31' }],
      hvUses: false,
      role: 'fp',
      save: { cycles: 40, source: `32 stfd + mffs, the FPR half of save_fpu's 32 stxvd2x (fpu.S) ${NO_COUNT}` },
      restore: { cycles: 40, source: `32 lfd + mtfsf, the FPR half of load_up_fpu's 32 lxvd2x ${NO_COUNT}` },
    },
    {
      name: 'vsx',
      // Its own bits are doubleword 1 of vs0–vs31: doubleword 0 is fpr's, vs32–vs63 are vmx's.
      description: 'VSX registers vs0–vs63; vs0–vs31 doubleword 0 are f0–f31, vs32–vs63 are v0–v31',
      prefix: 'vs',
      count: 64,
      widthBits: 128,
      // ELFv2 §2.2.1.1: doubleword 1 of every vsr0–vsr31 is volatile (f14–f31's nonvolatile
      // doubleword 0 is fpr's, v20–v31 are vmx's).
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: { cycles: 8, source: `what 32 stxvd2x cost beyond 32 stfd in save_fpu under CPU_FTR_VSX ${NO_COUNT}` },
      restore: { cycles: 8, source: `what 32 lxvd2x cost beyond 32 lfd in load_up_fpu ${NO_COUNT}` },
    },
    {
      name: 'vmx',
      description: 'AltiVec vector registers v0–v31 (= vs32–vs63) and VSCR',
      regs: [...Array.from({ length: 32 }, (_, i) => `v${i}`), 'vscr'],
      widthBits: 128,
      volatility: 'volatile',
      nonvolatile: ['v20-v31'],
      aliases: [{ regs: 'v0-v31', of: 'vs32-vs63', bits: [0, 127], source: 'Power ISA 3.0B Book I §7.2.1: "VR[i] is mapped to VSR[i+32]" for i = 0–31' }],
      hvUses: false,
      role: 'vector',
      save: { cycles: 45, source: `32 stvx + mfvscr (save_altivec, vector.S) ${NO_COUNT}` },
      restore: { cycles: 45, source: `32 lvx + mtvscr (load_up_altivec) ${NO_COUNT}` },
    },
    // VRSAVE as ppc64 has it: Linux moves it in save_sprs()/restore_sprs() at every __switch_to
    // (process.c), not with MSR[VEC]; the PowerPC designs here treat a class named vrsave as that SPR.
    ...ppc64.classes.filter((c) => c.name === 'vrsave'),
    {
      name: 'sysreg',
      description: 'guest SPRs KVM-HV moves per vcpu on POWER9 (store_spr_state/load_spr_state and the MMU switch)',
      regs: ['tar', 'ebbhr', 'ebbrr', 'bescr', 'tidr', 'iamr', 'amr', 'uamor', 'fscr', 'dscr', 'pspb', 'ctrl', 'pid', 'srr0', 'srr1', 'sprg0', 'sprg1', 'sprg2', 'sprg3', 'dar', 'dsisr'],
      widthBits: 64,
      volatility: 'reserved',
      hvUses: false,
      role: 'system',
      save: { cycles: 63, source: `21 mfspr (book3s_hv_p9_entry.c store_spr_state + the SRR/SPRG/DAR saves) at ~3 cycles ${NO_COUNT}` },
      restore: { cycles: 105, source: `21 mtspr at ~5 cycles, "SPR writes are slow" (anchors §2.3) ${NO_COUNT}` },
    },
  ],
  // MSR[FP] (load_up_fpu also sets MSR[VSX]) over the FPRs, FPSCR and the rest of vs0–vs31;
  // MSR[VEC] over v0–v31 (vs32–vs63) and VSCR. VRSAVE is an SPR that no MSR bit gates.
  units: [
    { name: 'fp', classes: ['fpr', 'vsx'], control: 'MSR[FP] (+ MSR[VSX])', source: 'Linux arch/powerpc/kernel/fpu.S load_up_fpu: "oris r5,r5,MSR_VSX@h" with MSR_FP, REST_32FPVSRS = REST_32VSRS on CPU_FTR_VSX; save_fpu SAVE_32FPVSRS' },
    { name: 'vec', classes: ['vmx'], control: 'MSR[VEC]', source: 'Linux arch/powerpc/kernel/vector.S load_up_altivec / save_altivec: REST_32VRS/SAVE_32VRS + VSCR; load_up_vsx loads FP and VEC if either is off' },
  ],
  entry: {
    decrementer: { saves: 'full', runsSoftirqs: true, source: `DEC (0x900) for the guest's deadline, taken by the hypervisor; ${FULL}; ${SOFTIRQ}` },
    'hv-timer': { saves: 'full', runsSoftirqs: true, source: `HDEC (0x980), the hypervisor decrementer KVM-HV arms at guest entry; ${FULL}; ${SOFTIRQ}` },
    hypercall: { saves: 'full', runsSoftirqs: true, source: `sc 1 (0xc00, H_* hcalls) from the guest; KVM-HV saves all guest GPRs at exit (kvmhv_vcpu_entry_p9); ${SOFTIRQ}` },
    external: { saves: 'full', runsSoftirqs: true, source: `hypervisor virtualization interrupt (0xea0) from the XIVE; ${FULL}; ${SOFTIRQ}` },
    ipi: { saves: 'full', runsSoftirqs: true, source: `msgsnd doorbell (0xe80 hypervisor doorbell) or a XIVE IPI; ${FULL}; ${SOFTIRQ}` },
    'program-check': { saves: 'full', runsSoftirqs: true, source: `program interrupt (0x700) or hypervisor emulation assistance (0xe40); ${FULL}; ${SOFTIRQ}` },
  },
  // The hypervisor's C code between entry and the switch, as on ppc64: GCC allocates nonvolatile
  // GPRs from r31 downwards and saves those it uses in its prologue (ELFv2 §2.2.2); the call
  // chains follow the 2005 port's names [inferred].
  cframes: ppc64.cframes,
  addressSpace: {
    // Radix: a partition is its LPID (partition table entry) and a process its PID; switching
    // is mtspr LPIDR, LPCR, PID with isync, no flush (translations are tagged).
    kind: 'lpidr+lpcr+pid (radix)',
    switch: { cycles: 300, source: `book3s_hv_p9_entry.c switch_mmu_to_guest_radix: mtspr LPID, LPCR, PID, four isync ${NO_COUNT}` },
    refillPerPage: { cycles: 39, source: '[inferred] x86 STLB miss + 2-D walk, 39 cycles (reference §6.3), borrowed for lack of a POWER9 figure' },
    // Same working set as the other architectures so designs compare; with LPID-tagged TLBs it is an upper bound [estimate].
    workingSetPages: 1000,
  },
  cost: {
    trap: { cycles: 250, source: `interrupt + hrfid round trip ${NO_COUNT}` },
    hypercall: { cycles: 500, source: `sc 1 + hrfid and the hcall dispatch ${NO_COUNT}` },
    copyPerWord: { cycles: 0.7, source: '[inferred] memcpy 168 B ≈ 15 cycles on x86 (reference §6.3)' },
    schedule: { cycles: 1000, source: '[estimate] one schedule() pass; no published figure' },
    ipi: { cycles: 1500, source: `msgsnd doorbell + delivery + handler entry ${NO_COUNT}` },
    guestIpc: { ipc: 1.5, source: '[estimate] a POWER9 SMT4 core running mixed guest code; no machine measured' },
  },
};
