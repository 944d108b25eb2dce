/**
 * End-to-end: `lazyswitch explore` and `lazyswitch replay` as a user runs them (child processes
 * through bin/lazyswitch.mjs): the JSON contract, a counterexample's replay string reproduced by
 * `replay`, exit codes (0 clean, 1 violation, 2 bad input), no progress line when piped.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SMALL = ['--domains', 'int*2', '--no-control', '--ops', 'hypercall,block'];

describe('lazyswitch explore --json', () => {
  const r = cli('explore', '--design', 'is-running-cleared-early', ...SMALL, '--json');
  const doc = JSON.parse(r.out);
  it('exits 1 with { design, complete, states, transitions, seconds, statesPerSecond, reductionRatio, violations: [ { invariant, trace, replay } ] }', () => {
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    for (const k of ['design', 'complete', 'states', 'transitions', 'seconds', 'statesPerSecond', 'reductionRatio', 'violations']) expect(doc).toHaveProperty(k);
    expect(doc.design).toBe('is-running-cleared-early');
    expect(doc.complete).toBe(false);
    expect(doc.violations).toHaveLength(1);
    expect(doc.violations[0]).toMatchObject({ invariant: 'inv3' });
    expect(typeof doc.violations[0].trace).toBe('string');
    expect(doc.violations[0].replay).toMatch(/^lazyswitch\/explore design=is-running-cleared-early .* \| r0 /);
  });
  it('replay reproduces the violation exactly, with the story', () => {
    const again = cli('replay', doc.violations[0].replay, '--json');
    expect(again.code).toBe(1);
    const rep = JSON.parse(again.out);
    expect(rep.violations[0].invariant).toBe('inv3');
    expect(rep.violations[0].message).toBe(doc.violations[0].message);
    expect(rep.story.at(-1)).toContain(doc.violations[0].message);
    const text = cli('replay', doc.violations[0].replay);
    expect(text.out).toMatch(/1\. pcpu 0: schedule\(\)/);
    expect(text.out).toContain('inv3 violated');
  });
});

describe('lazyswitch explore (text)', () => {
  it('explores to a bound and prints states, transitions, depth, time, states/s', () => {
    const r = cli('explore', ...SMALL, '--depth', '12');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/complete: no — cut by the depth bound/);
    expect(r.out).toMatch(/states [\d,]+, transitions [\d,]+, maximum depth 12, [\d.]+ s, [\d,]+ states\/s/);
    expect(r.out).toContain('violations: none');
    expect(r.err).toBe('');
  });
  it('PCT: seeded random runs', () => {
    const r = cli('explore', '--design', 'is-running-cleared-early', ...SMALL, '--strategy', 'pct', '--runs', '20', '--seed', '3', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.strategy).toBe('pct');
    expect(doc.violations[0].invariant).toBe('inv3');
  });
  it('bad input exits 2 naming the flag', () => {
    for (const [args, what] of [
      [['explore', '--budget', 'lots'], '--budget'],
      [['explore', '--design', 'nope'], 'nope'],
      [['explore', '--strategy', 'dfs'], '--strategy'],
      [['replay', 'not a replay string'], 'replay'],
    ] as const) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(what);
      expect(r.out).toBe('');
    }
  });
});

describe('lazyswitch explore --design all', () => {
  const r = cli('explore', '--design', 'all', '--arch', 'ppc64', '--budget', '3000', '--json');
  const doc = JSON.parse(r.out);
  it('explores every design that runs on the architecture, one row each, with what it should show', () => {
    expect(r.err).toBe('');
    expect(doc.contract).toBe('2006-01-07');
    const names = doc.designs.map((d: { design: string }) => d.design);
    expect(names).toContain('ppc-asm-exit-switch');
    expect(names).toContain('power-giveup-loadfp');
    expect(names).not.toContain('arm64-foreign-fpstate');
    for (const d of doc.designs) {
      for (const k of ['design', 'arch', 'expected', 'asExpected', 'complete', 'states', 'transitions', 'seconds', 'statesPerSecond', 'violations', 'deadlocks', 'stopped']) expect(d).toHaveProperty(k);
      expect(d.arch).toBe('ppc64');
    }
    // The seed's broken designs are caught (inv3, 9 choices); nothing else is below expectations.
    const broken = doc.designs.filter((d: { expected: string }) => d.expected === 'broken');
    expect(broken.map((d: { design: string }) => d.design).sort()).toEqual(['ppc-naive-volatile', 'ppc-switch-in-routine']);
    for (const d of broken) expect(d).toMatchObject({ asExpected: true, violations: [{ invariant: 'inv3', length: 9 }] });
    expect(doc.designs.filter((d: { asExpected: boolean | null }) => d.asExpected === false)).toEqual([]);
    expect(r.code).toBe(0);
    // The unit designs got guests that use their units.
    expect(doc.designs.find((d: { design: string }) => d.design === 'power-giveup-loadfp').domains).toBe('fp*2');
  });
  it('prints a table and a summary line', () => {
    const t = cli('explore', '--design', 'all', '--arch', 'riscv64', '--budget', '2000');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^design\s+arch\s+expected\s+complete\s+states/m);
    expect(t.out).toMatch(/riscv-dirty-gated\s+riscv64\s+correct/);
    expect(t.out).toMatch(/0 of \d+ correct designs explored to completion/);
    expect(t.out).toContain('raise --budget');
  });
  it('rejects pct and an architecture no design supports, exit 2', () => {
    expect(cli('explore', '--design', 'all', '--strategy', 'pct').code).toBe(2);
    const bad = cli('explore', '--design', 'all', '--arch', 'm68k');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/m68k/);
    expect(bad.err).not.toMatch(/at .*\.ts/);
  });
});
