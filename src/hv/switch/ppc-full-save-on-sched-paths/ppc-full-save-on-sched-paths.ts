/**
 * @module hv/switch/ppc-full-save-on-sched-paths: what Xen/PowerPC merged (2006–2008,
 * 9e07a06f9b..1aa3c54a31^; reference §3.1–§3.3). r14–r31 are saved on entry only on the paths
 * that can reach schedule() — hypercall and hypervisor decrementer (and program check, for the
 * GDB stub) — the architecture's default entry table; the other paths return by fast_resume
 * without running softirqs, so they never switch. context_switch() is eager: it copies the now
 * complete frame, saves FP/VMX, calls context_saved(prev), loads next, and never returns
 * (reset_stack_and_jump(full_resume)). sync_vcpu_execstate() is a no-op.
 *
 * full_resume restores r14–r31 and falls into fast_resume: unlike hcall_test_all_events and the
 * HDEC path's test_all_events loop, it never tests for pending softirqs (1aa3c54a31^
 * powerpc64/exceptions.S). A softirq raised while schedule() and context_switch() ran (a resched
 * IPI, a wake, a timer) is left for next's next hcall or HDEC — the bug do_timer()'s "HACK
 * ALERT" works around by re-arming the HDEC 1 ms ahead on every timer interrupt (exceptions.c,
 * 2f8a02d178), so a timer softirq that did not run comes back within 1 ms. The model folds the
 * timer softirq into the interrupt (its reprogram included), so it leaves the hack out: a
 * deferred softirq waits for the guest's next hcall or for the next tick or slice end.
 */
import type { SwitchDesign } from '../types.ts';
import { eager } from '../eager/index.ts';
import { supportsPpc } from '../ppc-support.ts';
import { ENTRY_PATHS } from '../../../arch/index.ts';

export const ppcFullSaveOnSchedPaths: SwitchDesign = {
  name: 'ppc-full-save-on-sched-paths',
  summary: 'Xen/PowerPC as merged: r14–r31 saved only on hcall/HDEC entry; eager switch; never returns',
  cites: ['xen/arch/powerpc/powerpc64/exceptions.S ex_hcall_continued, ex_hdec_continued: SAVE_GPRS r14, r31', 'xen/arch/powerpc/domain.c context_switch(), sync_vcpu_execstate() no-op (1aa3c54a31^)'],
  // The PowerPC port as merged in 2006-07, against the context_saved() interface of 1198a6a99f.
  contracts: ['2006-01-07'],
  supports(arch) {
    const ppc = supportsPpc(arch);
    if (ppc !== true) return ppc;
    // The design is only sound if every path that can schedule saved the whole integer frame.
    for (const p of ENTRY_PATHS) {
      const e = arch.entry[p];
      if (e.runsSoftirqs && arch.hvCalleeSaved.some((r) => !e.saves.includes(r))) return `entry path ${p} runs softirqs without saving every nonvolatile`;
    }
    return true;
  },
  entrySaves: (arch, path) => arch.entry[path].saves,
  contextSwitch: eager.contextSwitch,
  // reset_stack_and_jump(full_resume): no softirq test on the way back (1aa3c54a31^ exceptions.S).
  resumeTestsSoftirqs: false,
};
