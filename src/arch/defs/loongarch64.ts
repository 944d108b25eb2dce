/**
 * @module arch/defs/loongarch64: LoongArch64 (LA664 class: FP, LSX, LASX, LVZ virtualisation),
 * guests in LVZ guest mode, the hypervisor in root mode at PLV0.
 * There is no Xen LoongArch port (checked: xen-project/xen's xen/arch holds arm, ppc, riscv and x86, and once ia64 and powerpc — no loongarch), so this entry models
 * what Xen would do on the pattern of its Arm and RISC-V ports, with the hardware facts taken
 * from Linux and KVM LoongArch (arch/loongarch/kvm), the one LVZ hypervisor whose code is public.
 * Volatility: LoongArch ELF psABI, Procedure Call Standard loongson/la-abi-specs lapcs.adoc
 * ("General-purpose register convention", "Floating-point register convention"), base ABI lp64d.
 * GPRs go by their psABI alias (ra, tp, sp, a0–a7, t0–t8, fp, s0–s8); r21 has none ("Reserved")
 * and keeps its number; r0 (zero) holds no state and is left out. FPRs go by number, f0–f31,
 * because f_i is the low 64 bits of vr_i and xr_i by number (fa0–fa7 = f0–f7, ft0–ft15 =
 * f8–f23, fs0–fs7 = f24–f31: lapcs.adoc; Linux asm/fpregdef.h).
 * Entry paths: KVM's guest exit kvm_exc_entry (kvm/switch.S) stores every guest GPR
 * (kvm_save_guest_gprs: r1–r31) and the guest pc from CSR.ERA, and Linux's own SAVE_ALL
 * (asm/stackframe.h: SAVE_SOME + SAVE_TEMP + SAVE_STATIC) saves every GPR too; both return
 * through a pass that may reschedule (irq_exit_rcu; kvm_pre_enter_guest →
 * xfer_to_guest_mode_handle_work), as Xen/Arm's leave_hypervisor_tail loops on do_softirq.
 * So every path saves every GPR and may reach schedule().
 * FP/SIMD: three enable bits in CSR.EUEN (FPE, SXE, ASXE), one per unit, and no hardware record
 * of a write (EUEN is enable bits only; Linux lose_fpu_inatomic saves whatever unit is enabled).
 * f ⊂ vr ⊂ xr: one 256-bit register file, stored once (aliases).
 * Unmeasured figures are marked [estimate], [inferred] or [recalled].
 */
import type { ArchSpecInput } from '../schema.ts';

const FULL =
  'every GPR (r1–r31) and pc (ERA) into the vcpu frame, as KVM kvm/switch.S kvm_exc_entry (kvm_save_guest_gprs) and Linux SAVE_ALL (asm/stackframe.h) [inferred for a Xen port]';
const SOFTIRQ = 'softirqs on return to the guest, as Xen/Arm leave_hypervisor_tail; KVM reschedules there (kvm_pre_enter_guest → xfer_to_guest_mode_handle_work) [inferred]';
const NO_COUNT = '[estimate] no published cycle count found';

/** The guest CSRs KVM moves at a vcpu switch: kvm/vcpu.c _kvm_vcpu_put (save) / _kvm_vcpu_load (restore), kvm/timer.c kvm_save_timer. */
const GCSRS = [
  // Mode, exception and interrupt state.
  'crmd', 'prmd', 'euen', 'misc', 'ecfg', 'estat', 'era', 'badv', 'badi', 'eentry',
  // The guest's own MMU state (its first stage: GVA → GPA).
  'tlbidx', 'tlbehi', 'tlbelo0', 'tlbelo1', 'asid', 'pgdl', 'pgdh', 'pwctl0', 'pwctl1', 'stlbps', 'rvacfg',
  'cpuid', 'prcfg1', 'prcfg2', 'prcfg3',
  // SAVE0–7 (Linux LOONGARCH_CSR_KS0–KS7): the guest kernel's scratch registers.
  ...Array.from({ length: 8 }, (_, i) => `save${i}`),
  // Timer (TID is Linux's TMID), counter compensation, LL bit.
  'tid', 'tcfg', 'tval', 'cntc', 'llbctl',
  // The TLB-refill exception's own copies.
  'tlbrentry', 'tlbrbadv', 'tlbrera', 'tlbrsave', 'tlbrelo0', 'tlbrelo1', 'tlbrehi', 'tlbrprmd',
  // Direct-mapping windows.
  'dmw0', 'dmw1', 'dmw2', 'dmw3',
  // Root CSR.GINTC (the interrupts injected into the guest), kept in the unused guest GINTC slot.
  'gintc',
];

