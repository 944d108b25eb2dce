import { describe, expect, it } from 'vitest';
import { getArch } from '../arch/index.ts';
import { buildState } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';
import { getScheduler } from './index.ts';
import { xenX86Lazy } from './switch/xen-x86-lazy/index.ts';
import { CTL, controlStart, doControlWait } from './control.ts';
import { NONE, PHASE } from './model.ts';

/** Two pcpus; vcpus 0, 1 idle, 2 the toolstack (first domain), 3 and 4 a second domain. */
function setup(onWritten?: (v: number, paused: number[]) => void) {
  const design = {
    ...xenX86Lazy,
    name: 'xen-x86-lazy-probe',
    contextWritten: (st: ReturnType<typeof buildState>, v: number) => onWritten?.(v, st.vcpus.map((x) => x.pauseCount)),
  };
  const st = buildState({ arch: getArch('x86-64'), design, sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('int*1,int*2'), seconds: 0.01 });
  const pc = st.pcpus[0];
  pc.current = 2; // the toolstack's vcpu issues the domctl on pcpu 0
  return st;
}

/** Run the control operation on pcpu 0 to its end (nothing is running or dirty elsewhere: no flush). */
function finish(st: ReturnType<typeof buildState>): void {
  const pc = st.pcpus[0];
  for (let i = 0; pc.ctlOp !== NONE; i++) {
    expect(pc.phase).toBe(PHASE.CTL_WAIT);
    expect(i).toBeLessThan(10);
    doControlWait(st, 0);
  }
}

describe('control operations', () => {
  it('setvcpucontext pauses the target\'s whole domain (domain_pause(d), 4.x XEN_DOMCTL_setvcpucontext) and writes the context while all of it is paused', () => {
    const seen: { v: number; paused: number[] }[] = [];
    const st = setup((v, paused) => seen.push({ v, paused }));
    expect(controlStart(st, 0, CTL.SETCONTEXT, 3, 0)).toBe(true);
    const pc = st.pcpus[0];
    expect([...pc.ctlPaused].sort()).toEqual([3, 4]);
    expect(st.vcpus[3].pauseCount).toBe(1);
    expect(st.vcpus[4].pauseCount).toBe(1);
    // The target is waited for and synced last; the other vcpu of its domain first.
    expect(pc.ctlTarget).toBe(4);
    expect(pc.ctlQueue).toEqual([3]);
    finish(st);
    expect(seen).toEqual([{ v: 3, paused: [0, 0, 0, 1, 1] }]);
    expect(st.vcpus[3].pauseCount).toBe(0);
    expect(st.vcpus[4].pauseCount).toBe(0);
    const r = st.cfg.arch.hvRegs[0];
    expect(st.vcpus[3].area.val[r]).toBe(st.vcpus[3].shadow[r]);
  });

  it('setvcpucontext on the toolstack\'s own domain pauses its other vcpus, never the caller (Xen refuses it: a deliberate difference)', () => {
    const st = buildState({ arch: getArch('x86-64'), design: xenX86Lazy, sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('int*2'), seconds: 0.01 });
    st.pcpus[0].current = 2;
    expect(controlStart(st, 0, CTL.SETCONTEXT, 3, 0)).toBe(true);
    expect(st.pcpus[0].ctlPaused).toEqual([3]);
    expect(st.vcpus[2].pauseCount).toBe(0);
    expect(controlStart(st, 1, CTL.SETCONTEXT, 2, 0)).toBe(false); // one domctl at a time
  });

  it('getvcpucontext pauses only its target (vcpu_pause)', () => {
    const st = setup();
    expect(controlStart(st, 0, CTL.GETCONTEXT, 3, 0)).toBe(true);
    expect(st.pcpus[0].ctlPaused).toEqual([3]);
    expect(st.vcpus[4].pauseCount).toBe(0);
    finish(st);
    expect(st.vcpus[3].pauseCount).toBe(0);
  });
});
