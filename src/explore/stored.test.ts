import { describe, expect, it } from 'vitest';
import { NONE } from '../hv/index.ts';
import { DEFAULT_SPEC, SMALL_SPEC, cloneForExplore, enabledFor, exploreStep, initialState, resolveSpec } from './model.ts';
import { StoredStates } from './stored.ts';
import { lockstep, lockstepCases } from './lockstep.ts';

// The proof obligation of the explorer's stored states (explore/stored.ts): the concrete
// model and the abstract one (γ, step, α) agree step by step. 10^6 steps in all run in
// stored.long.test.ts (npm run test:long); here a few hundred per configuration.
describe('stored states: the lockstep test', () => {
  for (const k of lockstepCases()) {
    it(`${k.name}: α(step(s, c)) = α(step(γ(α(s)), c)), same violations, same choices`, () => {
      const r = lockstep(resolveSpec(k.spec), { steps: 400, seed: 11 });
      expect(r.mismatch).toBeNull();
      expect(r.steps).toBe(400);
    });
  }

  it('fails when one transition of the abstract step is broken: a wake taken on the wrong pcpu', () => {
    const setup = resolveSpec(DEFAULT_SPEC);
    const ok = lockstep(setup, { steps: 3000, seed: 3 });
    expect(ok.mismatch).toBeNull();
    const broken = lockstep(setup, {
      steps: 3000,
      seed: 3,
      breakAbstract: (st, c) => {
        if (c.k === 'wake') st.vcpus[c.v].wakePcpu = (st.vcpus[c.v].wakePcpu + 1) % st.pcpus.length;
      },
    });
    expect(broken.mismatch).not.toBeNull();
    expect(broken.mismatch!.choice).toMatch(/^w\d+$/);
  });

  it('fails when one transition of the abstract step is broken: a stale register value where the latest write was', () => {
    const setup = resolveSpec(SMALL_SPEC);
    const broken = lockstep(setup, {
      steps: 3000,
      seed: 4,
      breakAbstract: (st, c) => {
        // Before a timer: the running vcpu's first register on that pcpu becomes a value nobody wrote last.
        if (c.k !== 'timer') return;
        const pc = st.pcpus[c.p];
        if (pc.current !== pc.idle) pc.regs.val[0] = 0x7fff0000;
      },
    });
    expect(broken.mismatch).not.toBeNull();
    expect(broken.mismatch!.choice).toMatch(/^t\d+$/);
    expect(broken.mismatch!.what).toMatch(/violations differ|differs/);
  });
});

describe('stored states: α and γ', () => {
  it('store every field the explorer reads: γ(α(s)) enables the same choices and stores back to α(s)', () => {
    const setup = resolveSpec({ ...DEFAULT_SPEC, domains: 'int*2,io*1', ctl: ['getvcpucontext', 'hotplug', 'domain_pause'] });
    const st0 = initialState(setup);
    const stored = new StoredStates(st0);
    let s = cloneForExplore(st0);
    for (let i = 0; i < 60; i++) {
      const cs = enabledFor(setup, s);
      const n = stored.encode(s);
      const a = stored.words.slice(0, n);
      const g = stored.decode(a);
      expect(enabledFor(setup, g)).toEqual(cs);
      expect(g.step).toBe(s.step);
      expect(g.pcpus.map((p) => [p.phase, p.current, p.softirq, p.ipis.length, p.cframes.length])).toEqual(s.pcpus.map((p) => [p.phase, p.current, p.softirq, p.ipis.length, p.cframes.length]));
      expect(stored.words.slice(0, stored.encode(g))).toEqual(a);
      s = exploreStep(s, cs[(i * 7) % cs.length]).next;
    }
  });

  it('keeps owners exactly and gives a vcpu its latest writes back as its shadow', () => {
    const setup = resolveSpec(SMALL_SPEC);
    const st0 = initialState(setup);
    const stored = new StoredStates(st0);
    const g = stored.decode(stored.words.slice(0, stored.encode(st0)));
    for (let v = 0; v < st0.vcpus.length; v++) {
      expect(Array.from(g.vcpus[v].area.own)).toEqual(Array.from(st0.vcpus[v].area.own));
      if (st0.vcpus[v].isIdle) continue;
      // The save area holds v's initial values, which are its latest writes: γ's tokens for them.
      expect(Array.from(g.vcpus[v].area.val)).toEqual(Array.from(g.vcpus[v].shadow));
    }
    expect(g.pcpus[0].waitPcpu).toBe(NONE);
  });

});
