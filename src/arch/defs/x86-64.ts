/**
 * @module arch/defs/x86-64: x86-64 as Xen x86 runs it. Volatility: System V x86-64 psABI §3.2.1
 * (anchors §7.3). Every entry path saves every GPR: SAVE_ALL in asm-x86/x86_64/asm_defns.h
 * (reference/xen-context-switch.md §2.1), which is what lets Xen x86 switch lazily.
 * FP/vector state is the XSAVE area, split into its x87, SSE and AVX components; `xsave` says so,
 * and lets the designs whose real code saves with XSAVEOPT/XSAVES skip what the processor's
 * init and modified optimisations skip (hv/ops xsaveState).
 */
import type { ArchSpecInput } from '../schema.ts';

const FULL = 'SAVE_ALL pushes every GPR into cpu_user_regs (reference §2.1)';

export const x86_64: ArchSpecInput = {
  name: 'x86-64',
  description: 'x86-64 (Intel Xeon class), System V psABI, XSAVE state',
  abi: 'System V x86-64 psABI §3.2.1 (anchors §7.3)',
  family: 'x86',
  wordBits: 64,
  clockHz: 2.3e9,
  clockSource: 'TSC of the Xeon (Emerald Rapids class) measured in reference §6.3, 2.3 GHz nominal',
  classes: [
    {
      name: 'gpr',
      description: 'general-purpose registers',
      regs: ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'],
      widthBits: 64,
      volatility: 'volatile',
      nonvolatile: ['rbx', 'rbp', 'rsp', 'r12-r15'],
      hvUses: true,
      role: 'int',
      save: { cycles: 13, source: 'memcpy of the cpu_user_regs GPRs, 168 B ≈ 15 cycles with rip/rflags (reference §6.3)' },
      restore: { cycles: 13, source: 'memcpy back (reference §6.3)' },
    },
    {
      name: 'ctl',
      description: 'instruction pointer and flags (in the exception frame)',
      regs: ['rip', 'rflags'],
      widthBits: 64,
      volatility: 'volatile',
      hvUses: true,
      role: 'int',
      save: { cycles: 2, source: 'part of the 168 B CTXT_SWITCH_STACK_BYTES memcpy (reference §2.1, §6.3)' },
      restore: { cycles: 2, source: 'part of the 168 B memcpy (reference §6.3)' },
    },
    {
      name: 'seg',
      description: 'segment selectors and FS/GS bases (save_segments / load_segments)',
      regs: ['ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base', 'gs_shadow'],
      widthBits: 64,
      volatility: 'reserved',
      hvUses: false,
      role: 'system',
      save: { cycles: 30, source: '[estimate] selector reads + rdfsbase/rdgsbase in save_segments (reference §2.2)' },
      restore: { cycles: 150, source: '[estimate] selector loads + FS/GS-base MSR writes, "expensive" per 02bf186308 (reference §2.3)' },
    },
    {
      name: 'x87',
      description: 'x87 stack and control/status words (XSAVE component 0)',
      regs: ['st0', 'st1', 'st2', 'st3', 'st4', 'st5', 'st6', 'st7', 'fcw', 'fsw'],
      widthBits: 80,
      volatility: 'volatile',
      nonvolatile: ['fcw'],
      hvUses: false,
      role: 'fp',
      save: { cycles: 42, source: 'half of XSAVE64 x87+SSE, 84 cycles avg (reference §6.3)' },
      restore: { cycles: 34, source: 'half of FXRSTOR64, 68 cycles avg (reference §6.3)' },
    },
    {
      name: 'sse',
      description: 'XMM registers and MXCSR (XSAVE component 1); xmm0–15 are the low halves of ymm0–15',
      regs: [...Array.from({ length: 16 }, (_, i) => `xmm${i}`), 'mxcsr'],
      widthBits: 128,
      volatility: 'volatile',
      nonvolatile: ['mxcsr'],
      aliases: [{ regs: 'xmm0-xmm15', of: 'ymm0-ymm15', bits: [0, 127], source: 'Intel SDM vol. 1 §14.1.1: "the lower 128 bits of a YMM register is aliased to the corresponding XMM register"' }],
      hvUses: false,
      role: 'fp',
      save: { cycles: 42, source: 'half of XSAVE64 x87+SSE, 84 cycles avg (reference §6.3)' },
      restore: { cycles: 34, source: 'half of FXRSTOR64, 68 cycles avg (reference §6.3)' },
    },
    {
      name: 'avx',
      // Its own bits are the upper halves (XSAVE component 2, YMM_Hi128): the low halves are sse's.
      description: 'YMM0–15: their upper halves (XSAVE component 2); the low halves are xmm0–15',
      prefix: 'ymm',
      count: 16,
      widthBits: 256,
      volatility: 'volatile',
      hvUses: false,
      role: 'vector',
      save: { cycles: 50, source: 'XSAVE64 full (134) minus x87+SSE only (84), reference §6.3' },
      restore: { cycles: 136, source: 'XRSTOR64 full (204) minus FXRSTOR64 (68), reference §6.3' },
    },
  ],
  // CR0.TS is one bit for all three (Intel SDM vol. 3A §2.5: with TS set, x87, MMX, SSE and AVX
  // instructions raise #NM), the bit Xen's lazy FPU (4.0–4.10) set at a switch and cleared in
  // the #NM handler.
  units: [{ name: 'fpu', classes: ['x87', 'sse', 'avx'], control: 'CR0.TS', source: 'Intel SDM vol. 3A §2.5 CR0.TS, §12.5 / §14.2 #NM for SSE and VEX-encoded instructions; Xen 4.0 stts()/clts()' }],
  entry: {
    decrementer: { saves: 'full', runsSoftirqs: true, source: `local APIC timer; ${FULL}; test_all_events on return` },
    'hv-timer': { saves: 'full', runsSoftirqs: true, source: `Xen s_timer via the APIC timer; ${FULL}` },
    hypercall: { saves: 'full', runsSoftirqs: true, source: `syscall/int 0x82 entry; ${FULL}` },
    external: { saves: 'full', runsSoftirqs: true, source: `common_interrupt; ${FULL}` },
    ipi: { saves: 'full', runsSoftirqs: true, source: `event-check / invalidate IPI vectors; ${FULL}` },
    'program-check': { saves: 'full', runsSoftirqs: true, source: `handle_exception; ${FULL}` },
  },
  // Callee-saved registers per the SysV psABI; GCC pushes rbx, rbp, r12–r15 as it needs them.
  cframes: {
    allocation: ['rbx', 'rbp', 'r12-r15'],
    functions: { do_hypercall: 3, do_sched_op: 2, timer_interrupt: 3, apic_timer_interrupt: 2, do_irq: 4, smp_call_function_interrupt: 2, do_trap: 4, do_softirq: 3, schedule: 6, context_switch: 5, idle_loop: 2 },
    chains: {
      hypercall: ['do_hypercall', 'do_sched_op'],
      'hv-timer': ['timer_interrupt'],
      decrementer: ['apic_timer_interrupt'],
      external: ['do_irq'],
      ipi: ['smp_call_function_interrupt'],
      'program-check': ['do_trap'],
    },
    softirq: ['do_softirq', 'schedule'],
    switch: ['context_switch'],
    idle: ['idle_loop'],
    source: 'xen/arch/x86 entry.S → C handlers; softirqs run from test_all_events; callee-saved counts [estimate] for GCC -O2',
  },
  addressSpace: {
    kind: 'cr3',
    switch: { cycles: 250, source: '[estimate] MOV to CR3 is serialising; not measurable from user mode (reference §6.3)' },
    refillPerPage: { cycles: 39, source: 'STLB miss + page walk ≈ 39 cycles per access, measured (reference §6.3)' },
    workingSetPages: 1000,
  },
  cost: {
    trap: { cycles: 1350, source: 'AMD SVM VMRUN round trip ≈ 1,344–1,376 cycles (anchors §5, lkml SVM vmload/vmsave thread)' },
    hypercall: { cycles: 3300, source: 'null hypercall ≈ 3,300 cycles, non-debug Xen on AMD X2 (f64b7618e1, reference §6.2)' },
    copyPerWord: { cycles: 0.7, source: 'memcpy 168 B (21 words) ≈ 15 cycles avg (reference §6.3)' },
    schedule: { cycles: 1000, source: '[estimate] one schedule() pass with the credit scheduler; no published figure' },
    ipi: { cycles: 2000, source: '[estimate] x2APIC IPI send + delivery + handler entry, the order of a VM exit (anchors §5)' },
    guestIpc: { ipc: 1, source: '[estimate] a round one instruction per cycle for mixed guest code on the Xeon of reference §6.3, whose counters were not read; no published figure used' },
  },
  // The x87, SSE and AVX classes are XSAVE state components 0–2. MXCSR (in `sse`) is written by
  // every XSAVEOPT/XSAVES that saves SSE or AVX state: the optimisations do not apply to it (§13.9).
  xsave: {
    components: ['x87', 'sse', 'avx'],
    alwaysSaved: ['mxcsr'],
    skippedSave: { cycles: 68, source: 'XSAVEOPT64 right after XRSTOR, nothing modified: ≈68 cycles against 134 for a full XSAVE64 (reference §6.3, measured)' },
    source: 'Intel SDM vol. 1 §13.6 (XINUSE, XMODIFIED, XRSTOR_INFO), §13.8.3, §13.9 XSAVEOPT, §13.11 XSAVES; XSAVEOPT measured on this Xeon (reference §6.3), XSAVES [recalled] on every Intel server core since Skylake',
  },
};
