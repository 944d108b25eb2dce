import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XEN_IDLE_DOMID, type TraceRecord } from './record.ts';
import { TraceFormatError } from './trace-format-error.ts';
import {
  TRC_LOST_RECORDS,
  TRC_SCHED_RUNSTATE_CHANGE,
  TRC_SCHED_SWITCH,
  TRC_SCHED_SWITCH_INFPREV,
  TRC_SCHED_WAKE,
  TRC_TRACE_CPU_CHANGE,
} from './xen-sched.ts';
import { readTraceFile } from '../cli/read-trace-file.ts';
import { isXentraceBinary, parseXentrace, XentraceParser } from './xentrace-binary.ts';

/** One `struct t_rec` as u32 words: header, [tsc lo, tsc hi], data. */
function rec(code: number, data: number[], tsc?: number): number[] {
  const header = (code | (data.length << 28) | (tsc === undefined ? 0 : 0x80000000)) >>> 0;
  const t = tsc === undefined ? [] : [tsc % 2 ** 32, Math.floor(tsc / 2 ** 32)];
  return [header, ...t, ...data];
}

function bytes(words: number[], le = true): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w, le));
  return b;
}

const runstate = (from: number, to: number) => TRC_SCHED_RUNSTATE_CHANGE | (from << 8) | (to << 4);
const packed = (dom: number, vcpu: number) => ((dom << 16) | vcpu) >>> 0;
const IDLE = XEN_IDLE_DOMID;
const BIG_TSC = 50475882833328; // above 2^32, as real TSCs are

/** Two pcpu windows exercising both runstate orders, wakeups, a lost-records record and a record without TSC. */
const WORDS = [
  ...rec(TRC_TRACE_CPU_CHANGE, [0, 0]), // 1
  ...rec(TRC_SCHED_SWITCH_INFPREV, [0, 2, 4301869], BIG_TSC - 600), // 2
  ...rec(TRC_SCHED_SWITCH, [0, 2, IDLE, 0], BIG_TSC), // 3: runstate comes after (Xen 4.x)
  ...rec(runstate(0, 2), [packed(0, 2)], BIG_TSC + 672), // 4: running_to_blocked
  ...rec(runstate(1, 0), [packed(IDLE, 0)], BIG_TSC + 1000), // 5: runnable_to_running
  ...rec(TRC_SCHED_WAKE, [1, 0], BIG_TSC + 2000), // 6
  ...rec(runstate(2, 1), [packed(1, 0)], BIG_TSC + 2001), // 7: blocked_to_runnable
  ...rec(TRC_TRACE_CPU_CHANGE, [1, 0]), // 8
  ...rec(runstate(0, 1), [packed(1, 1)], BIG_TSC + 100), // 9: running_to_runnable, before its switch
  ...rec(TRC_SCHED_SWITCH, [1, 1, 0, 3], BIG_TSC + 105), // 10
  ...rec(TRC_SCHED_SWITCH, [0, 3, IDLE, 1], BIG_TSC + 3000), // 11: no runstate change follows
  ...rec(TRC_LOST_RECORDS, [5, 0, 0, 0], BIG_TSC + 3001), // 12
  ...rec(TRC_SCHED_WAKE, [0, 3]), // 13: no TSC: takes the pcpu's last one
];

function parseAll(chunks: Uint8Array[], tscHz?: number) {
  const out: TraceRecord[] = [];
  const p = new XentraceParser({ tscHz, onRecord: (r) => out.push(r) });
  for (const c of chunks) p.push(c);
  return { records: out, diagnostics: p.end() };
}

