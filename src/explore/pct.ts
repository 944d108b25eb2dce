/**
 * @module explore/pct: random mode for configurations too large to exhaust — PCT, probabilistic
 * concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010). Each run gives
 * every pcpu a random distinct priority and picks d-1 random change points among its first k
 * steps; at every step the highest-priority pcpu with an enabled choice acts (its choice drawn
 * uniformly from its enabled ones: guest behaviour, interrupts); at the i-th change point the
 * pcpu that just acted drops to priority i-1 (below every initial one). A bug of depth d is found
 * by one run with probability at least 1/(n·k^(d-1)) for n pcpus. Run r uses seed + r, so a run
 * is reproducible from its seed, and its violation comes with a replay string.
 */
import { Rng } from '../base/index.ts';
import { choiceToString, type Choice } from '../sim/index.ts';
import type { HvState } from '../hv/index.ts';
import { actor, enabledFor, exploreStep, initialState, type ExploreSetup } from './model.ts';
import { replayString } from './replay.ts';
import type { FoundViolation } from './explorer.ts';

export interface PctOptions {
  runs: number;
  seed: number;
  /** Steps per run (k). */
  steps: number;
  /** Bug depth d: d-1 priority change points per run. */
  depth: number;
  stopAtFirst?: boolean;
  now?: () => number;
  maxSeconds?: number;
  onProgress?: (run: number, runs: number) => void;
}

export interface PctResult {
  design: string;
  arch: string;
  runs: number;
  transitions: number;
  seconds: number;
  /** Seed of the run that found each violation. */
  seeds: number[];
  violations: FoundViolation[];
}

export function pct(s: ExploreSetup, o: PctOptions): PctResult {
  const now = o.now ?? (() => 0);
  const t0 = now();
  const st0 = initialState(s);
  const P = st0.pcpus.length;
  const violations: FoundViolation[] = [];
  const seeds: number[] = [];
  let transitions = 0;
  let run = 0;
  for (; run < o.runs; run++) {
    if (o.maxSeconds !== undefined && (now() - t0) / 1000 > o.maxSeconds) break;
    o.onProgress?.(run, o.runs);
    const seed = (o.seed + run) >>> 0;
    const rng = new Rng(seed);
    // Priorities d .. d+P-1, shuffled; change points lower a pcpu to d-2 .. 0.
    const prio = Array.from({ length: P }, (_, i) => o.depth + i);
    for (let i = P - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [prio[i], prio[j]] = [prio[j], prio[i]];
    }
    const change = new Map<number, number>();
    for (let i = 1; i < o.depth; i++) change.set(1 + rng.int(Math.max(1, o.steps)), o.depth - 1 - i);
    let st = st0;
    // Two states alternate: each step is copied into the one the walk left (copyStateInto).
    let spare: HvState | null = null;
    const path: Choice[] = [];
    for (let k = 0; k < o.steps; k++) {
      const choices = enabledFor(s, st);
      if (!choices.length) break;
      let best = -1;
      for (const c of choices) {
        const a = actor(st, c);
        if (best < 0 || prio[a] > prio[best]) best = a;
      }
      const mine = choices.filter((c) => actor(st, c) === best);
      const c = mine[rng.int(mine.length)];
      const { next, violations: vs } = exploreStep(st, c, spare);
      transitions++;
      path.push(c);
      if (vs.length) {
        const trace = path.map(choiceToString).join(' ');
        violations.push({ invariant: vs[0].invariant, message: vs[0].message, violation: vs[0], choices: path.slice(), trace, replay: replayString(s.spec, trace) });
        seeds.push(seed);
        break;
      }
      if (st !== st0) spare = st;
      st = next;
      const lower = change.get(k + 1);
      if (lower !== undefined) prio[best] = lower;
    }
    if (violations.length && o.stopAtFirst !== false) {
      run++;
      break;
    }
  }
  const seconds = (now() - t0) / 1000;
  return { design: s.spec.design, arch: s.arch.name, runs: run, transitions, seconds: Number(seconds.toFixed(3)), seeds, violations };
}
