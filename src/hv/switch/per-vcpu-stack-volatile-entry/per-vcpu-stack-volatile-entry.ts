/**
 * @module hv/switch/per-vcpu-stack-volatile-entry: a what-if, not any Xen's code. Xen on Arm's
 * per-vcpu stacks (per-vcpu-stack) with the seed's volatile-only entry: every exception saves
 * only the caller-saved registers, as Xen/PowerPC's EXCEPTION_HEAD + SAVE_C_STATE do. The guest's
 * nonvolatiles are then partly in the registers and partly in the callee-saved slots of the C
 * frames between the entry and __context_switch — exactly the seed's problem — but those frames
 * are on the vcpu's own stack, which the switch leaves alone: __context_switch stores the
 * callee-saved registers into prev's saved_context, next returns through its own frames, and
 * every epilogue restores what it saved. So the state never has to be committed to the save
 * area, no stack is reset, and a volatile-only entry is correct: the other general answer to the
 * seed's question (reference §3.4). What it buys is entry words: compare `entryWords` and
 * cycles with per-vcpu-stack, which saves everything as Xen/Arm does.
 *
 * setvcpucontext writes the frame and marks every slot of it valid, so the exit path restores the
 * whole frame (per-vcpu-stack's contextWritten; on a volatile-only port that exit is a full
 * resume, as PowerPC's full_resume reloads r14–r31 from the frame).
 */
import type { SwitchDesign } from '../types.ts';
import { perVcpuStack } from '../per-vcpu-stack/index.ts';
import { volatileOnlyEntry } from '../ppc-support.ts';

export const perVcpuStackVolatileEntry: SwitchDesign = {
  ...perVcpuStack,
  name: 'per-vcpu-stack-volatile-entry',
  summary: "what-if: Xen/Arm's per-vcpu stacks with a volatile-only entry (the seed's); the guest's nonvolatiles stay in C frames on its own stack",
  cites: [
    'what-if: per-vcpu-stack (xen/arch/arm/domain.c, arm64/entry.S __context_switch, c447b7308b) with the entry of xen/arch/powerpc/powerpc64/exceptions.S SAVE_C_STATE (1aa3c54a31^)',
    'seed: xen-devel "lazy context switching", Hollis Blanchard, 2005-08-25; reference §3.4',
  ],
  whatIf: "Xen/Arm's per-vcpu stacks with PowerPC's volatile-only entry: no Xen port did both",
  entrySaves: volatileOnlyEntry,
};