export const loongarch64: ArchSpecInput = {
  name: 'loongarch64',
  description: 'LoongArch64 (LA664 class: FP, LSX 128-bit, LASX 256-bit), LP64D psABI; a Xen-style port on LVZ, guests in guest mode',
  abi: 'LoongArch psABI, lapcs.adoc (loongson/la-abi-specs) register conventions, base ABI lp64d',
  family: 'loongarch',
  wordBits: 64,
  clockHz: 2.5e9,
  clockSource: 'Loongson 3A6000 (4 × LA664), "a quad core 2.5 GHz part" (chipsandcheese.com, "Loongson 3A6000: A Star among Chinese CPUs", 2024-03; launched 2023-11 at 2.0–2.5 GHz, tomshardware.com)',
  classes: [
    {
      name: 'gpr',
      description: 'r1–r31 by psABI alias; r21 (no alias: Linux calls it u0, the per-cpu base) by number; r0 is hard-wired zero',
      regs: [
        'ra', 'tp', 'sp', // r1–r3
        ...Array.from({ length: 8 }, (_, i) => `a${i}`), // r4–r11
        ...Array.from({ length: 9 }, (_, i) => `t${i}`), // r12–r20
        'r21',
        'fp', // r22, also s9
        ...Array.from({ length: 9 }, (_, i) => `s${i}`), // r23–r31
      ],
      widthBits: 64,
      volatility: 'volatile',
      // lapcs.adoc: sp "Yes", fp/s9 and s0–s8 "Yes" (preserved across calls); ra, a0–a7, t0–t8 "No".
      nonvolatile: ['sp', 'fp', 's0-s8'],
      // tp and r21 are "(Non-allocatable)". Linux's kernel keeps tp as the thread pointer and r21 as
      // the per-cpu base (Documentation/arch/loongarch/introduction.rst); like every reserved register
      // they are saved as volatile state.
      reserved: ['tp', 'r21'],
      hvUses: true,
      role: 'int',
      save: { cycles: 31, source: `31 st.d, about one per cycle (kvm_save_guest_gprs) ${NO_COUNT}` },
      restore: { cycles: 31, source: `31 ld.d (kvm_restore_guest_gprs) ${NO_COUNT}` },
    },
    {
      name: 'ctl',
      description: 'guest pc, as root CSR.ERA at the exit (kvm_exc_entry stores it in vcpu->arch.pc)',
      regs: ['pc'],
      widthBits: 64,
      volatility: 'volatile',
      hvUses: true,
      role: 'int',
      save: { cycles: 2, source: `csrrd ERA + st.d (kvm_exc_entry → KVM_ARCH_GPC) ${NO_COUNT}` },
      restore: { cycles: 3, source: `ld.d + csrwr ERA before ertn (kvm_switch_to_guest) ${NO_COUNT}` },
    },
    {
      name: 'fpr',
      description: 'FPRs f0–f31 (fa0–fa7 = f0–f7, ft0–ft15 = f8–f23, fs0–fs7 = f24–f31); f_i is bits 0–63 of vr_i',
      prefix: 'f',
      count: 32,
      widthBits: 64,
      volatility: 'volatile',
      // lapcs.adoc: "$f24 - $f31 / $fs0 - $fs7 / Static registers / Yes"; "Subroutines should ensure
      // that the initial values of ... floating-point registers $fs0 - $fs7 are preserved". With FRLEN
      // = 64 that is the FPR's 64 bits only: the vector bits above them (lsx, lasx) are not preserved
      // (LLVM LoongArchCallingConv.td CSR_ILP32D_LP64D lists F24_64–F31_64, the 64-bit FPRs; dotnet/
      // runtime#103889: "the float callee saved registers only save the low 64bits, which same with arm64").
      nonvolatile: ['f24-f31'],
      aliases: [{ regs: 'f0-f31', of: 'vr0-vr31', bits: [0, 63], source: 'Linux Documentation/arch/loongarch/introduction.rst "VRs": "the lower 64 bits of $v0 is shared with $f0; same with all other VRs"; asmmacro.h stores f_i and vr_i at one THREAD_FPRi' }],
      hvUses: false,
      role: 'fp',
      save: { cycles: 32, source: `32 fst.d (asmmacro.h fpu_save_double; kvm/switch.S kvm_save_fpu) ${NO_COUNT}` },
      restore: { cycles: 32, source: `32 fld.d (fpu_restore_double; kvm_restore_fpu) ${NO_COUNT}` },
    },
    {
      name: 'fcc',
      // Architecturally one bit each; Linux packs them a byte apart into one 64-bit THREAD_FCC, so
      // the model's word count (one word per slot) says 8 words where Linux stores one.
      description: 'FP condition flags fcc0–fcc7, one bit each',
      prefix: 'fcc',
      count: 8,
      widthBits: 1,
      // lapcs.adoc does not list them; GCC makes them call-clobbered (gcc/config/loongarch/loongarch.h
      // CALL_USED_REGISTERS: 1 for FCC_REG_FIRST..FCC_REG_LAST; REG_ALLOC_ORDER: "None of the
      // remaining classes have defined call-saved registers") [inferred from the compiler].
      volatility: 'volatile',
      hvUses: false,
      role: 'fp',
      save: { cycles: 17, source: `fpu_save_cc: 8 movcf2gr, 7 bstrins.d, move, st.d (asmmacro.h) ${NO_COUNT}` },
      restore: { cycles: 17, source: `fpu_restore_cc: ld.d, 8 bstrpick.d, 8 movgr2cf (asmmacro.h) ${NO_COUNT}` },
    },
    {
      name: 'fcsr',
      description: 'FP control and status register fcsr0 (fcsr1–3 are views of its fields)',
      regs: ['fcsr0'],
      widthBits: 32,
      // lapcs.adoc says nothing about fcsr0. Its enables and rounding mode are the C floating-point
      // environment, which has thread storage duration (the RISC-V psABI's words for fcsr): outside
      // the caller/callee split, like riscv64's fcsr [inferred].
      volatility: 'reserved',
      hvUses: false,
      role: 'fp',
      save: { cycles: 2, source: `movfcsr2gr + st.w (asmmacro.h fpu_save_csr) ${NO_COUNT}` },
      restore: { cycles: 5, source: `ld.w + movgr2fcsr (fpu_restore_csr); a write to fcsr0 assumed to serialise the FPU a little ${NO_COUNT}` },
    },
    {
      name: 'lsx',
      // Its own bits are 64–127 of each: bits 0–63 are fpr's f0–f31 (aliases).
      description: 'LSX vector registers vr0–vr31 (128 bits); their low 64 bits are f0–f31, and they are bits 0–127 of xr0–xr31',
      prefix: 'vr',
      count: 32,
      widthBits: 128,
      // Only the FPR part of f24–f31 survives a call (fpr's nonvolatile list); every vector bit above
      // bit 63 is caller-saved (see fpr).
      volatility: 'volatile',
      aliases: [{ regs: 'vr0-vr31', of: 'xr0-xr31', bits: [0, 127], source: 'Linux Documentation/arch/loongarch/introduction.rst "VRs": "the lower 128 bits of $x0 is shared with $v0"; asmmacro.h lasx_save_data stores xr_i at THREAD_FPRi, where vr_i and f_i live' }],
      hvUses: false,
      role: 'vector',
      save: {
        cycles: 16,
        source: '[estimate] beyond the FP part: a full save is 32 vst in place of 32 fst.d (lsx_save_data; kvm_save_lsx), so the upper halves add store bandwidth, not instructions',
      },
      restore: {
        cycles: 64,
        source: `the lazy case, FP already live: _restore_lsx_upper, 32 × (ld.d + vinsgr2vr.d) (asmmacro.h lsx_restore_all_upper; kvm_own_lsx, traps.c init_restore_lsx) ${NO_COUNT}`,
      },
    },
    {
      name: 'lasx',
      // Its own bits are 128–255 of each: bits 0–127 are lsx's vr0–vr31 (and, within them, f0–f31).
      description: 'LASX vector registers xr0–xr31 (256 bits); their low 128 bits are vr0–vr31',
      prefix: 'xr',
      count: 32,
      widthBits: 256,
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: {
        cycles: 32,
        source: '[estimate] beyond the LSX part: 32 xvst in place of 32 vst (lasx_save_data; kvm_save_lasx); lasx_save_all_upper is empty',
      },
      restore: {
        cycles: 68,
        source: `the lazy case, LSX already live: _restore_lasx_upper, 32 × (vld + xvpermi.q) + 4 to spare xr31 (asmmacro.h lasx_restore_all_upper; kvm_own_lasx) ${NO_COUNT}`,
      },
    },
    {
      name: 'sysreg',
      // KVM skips the reload when the vcpu was the last one on this pcpu (KVM_LARCH_HWCSR_USABLE)
      // and the save when nothing changed (KVM_LARCH_SWCSR_LATEST); the model moves them every time.
      description: 'guest CSRs (LVZ GCSRs) a vcpu switch moves: kvm/vcpu.c _kvm_vcpu_put/_kvm_vcpu_load, kvm/timer.c kvm_save_timer, and root GINTC',
      regs: GCSRS,
      widthBits: 64,
      volatility: 'reserved',
      hvUses: false,
      role: 'system',
      save: { cycles: 110, source: `51 gcsrrd + st.d (kvm_save_hw_gcsr ×47 in _kvm_vcpu_put; TCFG, TVAL, ESTAT in kvm_save_timer; GINTC), about two cycles each ${NO_COUNT}` },
      restore: {
        cycles: 250,
        source: `48 gcsrwr (44 kvm_restore_hw_gcsr in _kvm_vcpu_load, PRCFG1–3 being read-only; GINTC; kvm_restore_timer: timer off, ESTAT, TCFG, TVAL recomputed); CSR writes assumed ~4 cycles, plus the timer fix-up ${NO_COUNT}`,
      },
    },
  ],
  // CSR.EUEN: FPE (bit 0), SXE (bit 1), ASXE (bit 2); with a bit clear the unit's instructions raise
  // FPD, SXD or ASXD (Linux asm/loongarch.h CSR_EUEN_FPEN/LSXEN/LASXEN; EXCCODE_FPDIS/LSXDIS/LASXDIS).
  // Linux and KVM enable the lower units with a higher one (init_restore_lsx enables FP, kvm_own_lasx
  // sets FPEN|LSXEN|LASXEN) and restore only the upper bits of a unit whose lower part is live.
  // Where we differ: the schema has no unit that implies another, so a write to an LSX register's
  // upper bits traps for lsx alone and a later FP write traps again for fp (one trap more than
  // Linux takes; what each handler loads, and so what the checker sees, is the same).
  // No dirtyState: EUEN holds enable bits only, which the manual says software uses "to determine
  // the scope when saving the context" (CSR.EUEN text, as docs.rs loongArch64 register/base/euen.rs
  // quotes it); Linux lose_fpu_inatomic and KVM kvm_lose_fpu save whatever unit is enabled.
  units: [
    {
      name: 'fp',
      classes: ['fpr', 'fcc', 'fcsr'],
      control: 'EUEN.FPE',
      source: 'LoongArch Reference Manual vol. 1 CSR.EUEN (CSR 0x2; FPE bit 0, SXE bit 1, ASXE bit 2, as docs.rs loongArch64 register/base/euen.rs quotes it): FPE clear → FP instructions raise FPD; Linux kernel/traps.c do_fpu → init_restore_fp; KVM kvm/exit.c kvm_handle_fpu_disabled → kvm_own_fpu',
    },
    {
      name: 'lsx',
      classes: ['lsx'],
      control: 'EUEN.SXE',
      source: 'LoongArch Reference Manual vol. 1 CSR.EUEN (CSR 0x2; FPE bit 0, SXE bit 1, ASXE bit 2, as docs.rs loongArch64 register/base/euen.rs quotes it): SXE clear → LSX instructions raise SXD; Linux traps.c do_lsx → init_restore_lsx; KVM kvm_handle_lsx_disabled → kvm_own_lsx',
    },
    {
      name: 'lasx',
      classes: ['lasx'],
      control: 'EUEN.ASXE',
      source: 'LoongArch Reference Manual vol. 1 CSR.EUEN (CSR 0x2; FPE bit 0, SXE bit 1, ASXE bit 2, as docs.rs loongArch64 register/base/euen.rs quotes it): ASXE clear → LASX instructions raise ASXD; Linux traps.c do_lasx → init_restore_lasx; KVM kvm_handle_lasx_disabled → kvm_own_lasx',
    },
  ],
  entry: {
    decrementer: {
      saves: 'full',
      runsSoftirqs: true,
      source: `the guest's stable timer (GCSR TCFG/TVAL): a running LVZ guest takes its own TI without an exit; descheduled, KVM keeps it as an hrtimer (kvm/timer.c kvm_save_timer, kvm_swtimer_wakeup) that fires as a host timer interrupt for the vcpu [inferred mapping]; ${FULL}; ${SOFTIRQ}`,
    },
    'hv-timer': {
      saves: 'full',
      runsSoftirqs: true,
      source: `the host's constant timer (CSR.TCFG, ESTAT.IS[11] TI) for the hypervisor's own timers, Linux kernel/time.c constant_timer_interrupt via traps.c do_vint; ${FULL}; ${SOFTIRQ}`,
    },
    hypercall: {
      saves: 'full',
      runsSoftirqs: true,
      source: `hvcl from the guest: exit with ESTAT.Ecode HVC, kvm/exit.c kvm_handle_hypercall (KVM_HCALL_SERVICE); ${FULL}; ${SOFTIRQ}`,
    },
    external: {
      saves: 'full',
      runsSoftirqs: true,
      source: `device interrupt on HWI0–7 through the EIOINTC (drivers/irqchip/irq-loongson-eiointc.c eiointc_irq_dispatch) from traps.c do_vint → handle_loongarch_irq; ${FULL}; ${SOFTIRQ}`,
    },
    ipi: {
      saves: 'full',
      runsSoftirqs: true,
      source: `IPI through the IOCSR mailbox (IOCSR IPI_SEND; ESTAT.IS[12] IPI), Linux kernel/smp.c loongson_ipi_interrupt; ${FULL}; ${SOFTIRQ}`,
    },
    'program-check': {
      saves: 'full',
      runsSoftirqs: true,
      source: `guest-sensitive privileged resource exit, ESTAT.Ecode GSPR (cpucfg, csr, iocsr, idle emulation: kvm/exit.c kvm_handle_gspr), and the FPD/SXD/ASXD unit traps; an INE the guest takes itself or KVM injects (kvm_queue_exception EXCCODE_INE); ${FULL}; ${SOFTIRQ}`,
    },
  },
  // The hypervisor's C code between entry and the switch. No Xen port exists: the handlers follow
  // the RISC-V/Arm ports' shape (one do_trap dispatching on ESTAT.Ecode/IS, as KVM's
  // kvm_handle_exit → kvm_fault_tables) [inferred]. Allocation: GCC's REG_ALLOC_ORDER
  // (gcc/config/loongarch/loongarch.h) takes the call-saved GPRs r23–r31 (s0–s8) in order and lists
  // r22 among the "GPRs that can never be exposed to the register allocator": compiled code saves
  // fp only as the frame pointer, so it comes last [inferred]; counts are [estimate]s of -O2 code.
  cframes: {
    allocation: ['s0-s8', 'fp'],
    functions: {
      do_trap: 2, do_hvc: 3, do_sched_op: 2, do_trap_gspr: 4, do_irq: 3,
      vtimer_interrupt: 2, timer_interrupt: 2, eiointc_irq_dispatch: 4, ipi_interrupt: 2,
      do_softirq: 3, schedule: 8, context_switch: 4, idle_loop: 2,
    },
    chains: {
      hypercall: ['do_trap', 'do_hvc', 'do_sched_op'],
      'hv-timer': ['do_trap', 'do_irq', 'timer_interrupt'],
      decrementer: ['do_trap', 'do_irq', 'vtimer_interrupt'],
      external: ['do_trap', 'do_irq', 'eiointc_irq_dispatch'],
      ipi: ['do_trap', 'do_irq', 'ipi_interrupt'],
      'program-check': ['do_trap', 'do_trap_gspr'],
    },
    softirq: ['do_softirq', 'schedule'],
    switch: ['context_switch'],
    idle: ['idle_loop'],
    source: '[inferred] no Xen LoongArch port: handlers after Xen RISC-V/Arm and KVM kvm_handle_exit (names invented on that pattern); GCC REG_ALLOC_ORDER for the allocation; callee-saved counts [estimate] for GCC -O2',
  },
  addressSpace: {
    // KVM loads the VM's GPA → HPA root into CSR.PGDL on every guest entry (kvm/switch.S
    // kvm_switch_to_guest: "Load guest PGDL") and tags the guest's TLB entries with GSTAT.GID
    // (kvm/main.c kvm_check_vpid: "Restore GSTAT(0x50).vpid"), flushing only when the ID space
    // wraps or the vcpu moved pcpu; a Xen port would do the same at the switch [inferred].
    kind: 'pgdl+gstat.gid',
    switch: { cycles: 150, source: '[estimate] csrwr PGDL (GPA → HPA root) + GSTAT.GID / GTLBC.TGID; no flush unless a GID is recycled or the vcpu migrated (kvm_check_vpid)' },
    refillPerPage: { cycles: 39, source: '[inferred] x86 STLB miss + 2-D walk, 39 cycles (reference §6.3), borrowed for lack of a LoongArch figure; LA664 walks in hardware (CPUCFG2.PTW) [recalled]' },
    // Same working set as the other architectures so designs compare; with GIDs it is an upper bound [estimate].
    workingSetPages: 1000,
  },
  cost: {
    trap: { cycles: 250, source: '[estimate] guest → root exception (kvm_exc_entry) + ertn, excluding register saves; no published figure' },
    hypercall: { cycles: 600, source: '[estimate] hvcl + kvm_exc_entry + dispatch + ertn; no published KVM or Xen LoongArch figure' },
    copyPerWord: { cycles: 0.7, source: '[inferred] memcpy 168 B ≈ 15 cycles on x86 (reference §6.3), borrowed for lack of a LoongArch figure' },
    schedule: { cycles: 1000, source: '[estimate] one schedule() pass; no published figure' },
    ipi: { cycles: 2000, source: '[estimate] IOCSR IPI_SEND mailbox write + delivery + handler entry; no published figure' },
    guestIpc: { ipc: 1, source: '[estimate] a round one instruction per cycle for mixed guest code on a 6-issue LA664; no machine measured' },
  },
};
