/**
 * End-to-end: the CLI as a user runs it (a child process through bin/lazyswitch.mjs). Bad input
 * of every kind: a message naming the flag or field, exit code 2, no stack trace, no output.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lazyswitch run --json (the contract)', () => {
  const r = cli('run', '--time', '50ms', '--json');
  const doc = JSON.parse(r.out);
  it('exits 0 and prints { scenario, results: [ { design, arch, violations, metrics } ] }', () => {
    expect(r.code).toBe(0);
    expect(doc.scenario).toMatchObject({ pcpus: 4, sched: 'credit', seed: 1 });
    expect(doc.scenario.domains).toHaveLength(3);
    expect(doc.results.map((x: any) => `${x.arch}/${x.design}`).sort()).toEqual([
      'ppc64/eager',
      'ppc64/per-vcpu-stack',
      'ppc64/ppc-asm-exit-switch',
      'ppc64/ppc-full-save-on-sched-paths',
      'ppc64/xen-x86-lazy',
      'x86-64/eager',
      'x86-64/per-vcpu-stack',
      'x86-64/xen-x86-lazy',
    ]);
    for (const res of doc.results) {
      expect(Array.isArray(res.violations)).toBe(true);
      for (const k of ['switches', 'lazySwitches', 'wordsSaved', 'wordsRestored', 'bytesMoved', 'ipis', 'addressSpaceSwitches', 'cycles', 'overheadPct']) {
        expect(typeof res.metrics[k]).toBe('number');
      }
    }
  });
  it('is byte-identical for the same seed', () => {
    expect(cli('run', '--time', '50ms', '--json').out).toBe(r.out);
    expect(cli('run', '--time', '50ms', '--json', '--seed', '2').out).not.toBe(r.out);
  });
});

describe('lazyswitch run (the table)', () => {
  it('prints an aligned side-by-side table and a paragraph reading it', () => {
    const r = cli('run', '--time', '50ms', '--arch', 'ppc64');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/arch\s+design\s+switches\s+lazy/);
    expect(r.out).toMatch(/ppc64\s+xen-x86-lazy/);
    expect(r.out).toMatch(/On ppc64, /);
    expect(r.err).toBe(''); // piped: no progress line
  });
  it('explain ppc: every design, the broken ones caught, as a table and as JSON', () => {
    const r = cli('explain', 'ppc', '--time', '100ms', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    const by = Object.fromEntries(doc.designs.map((d: any) => [d.design, d]));
    expect(by['ppc-naive-volatile'].correct).toBe(false);
    expect(by['ppc-naive-volatile'].firstViolation).toMatch(/r(1[4-9]|2\d|3[01]) is neither saved/);
    for (const d of ['eager', 'xen-x86-lazy', 'ppc-full-save-on-sched-paths', 'ppc-asm-exit-switch', 'per-vcpu-stack']) expect(by[d].correct).toBe(true);
    expect(by['ppc-asm-exit-switch'].entryWordsPerPath.hypercall).toBeLessThan(by.eager.entryWordsPerPath.hypercall);
    expect(doc.answer).toMatch(/ppc-naive-volatile/);
    const t = cli('explain', 'ppc', '--time', '50ms');
    expect(t.out).toMatch(/design\s+correct\s+violations\s+cycles\/exception/);
  });
  // `mutants --json`, every mutant caught by the random driver and the explorer: mutants.long.test.ts.
  it('runs a design from a user file through the same checker', () => {
    const r = cli('run', '--design-file', 'examples/my-design.ts', '--arch', 'ppc64', '--time', '100ms', '--json', '--control-rate', '2000');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.results[0].design).toBe('skip-unused-units');
    expect(doc.results[0].metrics.controlOps).toBeGreaterThan(0);
    expect(doc.results[0].violations).toEqual([]);
  });
  it('conformance: a user design passes, the seed\'s broken design fails with exit 1', () => {
    const ok = cli('conformance', '--design-file', 'examples/my-design.ts', '--arch', 'ppc64', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).passed).toBe(true);
    const bad = cli('conformance', '--design', 'ppc-naive-volatile', '--arch', 'ppc64');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAIL/);
  });
  it('lists architectures, designs and schedulers', () => {
    const r = cli('list');
    expect(r.code).toBe(0);
    for (const s of ['ppc64', 'x86-64', 'eager', 'xen-x86-lazy', 'credit', 'rr']) expect(r.out).toContain(s);
  });
});

describe('bad input: clear message, exit 2, no stack, no output', () => {
  const cases: [string[], RegExp][] = [
    [['run', '--pcpus', 'x'], /--pcpus: "x" is not a whole number/],
    [['run', '--pcpus', '0'], /--pcpus: 0 is out of range/],
    [['run', '--sched', 'fifo'], /unknown scheduler "fifo"; expected one of credit, rr/],
    [['run', '--design', 'nope'], /unknown design "nope"; expected one of/],
    [['run', '--arch', 'sparc'], /unknown architecture "sparc"/],
    [['run', '--domains', 'io*x'], /--domains: "io\*x" is not PROFILE/],
    [['run', '--domains', 'gpu*2'], /unknown guest profile "gpu"/],
    [['run', '--time', 'forever'], /--time: "forever" is not a duration/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run', '--arch', '/nonexistent/arch.yaml'], /cannot read architecture file "\/nonexistent\/arch.yaml": ENOENT/],
    [['run', '--design-file', '/nonexistent/d.ts'], /--design-file: no such file/],
    [["run", "--design-file", "package.json"], /package.json: summary: one line describing the design; cites: an array of strings.*supports: a function \(required\)/],
    [['run', '--control-rate', '-5'], /--control-rate: "-5" is not a whole number/],
    [['explain', 'sparc'], /unknown architecture "sparc"/],
  ];
  for (const [args, msg] of cases) {
    it(args.join(' '), () => {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.out).toBe('');
    });
  }

  it('a bad architecture file names the field and the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-'));
    const f = join(dir, 'arch.yaml');
    writeFileSync(f, 'name: toy\ndescription: a toy\nabi: none\nwordBits: 48\nclockHz: 1e9\nclockSource: made up\nclasses: []\n');
    const r = cli('run', '--arch', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/wordBits \(line 4\)/);
    expect(r.err).toMatch(/classes \(line 7\)/);
    expect(r.out).toBe('');
  });
});

describe('piped into a reader that stops early', () => {
  it('stops quietly: no EPIPE stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" list | head -n 1`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('Architectures');
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});
