/**
 * End-to-end (issue 15 §5): `explore --workers N` expands states in worker threads
 * (src/cli/explore-pool.ts) and prints what one worker prints — states, transitions, depth,
 * verdicts, the shortest counterexample and its replay string — in JSON and as text; only the
 * clock's figures (seconds, states per second) differ from run to run.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { unclocked } from './unclocked.ts';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  // The workers start from the first record (not after the 20,000 explore expands in its own thread first).
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LAZYSWITCH_EXPLORE_INLINE_RECORDS: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('explore --workers', () => {
  it('prints the same JSON with 1, 2 and 3 workers: a search cut by its budget', () => {
    const args = ['explore', '--budget', '6000', '--json'];
    const one = cli(...args, '--workers', '1');
    expect(one.code, one.err).toBe(0);
    expect(JSON.parse(one.out).states).toBe(6000);
    for (const w of ['2', '3']) {
      const r = cli(...args, '--workers', w);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toBe('');
      expect(unclocked(r.out)).toBe(unclocked(one.out));
    }
  });

  // The workers starting midway (after 20,000 records): explore-workers.long.test.ts.
  it('a complete search with its ratio run, JSON, 1 and 2 workers', () => {
    const args = ['explore', '--pcpus', '2', '--domains', 'int*1', '--ops', 'hypercall,yield,block', '--ctl', 'getvcpucontext,set_affinity', '--json'];
    const one = cli(...args, '--workers', '1');
    const two = cli(...args, '--workers', '2');
    expect(one.code, one.err).toBe(0);
    const j = JSON.parse(one.out);
    expect(j.complete).toBe(true);
    expect(j.reductionRatio).toBeGreaterThan(1);
    expect(unclocked(two.out)).toBe(unclocked(one.out));
  });

  it("prints a mutant's shortest counterexample, story and replay string alike (text), exit 1 both ways", () => {
    const one = cli('explore', '--design', 'lazy-no-pull', '--workers', '1');
    const two = cli('explore', '--design', 'lazy-no-pull', '--workers', '2');
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(one.out).toMatch(/VIOLATION of inv6 after \d+ choices/);
    expect(unclocked(two.out)).toBe(unclocked(one.out));
  });

  it('says on stderr why a search runs in one thread (credit), and prints the same', () => {
    const args = ['explore', '--sched', 'credit', '--budget', '2000', '--json'];
    const one = cli(...args, '--workers', '1');
    const two = cli(...args, '--workers', '2');
    expect(two.code, two.err).toBe(0);
    expect(two.err).toMatch(/--workers 2: searching in one thread: the credit scheduler's data/);
    expect(unclocked(two.out)).toBe(unclocked(one.out));
  });

  it('refuses a worker count that is not a positive integer: exit 2, the flag named', () => {
    const r = cli('explore', '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workers/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
