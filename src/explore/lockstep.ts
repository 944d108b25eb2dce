/**
 * @module explore/lockstep: the proof obligation of the stored state (explore/stored.ts). The
 * explorer expands γ(α(s)) where the model reached s; that is sound when the abstract step
 * step_α(a, c) = α(step(γ(a), c)) commutes with α:
 *
 *   α(step(s, c)) = step_α(α(s), c), with the same violations, and the same choices enabled,
 *
 * and when α(γ(a)) = a. (After a violating transition only the verdicts are compared: that
 * state ends a counterexample and is never expanded.) This runs the concrete model and the abstract one side by side on a
 * seeded random walk (restarting from the initial state after a violation, after a state with
 * no choice, and every `restart` steps, so that early states are visited under many
 * interleavings) and reports the first step where they part.
 */
import { Rng } from '../base/index.ts';
import type { HvState } from '../hv/index.ts';
import { choiceToString, type Choice } from '../sim/index.ts';
import { DESIGNS, writtenFor } from '../hv/index.ts';
import { builtinArchNames, getArch } from '../arch/index.ts';
import { MUTANTS } from '../mutants/index.ts';
import { DEFAULT_SPEC, cloneForExplore, enabledFor, exploreStep, initialState, mutantSpec, type ExploreSetup, type ExploreSpec } from './model.ts';
import { StoredStates } from './stored.ts';

export interface LockstepOptions {
  steps: number;
  seed: number;
  /** Steps before a walk restarts from the initial state (default 400). */
  restart?: number;
  /**
   * Test hook: change the concretised state before the abstract step of choice c (to show that
   * a broken abstract transition is caught), in fields γ writes anew each time. Absent in
   * every real use.
   */
  breakAbstract?: (st: HvState, c: Choice) => void;
}

export interface LockstepResult {
  steps: number;
  /** Violating transitions seen (both sides agreed on them). */
  violations: number;
  /** Where the two sides first parted (null: never). */
  mismatch: null | { step: number; choice: string; what: string };
}

const invariants = (vs: readonly { invariant: string }[]): string => vs.map((v) => v.invariant).join(',');

function firstDiff(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function lockstep(setup: ExploreSetup, o: LockstepOptions): LockstepResult {
  const rng = new Rng(o.seed);
  const restart = o.restart ?? 400;
  const st0 = initialState(setup);
  const stored = new StoredStates(st0);
  const alpha = (st: HvState): Int32Array => {
    const n = stored.encode(st); // may grow stored.words: read it after
    return stored.words.slice(0, n);
  };
  let s = cloneForExplore(st0);
  let depth = 0;
  let violations = 0;
  let i = 0;
  for (; i < o.steps; i++) {
    const choices = enabledFor(setup, s);
    if (!choices.length || depth >= restart) {
      if (depth === 0) break; // the initial state has no choice: nothing to walk
      s = cloneForExplore(st0);
      depth = 0;
      i--;
      continue;
    }
    const c = choices[rng.int(choices.length)];
    const a = alpha(s);
    const g = stored.decode(a);
    const fail = (what: string): LockstepResult => ({ steps: i, violations, mismatch: { step: depth, choice: choiceToString(c), what } });
    const back = alpha(g);
    let d = firstDiff(a, back);
    if (d >= 0) return fail(`α(γ(α(s))) differs from α(s) at word ${d}`);
    const gc = enabledFor(setup, g).map(choiceToString).join(' ');
    if (gc !== choices.map(choiceToString).join(' ')) return fail(`enabled choices differ: concrete [${choices.map(choiceToString).join(' ')}], abstract [${gc}]`);
    const conc = exploreStep(s, c);
    const cv = invariants(conc.violations);
    const na = alpha(conc.next);
    o.breakAbstract?.(g, c);
    const abs = exploreStep(g, c);
    const av = invariants(abs.violations);
    if (cv !== av) return fail(`violations differ: concrete [${cv}], abstract [${av}]`);
    if (conc.violations.length) {
      // A violating transition ends its path: the explorer reports it and never expands the
      // state it reaches (where the checker has resynchronised the vcpu's shadow with the value
      // it read, a stale one that γ does not tell from other stale values), so only the
      // verdicts are compared here.
      violations++;
      s = cloneForExplore(st0);
      depth = 0;
      continue;
    }
    const nb = alpha(abs.next);
    d = firstDiff(na, nb);
    if (d >= 0) return fail(`α(step(s, c)) differs from α(step(γ(α(s)), c)) at word ${d}`);
    s = conc.next;
    depth++;
  }
  return { steps: i, violations, mismatch: null };
}

/** Every guest op and control operation (the richest menu: every field of the state gets written). */
const ALL_OPS = ['run', 'hypercall', 'yield', 'block', 'guest-timer', 'device-irq'];
const ALL_CTL = ['getvcpucontext', 'setvcpucontext', 'set_affinity', 'hotplug', 'domain_pause', 'domain_destroy'];

/**
 * The configurations the lockstep test walks: every built-in design on every built-in
 * architecture it supports, under the first contract it was written for, with every guest op
 * and control operation offered; xen-x86-lazy also under credit (non-renamable scheduler data)
 * and on 3 pcpus; and every mutant on the configuration that exposes it.
 */
export function lockstepCases(): { name: string; spec: ExploreSpec }[] {
  const out: { name: string; spec: ExploreSpec }[] = [];
  for (const d of DESIGNS) {
    for (const a of builtinArchNames()) {
      if (d.supports(getArch(a)) !== true) continue;
      const spec: ExploreSpec = { design: d.name, arch: a, sched: 'rr', pcpus: 2, domains: 'int*2,io*1', control: true, ops: ALL_OPS, ctl: ALL_CTL, contract: writtenFor(d)[0] };
      out.push({ name: `${d.name} on ${a}`, spec });
    }
  }
  const base = { ...DEFAULT_SPEC, domains: 'int*2,io*1', ops: ALL_OPS, ctl: ALL_CTL };
  out.push({ name: 'xen-x86-lazy under credit', spec: { ...base, sched: 'credit' } });
  out.push({ name: 'xen-x86-lazy on 3 pcpus', spec: { ...base, pcpus: 3 } });
  for (const m of MUTANTS) out.push({ name: `mutant ${m.name}`, spec: mutantSpec(m.name) });
  return out;
}
