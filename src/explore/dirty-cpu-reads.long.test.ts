/**
 * Why the mutation suite has no double-read mutant for 99266e3183 ("xen/sched: fix latent races
 * accessing vcpu->dirty_cpu", with b492c65da5). Before it, sync_vcpu_execstate() read
 * v->dirty_cpu once for the check (vcpu_cpu_dirty(v)) and again for the flush
 * (flush_mask(cpumask_of(v->dirty_cpu))), and context_switch()'s plain load could be re-read the
 * same way. A double read goes wrong only if the value changes between the reads to a pcpu that
 * does not hold the state. In the model, as in Xen, the vcpu whose dirty pcpu is read is paused
 * (a control operation's sync) or is_running for the reader (context_switch()'s pull): nothing
 * else can load it, so its dirty pcpu can only go from the holder to VCPU_CPU_CLEAN (the holder
 * committed it) while the reader waits. This explores the small configuration to completion, and
 * 30,000 states of it with getvcpucontext and setvcpucontext, and checks that after every change
 * of a dirty pcpu each waiting reader's vcpu is still dirty on the pcpu it flushes, or on none.
 */
import { describe, expect, it } from 'vitest';
import { CTL, NONE, PHASE, type HvState, type SwitchDesign } from '../hv/index.ts';
import { xenX86Lazy } from '../hv/switch/xen-x86-lazy/index.ts';
import { explore, resolveSpec, SMALL_SPEC, type ExploreSpec } from './index.ts';

function probe() {
  const seen = { checks: 0, ctlChecks: 0, bad: [] as string[] };
  const check = (st: HvState) => {
    for (const r of st.pcpus) {
      const v = r.phase === PHASE.SYNC_WAIT ? r.next : r.phase === PHASE.CTL_SYNC && r.ctlOp !== CTL.HOTPLUG ? r.ctlTarget : NONE;
      if (v === NONE || r.waitPcpu === NONE) continue;
      seen.checks++;
      if (r.phase === PHASE.CTL_SYNC) seen.ctlChecks++;
      const d = st.vcpus[v].dirtyPcpu;
      if (d !== NONE && d !== r.waitPcpu) seen.bad.push(`pcpu ${r.id} flushes pcpu ${r.waitPcpu} for ${st.vcpus[v].name}, now dirty on pcpu ${d}`);
    }
  };
  // Every change of a dirty pcpu is in the design's switch or sync (fullSwitch).
  const design: SwitchDesign = {
    ...xenX86Lazy,
    name: 'xen-x86-lazy-dirty-probe',
    contextSwitch(st, p, prev, next) {
      xenX86Lazy.contextSwitch(st, p, prev, next);
      check(st);
    },
    syncLocal(st, p) {
      const r = xenX86Lazy.syncLocal!(st, p);
      check(st);
      return r;
    },
  };
  return { design, seen };
}

describe('dirty_cpu between a reader\'s check and its flush (99266e3183)', () => {
  const specs: [string, ExploreSpec, number][] = [
    ['switches pulling next (the small configuration, to completion)', SMALL_SPEC, 100_000],
    ['getvcpucontext and setvcpucontext syncing a paused vcpu', { ...SMALL_SPEC, control: true, ctl: ['getvcpucontext', 'setvcpucontext'] }, 30_000],
  ];
  for (const [what, spec, maxStates] of specs) {
    it(`only goes from the holder to clean: ${what}`, () => {
      const { design, seen } = probe();
      const r = explore({ ...resolveSpec(spec), design }, { maxStates });
      expect(r.violations).toEqual([]);
      if (spec === SMALL_SPEC) expect(r.complete).toBe(true);
      expect(seen.checks).toBeGreaterThan(100);
      if (spec.control) expect(seen.ctlChecks).toBeGreaterThan(10);
      expect(seen.bad).toEqual([]);
    });
  }
});
