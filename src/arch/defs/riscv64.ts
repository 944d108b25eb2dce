/**
 * @module arch/defs/riscv64: RV64GCV with the H extension, guests in VS-mode, Xen in HS-mode.
 * Volatility: RISC-V psABI, riscv-non-isa/riscv-elf-psabi-doc riscv-cc.adoc (anchors §7.4),
 * standard calling convention (not riscv_vector_cc). Registers go by their ABI names; x0 (zero)
 * holds no state and is left out.
 * Entry paths: xen/arch/riscv/entry.S handle_trap stores ra, sp, gp, t0–t6, s0–s11, a0–a7,
 * sepc and sstatus into cpu_user_regs. The stored version is marked "WIP: only works while
 * interrupting Xen context": the guest entry path is not merged yet. The model takes the full
 * save (every GPR, tp included, as a guest entry must) and softirqs on every return to the
 * guest from the Arm port (reference §4) [inferred]; like Arm, the RISC-V port does no lazy
 * switching (reference §4).
 * V: VLEN = 128 (the least the V extension allows, Zvl128b), so v0–v31 are 128 bits.
 * Unmeasured figures are marked [estimate], [inferred] or [recalled].
 */
import type { ArchSpecInput } from '../schema.ts';

const FULL = '[inferred] full save of x1–x31 and pc (sepc) into cpu_user_regs; entry.S handle_trap, Xen context only, stores all but tp';
const SOFTIRQ = 'softirqs on return to the guest, as Arm [inferred]';
const NO_COUNT = '[estimate] no published cycle count found';

/** f0–f31 by ABI name, in f-number order. */
const FPR = [
  ...Array.from({ length: 8 }, (_, i) => `ft${i}`), // f0–f7
  'fs0', 'fs1', // f8–f9
  ...Array.from({ length: 8 }, (_, i) => `fa${i}`), // f10–f17
  ...Array.from({ length: 10 }, (_, i) => `fs${i + 2}`), // f18–f27
  ...Array.from({ length: 4 }, (_, i) => `ft${i + 8}`), // f28–f31
];

