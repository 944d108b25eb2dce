/**
 * The search does not depend on who expands its records, or when (search.case.ts says what
 * that contract is): the quick cases, and a driver that breaks it is caught.
 */
import { describe, expect, it } from 'vitest';
import { Expander, newExpansion, type Expansion } from './expand.ts';
import { expandOptions, expandRequest, explore, search, type ExploreOptions } from './explorer.ts';
import { SMALL_SPEC, initialState, resolveSpec } from './model.ts';
import { makeCanon } from './canon.ts';
import { StoredStates } from './stored.ts';
import { LONG_CASES, searchCases, strip } from './search.case.ts';

describe('search: the same result whoever expands the records, in whatever order', () => {
  // The cases that explore thousands of states four times over run in search.long.test.ts.
  searchCases((name) => !LONG_CASES.includes(name));

  it('a driver that answers out of order is caught: the result differs', () => {
    // The check above can fail: answering the newest request first commits records out of the
    // frontier's order, and the search is no longer breadth first.
    const setup = resolveSpec(SMALL_SPEC);
    const o: ExploreOptions = {};
    const x = new Expander(setup, expandOptions(o));
    const st0 = initialState(setup);
    const o2: ExploreOptions = { maxStates: 3000 };
    const g = search(setup, o2, { st0, canon: makeCanon(st0, true), stored: new StoredStates(st0) }, { batch: 3, inflight: 4 });
    const pending: Expansion[] = [];
    let r = g.next();
    while (!r.done) {
      const q = r.value;
      if (q.op === 'expand') {
        pending.push(expandRequest(x, { ...q, words: q.words.slice(0, q.n), at: q.at.slice(0, q.count) }, newExpansion()));
        r = g.next();
      } else r = g.next(pending.pop());
    }
    const one = explore(setup, o2);
    expect(r.value.states).toBe(one.states);
    expect(strip(r.value)).not.toEqual(strip(one));
  });
});
