import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../cli/read-trace-file.ts';
import type { SwitchRecord, TraceRecord, WakeupRecord } from './record.ts';
import { linesOf } from './text-lines.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';
import { parseTraceLines, parseTraceLinesAsync, TraceParser } from './trace-parser.ts';

const fixtureUrl = (name: string) => new URL(`../../test/fixtures/traces/${name}`, import.meta.url);
const fixture = (name: string) => readFileSync(fixtureUrl(name), 'utf8').split('\n');

const SW = (cpu: number, ts: string, prev: number, next: number) =>
  `          task-${prev} [00${cpu}] d..3 ${ts}: sched_switch: prev_comm=task prev_pid=${prev} prev_prio=120 prev_state=S ==> next_comm=task next_pid=${next} next_prio=120`;

function collect(lines: Iterable<string>, opts: Parameters<typeof parseTraceLines>[1] = {}) {
  const diagnostics = new TraceDiagnostics();
  const records = [...parseTraceLines(lines, { ...opts, diagnostics })];
  return { records, diagnostics };
}

describe('TraceParser on fixtures', () => {
  it('ftrace with TGIDs: learns next and wakee TGIDs, lost entries and #P', () => {
    const { records, diagnostics } = collect(fixture('android-atrace-tgid.txt'));
    expect(diagnostics.format).toBe('ftrace');
    expect(diagnostics.header).toMatchObject({ cpus: 4, lostEvents: 82 });
    expect(diagnostics.malformedCount).toBe(0);
    const switches = records.filter((r): r is SwitchRecord => r.kind === 'switch');
    const wakeups = records.filter((r): r is WakeupRecord => r.kind === 'wakeup');
    expect(switches.map((s) => [s.prevPid, s.prevTgid, s.nextPid, s.nextTgid])).toEqual([
      [0, undefined, 12, undefined],
      [611, 611, 679, undefined],
      [679, 611, 611, 611],
    ]);
    // Binder_5 (679) woke before it logged a line: its TGID is not known yet.
    expect(wakeups.map((w) => [w.pid, w.tgid])).toEqual([
      [2029, undefined],
      [679, undefined],
    ]);
  });

  it('trace-cmd report: compact payloads and the cpus= header', () => {
    const { records, diagnostics } = collect(fixture('trace-cmd-report.txt'));
    expect(diagnostics).toMatchObject({ format: 'trace-cmd', malformedCount: 0, otherEvents: 1 });
    expect(diagnostics.header.cpus).toBe(6);
    expect(records.map((r) => (r as SwitchRecord).prevState)).toEqual(['x', 'R', 'D']);
  });

  it('perf without a cpu column: flags it and infers cpus from idle comms and running tasks', () => {
    const { records, diagnostics } = collect(fixture('perf-3.13-no-cpu.txt'));
    expect(diagnostics.format).toBe('perf');
    expect(diagnostics.header).toMatchObject({ noCpuColumn: true, cpus: 4 });
    expect(diagnostics.malformedCount).toBe(0);
    expect(records.map((r) => [r.kind, r.cpu])).toEqual([
      ['switch', 1], // prev is swapper/1
      ['wakeup', 1], // logged by perf, running on 1 since the line before
      ['switch', 1], // prev perf was switched in on 1
      ['switch', 1], // next is swapper/1
      ['switch', -1], // Web Content was never seen switching in
    ]);
    expect(diagnostics.unknownCpuRecords).toBe(1);
  });

  it('xentrace text fixture', () => {
    const { records, diagnostics } = collect(fixture('xen-credit2-decoded.txt'));
    expect(diagnostics.format).toBe('xentrace');
    expect(diagnostics.header.tsUnit).toBe('tsc-cycles');
    expect(records).toHaveLength(2);
  });
});

describe('malformed lines', () => {
  it('counts all, keeps the first 20 with 1-based line numbers and reasons', () => {
    const lines = ['# tracer: nop', SW(0, '1.000001', 1, 2)];
    for (let i = 0; i < 30; i++) lines.push(`          task-2 [000] d..3 1.0000${10 + i}: sched_switch: prev_comm=task prev_pid=2 prev_prio=120`);
    lines.push(SW(0, '2.000001', 2, 1));
    const { records, diagnostics } = collect(lines);
    expect(records).toHaveLength(2);
    expect(records[1].line).toBe(33);
    expect(diagnostics.malformedCount).toBe(30);
    expect(diagnostics.malformed).toHaveLength(20);
    expect(diagnostics.malformed[0]).toMatchObject({ line: 3, reason: 'sched_switch payload has no next_comm=' });
    expect(diagnostics.malformed[19].line).toBe(22);
  });

  it('a truncated last line is malformed; other events and continuation lines are not', () => {
    const lines = [
      SW(1, '5.000001', 1, 2),
      '          task-2 [001] d..3 5.000002: irq_handler_entry: irq=11 name=eth0',
      '          task-2 [001] d..3 5.000003: print: tracing_mark_write: first line',
      'second line of that print',
      '',
      '          task-2 [001] d..3 5.00',
    ];
    const { records, diagnostics } = collect(lines);
    expect(records).toHaveLength(1);
    expect(diagnostics).toMatchObject({ otherEvents: 2, unrecognised: 1, malformedCount: 1 });
    expect(diagnostics.malformed[0]).toMatchObject({ line: 6, text: '          task-2 [001] d..3 5.00' });
    expect(diagnostics.malformed[0].reason).toMatch(/timestamp/);
  });

  it('a line cut before its cpu column, or naming a sched event without a prefix, is malformed', () => {
    const { diagnostics } = collect([SW(0, '1.5', 1, 2), '          task-2 (', 'garbage sched_switch: prev_comm=x']);
    expect(diagnostics.malformed.map((m) => m.line)).toEqual([2, 3]);
  });

  it('handles CRLF line ends', () => {
    const { records, diagnostics } = collect([`# tracer: nop\r`, `${SW(0, '1.5', 1, 2)}\r`]);
    expect(diagnostics.malformedCount).toBe(0);
    expect(records[0]).toMatchObject({ nextComm: 'task', nextPid: 2, nextPrio: 120 });
  });
});

