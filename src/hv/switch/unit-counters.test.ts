import { describe, expect, it } from 'vitest';
import { clearDirty, getCounter, setCounter, type CounterField } from './unit-counters.ts';
import { adaptive, USE_RUN } from './adaptive/index.ts';
import { powerGiveupLoadfp, LOAD_FP, LOAD_VEC } from './power-giveup-loadfp/index.ts';
import { BUILTIN_ARCH_DATA, compileArch, getArch } from '../../arch/index.ts';
import { getScheduler } from '../sched/index.ts';
import { buildState, cloneState, hashState } from '../../sim/index.ts';
import { parseDomains } from '../../scenario/index.ts';

function state(arch = 'x86-64') {
  const st = buildState({ arch: getArch(arch), design: adaptive, sched: getScheduler('rr'), pcpus: 1, domains: parseDomains('fp'), seconds: 0.01 });
  return { st, v: st.vcpus.findIndex((x) => !x.isIdle) };
}

describe('unit counters (vcpu.unitCounters)', () => {
  it('start at 0 and live in their own word, from bit 0, apart from the dirty bits', () => {
    const { st, v } = state();
    expect(st.vcpus[v].unitCounters).toBe(0);
    setCounter(st, v, LOAD_FP, 7);
    setCounter(st, v, LOAD_VEC, 3);
    expect(st.vcpus[v].unitCounters).toBe(7 | (3 << 8));
    expect(st.vcpus[v].unitDirty).toBe(0);
    st.vcpus[v].unitDirty = 0b111;
    clearDirty(st, v, 0b011);
    expect(st.vcpus[v].unitDirty).toBe(0b100);
    expect(getCounter(st, v, LOAD_FP)).toBe(7);
    expect(getCounter(st, v, LOAD_VEC)).toBe(3);
  });

  it('truncate to their width (a u8 wraps 256 to 0) without touching their neighbours', () => {
    const { st, v } = state();
    setCounter(st, v, LOAD_VEC, 9);
    setCounter(st, v, LOAD_FP, 256);
    expect(getCounter(st, v, LOAD_FP)).toBe(0);
    setCounter(st, v, LOAD_FP, 255 + 2);
    expect(getCounter(st, v, LOAD_FP)).toBe(1);
    expect(getCounter(st, v, LOAD_VEC)).toBe(9);
    expect(getCounter(st, v, USE_RUN)).toBe(1); // adaptive's field is bits 0–7 too: one design per run
  });

  it('refuse a field outside bits 0..30', () => {
    const { st, v } = state();
    const bad: CounterField = { at: 24, bits: 8 };
    expect(() => getCounter(st, v, bad)).toThrow(/bits 0\.\.30 of vcpu\.unitCounters/);
    expect(() => setCounter(st, v, { at: -1, bits: 2 }, 1)).toThrow(/unitCounters/);
    setCounter(st, v, { at: 23, bits: 8 }, 255);
    expect(st.vcpus[v].unitCounters).toBe(255 << 23);
  });

  it('are part of the state: cloned, and hashed', () => {
    const { st, v } = state();
    const before = hashState(st);
    setCounter(st, v, USE_RUN, 2);
    const c = cloneState(st);
    expect(c.vcpus[v].unitCounters).toBe(st.vcpus[v].unitCounters);
    expect(hashState(c)).toBe(hashState(st));
    expect(hashState(st)).not.toBe(before);
    setCounter(st, v, USE_RUN, 3);
    expect(c.vcpus[v].unitCounters).not.toBe(st.vcpus[v].unitCounters);
  });

  it('put no limit on the number of register classes: the counter designs accept an architecture with many', () => {
    // Ten more (system) classes: more than the 8 the counters once had to share vcpu.unitDirty with.
    const extra = (i: number) => ({ name: `extra${i}`, regs: [`x${i}a`, `x${i}b`], widthBits: 64, volatility: 'reserved', hvUses: false, role: 'system', save: { cycles: 1, source: 'a test figure' }, restore: { cycles: 1, source: 'a test figure' } });
    const widen = (name: string) => {
      const data = structuredClone(BUILTIN_ARCH_DATA[name]) as any;
      for (let i = 0; i < 10; i++) data.classes.push(extra(i));
      return compileArch(data, `wide-${name}`);
    };
    const x86 = widen('x86-64');
    expect(x86.classes.length).toBe(16);
    expect(adaptive.supports(x86)).toBe(true);
    expect(powerGiveupLoadfp.supports(widen('ppc64'))).toBe(true);
  });
});
