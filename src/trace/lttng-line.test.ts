/**
 * LTTng kernel traces as babeltrace2 / babeltrace 1 print them (issue 21 §3): the fixtures'
 * per-cpu switch counts against an independent regex count, the variants (babeltrace 1's
 * `(+?.?????????)` and prev_pid/next_pid, `--clock-seconds`, a provider prefix, `--no-delta`),
 * prev_state's letters, the midnight wrap, and detection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.ts';
import { lttngPrevState, newLttngClock, parseLttngLine } from './lttng-line.ts';
import { prevRunstate } from './prev-state.ts';
import type { SwitchRecord, TraceRecord } from './record.ts';
import { parseTraceLines } from './trace-parser.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/traces');
const FIXTURES = ['lttng-babeltrace2.txt', 'lttng-babeltrace1.txt', 'lttng-clock-seconds.txt'];

/** Switches per cpu counted without the parser: `sched_switch: { cpu_id = N }`. */
function independentCounts(text: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of text.matchAll(/sched_switch: \{ cpu_id = (\d+) \}/g)) m.set(Number(x[1]), (m.get(Number(x[1])) ?? 0) + 1);
  return m;
}

function read(name: string) {
  const text = readFileSync(join(DIR, name), 'utf8');
  const gen = parseTraceLines(text.split('\n'));
  const records: TraceRecord[] = [];
  let r = gen.next();
  for (; !r.done; r = gen.next()) records.push(r.value);
  return { text, records, diag: r.value };
}

