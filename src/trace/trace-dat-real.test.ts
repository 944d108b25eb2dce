/**
 * The real trace.dat in ../shared/data/traces (juno_rtapp_6cpu.dat, trace-cmd file version 6 from
 * an ARM Juno) against `trace-cmd report` of it (juno_rtapp_6cpu.report.txt beside it), counted
 * here independently of every parser: the per-cpu sched_switch counts, every switch's pids, prev
 * state (as runnable/blocked/offline: the report's sched plugin uses an older kernel's letters,
 * the reader the kernel's own print fmt) and integer-nanosecond timestamp. Through describeTraces
 * (test/shared-data.ts): one skipped test saying so when ../shared is not beside the repository.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeTraces, tracePath } from '../../test/shared-data.ts';
import { readTraceFile } from '../cli/read-trace-file.ts';
import { prevRunstate } from './prev-state.ts';
import type { SwitchRecord, TraceRecord } from './record.ts';
import { parseTraceLines } from './trace-parser.ts';

const DAT = 'juno_rtapp_6cpu.dat';
const REPORT = 'juno_rtapp_6cpu.report.txt';

interface ReportSwitch {
  cpu: number;
  ns: number;
  prevPid: number;
  state: string;
  nextPid: number;
}

/** `[002]259445106979220: sched_switch:  trace-cmd:6973 [120] x ==> swapper/2:0 [120]`, by regex. */
function reportSwitches(text: string): ReportSwitch[] {
  const out: ReportSwitch[] = [];
  const re = /\[(\d{3})\]\s*(\d+): sched_switch:\s+.*:(\d+) \[\d+\] (\S+) ==> .*:(\d+) \[\d+\]$/;
  for (const line of text.split('\n')) {
    if (!line.includes('sched_switch:')) continue;
    const m = re.exec(line);
    if (!m) throw new Error(`unexpected report line: ${line}`);
    out.push({ cpu: Number(m[1]), ns: Number(m[2]), prevPid: Number(m[3]), state: m[4], nextPid: Number(m[5]) });
  }
  return out;
}

describeTraces('juno_rtapp_6cpu.dat read directly', [DAT, REPORT], () => {
  it('matches trace-cmd report of it: per-cpu counts, pids, states and timestamps of every switch', async () => {
    const records: TraceRecord[] = [];
    const gen = readTraceFile(tracePath(DAT));
    let r = await gen.next();
    for (; !r.done; r = await gen.next()) records.push(r.value);
    const d = r.value;
    expect(d.format).toBe('trace-dat');
    expect(d.header.traceCmdVersion).toBe(6);
    expect(d.header.cpus).toBe(6);
    expect(d.malformedCount).toBe(0);
    const text = readFileSync(tracePath(REPORT), 'utf8');
    // Every event line of the report is one event of the file (all events, not only sched).
    expect(d.lines).toBe(text.split('\n').filter((l) => /\[\d{3}\]\d+: /.test(l)).length);

    const want = reportSwitches(text);
    const got = records.filter((x): x is SwitchRecord => x.kind === 'switch');
    const perCpu = (xs: { cpu: number }[]) => {
      const m = new Map<number, number>();
      for (const x of xs) m.set(x.cpu, (m.get(x.cpu) ?? 0) + 1);
      return [...m].sort((a, b) => a[0] - b[0]);
    };
    expect(want.length).toBe(1552);
    expect(perCpu(got)).toEqual(perCpu(want));
    // Same order as the report (both merge the cpus by time), so compare one by one.
    expect(got.map((s) => [s.cpu, s.prevPid, s.nextPid])).toEqual(want.map((s) => [s.cpu, s.prevPid, s.nextPid]));
    expect(got.map((s) => prevRunstate(s.prevState))).toEqual(want.map((s) => prevRunstate(s.state)));
    expect(got.slice(0, 5).map((s) => Math.round(s.ts * 1e9))).toEqual(want.slice(0, 5).map((s) => s.ns));
    expect(got.map((s) => Math.round(s.ts * 1e9))).toEqual(want.map((s) => s.ns));

    // The same stream the text reader makes of the report, but for `line` (the report's lines,
    // one header line ahead) and the state letters (the report's plugin table vs the print fmt).
    const strip = ({ line: _l, prevState: _s, ...rest }: SwitchRecord) => rest;
    const fromText = [...parseTraceLines(text.split('\n'))].filter((x): x is SwitchRecord => x.kind === 'switch');
    expect(got.map(strip)).toEqual(fromText.map(strip));
    expect(got.map((s) => s.line + 1)).toEqual(fromText.map((s) => s.line));
  });
});