describe('not a trace', () => {
  it('auto-detection refuses a JSON file with a clear message', () => {
    expect(() => collect(fixture('not-a-trace.json'))).toThrow(TraceFormatError);
    expect(() => collect(fixture('not-a-trace.json'))).toThrow(
      "not a scheduling trace: no line of ftrace, trace-cmd, perf, xentrace or LTTng (babeltrace2 text) form in the first 50 lines (line 1: '{')",
    );
  });

  it('throws as soon as 50 meaningful lines failed, without reading further', () => {
    let read = 0;
    function* lines() {
      for (let i = 0; i < 1e6; i++) {
        read++;
        yield `${i},${i * 2},hello`;
      }
    }
    expect(() => collect(lines())).toThrow(/not a scheduling trace: .* first 50 lines \(line 1: '0,0,hello'\)/);
    expect(read).toBe(50);
  });

  it('an explicit format refuses lines of another format', () => {
    const perf = fixture('perf-3.13-no-cpu.txt');
    expect(() => collect(perf, { format: 'ftrace' })).toThrow(
      "not a scheduling trace in ftrace form: no ftrace event line in any of its 13 lines (line 9: 'swapper     0 73951.311595: sched:sched_switch: prev_comm=swapper/1 prev_pid=0 p...')",
    );
    const p = new TraceParser('xentrace');
    for (let i = 0; i < 49; i++) p.push('nothing here');
    expect(() => p.push('nor here')).toThrow(
      "not a scheduling trace in xentrace form: no xentrace event line in the first 50 lines (line 1: 'nothing here')",
    );
  });

  it('empty or comment-only input is an error in auto mode, an empty trace with a header', () => {
    expect(() => collect([])).toThrow(/not a scheduling trace: the input has no lines other than blanks and comments/);
    expect(() => collect(['', '# hello'])).toThrow(TraceFormatError);
    const { records, diagnostics } = collect(['# tracer: nop', '#']);
    expect(records).toEqual([]);
    expect(diagnostics.format).toBe('ftrace');
    expect(collect([], { format: 'ftrace' }).records).toEqual([]);
  });
});

describe('streaming', () => {
  it('emits records while lines arrive, detection buffering only the window', () => {
    const out: TraceRecord[] = [];
    const p = new TraceParser('auto', { onRecord: (r) => out.push(r) });
    p.push('# tracer: nop');
    expect(p.format).toBeNull();
    p.push(SW(0, '1.5', 1, 2));
    expect(p.format).toBe('ftrace');
    expect(out).toHaveLength(1);
    p.push(SW(0, '1.6', 2, 1));
    expect(out).toHaveLength(2);
    expect(p.end().records).toBe(2);
  });

  it('the generator returns the diagnostics', () => {
    const gen = parseTraceLines(fixture('trace-cmd-report.txt'));
    let r = gen.next();
    let n = 0;
    for (; !r.done; r = gen.next()) n++;
    expect(n).toBe(3);
    expect(r.value.format).toBe('trace-cmd');
  });

  it('async: parseTraceLinesAsync and readTraceFile agree with the sync parser', async () => {
    const want = collect(fixture('android-atrace-tgid.txt')).records;
    const viaAsync: TraceRecord[] = [];
    for await (const r of parseTraceLinesAsync(fixture('android-atrace-tgid.txt'))) viaAsync.push(r);
    expect(viaAsync).toEqual(want);
    const viaFile: TraceRecord[] = [];
    for await (const r of readTraceFile(fileURLToPath(fixtureUrl('android-atrace-tgid.txt')))) viaFile.push(r);
    expect(viaFile).toEqual(want);
  });

  it('linesOf splits chunks at any boundary', () => {
    const text = 'a\nbb\r\n\nccc';
    for (let k = 1; k <= text.length; k++) {
      const chunks = [];
      for (let i = 0; i < text.length; i += k) chunks.push(text.slice(i, i + k));
      expect([...linesOf(chunks)]).toEqual(['a', 'bb\r', '', 'ccc']);
    }
  });
});
