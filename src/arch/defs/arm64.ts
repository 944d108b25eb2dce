/**
 * @module arch/defs/arm64: AArch64 as Xen on Arm runs it (guests at EL1, Xen at EL2).
 * Volatility: AAPCS64, ARM-software/abi-aa aapcs64.rst (anchors §7.2).
 * Entry paths: xen/arch/arm/arm64/entry.S (reference/xen-context-switch.md §4). The `entry`
 * macro of every guest vector (guest_sync, guest_irq, guest_error) pushes x0–x29 and lr into the
 * cpu_user_regs frame on the vcpu's own stack, entry_guest adds SP_EL0, SP_EL1, ELR_EL1 and
 * SPSR_EL1, then ELR_EL2 (the guest pc) and SPSR_EL2 (its pstate); `exit` calls
 * leave_hypervisor_tail(), which loops on do_softirq() before returning to the guest. So every
 * path saves every GPR and every path may reach schedule(), as on x86.
 * Switch-time state: ctxt_switch_from()/ctxt_switch_to() in xen/arch/arm/domain.c move the EL1
 * system registers, the VFP/FPSIMD state (vfp_save_state, eager) and, for SVE domains, the SVE
 * state (arm64/sve.c sve_save_state/sve_restore_state; Xen 4.18+ [recalled]), and load VTTBR_EL2.
 * The model gives every domain SVE at VL=256 (the `vector` role), as x86-64 gives every domain AVX.
 * Unmeasured figures are marked [estimate], [inferred] or [recalled].
 */
import type { ArchSpecInput } from '../schema.ts';

const FULL = 'arm64/entry.S `entry`: x0–x29, lr, sp, ELR_EL2 (pc), SPSR_EL2 (pstate) into cpu_user_regs (reference §4)';
const SOFTIRQ = 'exit → leave_hypervisor_tail() loops on do_softirq()';
const NO_COUNT = '[estimate] no published cycle count found';

