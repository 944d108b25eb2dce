/**
 * End-to-end: the contract through history (issue 10) from the CLI — `explain x86 --contract
 * all --json` as scripts read it (the full explorer budget), `--contract` on run and explore, and
 * bad values.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lazyswitch explain x86 --contract all --json', () => {
  const r = cli('explain', 'x86', '--contract', 'all', '--json', '--time', '200ms');
  const doc = JSON.parse(r.out);
  it('prints { contracts: [...], designs: [ { design, verdicts: { "<contract>": { correct, violation } } } ] }', () => {
    expect(r.code).toBe(0);
    expect(doc.contracts.map((c: { name: string }) => c.name)).toEqual(['2005-08', '2006-01-06', '2006-01-07']);
    for (const d of doc.designs) {
      expect(typeof d.design).toBe('string');
      for (const c of ['2005-08', '2006-01-06', '2006-01-07']) {
        expect(typeof d.verdicts[c].correct).toBe('boolean');
        expect(d.verdicts[c].violation === null || typeof d.verdicts[c].violation === 'string').toBe(true);
        expect(d.verdicts[c].correct).toBe(d.verdicts[c].violation === null);
      }
    }
  });
  const row = (name: string) => doc.designs.find((d: { design: string }) => d.design === name);
  it('shows the 2005 x86 lazy switch right under its contracts and wrong under today’s, with a replay string', () => {
    const v = row('xen-x86-lazy-2005').verdicts;
    expect(v['2005-08'].correct).toBe(true);
    expect(v['2006-01-06'].correct).toBe(true);
    expect(v['2006-01-07']).toMatchObject({ correct: false, invariant: 'inv6', foundBy: 'explorer', writtenFor: false });
    const rep = cli('replay', v['2006-01-07'].replay, '--json');
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.out).violations[0].invariant).toBe('inv6');
  });
  it('runs xen-x86-lazy as its 2005 form under the older contracts', () => {
    const v = row('xen-x86-lazy').verdicts;
    expect(v['2005-08']).toMatchObject({ correct: true, form: 'xen-x86-lazy-2005' });
    expect(v['2006-01-07']).toMatchObject({ correct: true, form: null });
  });
});

describe('--contract on run, explain and explore', () => {
  it('run --contract 2005-08 records the contract and holds the lock across each switch', () => {
    const r = cli('run', '--arch', 'x86-64', '--design', 'eager', '--time', '50ms', '--contract', '2005-08', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.scenario.contract).toBe('2005-08');
    expect(doc.results[0].contract).toBe('2005-08');
    expect(doc.results[0].metrics.lockHolds).toBe(doc.results[0].metrics.switches);
    expect(doc.results[0].metrics.lockHoldCycles).toBeGreaterThan(0);
  });
  it('explore finds the seed design’s violation under 2005-08 and its replay string records the contract', () => {
    const r = cli('explore', '--design', 'ppc-asm-exit-switch', '--arch', 'ppc64', '--domains', 'int*2', '--no-control', '--ops', 'hypercall,block', '--contract', '2005-08', '--json');
    expect(r.code).toBe(1);
    const v = JSON.parse(r.out).violations[0];
    expect(v.invariant).toBe('inv3');
    expect(v.replay).toContain('contract=2005-08');
  });
  it('rejects an unknown contract naming the flag and the choices (exit 2, no output)', () => {
    for (const args of [
      ['run', '--contract', '2004'],
      ['run', '--contract', 'all'],
      ['explain', 'ppc', '--contract', 'today'],
      ['explore', '--contract', '2005'],
    ]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/--contract/);
      expect(r.err).toMatch(/2005-08, 2006-01-06, 2006-01-07/);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    }
  });
  it('rejects --budget without --contract all', () => {
    const r = cli('explain', 'ppc', '--budget', '100');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--budget/);
  });
});
