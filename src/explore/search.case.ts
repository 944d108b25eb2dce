/**
 * @module explore/search.case: the cases of the search's contract, shared by search.test.ts
 * (`npm test`: the quick ones) and search.long.test.ts (`npm run test:long`: the two that explore
 * thousands of states four times over). The contract (explorer.ts `search`, what `explore
 * --workers` rests on): the search does not depend on who expands its records, or when — a
 * driver that hands batches to several expanders of its own, expands them out of order (the
 * newest first) and answers in order gets the result of explore(), field for field (but the
 * clock), for designs, mutants with their shortest counterexamples, the preemption and depth
 * bounds, credit, and the liveness graph.
 */
import { expect, it } from 'vitest';
import { Expander, newExpansion, type Expansion } from './expand.ts';
import { expandOptions, expandRequest, explore, search, type ExploreOptions, type ExploreResult, type SearchRequest } from './explorer.ts';
import { DEFAULT_SPEC, SMALL_SPEC, initialState, mutantSpec, resolveSpec, type ExploreSpec } from './model.ts';
import { makeCanon } from './canon.ts';
import { StoredStates } from './stored.ts';

/**
 * Explore with `k` expanders in this thread, `batch` records a request, up to `inflight` out,
 * expanded newest first. k = 0: one expander that is also the search's context (as explore()
 * has it: its `known` spares encodings, and its stored states number a scheduler's data for
 * the search too — what a scheduler other than rr needs).
 */
function scrambled(spec: ExploreSpec, o: ExploreOptions, k: number, batch: number, inflight: number): ExploreResult {
  const setup = resolveSpec(spec);
  const xo = expandOptions(o);
  const xs = Array.from({ length: Math.max(k, 1) }, () => new Expander(setup, xo));
  const st0 = initialState(setup);
  // Else a context of its own, as a worker pool's: no `known`, so every successor is encoded.
  const ctx = k === 0 ? xs[0] : { st0, canon: makeCanon(st0, xo.reduction), stored: new StoredStates(st0) };
  k = Math.max(k, 1);
  const g = search(setup, o, ctx, { batch, inflight });
  const pending: Extract<SearchRequest, { op: 'expand' }>[] = [];
  const done: Expansion[] = [];
  let next = 0;
  let r = g.next();
  while (!r.done) {
    const q = r.value;
    if (q.op === 'expand') {
      // Copy, as postMessage does: the search refills its buffers.
      pending.push({ ...q, words: q.words.slice(0, q.n), at: q.at.slice(0, q.count) });
      r = g.next();
      continue;
    }
    // Expand every pending request, the newest first, each by the next expander round the ring.
    const out: Expansion[] = pending.map(() => newExpansion());
    for (let i = pending.length - 1; i >= 0; i--) expandRequest(xs[next++ % k], pending[i], out[i]);
    done.push(...out);
    pending.length = 0;
    r = g.next(done.shift());
  }
  return r.value;
}

// Plans: [expanders (0: the context's own), batch, inflight].
const PLANS = [[2, 5, 3], [3, 48, 6], [0, 7, 4]];
const CASES: { name: string; spec: ExploreSpec; o?: ExploreOptions; plans?: number[][] }[] = [
  { name: 'SMALL_SPEC, 6,000 states', spec: SMALL_SPEC, o: { maxStates: 6000 } },
  { name: 'no reductions, liveness, to completion', spec: { ...SMALL_SPEC, domains: 'int*1' }, o: { reduction: false, liveness: true } },
  { name: 'the default configuration, 4,000 states', spec: DEFAULT_SPEC, o: { maxStates: 4000 } },
  { name: 'preemption bound 1', spec: { ...SMALL_SPEC, domains: 'int*1', control: true, ctl: ['getvcpucontext'] }, o: { preemptions: 1 } },
  { name: 'depth bound 12', spec: DEFAULT_SPEC, o: { depth: 12 } },
  // Credit's data is numbered per stored-states table: one expander, the context's own (cli/explore-pool.ts runs it in one thread).
  { name: 'credit, 3,000 states', spec: { ...SMALL_SPEC, sched: 'credit' }, o: { maxStates: 3000 }, plans: [[0, 5, 3]] },
  { name: 'mutant lazy-no-pull', spec: mutantSpec('lazy-no-pull') },
  { name: 'mutant flush-ack-lost', spec: mutantSpec('flush-ack-lost') },
  { name: 'every violation of a mutant (no stop at the first)', spec: mutantSpec('remote-read-without-sync'), o: { stopAtFirst: false, maxStates: 3000 } },
];

export const strip = (r: ExploreResult) => ({ ...r, seconds: 0, statesPerSecond: 0 });

/** The cases that explore thousands of states, with every plan: `npm run test:long`'s. */
export const LONG_CASES = ['SMALL_SPEC, 6,000 states', 'the default configuration, 4,000 states'];

/** One `it` per case of CASES that `keep` accepts: explore() and every plan give the same result. */
export function searchCases(keep: (name: string) => boolean): void {
  for (const c of CASES) {
    if (!keep(c.name)) continue;
    it(c.name, { timeout: 300_000 }, () => {
      const o = c.o ?? {};
      const one = explore(resolveSpec(c.spec), o);
      expect(one.states).toBeGreaterThan(100);
      for (const [k, batch, inflight] of c.plans ?? PLANS) expect(strip(scrambled(c.spec, o, k, batch, inflight))).toEqual(strip(one));
    });
  }
}
