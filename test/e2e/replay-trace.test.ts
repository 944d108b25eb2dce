/**
 * End-to-end: `lazyswitch replay-trace` as a user runs it (a child process through
 * bin/lazyswitch.mjs) on the two real traces beside the repository (../shared; skipped, saying so,
 * where it is not), on damaged traces (a synthetic one of the repository's own, and the real one)
 * and on files that are no trace at all; and the --perfetto export of `lazyswitch run`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateTraceEvents } from '../../src/report/index.ts';
import { DEFAULT_CONTRACT, getDesign, writtenFor } from '../../src/hv/index.ts';
import { TRC_SCHED_SWITCH, TRC_TRACE_CPU_CHANGE, XEN_IDLE_DOMID } from '../../src/trace/index.ts';
import { describeTraces, tracePath as trace } from '../shared-data.ts';
import { syntheticFtrace } from '../fixtures/traces/synthetic-ftrace.ts';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// A trace of the repository's own, for the cases that need a valid one but not a real one.
const aTrace = join(repoRoot, 'test/fixtures/traces/android-atrace-tgid.txt');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same, without blocking: the bad-input cases run side by side (each is mostly tsx start-up). */
function cliAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const c = spawn(process.execPath, [BIN, ...args]);
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => done({ code, out, err }));
  });
}

/** The grep -c of the file, by cpu: lines with `sched_switch:`, grouped by their `[NNN]` column. */
function grepSwitches(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.includes('sched_switch:')) continue;
    const cpu = String(Number(/\[(\d{3})\]/.exec(line)![1]));
    counts[cpu] = (counts[cpu] ?? 0) + 1;
  }
  return counts;
}

const tmp = mkdtempSync(join(tmpdir(), 'lazyswitch-replay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Designs kept broken on purpose (SwitchDesign.broken, e.g. ppc-naive-volatile) must be caught on
// the real schedules too; every other design must replay them with 0 violations.
const list = JSON.parse(cli('list', '--json').out) as { designs: { name: string; archs: string[] }[] };
// Correct under today's contract, the one traces replay under (xen-x86-lazy-2005 is written for 2005's).
const correct = (design: string) => !getDesign(design).broken && writtenFor(getDesign(design)).includes(DEFAULT_CONTRACT);

for (const { file, format, cpus } of [
  { file: 'juno_idle_shell_6cpu_tracecmd_raw.txt', format: 'trace-cmd-raw', cpus: 6 },
  { file: 'android_launcher_2cpu_systrace.txt', format: 'ftrace', cpus: 2 },
]) describeTraces(`lazyswitch replay-trace ${file} --json`, [file], () => {
  // --design all: every built-in design, the ones kept broken marked expected (the default runs `run`'s designs).
  const r = cli('replay-trace', trace(file), '--json', '--design', 'all');
  const doc = JSON.parse(r.out || '{}');

  it('exits 0 and states the trace facts; switches per cpu equal a grep of the file', () => {
    expect(r.code, r.err).toBe(0);
    expect(doc.trace).toMatchObject({ format, cpus, malformedLines: 0 });
    expect(doc.trace.switchesPerCpu).toEqual(grepSwitches(readFileSync(trace(file), 'utf8')));
    expect(doc.trace.tasks).toBeGreaterThan(10);
    expect(doc.trace.spanSeconds).toBeGreaterThan(4);
  });

  it('replays through every built-in design on x86-64 and ppc64: the same switches, the contract metrics, 0 violations for every correct design', () => {
    const want = list.designs.flatMap((d) => d.archs.filter((a) => a === 'x86-64' || a === 'ppc64').map((a) => `${d.name}/${a}`)).sort();
    expect(doc.results.map((x: any) => `${x.design}/${x.arch}`).sort()).toEqual(want);
    const total = Object.values(doc.trace.switchesPerCpu as Record<string, number>).reduce((a, b) => a + b, 0);
    for (const res of doc.results) {
      for (const k of ['switches', 'lazySwitches', 'wordsSaved', 'wordsRestored', 'bytesMoved', 'ipis', 'addressSpaceSwitches', 'cycles', 'overheadPct']) expect(typeof res.metrics[k]).toBe('number');
      expect(res.metrics.switches).toBe(total);
      expect(res.expected, `${res.design}/${res.arch}`).toBe(!correct(res.design));
      if (correct(res.design)) expect(res.violations, `${res.design}/${res.arch}`).toEqual([]);
      else if (getDesign(res.design).broken) expect(res.violationCount, `${res.design}/${res.arch}`).toBeGreaterThan(0);
      // A design written for an older contract only (xen-x86-lazy-2005) is a what-if here: no claim.
    }
    expect(doc.results.find((x: any) => x.design === 'xen-x86-lazy').metrics.lazySwitches).toBeGreaterThan(0);
  });
});

describeTraces('lazyswitch replay-trace (the table)', ['juno_idle_shell_6cpu_tracecmd_raw.txt'], () => {
  it('prints the facts and one row per design', () => {
    const r = cli('replay-trace', trace('juno_idle_shell_6cpu_tracecmd_raw.txt'), '--design', 'eager', 'xen-x86-lazy', '--arch', 'x86-64');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/trace-cmd-raw, 6 cpus, \d+ tasks in \d+ domains/);
    expect(r.out).toMatch(/switches per cpu: cpu0 252, cpu1 459, cpu2 1,065, cpu3 45, cpu4 22, cpu5 13/);
    expect(r.out).toMatch(/arch\s+design\s+switches\s+lazy\s+words moved\s+IPIs/);
    expect(r.out).toMatch(/x86-64\s+xen-x86-lazy\s+1,856/);
    expect(r.err).toBe('');
  });
});

/** The damaged-trace cases, on a copy of `android` (an ftrace text with more than 1,500 switches) damaged in place. */
function damagedTraceCases(name: string, android: string) {
  /** 0-based indices of the sched_switch lines. */
  const switchLines = android.split('\n').flatMap((l, i) => (l.includes('sched_switch:') ? [i] : []));

  it('a trace cut off mid-line', () => {
    const lines = android.split('\n');
    const k = switchLines[1500];
    const f = join(tmp, `${name}-truncated.txt`);
    writeFileSync(f, lines.slice(0, k).join('\n') + '\n' + lines[k].slice(0, lines[k].indexOf('next_pid=') + 9));
    const r = cli('replay-trace', f, '--json', '--design', 'xen-x86-lazy', '--arch', 'x86-64');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.trace.malformedLines).toBe(1);
    expect(doc.trace.malformedExamples[0].line).toBe(k + 1);
    expect(doc.trace.switches).toBe(1500);
    expect(doc.results[0].violations).toEqual([]);
  });

  it('garbage lines among the events', () => {
    const lines = android.split('\n').slice(0, 3000);
    const damaged = [switchLines[0], switchLines[40], switchLines[900]];
    for (const i of damaged) lines[i] = lines[i].replace(/next_pid=\d+/, 'next_pid=');
    lines.splice(1000, 0, '\u0000\u0001 binary junk \ufffd', 'just some words in the middle of a trace');
    const f = join(tmp, `${name}-garbage.txt`);
    writeFileSync(f, lines.join('\n'));
    const r = cli('replay-trace', f, '--design', 'eager', '--arch', 'ppc64');
    expect(r.code, r.err).toBe(0);
    const at = damaged.map((i) => (i >= 1000 ? i + 3 : i + 1)); // 1-based, after the two inserted lines
    expect(r.out).toContain(`malformed lines: 3, skipped — first: line ${at[0]} (`);
    expect(r.out).toMatch(new RegExp(`line ${at[1]} \\(.+\\), line ${at[2]} \\(`));
    expect(r.out).toMatch(/ppc64\s+eager\s+[\d,]+\s+0\s+[\d,]+\s+\d+\s+\d+\s+\d+\s+[\d.]+\s+[\d,.]+\s+0$/m);
  });
}

