/**
 * @module mutants/catalogue: named, documented broken variants of the designs and of the
 * scheduling core — real Xen bugs among them. Each says what it breaks, the history it comes
 * from, and the scenario that exposes it; `lazyswitch mutants` runs them all against the random
 * driver with a fixed budget and reports whether the checker caught each one.
 */
import type { ContractName, Mutations, Scheduler, SwitchDesign } from '../hv/index.ts';
import { credit, makeCredit } from '../hv/sched/credit/credit.ts';
import { eager } from '../hv/switch/eager/index.ts';
import { xenX86Lazy } from '../hv/switch/xen-x86-lazy/index.ts';
import { ppcAsmExitSwitch } from '../hv/switch/ppc-asm-exit-switch/index.ts';
import { ppcNaiveVolatile } from '../hv/switch/ppc-naive-volatile/index.ts';
import { ppcSwitchInRoutine } from '../hv/switch/ppc-switch-in-routine/index.ts';
import { NONE } from '../hv/index.ts';

export interface Mutant {
  name: string;
  description: string;
  /** Where the bug comes from (a commit it was fixed by, a mail, a design). */
  history: string;
  arch: string;
  design: SwitchDesign;
  sched: Scheduler;
  domains: string;
  pcpus: number;
  controlHz: number;
  mutations?: Mutations;
  /** The scheduler-interface generation it runs under (default today's). */
  contract?: ContractName;
  /**
   * The smallest configuration the explorer exposes it in (`lazyswitch explore --design NAME`
   * starts from it; flags override): domains, guest ops, and the control operations offered.
   * Default: one domain of two vcpus, hypercalls and blocks, no control operations.
   */
  explore: MutantExplore;
}

export interface MutantExplore {
  domains: string;
  ops: string[];
  control: boolean;
  ctl?: string[];
}

const SMALL: MutantExplore = { domains: 'int*2', ops: ['hypercall', 'block'], control: false };

/** The scenario most mutants need: I/O-bound vcpus that block, wake and migrate, on 4 pcpus, credit. */
const IO = 'io*6,vector*2';

/** A catalogue entry; scheduler, scenario and control rate default to the common ones above. */
type MutantSpec = Omit<Mutant, 'sched' | 'domains' | 'pcpus' | 'controlHz' | 'explore'> & Partial<Pick<Mutant, 'sched' | 'domains' | 'pcpus' | 'controlHz'>> & { explore?: Partial<MutantExplore> };

