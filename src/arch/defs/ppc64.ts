/**
 * @module arch/defs/ppc64: 64-bit PowerPC, ELFv2 ABI, as Xen/PowerPC ran on the PPC970.
 * Volatility: OpenPOWER ELFv2 ABI rev 1.5 §2 (reference/anchors.md §7.1).
 * Entry paths: xen/arch/powerpc/powerpc64/exceptions.S as merged, 9e07a06f9b..1aa3c54a31^
 * (reference/xen-context-switch.md §3.1): EXCEPTION_HEAD saves r0, r1, CR, r13, CTR;
 * SAVE_C_STATE saves r2–r12, LR, XER; only the hcall, HDEC and program-check paths add r14–r31.
 */
import type { ArchSpecInput } from '../schema.ts';

const NO_COUNT = '[estimate] no published PPC970 cycle counts (reference §6.2, §8)';
const VOLATILE_ENTRY = ['r0-r13', 'cr', 'lr', 'ctr', 'xer'];

export const ppc64: ArchSpecInput = {
  name: 'ppc64',
  description: '64-bit PowerPC (PPC970 class), ELFv2 ABI; the architecture of the seed post',
  abi: 'OpenPOWER ELFv2 ABI rev 1.5, §2 (anchors §7.1)',
  family: 'power',
  wordBits: 64,
  clockHz: 2.0e9,
  clockSource: '[recalled] PPC970FX/MP in IBM JS20/JS21 blades, the Xen/PowerPC hardware, ran at 1.6–2.7 GHz',
  classes: [
    {
      name: 'gpr',
      description: 'general-purpose registers',
      prefix: 'r',
      count: 32,
      widthBits: 64,
      volatility: 'volatile',
      nonvolatile: ['r1', 'r2', 'r14-r31'],
      reserved: ['r13'],
      hvUses: true,
      role: 'int',
      save: { cycles: 32, source: `32 std, about one per cycle ${NO_COUNT}` },
      restore: { cycles: 32, source: `32 ld, about one per cycle ${NO_COUNT}` },
    },
    {
      name: 'cr',
      description: 'condition register fields CR0–CR7 (saved and restored as one 32-bit CR)',
      prefix: 'cr',
      count: 8,
      widthBits: 4,
      volatility: 'volatile',
      nonvolatile: ['cr2-cr4'],
      hvUses: true,
      role: 'int',
      save: { cycles: 2, source: `one mfcr ${NO_COUNT}` },
      restore: { cycles: 2, source: `one mtcrf ${NO_COUNT}` },
    },
    {
      name: 'spr',
      description: 'link, count and fixed-point exception registers',
      regs: ['lr', 'ctr', 'xer'],
      widthBits: 64,
      volatility: 'volatile',
      hvUses: true,
      role: 'int',
      save: { cycles: 9, source: `3 mfspr; SPR access is slow on POWER (B. Gray 2024, anchors §5) ${NO_COUNT}` },
      restore: { cycles: 15, source: `3 mtspr; "SPR writes are slow" (commit 152d523e6307, anchors §2.3) ${NO_COUNT}` },
    },
    {
      name: 'fpr',
      description: 'floating-point registers and FPSCR',
      regs: [...Array.from({ length: 32 }, (_, i) => `f${i}`), 'fpscr'],
      widthBits: 64,
      volatility: 'volatile',
      nonvolatile: ['f14-f31'],
      hvUses: false,
      role: 'fp',
      save: { cycles: 40, source: `32 stfd + mffs (save_float, float.S; reference §3.2) ${NO_COUNT}` },
      restore: { cycles: 40, source: `32 lfd + mtfsf (load_float) ${NO_COUNT}` },
    },
    {
      name: 'vmx',
      description: 'AltiVec vector registers and VSCR',
      regs: [...Array.from({ length: 32 }, (_, i) => `v${i}`), 'vscr'],
      widthBits: 128,
      volatility: 'volatile',
      nonvolatile: ['v20-v31'],
      hvUses: false,
      role: 'vector',
      save: { cycles: 45, source: `32 stvx + mfvscr (save_float with HAS_VMX) ${NO_COUNT}` },
      restore: { cycles: 45, source: `32 lvx + mtvscr ${NO_COUNT}` },
    },
    {
      name: 'vrsave',
      description: 'VRSAVE: reserved by ELFv2, still switched per task',
      regs: ['vrsave'],
      widthBits: 32,
      volatility: 'reserved',
      hvUses: false,
      role: 'vector',
      save: { cycles: 3, source: `one mfspr ${NO_COUNT}` },
      restore: { cycles: 5, source: `one mtspr ${NO_COUNT}` },
    },
  ],
  entry: {
    decrementer: { saves: VOLATILE_ENTRY, runsSoftirqs: false, source: 'exceptions.S: DEC returns via fast_resume, no softirqs (§3.1)' },
    'hv-timer': { saves: [...VOLATILE_ENTRY, 'r14-r31'], runsSoftirqs: true, source: 'exceptions.S ex_hdec_continued: SAVE_GPRS r14, r31 (§3.1)' },
    hypercall: { saves: [...VOLATILE_ENTRY, 'r14-r31'], runsSoftirqs: true, source: 'exceptions.S ex_hcall_continued: SAVE_GPRS r14, r31 (§3.1)' },
    external: { saves: VOLATILE_ENTRY, runsSoftirqs: false, source: 'exceptions.S: external interrupt returns via fast_resume (§3.1)' },
    ipi: { saves: VOLATILE_ENTRY, runsSoftirqs: false, source: 'IPIs arrive as external interrupts on PPC970 (§3.1)' },
    'program-check': { saves: [...VOLATILE_ENTRY, 'r14-r31'], runsSoftirqs: false, source: 'exceptions.S: program check saves r14–r31 for the GDB stub (§3.1)' },
  },
  // Hollis's 2005 picture: the exception handler's C code, then (beneath it) schedule() and
  // context_switch(). GCC allocates nonvolatile GPRs from r31 downwards and saves exactly those
  // it uses in its prologue (ELFv2 §2.2 stack frame). The counts are [estimate]s of -O2 code.
  cframes: {
    allocation: ['r31-r14'],
    functions: { do_hcall: 5, do_sched_op: 3, do_timer: 4, do_dec: 2, do_external_irq: 4, smp_message_recv: 2, program_exception: 6, do_softirq: 3, schedule: 8, context_switch: 6, idle_loop: 3 },
    chains: {
      hypercall: ['do_hcall', 'do_sched_op'],
      'hv-timer': ['do_timer'],
      decrementer: ['do_dec'],
      external: ['do_external_irq'],
      ipi: ['smp_message_recv'],
      'program-check': ['program_exception'],
    },
    softirq: ['do_softirq', 'schedule'],
    switch: ['context_switch'],
    idle: ['idle_loop'],
    source: 'call chains after xen/arch/powerpc exceptions.c (do_timer, do_dec) and hcalls.c; nonvolatile counts [estimate] for GCC -O2',
  },
  addressSpace: {
    kind: 'sdr1+slb+tlbiel',
    switch: { cycles: 2600, source: `64 × isync;slbmte;isync + slbia + mtsdr1 + 256 tlbiel (reference §3.2) ${NO_COUNT}` },
    refillPerPage: { cycles: 39, source: '[inferred] x86 STLB miss + walk, 39 cycles (reference §6.3), borrowed for lack of a PPC figure' },
    workingSetPages: 1000,
  },
  cost: {
    trap: { cycles: 300, source: `interrupt + hrfid round trip ${NO_COUNT}` },
    hypercall: { cycles: 600, source: `sc 1 + hrfid and the hcall dispatch ${NO_COUNT}` },
    copyPerWord: { cycles: 0.7, source: '[inferred] memcpy 168 B ≈ 15 cycles on x86 (reference §6.3)' },
    schedule: { cycles: 1000, source: '[estimate] one schedule() pass; no published figure' },
    ipi: { cycles: 2000, source: '[estimate] interrupt-controller IPI send + delivery; no published PPC970 figure' },
    guestIpc: { ipc: 1, source: '[estimate] a round one instruction per cycle for mixed guest code on the PPC970; no published figure used' },
  },
};