describe('damaged traces: counted with line numbers, never a crash', () => {
  describe('a synthetic ftrace trace (test/fixtures/traces/synthetic-ftrace.ts)', () => damagedTraceCases('synthetic', syntheticFtrace()));
  describeTraces('android_launcher_2cpu_systrace.txt', ['android_launcher_2cpu_systrace.txt'], () =>
    damagedTraceCases('android', readFileSync(trace('android_launcher_2cpu_systrace.txt'), 'utf8')),
  );
});

describe.concurrent('bad input: clear message, exit 2, no stack, no output file', () => {
  const notATrace = join(repoRoot, 'test/fixtures/traces/not-a-trace.json');
  const cases: [string[], RegExp][] = [
    [['replay-trace', notATrace], /not-a-trace\.json: line 1: not a scheduling trace: a JSON document without "traceEvents" or "systemTraceEvents"/],
    [['replay-trace', join(repoRoot, 'package.json'), '--format', 'ftrace'], /not a scheduling trace in ftrace form/],
    [['replay-trace', '/nonexistent/trace.txt'], /cannot read the trace file: ENOENT/],
    [['replay-trace', aTrace, '--bogus'], /unknown option '--bogus'/],
    [['replay-trace'], /missing required argument 'file'/],
    [['replay-trace', notATrace, '--format', 'ctf'], /unknown trace format "ctf"/],
    [['replay-trace', notATrace, '--profile', 'RenderThread=gpu'], /unknown guest profile "gpu"/],
    [['replay-trace', notATrace, '--group', '/nonexistent/map.yaml'], /--group.*cannot be read as a mapping file/],
    [['replay-trace', aTrace, '--group', 'xen'], /"xen" groups by Xen domain id/],
    [['replay-trace', join(repoRoot, 'test/fixtures/traces/xen-credit2-decoded.txt')], /--tsc-hz/],
    [['replay-trace', notATrace, '--perfetto', '/nonexistent/dir/out.json'], /--perfetto.*does not exist/],
  ];
  for (const [args, msg] of cases) {
    it(args.slice(1).map((a) => a.replace(repoRoot, '.')).join(' '), async () => {
      const r = await cliAsync(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    });
  }

  it('writes no output file when the input is bad', async () => {
    const dir = mkdtempSync(join(tmp, 'none-'));
    const r = await cliAsync('replay-trace', notATrace, '--perfetto', join(dir, 'out.json'), '--ftrace', join(dir, 'out.txt'));
    expect(r.code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a mapping file with the wrong shape names the field', async () => {
    const f = join(tmp, 'map.yaml');
    writeFileSync(f, 'domains:\n  ui: notalist\n');
    const r = await cliAsync('replay-trace', aTrace, '--group', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/map\.yaml: domains\.ui/);
  });
});

describe('xentrace binary', () => {
  it('replays Xen vcpus (d<dom>v<n>, vcpu 0 of a domain is not idle) grouped by domain, with --tsc-hz', () => {
    // struct t_rec words: header (event | extra words << 28 | tsc flag), [tsc lo, hi], data.
    const rec = (code: number, data: number[], tsc?: number) => [
      (code | (data.length << 28) | (tsc === undefined ? 0 : 0x80000000)) >>> 0,
      ...(tsc === undefined ? [] : [tsc % 2 ** 32, Math.floor(tsc / 2 ** 32)]),
      ...data,
    ];
    const IDLE = XEN_IDLE_DOMID;
    const T = 1e12;
    const words = [
      ...rec(TRC_TRACE_CPU_CHANGE, [0, 0]),
      ...rec(TRC_SCHED_SWITCH, [1, 0, 2, 0], T),
      ...rec(TRC_SCHED_SWITCH, [2, 0, IDLE, 0], T + 2e6),
      ...rec(TRC_SCHED_SWITCH, [IDLE, 0, 1, 0], T + 4e6),
      ...rec(TRC_TRACE_CPU_CHANGE, [1, 0]),
      ...rec(TRC_SCHED_SWITCH, [IDLE, 1, 2, 1], T + 1e6),
    ];
    const f = join(tmp, 'xen.bin');
    const b = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w, true));
    writeFileSync(f, b);
    expect(cli('replay-trace', f).err).toMatch(/--tsc-hz/);
    const r = cli('replay-trace', f, '--tsc-hz', '2e9', '--json', '--design', 'xen-x86-lazy', '--arch', 'x86-64');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.trace).toMatchObject({ format: 'xentrace', tasks: 3, domains: 2, group: 'xen', switchesPerCpu: { 0: 3, 1: 1 } });
    expect(doc.results[0].metrics.switches).toBe(4);
    expect(doc.results[0].violations).toEqual([]);
  });
});