export const arm64: ArchSpecInput = {
  name: 'arm64',
  description: 'AArch64 (Armv8.2+ server class, SVE at VL=256), AAPCS64; Xen on Arm, guests at EL1',
  abi: 'AAPCS64, ARM-software/abi-aa aapcs64/aapcs64.rst (anchors §7.2)',
  family: 'arm',
  wordBits: 64,
  clockHz: 2.0e9,
  clockSource: '[estimate] a round 2 GHz for an Armv8.2+ server core (Neoverse class); no machine measured',
  classes: [
    {
      name: 'gpr',
      description: 'x0–x30 (x29 = fp, x30 = lr) and the stack pointer of the interrupted code (SP_EL0 or SP_EL1)',
      regs: [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp'],
      widthBits: 64,
      volatility: 'volatile',
      // "Registers r19-r29 and SP are Callee-saved"; x30 (lr) and x0–x17 are caller-saved.
      nonvolatile: ['x19-x28', 'x29', 'sp'],
      // x18: the platform register "if needed; otherwise … Caller-saved". The model keeps it out of
      // the caller/callee split; like every reserved register it is saved as volatile state.
      reserved: ['x18'],
      hvUses: true,
      role: 'int',
      save: { cycles: 16, source: `16 stp of register pairs, about one per cycle ${NO_COUNT}` },
      restore: { cycles: 16, source: `16 ldp of register pairs ${NO_COUNT}` },
    },
    {
      name: 'ctl',
      description: 'guest pc and pstate, as ELR_EL2 and SPSR_EL2 in the exception frame',
      regs: ['pc', 'pstate'],
      widthBits: 64,
      volatility: 'volatile',
      hvUses: true,
      role: 'int',
      save: { cycles: 2, source: `mrs elr_el2 / spsr_el2 in the entry macro ${NO_COUNT}` },
      restore: { cycles: 4, source: `msr elr_el2 / spsr_el2 before eret ${NO_COUNT}` },
    },
    {
      name: 'fpsimd',
      // fpsr and fpcr are 32-bit registers counted here at the class width (24 bytes over per
      // save), as ppc64 does with vscr.
      description: 'FP/SIMD registers v0–v31 (128 bits) with FPSR and FPCR (vfp_save_state)',
      regs: [...Array.from({ length: 32 }, (_, i) => `v${i}`), 'fpsr', 'fpcr'],
      widthBits: 128,
      volatility: 'volatile',
      // AAPCS64 §6.1.2: "Registers v8-v15 must be preserved by a callee across subroutine calls;
      // the remaining registers (v0-v7, v16-v31) do not need to be preserved (or should be
      // preserved by the caller). Additionally, only the bottom 64 bits of each value stored in
      // v8-v15 need to be preserved" — d8–d15.
      nonvolatile: ['v8-v15[0:63]'],
      // "The lowest 128 bits of each Z register overlap the corresponding V register" (Arm ARM,
      // SVE: Z registers), so v0–v31 are stored once, as the low bits of z0–z31.
      aliases: [{ regs: 'v0-v31', of: 'z0-z31', bits: [0, 127], source: 'Arm ARM DDI 0487 B1.2.2 / SVE supplement: V0–V31 are bits [127:0] of Z0–Z31' }],
      // FPSR "is not preserved"; FPCR fields are "global", changed only by specific support functions.
      reserved: ['fpcr'],
      // FPSR and FPCR are 32-bit system registers (Arm ARM C5.2.7/C5.2.8), stored as two __u32
      // beside vregs[32] in Linux's user_fpsimd_state.
      narrower: [{ regs: 'fpsr, fpcr', widthBits: 32 }],
      hvUses: false,
      role: 'fp',
      save: { cycles: 60, source: 'half of seL4 RFC-18 "Basic save + restore overhead seems to be about 120 cycles", Cortex-A35, sel4bench platform-timer cycles, not CPU cycles (anchors §2.2, §4.3)' },
      restore: { cycles: 60, source: 'the other half of seL4 RFC-18\'s ~120 platform-timer cycles on Cortex-A35 (anchors §4.3); taken as CPU cycles [inferred]' },
    },
    {
      name: 'sve',
      // Its own bits are 128–255 of each: bits 0–127 are fpsimd's v0–v31 (aliases).
      description: 'SVE Z registers z0–z31 at VL=256; their low 128 bits are v0–v31',
      prefix: 'z',
      count: 32,
      widthBits: 256,
      // AAPCS64 base PCS: only d8–d15 survive a call; every Z bit above 64 is caller-saved [recalled].
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: { cycles: 40, source: `32 str z at VL=256 (sve_save_ctx) beyond the FPSIMD part ${NO_COUNT}` },
      restore: { cycles: 40, source: `32 ldr z at VL=256 (sve_load_ctx) beyond the FPSIMD part ${NO_COUNT}` },
    },
    {
      name: 'sve-pred',
      description: 'SVE predicate registers p0–p15 and FFR (VL/8 = 32 bits at VL=256)',
      regs: [...Array.from({ length: 16 }, (_, i) => `p${i}`), 'ffr'],
      widthBits: 32,
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: { cycles: 20, source: `16 str p + rdffr/str, and ZCR_EL1 (sve_save_state) ${NO_COUNT}` },
      restore: { cycles: 25, source: `16 ldr p + wrffr, ZCR_EL1/ZCR_EL2 writes (sve_restore_state) ${NO_COUNT}` },
    },
    {
      name: 'sysreg',
      description: 'EL1 system registers ctxt_switch_from()/ctxt_switch_to() move (xen/arch/arm/domain.c), with the virtual timer',
      regs: [
        'sctlr_el1', 'actlr_el1', 'cpacr_el1', 'ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'mair_el1', 'amair_el1',
        'vbar_el1', 'contextidr_el1', 'tpidr_el0', 'tpidrro_el0', 'tpidr_el1', 'csselr_el1', 'par_el1',
        'esr_el1', 'far_el1', 'afsr0_el1', 'afsr1_el1', 'cntkctl_el1', 'cntv_ctl_el0', 'cntv_cval_el0',
        // entry_guest stores these two in the frame on every entry, but Xen's own code never
        // clobbers EL1 registers, so the model keeps them with the switch-time state.
        'elr_el1', 'spsr_el1',
      ],
      widthBits: 64,
      volatility: 'reserved',
      hvUses: false,
      role: 'system',
      save: { cycles: 50, source: `24 mrs of EL1 registers, about two cycles each ${NO_COUNT}` },
      restore: { cycles: 120, source: `24 msr of EL1 registers + isb; system-register writes self-synchronise slowly ${NO_COUNT}` },
    },
  ],
  // CPACR_EL1.FPEN traps FP/SIMD; SVE needs ZEN as well, one bit for the Z and P registers and
  // FFR (Arm ARM D19.2.30 CPACR_EL1; Linux arm64 do_sve_acc() handles the ZEN trap).
  units: [
    { name: 'fpsimd', classes: ['fpsimd'], control: 'CPACR_EL1.FPEN', source: 'Arm ARM DDI 0487 CPACR_EL1.FPEN: traps SVE, Advanced SIMD and floating-point' },
    { name: 'sve', classes: ['sve', 'sve-pred'], control: 'CPACR_EL1.ZEN', source: 'Arm ARM DDI 0487 CPACR_EL1.ZEN: traps SVE instructions and the Z, P and FFR registers' },
  ],
  entry: {
    decrementer: { saves: 'full', runsSoftirqs: true, source: `generic-timer virtual timer PPI (CNTV) taken at EL2 as an IRQ via the GIC, injected by vtimer.c; ${FULL}; ${SOFTIRQ}` },
    'hv-timer': { saves: 'full', runsSoftirqs: true, source: `the hypervisor timer CNTHP (EL2 physical timer PPI) for Xen's own timers; ${FULL}; ${SOFTIRQ}` },
    hypercall: { saves: 'full', runsSoftirqs: true, source: `HVC from EL1: guest_sync, ESR_EL2 class HVC64, dispatched to the hypercall table; ${FULL}; ${SOFTIRQ}` },
    external: { saves: 'full', runsSoftirqs: true, source: `device IRQ through the GIC, guest_irq → do_trap_irq → gic_interrupt; ${FULL}; ${SOFTIRQ}` },
    ipi: { saves: 'full', runsSoftirqs: true, source: `SGI (GIC software-generated interrupt), guest_irq → gic_interrupt; ${FULL}; ${SOFTIRQ}` },
    'program-check': { saves: 'full', runsSoftirqs: true, source: `synchronous abort or trapped instruction: guest_sync, classified by ESR_EL2; ${FULL}; ${SOFTIRQ}` },
  },
  // Xen's C code between entry and the switch. __context_switch saves x19–x28, x29 (fp), sp and
  // lr (reference §4): x19–x29 are what compiled code preserves; sp and lr it changes. GCC takes
  // x19 upwards [recalled]; the per-function counts are [estimate]s of -O2 code.
  cframes: {
    allocation: ['x19-x28', 'x29'],
    functions: {
      do_trap_guest_sync: 3, do_trap_hypercall: 3, do_sched_op: 2, do_trap_data_abort_guest: 5, do_trap_irq: 1,
      gic_interrupt: 3, vtimer_interrupt: 2, timer_interrupt: 2, do_irq: 4, do_sgi: 2,
      do_softirq: 3, schedule: 8, context_switch: 4, idle_loop: 2,
    },
    chains: {
      hypercall: ['do_trap_guest_sync', 'do_trap_hypercall', 'do_sched_op'],
      'hv-timer': ['do_trap_irq', 'gic_interrupt', 'timer_interrupt'],
      decrementer: ['do_trap_irq', 'gic_interrupt', 'vtimer_interrupt'],
      external: ['do_trap_irq', 'gic_interrupt', 'do_irq'],
      ipi: ['do_trap_irq', 'gic_interrupt', 'do_sgi'],
      'program-check': ['do_trap_guest_sync', 'do_trap_data_abort_guest'],
    },
    // Xen runs them from leave_hypervisor_tail() after the handler returns; the model nests them
    // beneath the handler, as it does for x86's test_all_events.
    softirq: ['do_softirq', 'schedule'],
    switch: ['context_switch'],
    idle: ['idle_loop'],
    source: 'arm64/entry.S guest_sync/guest_irq → C handlers (traps.c, gic.c, vtimer.c, time.c; do_IRQ written do_irq) [recalled names]; callee-saved counts [estimate] for GCC -O2',
  },
  addressSpace: {
    kind: 'vttbr',
    switch: { cycles: 150, source: '[estimate] p2m_restore_state (first p2m_load_VTTBR): msr VTTBR_EL2 (stage-2 base + VMID) + isb; VMID-tagged TLBs need no flush' },
    refillPerPage: { cycles: 39, source: '[inferred] x86 STLB miss + 2-D walk, 39 cycles (reference §6.3), borrowed for lack of an Arm figure' },
    // Same working set as x86-64 and ppc64 so designs compare; with VMID tags many entries would
    // survive a switch, so this is an upper bound [estimate].
    workingSetPages: 1000,
  },
  cost: {
    trap: { cycles: 200, source: '[estimate] EL1→EL2 exception entry + eret, excluding saves; below the [recalled] ~376-cycle Xen on Arm null hypercall' },
    hypercall: { cycles: 376, source: '[recalled] Xen on Arm null hypercall ≈ 376 cycles on APM X-Gene (Dall et al., ISCA 2016); not re-read' },
    copyPerWord: { cycles: 0.5, source: '[estimate] ldp/stp move two words per instruction at about one per cycle' },
    schedule: { cycles: 1000, source: '[estimate] one schedule() pass; no published figure' },
    ipi: { cycles: 2000, source: '[estimate] GICv3 SGI via ICC_SGI1R_EL1 write + delivery + handler entry; no published figure used' },
    guestIpc: { ipc: 1, source: '[estimate] a round one instruction per cycle for mixed guest code on a Neoverse-class core; no machine measured' },
  },
};
