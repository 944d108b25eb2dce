/**
 * @module check/invariants: the invariants of reference/xen-context-switch.md §5, each with its
 * id, its sentence and the Xen code that enforces it, plus the guest's own property
 * (read-your-own-writes). The checker names these ids in every Violation.
 */

export interface InvariantInfo {
  readonly id: string;
  readonly sentence: string;
  readonly xen: string;
}

export const INVARIANTS: readonly InvariantInfo[] = [
  {
    id: 'guest-state',
    sentence: 'Every register a guest can see holds the value the guest last wrote to it (read-your-own-writes).',
    xen: 'the context_switch() contract: "the context is saved to memory" (sched.h, 1198a6a99f); kernel-tla fpsimd.tla read_fpsimd',
  },
  {
    id: 'isolation',
    sentence: 'No guest can architecturally read another domain\'s value: a unit (FP, vector) enabled for a running guest holds only that guest\'s domain\'s values.',
    xen: 'xen/arch/x86/i387.c: CR0.TS set on every switch (stts()) until setup_fpu() restores the new owner on #NM; the LazyFP window (CVE-2018-3665) is the speculative remainder (Xen master 70a6abd2cd: always eager)',
  },
  {
    id: 'inv1',
    sentence: 'A vcpu executes on at most one pcpu: schedule() never picks a vcpu that is is_running elsewhere.',
    xen: 'ASSERT(!next->is_running) in schedule() (af8becc6b9); credit __csched_vcpu_is_migrateable',
  },
  {
    id: 'inv2',
    sentence: 'v->processor changes only while v is not running.',
    xen: 'vcpu_migrate() returns early if v->is_running; vcpu_schedule_lock() re-checks v->processor',
  },
  {
    id: 'inv3',
    sentence: 'is_running is cleared only after the vcpu\'s state is committed to memory, or held lazily where sync_vcpu_execstate() can commit it.',
    xen: 'context_saved(): smp_wmb(); prev->is_running = 0 (1198a6a99f, 90bc7dea0e)',
  },
  {
    id: 'inv4',
    sentence: 'A migration requested while the vcpu runs is acted on once is_running clears, never lost.',
    xen: 'context_saved(): smp_mb(); if (test_bit(_VPF_migrating)) vcpu_migrate(prev) (97bfffea3c)',
  },
  {
    id: 'inv5',
    sentence: 'A vcpu\'s live state is held by at most one pcpu.',
    xen: 'ASSERT(cpus_weight(dirty_mask) <= 1); v->dirty_cpu since df8234fd2c',
  },
  {
    id: 'inv6',
    sentence: 'Before a pcpu loads a vcpu, any copy of its state held lazily elsewhere is flushed back first.',
    xen: 'context_switch() pulls next off its dirty cpu first: 1088bc0f6d (2006-01-07) sync_vcpu_execstate(next); ASSERT(cpus_empty(next->vcpu_dirty_cpumask)); 89e23317ba (2006-01-09) flush_tlb_mask(dirty_mask) before local_irq_disable(); since df8234fd2c (2018) flush_mask(cpumask_of(dirty_cpu), FLUSH_VCPU_STATE), and since 99266e3183 (2020-05-14) read once with read_atomic() and followed by ASSERT(!vcpu_cpu_dirty(next))',
  },
  {
    id: 'inv8',
    sentence: 'Every reader or modifier of a descheduled vcpu\'s context first forces a sync, and then reads exactly the guest\'s values.',
    xen: 'XEN_DOMCTL_getvcpucontext: vcpu_pause() → vcpu_sleep_sync() → sync_vcpu_execstate() (domctl.c, schedule.c)',
  },
  {
    id: 'inv7',
    sentence: 'Lazily held state exists only while the holding pcpu runs its idle vcpu.',
    xen: 'context_switch() lazy branch only if next is idle or curr_vcpu == next; __sync_local_execstate() ASSERT(current == idle)',
  },
  {
    id: 'inv10',
    sentence: 'Flush IPIs are sent only with interrupts enabled, so two pcpus flushing each other cannot deadlock.',
    xen: 'flush_area_mask() ASSERT(local_irq_is_enabled()); context_switch() hoists the dirty check before local_irq_disable() (89e23317ba)',
  },
  {
    id: 'inv11',
    sentence: 'set_current(next) and the curr_vcpu check run with interrupts disabled, so a flush IPI never sees a half-switched pcpu.',
    xen: '89e23317ba: "It is necessary to set_current() and then check curr_vcpu all with interrupts disabled"; __sync_local_execstate() ASSERT(current == idle_vcpu)',
  },
  {
    id: 'liveness',
    sentence: 'Every wait ends: a pcpu spinning for a flush or stop acknowledgement, for a vcpu to stop running (vcpu_sleep_sync) or for a control operation\'s sync is released within the watchdog bound, and never waits for an acknowledgement nobody owes it any more.',
    xen: 'flush_area_mask(): while ( !cpumask_empty(&flush_cpumask) ) cpu_relax(); vcpu_sleep_sync(): while ( v->is_running ) cpu_relax(); the NMI watchdog (opt_watchdog_timeout, 5 s) panics a cpu stuck so',
  },
  {
    id: 'inv13',
    sentence: 'A pcpu returns to guest code with no hypervisor call chain left on its stack: a descheduled vcpu\'s Xen frames are never kept on a per-pcpu stack.',
    xen: 'context_switch() ends in reset_stack_and_jump() (x86, PowerPC); per-vcpu stacks on Arm/ia64 unwind on the vcpu\'s own stack',
  },
];

export function invariantInfo(id: string): InvariantInfo | undefined {
  return INVARIANTS.find((i) => i.id === id);
}
