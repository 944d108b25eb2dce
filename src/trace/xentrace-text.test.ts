import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from './record.ts';
import { TraceParser } from './trace-parser.ts';
import { TRC_SCHED_RUNSTATE_CHANGE, TRC_SCHED_SWITCH } from './xen-sched.ts';
import { newXenTextEvent, parseXentraceTextLine } from './xentrace-text.ts';

const fixture = readFileSync(new URL('../../test/fixtures/traces/xen-credit2-decoded.txt', import.meta.url), 'utf8').split('\n');

describe('parseXentraceTextLine', () => {
  it('reads __enter_scheduler with packed dom:vcpu words (verbatim line)', () => {
    const ev = newXenTextEvent();
    expect(
      parseXentraceTextLine('CPU6  50475883618716 (+     252)  __enter_scheduler [ prev<dom:vcpu> = 0x7fff0006, next<dom:vcpu> = 0x00000007 ]', ev),
    ).toBe('event');
    expect(ev).toMatchObject({ cpu: 6, tsc: 50475883618716, code: TRC_SCHED_SWITCH, n: 2 });
    expect(ev.words.slice(0, 2)).toEqual([0x7fff0006, 7]);
  });

  it('reads runstate changes and leaves unknown events as code 0', () => {
    const ev = newXenTextEvent();
    expect(parseXentraceTextLine('CPU0  50475882834000 (+     672)  running_to_blocked  [ dom:vcpu = 0x00000002 ]', ev)).toBe('event');
    expect(ev.code).toBe(TRC_SCHED_RUNSTATE_CHANGE | (0 << 8) | (2 << 4));
    expect(parseXentraceTextLine('CPU5  50475883758783 (+     828)  VMENTRY', ev)).toBe('event');
    expect(ev.code).toBe(0);
  });

  it('separates non-lines from damaged lines', () => {
    const ev = newXenTextEvent();
    expect(parseXentraceTextLine('# decoded from xentrace binary', ev)).toBe('none');
    expect(parseXentraceTextLine('CPU0-12 [000] 1.0: sched_switch:', ev)).toBe('none');
    expect(parseXentraceTextLine('CPU0  50475882833328 (+     255)  __enter_scheduler [ prev<dom:vcpu> = 0x00000002 ]', ev)).toHaveProperty('reason');
    expect(parseXentraceTextLine('CPU0  50475882833328 (+     255)', ev)).toHaveProperty('reason');
  });
});

describe('xentrace text through TraceParser', () => {
  it('yields the two switches of FORMATS.md 5, prev state from the runstate change', () => {
    const out: TraceRecord[] = [];
    const p = new TraceParser('auto', { tscHz: 2.8e9, onRecord: (r) => out.push(r) });
    for (const l of fixture) p.push(l);
    const d = p.end();
    expect(d.format).toBe('xentrace');
    expect(d.malformedCount).toBe(0);
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'switch',
        line: 4,
        cpu: 0,
        ts: 50475882833328 / 2.8e9,
        prevComm: 'd0v2',
        prevDom: 0,
        prevPid: 2,
        prevState: 'blocked',
        nextComm: 'd[IDLE]v0',
        nextDom: 0x7fff,
        nextPid: 0,
      }),
      expect.objectContaining({ kind: 'switch', line: 9, cpu: 6, prevComm: 'd[IDLE]v6', prevState: '?', nextComm: 'd0v7', nextPid: 7 }),
    ]);
  });
});
