/**
 * @module arch/schema: one schema for every architecture, built-in or loaded from a user's
 * YAML/JSON file. An architecture is data: register classes with ABI volatility, what each
 * exception entry path saves, the address-space switch, and a cycle cost model in which every
 * figure carries a one-line source. The TypeScript types are inferred from the schema.
 */
import { z } from 'zod';

/** A cost figure always says where it comes from (design.md: "costs are explainable"). */
export const CostFigure = z
  .object({
    cycles: z.number().nonnegative().describe('cycles under this architecture\'s clock'),
    source: z.string().min(3).describe('one line: where the figure comes from'),
  })
  .strict();

/** Guest instructions per cycle, with its source (not a cycle count, so not a CostFigure). */
export const GuestIpc = z
  .object({
    ipc: z.number().positive().max(16).describe('instructions retired per cycle'),
    source: z.string().min(3).describe('one line: where the figure comes from'),
  })
  .strict();

export const Volatility = z.enum(['volatile', 'nonvolatile', 'reserved']);

/**
 * Register selector: "r14-r31", "lr", or a class name ("gpr") meaning every register of the class.
 * A register or range may end with a bit range, numbered within each named register: "v8-v15[0:63]"
 * (AAPCS64's callee-saved low halves) — the register is then split at those bits (arch/arch).
 */
export const Selector = z.string().min(1);

/**
 * Registers of one class that are bits of registers of another (issue 20): POWER's f0–f31 are
 * doubleword 0 of vs0–vs31, x86's xmm the low half of ymm, arm64's v the low 128 bits of z.
 * Each register named by `regs` (of the class that says it) is bits `bits[0]..bits[1]` (inclusive,
 * numbered as the ISA numbers them: only the extents matter to the model) of the register in the
 * same position of `of` (as many registers, of another class). Aliases may chain (LoongArch f ⊂ vr ⊂
 * xr); aliases into one register must nest or be disjoint. The shared bits are stored once: a write
 * to f0 is a write of vs0's bits, and a save of either class saves them (arch/arch builds slots).
 */
export const Alias = z
  .object({
    regs: Selector.describe('registers of this class, e.g. "f0-f31"'),
    of: Selector.describe('as many registers of another class, in order, e.g. "vs0-vs31"'),
    bits: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).describe('[first, last] bit of each `of` register that the alias is'),
    source: z.string().min(3).optional(),
  })
  .strict();

/**
 * A lazily switchable unit (issue 20): one enable bit (x86 CR0.TS, POWER MSR[FP], LoongArch
 * EUEN.FPE, s390x's AFP control) that covers several register classes. A guest's first use of
 * any of them takes one "unavailable" trap, after which all are enabled. Classes of role fp or
 * vector in no unit are a unit alone.
 */
export const Unit = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name such as "fp"'),
    classes: z.array(z.string().min(1)).min(1).describe('the classes the enable bit covers, by name'),
    control: z.string().min(1).describe('the enable bit, e.g. "MSR[FP]", "EUEN.FPE", "CR0.TS"'),
    dirtyState: z
      .string()
      .min(1)
      .optional()
      .describe('the status field in which the hardware records that software wrote the unit (RISC-V sstatus.FS/VS = Dirty), so a kernel can skip saving a clean unit; absent: none'),
    source: z.string().min(3),
  })
  .strict();

export const RegClass = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name such as "gpr" or "fpr"'),
    description: z.string().optional(),
    /** Either explicit register names, or prefix + count ("r" × 32 → r0..r31). */
    regs: z.array(z.string().min(1)).min(1).optional(),
    prefix: z.string().min(1).optional(),
    count: z.number().int().positive().max(256).optional(),
    widthBits: z.number().int().positive().max(4096),
    /** ABI volatility: a default for the class plus overrides by selector. */
    volatility: Volatility,
    nonvolatile: z.array(Selector).optional(),
    volatile: z.array(Selector).optional(),
    reserved: z.array(Selector).optional(),
    /**
     * Registers of this class narrower than widthBits (arm64's 32-bit FPSR and FPCR beside the
     * 128-bit V registers): "fpsr, fpcr" by name, comma-separated. Their words and bytes count
     * their own width.
     */
    narrower: z
      .array(
        z
          .object({
            regs: z.string().min(1).describe('register names of this class, comma-separated, e.g. "fpsr, fpcr"'),
            widthBits: z.number().int().positive().describe('their width in bits'),
          })
          .strict(),
      )
      .min(1)
      .optional(),
    /** Registers of this class that are bits of another class's registers (Alias). */
    aliases: z.array(Alias).min(1).optional(),
    /**
     * True for the registers hypervisor C code itself uses (integer state). The hypervisor never
     * touches the others (Xen is built without FP/vector code), so they stay live in the pcpu
     * across an exception until a switch saves them.
     */
    hvUses: z.boolean(),
    /** What guest software uses the class for; guest profiles pick classes by role. */
    role: z.enum(['int', 'system', 'fp', 'vector']),
    /**
     * Cycles to save/restore the whole class at switch time, each with its source: the bits that
     * are the class's own — not those of other classes' registers aliased into it (an SVE Z
     * register's cost is "beyond the FPSIMD part" when v0–v31 alias its low bits).
     */
    save: CostFigure,
    restore: CostFigure,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.regs && !(c.prefix && c.count)) {
      ctx.addIssue({ code: 'custom', message: 'give either "regs" (names) or "prefix" and "count"', path: ['regs'] });
    }
  });

