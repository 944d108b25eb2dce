/**
 * @module hv/switch/ppc-switch-in-routine: Keir Fraser's reply taken literally (xen-devel,
 * 2005-08-26, quoted in msg01096; reference §3.5): "Why not move the non-volatile save/restore
 * into your context switch routine, rather than deferring it until you exit the hypervisor?"
 * Entry stays volatile-only; the context switch routine saves r14–r31 from the registers as they
 * are at that point, then resets the stack. Hollis's answer was that by then "the original
 * nonvolatiles will have be[en]" saved by, and overwritten in, the C functions in between. The
 * checker shows whether and when it holds: only when no C frame between the entry and the
 * routine uses a nonvolatile register.
 */
import type { SwitchDesign } from '../types.ts';
import { eager } from '../eager/index.ts';
import { supportsPpc, volatileOnlyEntry } from '../ppc-support.ts';

export const ppcSwitchInRoutine: SwitchDesign = {
  name: 'ppc-switch-in-routine',
  summary: "Keir's suggestion, literally: volatile-only entry, r14–r31 saved inside the switch routine",
  cites: ['Keir Fraser, xen-devel 2005-08-26 (quoted in msg01096)', 'reference §3.5'],
  // Keir's answer to the post, against the interface of its day.
  contracts: ['2005-08'],
  broken: 'the C functions between the entry and the routine have already saved r14–r31 in their frames and overwritten them',
  supports: supportsPpc,
  entrySaves: volatileOnlyEntry,
  // saveAll takes each integer register from the frame where entry saved it, else from the
  // registers — which, for a nonvolatile, is what the routine's own code sees.
  contextSwitch: eager.contextSwitch,
  // reset_stack_and_jump(full_resume): no softirq test on the way back (1aa3c54a31^ exceptions.S).
  resumeTestsSoftirqs: false,
};