describe('XentraceParser', () => {
  const whole = bytes(WORDS);

  it('turns scheduler records into switches and wakeups', () => {
    const { records, diagnostics } = parseAll([whole], 1e6);
    expect(records).toEqual([
      expect.objectContaining({
        kind: 'switch',
        line: 3,
        cpu: 0,
        ts: BIG_TSC / 1e6,
        prevComm: 'd0v2',
        prevPid: 2,
        prevDom: 0,
        prevState: 'blocked',
        nextComm: 'd[IDLE]v0',
        nextPid: 0,
        nextDom: IDLE,
      }),
      expect.objectContaining({ kind: 'wakeup', line: 6, cpu: 0, comm: 'd1v0', pid: 0, dom: 1, wakeKind: 'waking' }),
      expect.objectContaining({ kind: 'wakeup', line: 7, cpu: 0, comm: 'd1v0', pid: 0, dom: 1, wakeKind: undefined }),
      expect.objectContaining({ kind: 'switch', line: 10, cpu: 1, prevComm: 'd1v1', prevState: 'runnable', nextComm: 'd0v3', nextDom: 0 }),
      expect.objectContaining({ kind: 'wakeup', line: 13, cpu: 1, comm: 'd0v3', ts: (BIG_TSC + 3001) / 1e6, wakeKind: 'waking' }),
      expect.objectContaining({ kind: 'switch', line: 11, cpu: 1, prevComm: 'd0v3', prevState: '?', nextComm: 'd[IDLE]v1' }),
    ]);
    expect(diagnostics).toMatchObject({ format: 'xentrace', lines: 13, records: 6, malformedCount: 0, otherEvents: 4 });
    expect(diagnostics.header).toMatchObject({ lostEvents: 5, tsUnit: 'seconds' });
  });

  it('keeps TSC cycles without tscHz', () => {
    const { records, diagnostics } = parseAll([whole]);
    expect(records[0].ts).toBe(BIG_TSC);
    expect(diagnostics.header.tsUnit).toBe('tsc-cycles');
  });

  it('gives the same records however the input is split into chunks', () => {
    const want = parseAll([whole]).records;
    for (let size = 1; size <= whole.length + 1; size++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
      expect(parseAll(chunks).records).toEqual(want);
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 20 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), whole.length];
        const chunks = at.slice(1).map((end, i) => whole.subarray(at[i], end));
        expect(parseAll(chunks).records).toEqual(want);
      }),
    );
  });

  it('reads big-endian files the same', () => {
    expect(parseAll([bytes(WORDS, false)]).records).toEqual(parseAll([whole]).records);
  });

  it('counts a truncated final record as malformed instead of failing', () => {
    const cut = whole.subarray(0, whole.length - 3);
    const { records, diagnostics } = parseAll([cut.subarray(0, 50), cut.subarray(50)]);
    expect(diagnostics.malformedCount).toBe(1);
    expect(diagnostics.malformed[0]).toMatchObject({ line: 13 });
    expect(diagnostics.malformed[0].reason).toMatch(/truncated record: 9 of 12 bytes of event 0x00028004 at byte 244 \(input ends mid-record\)/);
    expect(records).toHaveLength(5);

    const headerCut = parseAll([whole, new Uint8Array([1, 2])]).diagnostics;
    expect(headerCut.malformed[0].reason).toMatch(/truncated record header/);
  });

  it('refuses input that is not xentrace', () => {
    const text = new TextEncoder().encode('# tracer: nop\n');
    expect(isXentraceBinary(text)).toBe(false);
    expect(isXentraceBinary(whole)).toBe(true);
    expect(() => parseAll([text])).toThrow(TraceFormatError);
    expect(() => parseAll([text])).toThrow(/not a xentrace binary: the first record must be TRC_TRACE_CPU_CHANGE/);
    expect(() => parseAll([])).toThrow(/input is empty/);
  });

  it('has a generator form', () => {
    const gen = parseXentrace([whole.subarray(0, 17), whole.subarray(17)], { tscHz: 1e6 });
    const got: TraceRecord[] = [];
    let r = gen.next();
    while (!r.done) {
      got.push(r.value);
      r = gen.next();
    }
    expect(got).toEqual(parseAll([whole], 1e6).records);
    expect(r.value.records).toBe(6);
  });

  it('readTraceFile sniffs a binary file and streams it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-xentrace-'));
    try {
      const path = join(dir, 'trace.bin');
      writeFileSync(path, whole);
      const got: TraceRecord[] = [];
      const gen = readTraceFile(path, { tscHz: 1e6 });
      let r = await gen.next();
      for (; !r.done; r = await gen.next()) got.push(r.value);
      expect(got).toEqual(parseAll([whole], 1e6).records);
      expect(r.value.format).toBe('xentrace');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
