/**
 * The state counts the README gives, explored to completion (about 30 s of CPU here, so `npm run
 * test:long` runs it and `npm test` does not): SMALL_SPEC (the benchmark's configuration, 38,022
 * states) and DEFAULT_SPEC (what `lazyswitch explore` explores by default, 67,807 states). A
 * change to the model, the canonical encoding or the reductions that moves either count must
 * say why in the README.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, SMALL_SPEC, resolveSpec } from './model.ts';
import { explore } from './explorer.ts';

describe('the explorer: the counts the README gives', () => {
  it('SMALL_SPEC: 38,022 states and 125,573 transitions, complete', { timeout: 300_000 }, () => {
    const r = explore(resolveSpec(SMALL_SPEC));
    expect(r.complete).toBe(true);
    expect(r.states).toBe(38022);
    expect(r.transitions).toBe(125573);
  });
  it('DEFAULT_SPEC: 67,807 states and 225,493 transitions, complete, no violation', { timeout: 300_000 }, () => {
    const r = explore(resolveSpec(DEFAULT_SPEC));
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
    expect(r.states).toBe(67807);
    expect(r.transitions).toBe(225493);
  });
});
