import { describe, expect, it } from 'vitest';
import { InputError } from '../base/index.ts';
import { MUTANTS } from '../mutants/index.ts';
import { WordBuf, canonicalWords, choiceToString, hashWords } from '../sim/index.ts';
import { SMALL_SPEC, cloneForExplore, copyStateInto, enabledFor, explore, exploreStep, initialState, makeCanon, mutantSpec, parseReplay, pct, renameEncoding, replay, resolveSpec, SleepSets, tellStory, type ExploreSpec } from './index.ts';
import type { HvState } from '../hv/index.ts';
import { CAUGHT, LONG_MUTANTS, exploreMutants } from './mutants.case.ts';

/** States reached by a seeded random walk (for the property tests below). */
function walk(spec: ExploreSpec, n: number, seed: number): HvState[] {
  const s = resolveSpec(spec);
  let st = initialState(s);
  let x = seed;
  const out: HvState[] = [];
  for (let i = 0; i < n; i++) {
    const cs = enabledFor(s, st);
    if (!cs.length) break;
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const r = exploreStep(st, cs[x % cs.length]);
    if (r.violations.length) break;
    st = r.next;
    out.push(st);
  }
  return out;
}

describe('recycled states (copyStateInto)', () => {
  // Every field of every pcpu, vcpu and the state, as plain data (typed arrays by content).
  const plain = (st: HvState) => JSON.parse(JSON.stringify({ ...st, cfg: null, metrics: null }, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v === Infinity ? 'inf' : v)));
  for (const spec of [SMALL_SPEC, { ...SMALL_SPEC, domains: 'int*2,io*1', control: true, ctl: ['getvcpucontext', 'set_affinity', 'hotplug', 'domain_destroy'] }, { ...SMALL_SPEC, arch: 'ppc64', design: 'ppc-asm-exit-switch' }, { ...SMALL_SPEC, design: 'adaptive', domains: 'fp*1,vector*1' }, { ...SMALL_SPEC, design: 'power-giveup-loadfp', arch: 'ppc64', domains: 'fp*1,vector*1' }, { ...SMALL_SPEC, design: 'sel4-rfc18', domains: 'fp*2' }, { ...SMALL_SPEC, design: 'per-vcpu-stack', arch: 'arm64' }]) {
    it(`copying a state into another gives what cloning it gives, and shares no mutable part (${spec.arch}, ${spec.domains})`, () => {
      const states = [1, 2, 3].flatMap((seed) => walk(spec, 50, seed));
      for (let i = 0; i < states.length; i++) {
        const src = states[i];
        const dst = copyStateInto(cloneForExplore(states[(i * 7 + 3) % states.length]), src);
        expect(plain(dst)).toEqual(plain(cloneForExplore(src)));
        // Two names for one region in src (a stack moved between a pcpu and a vcpu) are one region in the copy.
        const regions = (st: HvState) => [...st.pcpus.flatMap((p) => [p.regs.val, p.frame.val]), ...st.vcpus.flatMap((v) => [v.area.val, ...(v.stack ? [v.stack.frame.val, v.stack.ctx.val] : [])])].map((a) => (a.buffer === st.pcpus[0].regs.val.buffer ? a.byteOffset : -1));
        expect(regions(dst)).toEqual(regions(src));
        // The copy's buffer and arrays are its own: writing them leaves the source alone.
        const before = plain(src);
        dst.pcpus[0].regs.val.fill(7);
        dst.vcpus[dst.vcpus.length - 1].area.val.fill(7);
        dst.pcpus[1].ipis.push({ kind: 0, from: 0, at: 0 });
        dst.pcpus[0].ctlQueue.push(3);
        dst.pcpus[0].cframes.length = 0;
        (dst.schedData as { runq?: number[][] }).runq?.[0].push(9);
        expect(plain(src)).toEqual(before);
      }
    });
  }
});

