/**
 * Issue 21 item 4: Chrome trace-event JSON in its three scheduling variants — systrace text in
 * `systemTraceEvents` (Android/CrOS systrace JSON), the same in Perfetto's JSON export, and
 * Fuchsia's `systemTraceEvents` object with `ph: "k"` context switches — on small fixtures of
 * each, split into chunks anywhere; and the refusals of JSON that holds no switch.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChromeJsonParser, looksLikeJson, parseChromeJson } from './chrome-json.ts';
import type { SwitchRecord, TraceRecord, WakeupRecord } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';

const text = (name: string) => readFileSync(new URL(`../../test/fixtures/traces/${name}`, import.meta.url), 'utf8');

function parse(chunks: string[]) {
  const diagnostics = new TraceDiagnostics();
  const records = [...parseChromeJson(chunks, { diagnostics })];
  return { records, diagnostics };
}

const switches = (rs: TraceRecord[]) => rs.filter((r): r is SwitchRecord => r.kind === 'switch');

/** `s` cut at the given offsets. */
function split(s: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(s.slice(prev, c));
    prev = c;
  }
  out.push(s.slice(prev));
  return out;
}

describe('Chrome trace JSON', () => {
  it('systrace JSON: the ftrace text of systemTraceEvents, escapes decoded (\\" in comms, \\u003e in ==>)', () => {
    const { records, diagnostics } = parse([text('chrome-systrace.json')]);
    expect(diagnostics.format).toBe('chrome-json');
    expect(diagnostics.header).toMatchObject({ container: 'systemTraceEvents', embeddedFormat: 'ftrace', cpus: 2, tsUnit: 'seconds' });
    expect(diagnostics.malformedCount).toBe(0);
    expect(switches(records).map((s) => [s.cpu, s.ts, s.prevPid, s.nextPid, s.nextComm, s.prevState])).toEqual([
      [0, 1000.0001, 0, 701, 'RenderThread', 'R'],
      [1, 1000.00016, 0, 702, 'audio "hal"', 'R'],
      [0, 1000.0004, 701, 0, 'swapper/0', 'S'],
      [1, 1000.0009, 702, 0, 'swapper/1', 'S'],
    ]);
    const w = records.find((r): r is WakeupRecord => r.kind === 'wakeup');
    expect(w).toMatchObject({ comm: 'audio "hal"', pid: 702, targetCpu: 1 });
    // The two traceEvents (metadata and a slice whose string holds } and ]) are other events.
    expect(diagnostics.otherEvents).toBe(2);
  });

  it("Perfetto's JSON export: systrace text with the TGID column, followed by metadata", () => {
    const { records, diagnostics } = parse([text('perfetto-export.json')]);
    expect(diagnostics.header).toMatchObject({ container: 'systemTraceEvents', embeddedFormat: 'ftrace' });
    expect(switches(records).map((s) => [s.cpu, s.prevPid, s.nextPid, s.prevState])).toEqual([
      [0, 0, 550, 'R'],
      [1, 0, 560, 'R'],
      [0, 550, 0, 'S'],
      [1, 560, 0, 'R+'],
    ]);
    expect(switches(records)[3].prevTgid).toBe(550);
    expect(records.filter((r) => r.kind === 'wakeup').map((r) => (r as WakeupRecord).wakeKind)).toEqual(['waking']);
  });

  it("Fuchsia: ph k switches, threads named by ph t, idle N and tid 0 as the idle task, zx states as letters, µs to s", () => {
    const { records, diagnostics } = parse([text('fuchsia-ctxsw.json')]);
    expect(diagnostics.header).toMatchObject({ container: 'systemTraceEvents', embeddedFormat: 'fuchsia' });
    expect(diagnostics.malformedCount).toBe(0);
    expect(switches(records).map((s) => [s.cpu, s.ts, s.prevComm, s.prevPid, s.prevState, s.nextComm, s.nextPid, s.prevTgid, s.nextTgid])).toEqual([
      [0, 5.00000025, 'idle', 0, 'R', 'idle 0', 0, undefined, undefined],
      [1, 5.0000015, 'idle', 0, 'R', 'io-loop', 1211, undefined, 1200],
      [0, 5.00001, 'idle 0', 0, 'R', 'render-thread', 1210, undefined, 1200],
      [0, 5.00025, 'render-thread', 1210, 'R', 'dpc-0', 4100, 1200, 0],
      [0, 5.00026, 'dpc-0', 4100, 'S', 'render-thread', 1210, 0, 1200],
      [1, 5.0003, 'io-loop', 1211, 'S', 'idle 1', 0, 1200, undefined],
      [0, 5.0009, 'render-thread', 1210, 'X', 'idle 0', 0, 1200, undefined],
    ]);
    // 6 naming events and 2 traceEvents.
    expect(diagnostics.otherEvents).toBe(8);
    // Process names for the domains (planReplay's tgid rule): `scenic:1200`, `kernel:0`.
    expect(diagnostics.header.processNames).toEqual(new Map([[1200, 'scenic'], [0, 'kernel']]));
  });

  it('gives the same records however the text is split into chunks', () => {
    for (const name of ['chrome-systrace.json', 'perfetto-export.json', 'fuchsia-ctxsw.json']) {
      const s = text(name);
      const whole = parse([s]).records;
      expect(parse([...s]).records, `${name} one character at a time`).toEqual(whole);
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
          expect(parse(split(s, cuts)).records).toEqual(whole);
        }),
        { numRuns: 60, seed: 21 },
      );
    }
  });

  it('a malformed ph k event is counted with its event number and the field it lacks; the rest go on', () => {
    const doc = '{"systemTraceEvents":{"type":"fuchsia","events":[{"ph":"k","ts":1,"cpu":0,"out":{"pid":0,"tid":0,"state":0},"in":{"pid":1,"tid":5}},{"ph":"k","ts":2,"out":{"tid":5},"in":{"tid":0}},{"ph":"k","ts":3,"cpu":0,"out":{"pid":1,"tid":5,"state":3},"in":{"pid":0,"tid":0}}]}}';
    const { records, diagnostics } = parse([doc]);
    expect(switches(records)).toHaveLength(2);
    expect(diagnostics.malformedCount).toBe(1);
    expect(diagnostics.malformed[0]).toMatchObject({ line: 2, reason: 'context switch (ph "k", event 2): no "cpu" (a whole number >= 0)' });
  });

  it('refuses JSON that is no trace, and a Chrome trace whose traceEvents hold no switch, saying where switches are', () => {
    expect(() => parse([text('not-a-trace.json')])).toThrow(TraceFormatError);
    expect(() => parse([text('not-a-trace.json')])).toThrow(/not a scheduling trace: a JSON document without "traceEvents" or "systemTraceEvents"/);
    expect(() => parse([text('chrome-array-no-switches.json')])).toThrow(/no context switch in this Chrome trace JSON: its 2 traceEvents are user-space events; .*systemTraceEvents/);
    expect(() => parse(['  '])).toThrow(/the input is empty/);
    const p = new ChromeJsonParser();
    expect(() => p.push('hello')).toThrow(/not JSON/);
  });

  it('a file cut off inside an event: the switches before it, and one malformed event', () => {
    const s = text('fuchsia-ctxsw.json');
    const cut = s.slice(0, s.lastIndexOf('{"ph":"k"') + 20);
    const { records, diagnostics } = parse([cut]);
    expect(switches(records)).toHaveLength(6);
    expect(diagnostics.malformedCount).toBe(1);
    expect(diagnostics.malformed[0].reason).toMatch(/ends inside an event/);
  });

  it('looksLikeJson: { or [ then { ] or the end, after blanks or a BOM', () => {
    const b = (s: string) => new TextEncoder().encode(s);
    expect(looksLikeJson(b('  {"traceEvents"'))).toBe(true);
    expect(looksLikeJson(b('\ufeff[\n {'))).toBe(true);
    expect(looksLikeJson(b('['))).toBe(true);
    expect(looksLikeJson(b('[002]259445106948920: sched_switch'))).toBe(false);
    expect(looksLikeJson(b('# tracer: nop'))).toBe(false);
  });
});