export const MUTANTS: readonly Mutant[] = (
  [
  {
    name: 'lazy-no-pull',
    description: 'lazy switching that loads next without first pulling its state off the pcpu where it is still dirty',
    history: "fixed by 1088bc0f6d (2006-01-07): \"If required, context_switch() must pull state off of old CPU\"",
    arch: 'x86-64',
    design: { ...xenX86Lazy, name: 'mutant-lazy-no-pull', dirtyElsewhere: undefined },
  },
  {
    name: 'is-running-cleared-early',
    description: 'contextSaved(prev) — is_running = 0 — before prev\'s state is written to memory',
    history: 'the contract of context_saved() (1198a6a99f, 2006-01-07): "call context_saved(@prev) when the local CPU is no longer running in @prev\'s context, and that context is saved to memory"; the comment "Clear running flag /after/ writing context to memory" and its smp_wmb() came with 90bc7dea0e (2007-03-29)',
    arch: 'x86-64',
    design: {
      ...eager,
      name: 'mutant-saved-early',
      contextSwitch(st, p, prev, next) {
        if (!st.vcpus[prev].isIdle) {
          st.cfg.observer?.onContextSaved(st, p, prev);
          st.vcpus[prev].isRunning = false;
        }
        eager.contextSwitch(st, p, prev, next);
      },
    },
    domains: 'cpu*2,fp*2,io*2',
  },
  {
    name: 'remote-read-without-sync',
    explore: { control: true },
    description: 'getvcpucontext reads the save area after vcpu_pause() without sync_vcpu_execstate()',
    history: 'the reader protocol of fc6151d0e9 / 4fb2acfb09 (2005-08-26): "a reader of another VCPU\'s context first forces sync"',
    arch: 'x86-64',
    design: xenX86Lazy,
    domains: 'int*2,' + IO,
    controlHz: 4000,
    mutations: { remoteReadWithoutSync: true },
  },
  {
    name: 'steal-running-vcpu',
    description: 'credit load balancing steals a vcpu that is still in its scheduling tail on its old pcpu',
    history: "credit's __csched_vcpu_is_migrateable(): \"Don't pick up work that's in the peer's scheduling tail\"; ASSERT(!next->is_running) (af8becc6b9)",
    arch: 'x86-64',
    design: xenX86Lazy,
    sched: makeCredit({ stealRunning: true }),
  },
  {
    name: 'migrate-running-vcpu',
    explore: { control: true },
    description: 'vcpu_migrate() moves a vcpu to another pcpu while it is still is_running',
    history: 'vcpu_migrate() bails out if v is running and context_saved() finishes the migration: deferred migration as 97bfffea3c (2006-09-21) introduced it, replacing csched_vcpu_set_affinity()\'s vcpu_pause() ("By not synchronously pausing the affected VCPU we avoid any risk of deadlock") — a redesign, not the fix of a running vcpu being moved',
    arch: 'x86-64',
    design: xenX86Lazy,
    domains: 'int*2,' + IO,
    controlHz: 4000,
    mutations: { migrateRunning: true },
  },
  {
    name: 'migration-lost-in-tail',
    explore: { control: true, ctl: ['set_affinity'] },
    description: 'context_saved() clears is_running but does not act on a migration requested while the vcpu ran',
    history: '97bfffea3c (2006-09-21) introduced deferred migration (_VCPUF_migrating, vcpu_migrate()) to replace csched_vcpu_set_affinity()\'s synchronous vcpu_pause() and its deadlock risk; its context_saved() calls vcpu_migrate() when the flag is set — the hook this mutant drops (not a bug 97bfffea3c fixed)',
    arch: 'x86-64',
    design: eager,
    domains: 'int*2,' + IO,
    controlHz: 4000,
    mutations: { savedIgnoresMigration: true },
  },
  {
    name: 'lazy-without-dirty-mark',
    description: 'lazy switching that leaves state on the pcpu without recording it as dirty there, so nobody pulls it',
    history: "59505bb144 (2006-01-06), which added vcpu_dirty_cpumask: __context_switch() ended with cpu_clear(cpu, n->vcpu_dirty_cpumask), clearing the bit it had just set for next instead of prev's; fixed by 1198a6a99f (2006-01-07): \"Fix stupid bug resulting in bogus value for vcpu_dirty_cpumask, which caused vcpu_sync_execstate() to fail sometimes\" (cpu_clear(cpu, p->vcpu_dirty_cpumask))",
    arch: 'x86-64',
    design: {
      ...xenX86Lazy,
      name: 'mutant-no-dirty-mark',
      contextSwitch(st, p, prev, next) {
        xenX86Lazy.contextSwitch(st, p, prev, next);
        if (!st.vcpus[next].isIdle) st.vcpus[next].dirtyPcpu = NONE;
      },
    },
  },
  {
    name: 'flush-ipi-ignored',
    description: 'the flush IPI handler acknowledges without syncing the lazily held state',
    history: '00e8ef7605 (2005-04-01) made the flush IPI the sync ("flush the state switch through on the first flush IPI received"): sync_lazy_execstate_cpuset() became flush_tlb_mask() and smp_invalidate_interrupt() calls __sync_lazy_execstate(), replacing the smp_subset_call_function() cross-call — an optimisation, not a bug fix; this mutant keeps the flush IPI as the sync but drops the handler\'s __sync_lazy_execstate()',
    arch: 'x86-64',
    design: { ...xenX86Lazy, name: 'mutant-flush-ignored', syncLocal: () => false },
  },
  {
    name: 'dirty-cleared-before-commit',
    description: 'a what-if: the holder marks the vcpu clean and acknowledges the flush before its state is in memory',
    history: "a what-if, no Xen commit did this: __context_switch() clears prev's mark (cpu_clear(cpu, p->vcpu_dirty_cpumask); since df8234fd2c write_atomic(&p->dirty_cpu, VCPU_CPU_CLEAN)) only after saving it, 2006 to master, and this shows why that order matters. Not 99266e3183 (2020-05-14, \"xen/sched: fix latent races accessing vcpu->dirty_cpu\", with b492c65da5), which made the accesses atomic (read_atomic/write_atomic) and single reads, with new ASSERTs: the double read it removed (sync_vcpu_execstate()'s vcpu_cpu_dirty(v), then cpumask_of(v->dirty_cpu), since df8234fd2c, 2018) can only see the holder or VCPU_CPU_CLEAN between its reads in this model (the vcpu is paused or is_running for the reader), so no register goes wrong; what it risked is cpumask_of(VCPU_CPU_CLEAN), an out-of-range cpu (cpumask_check()'s ASSERT in a debug build), which the checker has no invariant for",
    arch: 'x86-64',
    design: {
      ...xenX86Lazy,
      name: 'mutant-dirty-cleared-early',
      syncLocal(st, p) {
        const pc = st.pcpus[p];
        const held = pc.loaded[0];
        if (held === pc.current || st.vcpus[held].isIdle) return false;
        // Marked clean and acknowledged now; the state stays loaded and is committed only when
        // this pcpu next switches (too late for the pcpu that asked).
        st.vcpus[held].dirtyPcpu = NONE;
        return true;
      },
    },
  },
  {
    name: 'asm-exit-sync-in-irq',
    description: "the seed's design serving a sync from the IPI handler, without unwinding the idle loop's C frames",
    history: 'the seed: "only by returning all the way to assembly can we accomplish that" (xen-devel 2005-08-25)',
    arch: 'ppc64',
    design: {
      ...ppcAsmExitSwitch,
      name: 'mutant-sync-in-irq',
      syncLocal(st, p) {
        const r = ppcAsmExitSwitch.syncLocal!(st, p);
        if (r !== 'defer' || st.pcpus[p].pendingNvFrom !== NONE) return r;
        // Commit from interrupt context: whatever the idle loop spilled stays in its frames.
        const frames = st.pcpus[p].cframes;
        st.pcpus[p].cframes = [];
        ppcAsmExitSwitch.serveDeferredSync!(st, p);
        st.pcpus[p].cframes = frames;
        return true;
      },
    },
  },
  {
    name: 'flush-with-irqs-off',
    description: 'flush IPIs sent, and waited for, with interrupts disabled: two pcpus pulling state off each other deadlock',
    history: 'the rule __flush_tlb_mask() asserts (ASSERT(local_irq_is_enabled())); 1088bc0f6d (2006-01-07) already pulled next\'s state with IRQs on (sync_vcpu_execstate() before local_irq_disable()), and 89e23317ba (2006-01-09) hoisted the check before set_current() to keep it so: "sending the flush IPI needs us to have interrupts enabled to avoid deadlock" — this mutant sends it with IRQs off, which neither commit ever did',
    arch: 'x86-64',
    design: xenX86Lazy,
    mutations: { flushWithIrqsOff: true },
  },
  {
    name: 'set-current-irqs-on',
    description: 'set_current(next) and the curr_vcpu check with interrupts enabled between them: a flush IPI in the window does the switch itself, and next\'s segments are never loaded',
    history: 'fixed by 89e23317ba (2006-01-09): "It is necessary to set_current() and then check curr_vcpu all with interrupts disabled" (until then set_current() ran with IRQs on, local_irq_disable() only before __context_switch())',
    arch: 'x86-64',
    design: xenX86Lazy,
    mutations: { setCurrentIrqsOn: true },
  },
  {
    name: 'lazy-on-offline-pcpu',
    explore: { control: true, ctl: ['hotplug'] },
    description: 'lazy switch to idle even on a pcpu going offline: the state is stranded where no flush IPI reaches',
    history: 'f2dcefdc7b (2010-04-07): lazy only if cpu_online(cpu), "Else sync_vcpu_execstate() doesn\'t work properly"',
    arch: 'x86-64',
    design: {
      ...xenX86Lazy,
      name: 'mutant-lazy-offline',
      contextSwitch(st, p, prev, next) {
        const pc = st.pcpus[p];
        const online = pc.online;
        pc.online = true; // the pre-2010 test: next is idle, nothing about hotplug
        xenX86Lazy.contextSwitch(st, p, prev, next);
        pc.online = online;
      },
    },
    domains: 'int*2,' + IO,
    controlHz: 4000,
  },
  {
    name: 'hotplug-offline-before-sync',
    explore: { control: true, ctl: ['hotplug'] },
    description: 'cpu_down() takes the pcpu out of cpu_online_map before it has synced its lazy state: a pull of a vcpu it still holds finds it offline, and flush_area_mask() returns with nothing synced',
    history: 'f2dcefdc7b (2010-04-07): "Synchronise vcpu state earlier during cpu offline … Else sync_vcpu_execstate() doesn\'t work properly" (the sync before cpu_clear(cpu, cpu_online_map), in __cpu_disable() until 6da2b1ae55, 2010-04-20; since then do_tasklet_work()\'s sync_local_execstate() before take_cpu_down(), 346da00456)',
    arch: 'x86-64',
    design: xenX86Lazy,
    // The window is one IPI's flight (the pcpu is offline before its queued sync arrives): many
    // cpu_down()s and I/O-bound vcpus that move between pcpus make it show within the budget.
    domains: 'int*1,io*3',
    controlHz: 30000,
    mutations: { hotplugOfflineFirst: true },
  },
  {
    name: 'flush-ack-lost',
    description: "the flush IPI handler syncs, but its acknowledgement never reaches the sender: the pcpu pulling the state spins in context_switch() forever (a liveness violation, not a wrong value)",
    history: "this model's own stall until issue 16: an acknowledgement from an offline pcpu came before its sender waited for it and was lost; 0 violations were reported",
    arch: 'x86-64',
    design: xenX86Lazy,
    mutations: { flushAckLost: true },
  },
  {
    name: 'sleep-sync-ignores-lock',
    explore: { control: true, ctl: ['getvcpucontext'] },
    description: "under the 2005-08 contract, vcpu_sleep_sync() waits for the running flag only: the flag is cleared under the lock before context_switch(), so a reader proceeds while prev's registers are still being saved",
    history: '4fb2acfb09 (2005-08-26, the day after the seed post): "Synchronous pause should not only wait for the running flag to clear, but also for the scheduler lock to be released"',
    arch: 'x86-64',
    design: eager,
    domains: 'int*2,' + IO,
    controlHz: 4000,
    contract: '2005-08',
    mutations: { sleepSyncIgnoresLock: true },
  },
  {
    name: 'ppc-naive-volatile',
    description: ppcNaiveVolatile.summary,
    history: 'the seed post (Hollis Blanchard, 2005-08-25): nonvolatiles spread over C frames',
    arch: 'ppc64',
    design: ppcNaiveVolatile,
    domains: 'cpu*2,fp*2,io*2',
  },
  {
    name: 'ppc-switch-in-routine',
    description: ppcSwitchInRoutine.summary,
    history: 'Keir Fraser\'s reply (2005-08-26) and Hollis\'s answer (msg01096)',
    arch: 'ppc64',
    design: ppcSwitchInRoutine,
    domains: 'cpu*2,fp*2,io*2',
  },
] satisfies MutantSpec[]
).map((m) => ({ sched: credit, domains: IO, pcpus: 4, controlHz: 0, ...m, explore: { ...SMALL, ...m.explore } }));