describe('canonical states', () => {
  const spec: ExploreSpec = { ...SMALL_SPEC, domains: 'int*2,io*1', control: true };
  const states = [1, 2, 3].flatMap((seed) => walk(spec, 60, seed));
  it('a renamed encoding derived from the identity one equals the encoding computed under the renaming', () => {
    const canon = makeCanon(states[0], true);
    expect(canon.group.length).toBe(4); // 2 pcpus × the two vcpus of domain 1
    const base = new WordBuf();
    const direct = new WordBuf();
    const derived = new WordBuf();
    for (const st of states) {
      base.n = 0;
      canonicalWords(st, base, canon.group[0]);
      for (const g of canon.group) {
        direct.n = 0;
        canonicalWords(st, direct, g);
        renameEncoding(base, g, derived);
        expect(Array.from(derived.a.subarray(0, derived.n))).toEqual(Array.from(direct.a.subarray(0, direct.n)));
      }
    }
  });
  it("a state's key is the hash of its least encoding over the group, computed under that renaming directly", () => {
    const canon = makeCanon(states[0], true);
    const enc = new WordBuf();
    let renamed = 0;
    for (const st of states) {
      const key = canon.key(st);
      enc.n = 0;
      canonicalWords(st, enc, canon.group[canon.lastPerm]);
      const [h1, h2] = hashWords(enc.a, enc.n);
      expect(key).toBe(h1 * 2097152 + (h2 >>> 11));
      if (canon.lastPerm !== 0) renamed++;
    }
    expect(renamed).toBeGreaterThan(0); // the renamed path (hashed as it is derived) is exercised
  });
  it('is invariant under time and token renumbering: a state and its clone hash alike, successors differ', () => {
    const canon = makeCanon(states[0], true);
    for (const st of states.slice(0, 20)) expect(canon.key(exploreStep(st, enabledFor(resolveSpec(spec), st)[0]).next)).toBe(canon.key(exploreStep(st, enabledFor(resolveSpec(spec), st)[0]).next));
    expect(new Set(states.map((st) => canon.key(st))).size).toBeGreaterThan(20);
  });
  it('sleep sets: every pair of steps declared independent commutes, with the same verdicts', () => {
    const s = resolveSpec(spec);
    const states = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => walk({ ...spec, ops: ['run', 'hypercall', 'guest-timer', 'device-irq'] }, 40, seed));
    const canon = makeCanon(states[0], false);
    const sleep = new SleepSets(true, s.sched.yield !== undefined);
    let pairs = 0;
    for (const st of states) {
      const ok = sleep.okMask(st);
      const cs = enabledFor(s, st).filter((c) => sleep.bit(c) && c.k === 'guest' && (ok >>> c.p) & 1);
      for (const a of cs) {
        for (const b of cs) {
          if (a.k !== 'guest' || b.k !== 'guest' || a.p >= b.p) continue;
          // b stays asleep after a only when childSleep keeps it.
          if (!(sleep.childSleep(ok, 0, sleep.bit(b), a) & sleep.bit(b))) continue;
          const ab = exploreStep(st, a);
          const ba = exploreStep(st, b);
          const abb = exploreStep(ab.next, b);
          const baa = exploreStep(ba.next, a);
          expect(canon.key(abb.next)).toBe(canon.key(baa.next));
          expect(ab.violations.length + abb.violations.length > 0).toBe(ba.violations.length + baa.violations.length > 0);
          pairs++;
        }
      }
    }
    expect(pairs).toBeGreaterThan(0);
  });
});

// Every design explored to completion: explore/every.test.ts. ppc-asm-exit-switch used to deadlock
// there (two idle pcpus, each lazily holding the vcpu the other pulls, each deferring the other's
// flush while it spins) until its schedule() learned to commit what it holds before it spins.

