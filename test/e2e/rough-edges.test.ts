/**
 * End-to-end: what a newcomer hits (issue 22 §7–8) and the exit status of `run` (issue 16): each
 * flag named once in its message, explain blaming its own argument, durations in hours, a
 * --report path that cannot be made refused at once, written files announced with their size,
 * mutant stories wrapped instead of cut — and `run` failing (exit 1) only when a design that
 * should be correct has a violation.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTable } from '../../src/report/table.ts';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;
const BROKEN_DESIGN = new URL('../broken/lazy-no-pull.ts', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('messages', () => {
  it('name the flag once', () => {
    const r = cli('run', '--domains', 'x*2');
    expect(r.code).toBe(2);
    expect(r.err).toBe('lazyswitch: --domains: unknown guest profile "x" in "x*2"; expected one of int, fp, vector, io, cpu\n');
  });

  it('explain blames its argument, not an --arch never typed', () => {
    const r = cli('explain', 'sparc');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lazyswitch: explain: unknown architecture "sparc"; expected ppc, x86, arm, riscv, or one of ppc64, x86-64/);
    expect(r.err).not.toMatch(/--arch/);
  });

  it('--time takes hours and minutes, and says the limit when refusing', () => {
    expect(cli('run', '--time', '2h').err).toBe('lazyswitch: --time: "2h" is longer than the limit of 1h (3600s) of simulated time\n');
    expect(cli('run', '--time', 'soon').err).toMatch(/"soon" is not a duration such as 1h, 2min, 1s/);
  });

  it('a design file with a syntax error is refused with its line and column', () => {
    // Inside the project (a file outside it meets issue 20's loader problem); removed at once.
    const file = new URL(`../.tmp-${process.pid}-syntax.ts`, import.meta.url).pathname;
    writeFileSync(file, 'export default {\n  name: "x",\n  summary: "y" +,\n};\n');
    try {
      const r = cli('run', '--design-file', file, '--time', '10ms');
      expect(r.code).toBe(2);
      expect(r.err).toBe(`lazyswitch: ${file}: line 3, column 16: Unexpected ","\n`);
    } finally {
      rmSync(file);
    }
  });

  it('--watchdog below the scheduler tick is refused, by run and replay-trace alike', () => {
    const r = cli('run', '--watchdog', '1ms');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--watchdog: "1ms" is under the 10ms scheduler tick/);
    const t = cli('replay-trace', new URL('../fixtures/traces/trace-cmd-report.txt', import.meta.url).pathname, '--watchdog', '1ms');
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/--watchdog: "1ms" is under the 10ms scheduler tick/);
  });
});

describe('outputs', () => {
  it('--report under /proc fails at once with exit 2, before the run', () => {
    const t0 = Date.now();
    const r = cli('run', '--report', '/proc/lazyswitch-nope/x.html');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--report: cannot create the directory "\/proc\/lazyswitch-nope"/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('--perfetto says what it wrote and how big', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-out-'));
    const file = join(dir, 'trace.json');
    const r = cli('run', '--time', '20ms', '--arch', 'x86-64', '--design', 'eager', '--perfetto', file);
    expect(r.code).toBe(0);
    const kb = (statSync(file).size / 1e3).toFixed(1);
    expect(r.out).toContain(`wrote ${file} (${kb} kB)`);
    const j = cli('run', '--time', '20ms', '--arch', 'x86-64', '--design', 'eager', '--perfetto', file, '--json');
    expect(JSON.parse(j.out).results).toHaveLength(1);
    expect(j.err).toMatch(/^wrote .*trace\.json \([\d.]+ kB\)\n$/);
  });

  it('mutants print every first violation whole, wrapped', () => {
    const r = cli('mutants', '--no-explore', '--time', '300ms');
    const doc = JSON.parse(cli('mutants', '--no-explore', '--time', '300ms', '--json').out);
    const text = r.out.replace(/\n\s+/g, ' ');
    for (const m of doc.mutants) if (m.violation) expect(text).toContain(`first violation: ${m.violation.message}`);
    for (const line of r.out.split('\n')) expect(line.length).toBeLessThanOrEqual(130);
  });

  it('a table column with a fraction gives every number two decimals', () => {
    const t = renderTable(['design', 'lazy %'], [['a', 21], ['b', 17.5]]);
    expect(t.split('\n').slice(2)).toEqual(['a        21.00', 'b        17.50']);
  });
});

describe('replay-trace of a damaged trace', () => {
  it('says so in its summary line, exit 0', () => {
    const text = readFileSync(new URL('../fixtures/traces/trace-cmd-report.txt', import.meta.url), 'utf8');
    const file = join(mkdtempSync(join(tmpdir(), 'lazyswitch-trunc-')), 'cut.txt');
    writeFileSync(file, text.slice(0, text.lastIndexOf('sched_switch') + 20));
    const r = cli('replay-trace', file, '--design', 'eager', '--arch', 'x86-64');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').find((l) => l.startsWith('trace: '))).toMatch(/ — 1 malformed line skipped \(a damaged or truncated trace\?\)$/);
  });
});

describe("run's legend", () => {
  it('says what each column is, and how much of the cost is the modelled address-space switch and TLB refill', () => {
    const text = cli('run', '--time', '50ms').out;
    const doc = JSON.parse(cli('run', '--time', '50ms', '--json').out);
    for (const col of ['switches:', 'lazy:', 'words saved / restored:', 'IPIs:', 'AS switches:', 'Mcycles:', 'overhead %:']) expect(text).toContain(`\n${col}`);
    const total = doc.results.reduce((a: number, r: any) => a + r.metrics.cycles, 0);
    const refill = doc.results.reduce((a: number, r: any) => a + r.metrics.tlbRefillCycles, 0);
    expect(refill).toBeGreaterThan(0);
    expect(text).toContain(`${Math.round((100 * refill) / total)}% of these cycles here are that refill, one modelled estimate`);
    expect(text).toContain('hypervisor cycles per switch against');
  });

  it('--tlb-pages sets the refill: 0 (a tagged TLB) leaves only the switch itself, and the scenario records it', () => {
    const base = JSON.parse(cli('run', '--time', '50ms', '--arch', 'x86-64', '--design', 'eager', '--json').out);
    const none = JSON.parse(cli('run', '--time', '50ms', '--arch', 'x86-64', '--design', 'eager', '--tlb-pages', '0', '--json').out);
    const m = base.results[0].metrics;
    // x86-64: 1,000 pages × 39 cycles after each switch to a guest's page tables.
    expect(m.tlbRefillCycles % 39000).toBe(0);
    expect(m.tlbRefillCycles).toBeLessThan(m.cyclesBy.addressSpace);
    expect(none.scenario.tlbPages).toBe(0);
    expect(none.results[0].metrics.tlbRefillCycles).toBe(0);
    expect(none.results[0].metrics.cycles).toBeLessThan(m.cycles);
    expect(cli('run', '--tlb-pages', '-1').code).toBe(2);
  });
});

describe('run exit status', () => {
  it('is 1 when a design that should be correct (here a user design file) has violations', () => {
    const r = cli('run', '--time', '200ms', '--arch', 'x86-64', '--design-file', BROKEN_DESIGN, '--control-rate', '2000', '--domains', 'io*6');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/exit status 1: .* on x86-64 \([\d,]+ violations\) — not kept broken on purpose/);
  });

  it('is 0 when only a design kept broken on purpose shows violations (they are the expected result)', () => {
    const r = cli('run', '--time', '100ms', '--arch', 'ppc64', '--design', 'ppc-naive-volatile', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).results[0].violationCount).toBeGreaterThan(0);
  });

  it('the default run has no failure', () => {
    expect(existsSync(BIN)).toBe(true);
    expect(cli('run', '--time', '50ms', '--json').code).toBe(0);
  });
});