export const riscv64: ArchSpecInput = {
  name: 'riscv64',
  description: 'RV64GCV + H extension (VLEN=128), RISC-V psABI; Xen RISC-V, guests in VS-mode',
  abi: 'RISC-V psABI riscv-cc.adoc, standard calling convention (anchors §7.4)',
  family: 'riscv',
  wordBits: 64,
  clockHz: 2.0e9,
  clockSource: '[estimate] a round 2 GHz for an RV64 application core; no H-extension silicon measured',
  classes: [
    {
      name: 'gpr',
      description: 'x1–x31 by ABI name (x0 is hard-wired zero)',
      regs: [
        'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', // x1–x9
        'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', // x10–x17
        's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', // x18–x27
        't3', 't4', 't5', 't6', // x28–x31
      ],
      widthBits: 64,
      volatility: 'volatile',
      // s0–s11 callee-saved, sp preserved; ra, t0–t6 and a0–a7 not preserved.
      nonvolatile: ['sp', 's0-s11'],
      // "gp and tp are not allocatable."
      reserved: ['gp', 'tp'],
      hvUses: true,
      role: 'int',
      save: { cycles: 31, source: `31 sd, about one per cycle (REG_S in handle_trap) ${NO_COUNT}` },
      restore: { cycles: 31, source: `31 ld (REG_L in handle_trap) ${NO_COUNT}` },
    },
    {
      name: 'ctl',
      description: 'guest pc, as sepc in the exception frame',
      regs: ['pc'],
      widthBits: 64,
      volatility: 'volatile',
      hvUses: true,
      role: 'int',
      save: { cycles: 2, source: `csrr sepc + sd ${NO_COUNT}` },
      restore: { cycles: 3, source: `ld + csrw sepc before sret ${NO_COUNT}` },
    },
    {
      name: 'fpr',
      description: 'F/D registers f0–f31 by ABI name, and fcsr',
      regs: [...FPR, 'fcsr'],
      widthBits: 64,
      volatility: 'volatile',
      // fs0–fs11 callee-saved (they are no wider than FLEN in lp64d).
      nonvolatile: ['fs0-fs11'],
      // fcsr "has thread storage duration": outside the caller/callee split.
      reserved: ['fcsr'],
      hvUses: false,
      role: 'fp',
      save: { cycles: 36, source: `32 fsd + frcsr ${NO_COUNT}` },
      restore: { cycles: 36, source: `32 fld + fscsr ${NO_COUNT}` },
    },
    {
      name: 'vreg',
      description: 'vector registers v0–v31 at VLEN=128',
      prefix: 'v',
      count: 32,
      widthBits: 128,
      // Standard CC: "v0–v31, vl, vtype, vxrm and vxsat are all caller-saved".
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: { cycles: 40, source: `4 × vs8r.v, 512 B at VLEN=128 ${NO_COUNT}` },
      restore: { cycles: 40, source: `4 × vl8re8.v ${NO_COUNT}` },
    },
    {
      name: 'vcsr',
      description: 'vector CSRs vl, vtype, vstart and vcsr (vxrm + vxsat)',
      regs: ['vl', 'vtype', 'vstart', 'vcsr'],
      widthBits: 64,
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: { cycles: 8, source: `4 csrr ${NO_COUNT}` },
      restore: { cycles: 15, source: `vsetvl (restores vl and vtype) + csrw vstart, vcsr ${NO_COUNT}` },
    },
    {
      name: 'sysreg',
      description: 'VS-mode CSRs a vcpu switch moves, by the names the guest sees (vsstatus, vstvec, …)',
      regs: ['sstatus', 'sie', 'sip', 'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'satp', 'stimecmp'],
      widthBits: 64,
      volatility: 'reserved',
      hvUses: false,
      role: 'system',
      save: { cycles: 20, source: `10 csrr of the vs* CSRs (vstimecmp with Sstc) ${NO_COUNT}` },
      restore: { cycles: 40, source: `10 csrw of the vs* CSRs ${NO_COUNT}` },
    },
  ],
  // sstatus.FS governs f0–f31 and fcsr, sstatus.VS the vector registers and vector CSRs: each
  // Off (instructions trap), Initial, Clean or Dirty — the hardware's own record of a write.
  units: [
    { name: 'f', classes: ['fpr'], control: 'sstatus.FS (Off traps)', dirtyState: 'sstatus.FS = Dirty', source: 'RISC-V privileged spec §3.1.6.6 "Extension Context Status in mstatus Register" (FS), sstatus a view of it (§4.1.1)' },
    { name: 'v', classes: ['vreg', 'vcsr'], control: 'sstatus.VS (Off traps)', dirtyState: 'sstatus.VS = Dirty', source: 'RISC-V privileged spec §3.1.6.6 (VS, with the V extension); V spec §3.2: vl, vtype, vstart, vcsr are part of the vector state VS tracks' },
  ],
  entry: {
    decrementer: { saves: 'full', runsSoftirqs: true, source: `supervisor timer interrupt taken in HS-mode for the guest's deadline, injected as VSTIP; ${FULL}; ${SOFTIRQ}` },
    'hv-timer': { saves: 'full', runsSoftirqs: true, source: `hypervisor timer: the supervisor timer interrupt for Xen's own timers (SBI set_timer or stimecmp); ${FULL}; ${SOFTIRQ}` },
    hypercall: { saves: 'full', runsSoftirqs: true, source: `ecall from VS-mode (SBI call or hypercall), scause = 10; ${FULL}; ${SOFTIRQ}` },
    external: { saves: 'full', runsSoftirqs: true, source: `supervisor external interrupt from the PLIC or AIA APLIC/IMSIC; ${FULL}; ${SOFTIRQ}` },
    ipi: { saves: 'full', runsSoftirqs: true, source: `IPI as a supervisor software interrupt (SBI IPI) or an IMSIC MSI; ${FULL}; ${SOFTIRQ}` },
    'program-check': { saves: 'full', runsSoftirqs: true, source: `illegal-instruction or virtual-instruction trap, scause = 2 or 22; ${FULL}; ${SOFTIRQ}` },
  },
  // Xen's C code between entry and the switch. entry.S calls do_trap(); the stored traps.c only
  // reports unexpected traps, so the handlers beneath it are placeholders [inferred] after the
  // Arm port. s0–s11 are what compiled code preserves (sp it switches); counts are [estimate]s.
  cframes: {
    allocation: ['s0-s11'],
    functions: {
      do_trap: 2, do_trap_ecall: 3, do_sched_op: 2, do_trap_illegal: 4, do_irq: 3,
      vtimer_interrupt: 2, timer_interrupt: 2, handle_irq: 4, ipi_interrupt: 2,
      do_softirq: 3, schedule: 8, context_switch: 4, idle_loop: 2,
    },
    chains: {
      hypercall: ['do_trap', 'do_trap_ecall', 'do_sched_op'],
      'hv-timer': ['do_trap', 'do_irq', 'timer_interrupt'],
      decrementer: ['do_trap', 'do_irq', 'vtimer_interrupt'],
      external: ['do_trap', 'do_irq', 'handle_irq'],
      ipi: ['do_trap', 'do_irq', 'ipi_interrupt'],
      'program-check': ['do_trap', 'do_trap_illegal'],
    },
    softirq: ['do_softirq', 'schedule'],
    switch: ['context_switch'],
    idle: ['idle_loop'],
    source: 'entry.S handle_trap → do_trap (verified); handlers beneath it [inferred] after the Arm port; callee-saved counts [estimate] for GCC -O2',
  },
  addressSpace: {
    kind: 'hgatp',
    switch: { cycles: 150, source: '[estimate] csrw hgatp (G-stage root + VMID); hfence.gvma only when a VMID is recycled' },
    refillPerPage: { cycles: 39, source: '[inferred] x86 STLB miss + 2-D walk, 39 cycles (reference §6.3), borrowed for lack of a RISC-V figure' },
    // Same working set as the other architectures so designs compare; with VMIDs it is an upper bound [estimate].
    workingSetPages: 1000,
  },
  cost: {
    trap: { cycles: 250, source: '[estimate] VS→HS trap + sret, excluding register saves; no published figure' },
    hypercall: { cycles: 500, source: '[estimate] ecall + dispatch + sret; no published Xen RISC-V figure' },
    copyPerWord: { cycles: 0.7, source: '[inferred] memcpy 168 B ≈ 15 cycles on x86 (reference §6.3)' },
    schedule: { cycles: 1000, source: '[estimate] one schedule() pass; no published figure' },
    ipi: { cycles: 2000, source: '[estimate] SBI IPI or IMSIC MSI write + delivery + handler entry; no published figure' },
    guestIpc: { ipc: 1, source: '[estimate] a round one instruction per cycle for mixed guest code on an out-of-order RV64 core; no machine measured' },
  },
};