describe('LTTng babeltrace text', () => {
  for (const name of FIXTURES) {
    it(`${name}: detected as lttng, per-cpu switch counts equal an independent count, nothing malformed`, () => {
      const { text, records, diag } = read(name);
      expect(diag.format).toBe('lttng');
      expect(diag.malformed).toHaveLength(0);
      const got = new Map<number, number>();
      for (const x of records) if (x.kind === 'switch') got.set(x.cpu, (got.get(x.cpu) ?? 0) + 1);
      const want = independentCounts(text);
      expect(want.size).toBe(2);
      expect(got).toEqual(want);
      expect(records.filter((x) => x.kind === 'wakeup').length).toBe((text.match(/sched_wak(?:eup|ing):/g) ?? []).length);
      expect(diag.otherEvents).toBe(1);
      const ts = records.map((x) => x.ts);
      expect(ts.every((t, i) => i === 0 || t >= ts[i - 1])).toBe(true);
    });
  }

  it('reads the fields of each variant into the same records', () => {
    const a = read(FIXTURES[0]).records;
    const b = read(FIXTURES[1]).records;
    const c = read(FIXTURES[2]).records;
    const strip = (r: TraceRecord) => ({ ...r, ts: 0 });
    expect(b.map(strip)).toEqual(a.map(strip));
    expect(c.map(strip)).toEqual(a.map(strip));
    const s = a.find((x) => x.kind === 'switch') as SwitchRecord;
    expect(s).toMatchObject({ cpu: 0, prevComm: 'swapper/0', prevPid: 0, prevState: 'R', nextComm: 'bash', nextPid: 1234, prevPrio: 20, nextPrio: 20 });
    expect(a[0]).toMatchObject({ kind: 'wakeup', cpu: 1, comm: 'bash', pid: 1234, targetCpu: 0, wakeKind: 'waking' });
    expect(a[1]).toMatchObject({ kind: 'wakeup', wakeKind: undefined });
    expect(a[0].ts).toBeCloseTo(19 * 3600 + 17 * 60 + 34.10001, 9);
    expect(c[0].ts).toBeCloseTo(1234.00001, 9);
    // Same intervals whatever the clock.
    expect(c[c.length - 1].ts - c[0].ts).toBeCloseTo(a[a.length - 1].ts - a[0].ts, 9);
  });

  it('prev_state: 0 R, a lone bit >= 256 R+ (preempted), 1 S, 2 D; others verbatim, read as a sleep', () => {
    expect(['0', '256', '1024', '1', '2', '64', '130'].map(lttngPrevState)).toEqual(['R', 'R+', 'R+', 'S', 'D', '64', '130']);
    expect(['R', 'R+', 'S', 'D', '64'].map(prevRunstate)).toEqual(['runnable', 'runnable', 'blocked', 'blocked', 'blocked']);
  });

  it('--no-delta, no hostname, provider prefix, perf CTF (perf_cpu, prev_pid), escaped quotes', () => {
    const r = parseLttngLine('[19:17:34.123456789] sched_switch: { cpu_id = 3 }, { prev_comm = "a \\"b\\"", prev_tid = 5, prev_prio = 20, prev_state = 1, next_comm = "swapper/3", next_tid = 0, next_prio = 20 }', 7, newLttngClock());
    expect(r).toMatchObject({ kind: 'switch', line: 7, cpu: 3, prevComm: 'a "b"', prevPid: 5, prevState: 'S', nextPid: 0 });
    // FORMATS.md §4, perf.data converted to CTF (verbatim).
    const p = parseLttngLine('[00:16:19.417073483] (+0.000016300) sched:sched_switch: { }, { perf_ip = 0x0, perf_tid = 0, perf_pid = 0, perf_id = 21, perf_cpu = 0, perf_period = 1, common_type = 59, common_flags = 1, common_preempt_count = 3, common_pid = 0, prev_comm = "swapper/0", prev_pid = 0, prev_prio = 120, prev_state = 0, next_comm = "perf", next_pid = 1834, next_prio = 120 }', 1, newLttngClock());
    expect(p).toMatchObject({ kind: 'switch', cpu: 0, prevComm: 'swapper/0', nextComm: 'perf', nextPid: 1834, nextPrio: 120 });
    // FORMATS.md §4, from lttng_many_threads_8cpu_sched.txt (verbatim).
    const w = parseLttngLine('[17:46:22.794567672] (+0.000001868) wilbrod sched_wakeup: { cpu_id = 2 }, { comm = "lttng-consumerd", tid = 4297, prio = 20, target_cpu = 5 }', 1, newLttngClock());
    expect(w).toMatchObject({ kind: 'wakeup', cpu: 2, comm: 'lttng-consumerd', pid: 4297, targetCpu: 5 });
    expect(parseLttngLine('[19:17:34.1] host sched_switch: { }, { prev_comm = "a" }', 1, newLttngClock())).toHaveProperty('reason');
    expect(parseLttngLine('[19:17:34.1] host irq_handler_entry: { cpu_id = 0 }, { irq = 1 }', 1, newLttngClock())).toBe('other');
    expect(parseLttngLine('bash-1234 [000] 1.0: sched_switch: prev_comm=a', 1, newLttngClock())).toBe('none');
  });

  it('a trace past midnight: a day added when the clock goes back by more than 12 hours', () => {
    const clock = newLttngClock();
    const line = (t: string) => parseLttngLine(`[${t}] (+0.1) h sched_wakeup: { cpu_id = 0 }, { comm = "x", tid = 1, prio = 20, target_cpu = 0 }`, 1, clock) as TraceRecord;
    expect(line('23:59:59.900000000').ts).toBeCloseTo(86399.9, 6);
    expect(line('23:59:59.800000000').ts).toBeCloseTo(86399.8, 6); // small step back: no wrap
    expect(line('00:00:00.100000000').ts).toBeCloseTo(86400.1, 6);
  });

  it('detection: babeltrace lines are lttng, and --format lttng refuses other text', () => {
    expect(detectFormat(readFileSync(join(DIR, FIXTURES[1]), 'utf8').split('\n'))).toBe('lttng');
    expect(() => [...parseTraceLines(['bash-1234 [000] 1.000000: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120'], { format: 'lttng' })]).toThrow(/not a scheduling trace in lttng form/);
  });
});
