/**
 * The scripted policy's own tests. It does not run the shared conformance suite
 * (hv/sched/conformance.case.ts): that suite drives the state with the random driver, where
 * nobody writes `wanted`, so every pcpu would idle for ever and the "every vcpu runs" check
 * would fail by construction. The policy only means something under a driver that names who
 * runs where (sim/replay.ts), so these tests drive it by hand, step by step, and check the
 * contract of hv/sched/types.ts with the checker attached.
 */
import { describe, expect, it } from 'vitest';
import { getArch } from '../../../arch/index.ts';
import { Checker } from '../../../check/index.ts';
import { applyChoice, buildState, canRun } from '../../../sim/index.ts';
import { DESIGNS, writtenFor } from '../../switch/index.ts';
import { DEFAULT_CONTRACT } from '../../contract.ts';
import { PHASE, RUNSTATE, type HvState } from '../../model.ts';
import { GUEST_OP } from '../../core.ts';
import { scripted, setWanted, wantedOn, type ScriptedData } from './index.ts';

function state(pcpus = 2, vcpus = 2, design = DESIGNS[0]) {
  const checker = new Checker();
  const st = buildState({ arch: getArch('x86-64'), design, sched: scripted, pcpus, domains: [{ profile: 'int', vcpus, weight: 256, cap: 0 }], seconds: 1, observer: checker });
  return { st, checker };
}

/** Run every pcpu's hypervisor steps and IPIs until all are in guest code or idle. */
function settle(st: HvState): void {
  for (let progress = true; progress; ) {
    progress = false;
    for (const pc of st.pcpus) {
      if (pc.ipis.length) applyChoice(st, { k: 'ipi', p: pc.id });
      else if (canRun(pc)) applyChoice(st, { k: 'run', p: pc.id });
      else continue;
      progress = true;
    }
  }
}

describe('scripted scheduler', () => {
  it('names itself and cites what it models', () => {
    expect(scripted.name).toBe('scripted');
    expect(scripted.cites.length).toBeGreaterThan(0);
  });

  it('starts with every pcpu wanting its idle vcpu, as plain data', () => {
    const { st } = state(3, 2);
    expect((st.schedData as ScriptedData).wanted).toEqual([0, 1, 2]);
    expect(structuredClone(st.schedData)).toEqual(st.schedData);
    settle(st);
    for (const pc of st.pcpus) expect(pc.phase).toBe(PHASE.IDLE);
  });

  it('picks exactly the vcpu the driver names, on the pcpu it names, with no slice timer', () => {
    const { st, checker } = state(2, 2);
    st.vcpus[3].processor = 1;
    setWanted(st, 0, 2);
    setWanted(st, 1, 3);
    expect(wantedOn(st, 0)).toBe(2);
    expect(scripted.doSchedule(st, 0, 0)).toEqual({ next: 2, slice: Infinity });
    settle(st);
    expect(st.pcpus.map((p) => p.current)).toEqual([2, 3]);
    expect(st.pcpus.map((p) => p.phase)).toEqual([PHASE.GUEST, PHASE.GUEST]);
    expect(checker.violations).toEqual([]);
  });

  it('falls back to idle rather than break the contract: not runnable, running elsewhere, or not placed here', () => {
    const { st } = state(2, 2);
    const v = st.vcpus[2];
    v.processor = 0;
    setWanted(st, 0, 2);
    v.runstate = RUNSTATE.BLOCKED;
    expect(scripted.doSchedule(st, 0, 0).next).toBe(0);
    v.runstate = RUNSTATE.RUNNABLE;
    v.isRunning = true; // is_running on another pcpu: invariant 1 forbids picking it
    expect(scripted.doSchedule(st, 0, 0).next).toBe(0);
    v.isRunning = false;
    v.processor = 1; // no stealing: the driver moves vcpus, the policy does not
    expect(scripted.doSchedule(st, 0, 0).next).toBe(0);
    v.processor = 0;
    expect(scripted.doSchedule(st, 0, 0).next).toBe(2);
  });

  it('keeps running the current vcpu when schedule() runs again with nothing new (continue_running)', () => {
    const { st } = state(1, 1);
    setWanted(st, 0, 1);
    settle(st);
    const switches = st.metrics.switches;
    applyChoice(st, { k: 'guest', p: 0, len: 1000, op: GUEST_OP.YIELD, arg: 0, irq: 0 });
    settle(st);
    expect(st.pcpus[0].current).toBe(1);
    expect(st.metrics.switches).toBe(switches);
  });

  it('tickles nothing by itself and never asks for a reschedule on a tick', () => {
    const { st } = state(2, 2);
    expect(scripted.wake(st, 2, 0)).toEqual([]);
    expect(scripted.tick(st, 0, 0)).toBe(false);
    // ... but a vcpu that a pcpu has been told to run, woken while that pcpu idles, raises its softirq.
    setWanted(st, 1, 2);
    settle(st);
    expect(scripted.wake(st, 2, 0)).toEqual([1]);
  });

  it('a block, a wake by interrupt and the switch back, as the replay does it, with every design', () => {
    for (const design of DESIGNS.filter((d) => d.supports(getArch('x86-64')) === true && writtenFor(d).includes(DEFAULT_CONTRACT))) {
      const { st, checker } = state(2, 1, design);
      const v = st.vcpus[2];
      v.processor = 0;
      setWanted(st, 0, 2);
      settle(st);
      setWanted(st, 0, 0);
      applyChoice(st, { k: 'guest', p: 0, len: 1000, op: GUEST_OP.BLOCK, arg: Infinity, irq: 0 });
      settle(st);
      expect(st.pcpus[0].current).toBe(0);
      expect(v.runstate).toBe(RUNSTATE.BLOCKED);
      // The trace switches it in on pcpu 1: move it, wake it there; the wake tickles pcpu 1.
      v.processor = 1;
      setWanted(st, 1, 2);
      v.wakeAt = st.pcpus[0].clock + 5000;
      v.wakePcpu = 1;
      applyChoice(st, { k: 'wake', v: 2 });
      expect(st.pcpus[1].phase).toBe(PHASE.SOFTIRQ);
      settle(st);
      expect(st.pcpus[1].current).toBe(2);
      expect(checker.violations, design.name).toEqual([]);
    }
  });
});