describe('timeline exports', () => {
  it('lazyswitch run --time 50ms --perfetto X: valid trace-event JSON, one process per pcpu and run', () => {
    const f = join(tmp, 'run.json');
    const r = cli('run', '--time', '50ms', '--perfetto', f);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    expect(validateTraceEvents(doc)).toEqual([]);
    const procs = doc.traceEvents.filter((e: any) => e.name === 'process_name').map((e: any) => e.args.name);
    expect(procs).toContain('pcpu 0 (eager on x86-64)');
    expect(procs).toContain('pcpu 3 (xen-x86-lazy on ppc64)');
    expect(doc.traceEvents.some((e: any) => e.ph === 's')).toBe(true);
    expect(readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('replay-trace --perfetto and --ftrace: valid JSON, and sched_switch text that replays to the same switches per cpu', () => {
    const src = join(tmp, 'synthetic-src.txt');
    writeFileSync(src, syntheticFtrace({ cpus: 4, switches: 1500, seed: 7 }));
    exportsRoundTrip('synthetic', src);
  });

  describeTraces('on a real trace', ['juno_idle_shell_6cpu_tracecmd_raw.txt'], () => {
    it('replay-trace juno_idle_shell_6cpu_tracecmd_raw.txt --perfetto and --ftrace: the same', () => exportsRoundTrip('juno', trace('juno_idle_shell_6cpu_tracecmd_raw.txt')));
  });
});

/** `replay-trace SRC --perfetto --ftrace`: valid trace-event JSON, and sched_switch text that replays to the switches per cpu of SRC. */
function exportsRoundTrip(name: string, src: string) {
  const json = join(tmp, `${name}.json`);
  const txt = join(tmp, `${name}.txt`);
  const r = cli('replay-trace', src, '--design', 'xen-x86-lazy', '--arch', 'x86-64', '--perfetto', json, '--ftrace', txt);
  expect(r.code, r.err).toBe(0);
  expect(validateTraceEvents(JSON.parse(readFileSync(json, 'utf8')))).toEqual([]);
  expect(existsSync(txt)).toBe(true);
  const again = JSON.parse(cli('replay-trace', txt, '--json', '--design', 'eager', '--arch', 'x86-64').out);
  expect(again.trace.format).toBe('ftrace');
  expect(again.trace.switchesPerCpu).toEqual(grepSwitches(readFileSync(src, 'utf8')));
  expect(again.trace.inconsistencies).toEqual({ prevMismatch: 0, nextRunningElsewhere: 0, alreadyRunning: 0 });
}