export const ENTRY_PATHS = ['decrementer', 'hv-timer', 'hypercall', 'external', 'ipi', 'program-check'] as const;
export const EntryPathName = z.enum(ENTRY_PATHS);
export type EntryPathName = z.infer<typeof EntryPathName>;

export const EntryPath = z
  .object({
    /** 'full': every register the hypervisor uses; 'volatile': all but the callee-saved ones C code preserves; or a selector list. */
    saves: z.union([z.literal('full'), z.literal('volatile'), z.array(Selector).min(1)]),
    /** Whether this path runs softirqs (and so may reach schedule()) before returning to the guest. */
    runsSoftirqs: z.boolean(),
    source: z.string().min(3),
  })
  .strict();

export const ArchSpec = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case name such as "ppc64"'),
    description: z.string(),
    abi: z.string().describe('the ABI the volatility follows, with its source'),
    /**
     * The ISA family, for designs that model one kernel's port and say where that port exists
     * (seL4 has none for POWER). Absent: not said; such designs then run it as a what-if.
     */
    family: z.enum(['x86', 'arm', 'power', 'riscv', 'loongarch', 's390x', 'mips', 'sparc', 'other']).optional(),
    wordBits: z.union([z.literal(32), z.literal(64)]),
    clockHz: z.number().positive(),
    clockSource: z.string().min(3),
    classes: z.array(RegClass).min(1),
    units: z.array(Unit).min(1).optional(),
    entry: z.partialRecord(EntryPathName, EntryPath).superRefine((e, ctx) => {
      for (const p of ENTRY_PATHS) {
        if (!(p in e)) ctx.addIssue({ code: 'custom', message: `missing entry path "${p}" (need all of ${ENTRY_PATHS.join(', ')})`, path: [p] });
      }
    }),
    /**
     * The hypervisor's own C code between an exception entry and context_switch(): which
     * callee-saved registers a compiled function allocates (in allocation order), how many each
     * function uses, and the call chains. Each C frame saves the callee-saved registers it uses
     * into its frame and restores them on return, as the ABI says. Absent: C code that never
     * touches a callee-saved register (no frames are modelled).
     */
    cframes: z
      .object({
        allocation: z.array(Selector).min(1).describe('callee-saved registers in the order compiled code allocates them; ranges may run downwards ("r31-r14")'),
        functions: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a C function name'), z.number().int().min(0).max(64)).describe('callee-saved registers each function uses'),
        chains: z.partialRecord(EntryPathName, z.array(z.string()).min(1)).describe('per entry path: the handler functions called before softirqs run (outermost first)'),
        softirq: z.array(z.string()).min(1).describe('from the handler (or the idle loop) down to schedule()'),
        switch: z.array(z.string()).min(1).describe('schedule() calling the switch routine'),
        idle: z.array(z.string()).min(1).describe('the idle loop'),
        source: z.string().min(3),
      })
      .strict()
      .optional(),
    addressSpace: z
      .object({
        kind: z.string().min(1).describe('e.g. "cr3", "sdr1+slb+tlbiel", "vttbr", "satp"'),
        switch: CostFigure.describe('writing the page-table base and flushing'),
        refillPerPage: CostFigure.describe('one TLB miss after the switch'),
        workingSetPages: z.number().int().nonnegative().describe('pages a guest re-touches after its address space is switched in'),
      })
      .strict(),
    cost: z
      .object({
        trap: CostFigure.describe('exception entry and return, excluding register saves'),
        hypercall: CostFigure.describe('a null hypercall round trip'),
        copyPerWord: CostFigure.describe('one machine word copied between registers, frame and save area'),
        schedule: CostFigure.describe('one schedule() pass: lock, pick, unlock'),
        ipi: CostFigure.describe('send an IPI and have it delivered'),
        guestIpc: GuestIpc.default({ ipc: 1, source: '[default] one guest instruction per cycle: the description gives no guestIpc' }).describe(
          'guest instructions retired per cycle while guest code runs: turns guest cycles into guest instructions (metrics.exposureInstructions)',
        ),
      })
      .strict(),
    /**
     * The XSAVE feature set (Intel SDM vol. 1 ch. 13), x86 only: which register classes are XSAVE
     * state components, and what a save costs that the processor's tracking lets skip them. Its
     * presence says the processor has XSAVEOPT and XSAVES, the two save instructions with both the
     * init and the modified optimisation (§13.6 "Processor tracking of XSAVE-managed state",
     * §13.9 XSAVEOPT, §13.11 XSAVES). Designs whose real code saves with them go through
     * hv/ops xsaveState()/xrstorState(), which skip what the hardware skips. Absent: no XSAVE.
     */
    xsave: z
      .object({
        components: z.array(z.string().min(1)).min(1).describe('the register classes that are XSAVE state components, by class name, in component order (x87 = 0, SSE = 1, AVX = 2)'),
        alwaysSaved: z.array(Selector).optional().describe('registers of the components that the optimisations never skip (MXCSR: SDM §13.9, §13.11)'),
        skippedSave: CostFigure.describe(
          'an XSAVEOPT/XSAVES that skips every component (it still reads and writes the header); a skipped component costs its share of it, in proportion to its class save cost',
        ),
        source: z.string().min(3),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ArchSpecInput = z.input<typeof ArchSpec>;
export type ArchSpecData = z.output<typeof ArchSpec>;
export type CostFigure = z.infer<typeof CostFigure>;