describe('reductions', () => {
  it('symmetry and sleep sets explore fewer states and transitions than the visited set alone (depth 16)', { timeout: 120_000 }, () => {
    const s = resolveSpec({ ...SMALL_SPEC, domains: 'int*2' });
    const on = explore(s, { depth: 16 });
    const off = explore(s, { depth: 16, reduction: false });
    expect(on.violations).toEqual([]);
    expect(off.violations).toEqual([]);
    expect(on.states).toBeLessThan(off.states);
    expect(on.transitions).toBeLessThan(off.transitions);
    expect(off.states / on.states).toBeGreaterThan(1.5);
  });
  it('bounds: depth and preemptions cut the search and say so', () => {
    const s = resolveSpec(SMALL_SPEC);
    const d = explore(s, { depth: 5 });
    expect(d.complete).toBe(false);
    expect(d.stopped).toBe('depth');
    expect(d.maxDepth).toBe(5);
    const p = explore(s, { preemptions: 0, maxStates: 10_000 });
    const p2 = explore(s, { preemptions: 2, maxStates: 10_000 });
    expect(p.stopped === 'preemptions' || p.complete).toBe(true);
    expect(p.states).toBeLessThan(p2.states);
    const b = explore(s, { maxStates: 100 });
    expect(b.stopped).toBe('states');
    expect(b.states).toBe(100);
  });
});

describe('the mutation suite, caught exhaustively from each mutant\'s own configuration (shortest counterexamples)', () => {
  it('covers every mutant of the catalogue', () => {
    expect(Object.keys(CAUGHT).sort()).toEqual(MUTANTS.map((m) => m.name).sort());
  });
  // The mutants whose search takes a minute run in mutants.long.test.ts.
  exploreMutants((name) => !LONG_MUTANTS.includes(name));
});

function mutantSetup(name: string) {
  return resolveSpec(mutantSpec(name));
}

describe('counterexamples: story, replay string, determinism', () => {
  const s = mutantSetup('lazy-no-pull');
  const r = explore(s, { maxStates: 200_000 });
  const v = r.violations[0];
  it('the replay string reproduces the violation exactly, from its text alone', () => {
    const again = replay(v.replay);
    expect(again.violationAt).toBe(v.choices.length - 1);
    expect(again.violations[0].invariant).toBe(v.invariant);
    expect(again.violations[0].message).toBe(v.message);
    expect(parseReplay(v.replay).choices.map(choiceToString).join(' ')).toBe(v.trace);
  });
  it('the story says which pcpu did what, step by step, and ends with the violation naming where the value lived', () => {
    const story = tellStory(s, v.choices);
    expect(story.lines.length).toBe(v.choices.length + 1);
    expect(story.lines[0]).toMatch(/^ ?1\. pcpu \d: /);
    expect(story.text).toContain('schedule()');
    expect(story.lines.at(-1)).toContain(`${v.invariant} violated: ${v.message}`);
  });
  it('is deterministic', () => {
    const r2 = explore(s, { maxStates: 200_000 });
    expect(r2.violations[0].replay).toBe(v.replay);
    expect(r2.states).toBe(r.states);
    expect(r2.transitions).toBe(r.transitions);
  });
  it('a replay string that does not parse, or names a choice that is not enabled, is an input error', () => {
    expect(() => replay('r0 r1')).toThrow(InputError);
    expect(() => replay(v.replay.replace(/\| .*/, '| w7'))).toThrow(/not enabled/);
    expect(() => replay(v.replay.replace('design=lazy-no-pull', 'design=nope'))).toThrow(InputError);
  });
});

describe('PCT', () => {
  it('finds a shallow bug with a few seeded runs, reproducibly, with a replay string', () => {
    const s = mutantSetup('is-running-cleared-early');
    const a = pct(s, { runs: 50, seed: 7, steps: 60, depth: 3 });
    const b = pct(s, { runs: 50, seed: 7, steps: 60, depth: 3 });
    expect(a.violations.length).toBe(1);
    expect(a.violations[0].invariant).toBe('inv3');
    expect(b.violations[0].replay).toBe(a.violations[0].replay);
    expect(replay(a.violations[0].replay).violations[0].invariant).toBe('inv3');
  });
  it('reports nothing on a correct design', () => {
    const r = pct(resolveSpec(SMALL_SPEC), { runs: 20, seed: 1, steps: 80, depth: 3 });
    expect(r.violations).toEqual([]);
    expect(r.transitions).toBeGreaterThan(100);
  });
});
