/**
 * End-to-end, long (`npm run test:long`): `lazyswitch mutants --json` runs every mutant through
 * the random driver and then the explorer (each one's shortest counterexample: a minute for the
 * 3-pcpu hotplug one), so it is kept out of `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lazyswitch mutants (long)', () => {
  it('mutants: every mutant caught, score 1, as JSON', { timeout: 600_000 }, () => {
    const r = cli('mutants', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.mutants.length).toBeGreaterThanOrEqual(10);
    for (const m of doc.mutants) expect(Object.keys(m)).toEqual(expect.arrayContaining(['name', 'description', 'caught', 'steps', 'violation']));
    expect(doc.score).toBe(1);
    // The explorer too: every mutant caught exhaustively, with its shortest counterexample's length
    // and a replay string (the lengths themselves: explore.test.ts).
    for (const m of doc.mutants) {
      expect(m.explored, m.name).toMatchObject({ caught: true, invariant: expect.any(String) });
      expect(m.explored.choices, m.name).toBeGreaterThan(0);
      expect(m.explored.replay, m.name).toMatch(new RegExp(`^lazyswitch/explore design=${m.name} `));
    }
    const only = cli('mutants', '--json', '--no-explore', '--time', '200ms');
    expect(JSON.parse(only.out).mutants[0]).not.toHaveProperty('explored');
  });
});
