/**
 * Issue 21 item 6: perf script without a cpu column. A task runs on one cpu from its switch-in
 * to its switch-out, so a switch whose cpu is unknown when read is placed later too, by the
 * task it switched in (its next switch-out, and so on down the chain, up to an idle task's
 * `swapper/N`). Only switches no chain places are dropped, counted, and refused beyond 1%.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../base/index.ts';
import { planReplay } from '../sim/index.ts';
import { renderTraceFacts } from '../report/replay-report.ts';
import { UNKNOWN_CPU, type TraceRecord } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { parseTraceLines } from './trace-parser.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/traces/${name}`, import.meta.url), 'utf8').split('\n');

function collect(lines: Iterable<string>) {
  const diagnostics = new TraceDiagnostics();
  const records = [...parseTraceLines(lines, { diagnostics })];
  return { records, diagnostics };
}

const byLine = (records: TraceRecord[]) => [...records].sort((a, b) => a.line - b.line).map((r) => [r.line, r.kind, r.cpu]);

/** perf 3.13 layout, no cpu column. */
const sw = (ts: string, prevComm: string, prev: number, nextComm: string, next: number, state = 'S') =>
  `${prevComm.padStart(11)} ${String(prev).padStart(5)} ${ts}: sched:sched_switch: prev_comm=${prevComm} prev_pid=${prev} prev_prio=120 prev_state=${state} ==> next_comm=${nextComm} next_pid=${next} next_prio=120`;

describe('perf script without a cpu column: backward inference', () => {
  it('places a chain by a later swapper/N, wakeups of its tasks included; leaves only the truly ambiguous unknown', () => {
    const { records, diagnostics } = collect(fixture('perf-no-cpu-backward.txt'));
    expect(diagnostics).toMatchObject({ format: 'perf', malformedCount: 0, unknownCpuRecords: 1 });
    expect(diagnostics.header).toMatchObject({ noCpuColumn: true, cpus: 2 });
    expect(byLine(records)).toEqual([
      [6, 'switch', 1], // app → worker: placed by pass → swapper/1, two switches later
      [7, 'wakeup', 1], // logged by worker, running in that chain
      [8, 'switch', 1], // worker → pass
      [9, 'switch', 1], // pass → swapper/1
      [10, 'switch', 0], // swapper/0 → logger
      [11, 'switch', 0], // logger → app: forward, from swapper/0
      [12, 'switch', UNKNOWN_CPU], // stray → sleep: nothing before or after places it
    ]);
    // Held records come out once placed: every record exactly once.
    expect(new Set(records.map((r) => r.line)).size).toBe(records.length);
  });

  it('the verbatim-layout fixture perf-3.13-no-cpu.txt: 1 of 4 switches has no cpu, more than 1%: refused, saying how many', () => {
    const { records, diagnostics } = collect(fixture('perf-3.13-no-cpu.txt'));
    expect(byLine(records).map((r) => r[2])).toEqual([1, 1, 1, 1, UNKNOWN_CPU]);
    expect(() => planReplay(records, diagnostics, { source: 'perf.txt' })).toThrow(InputError);
    expect(() => planReplay(records, diagnostics, { source: 'perf.txt' })).toThrow(/perf\.txt: line 24: 1 sched_switch records have no cpu .*: 1 of 4 switches, more than 1% to drop/);
  });

  it('drops at most 1% of the switches, and says how many', () => {
    const lines = fixture('perf-no-cpu-backward.txt');
    // 200 more switches on cpu 0, each placed by swapper/0: 205 placed, 1 unplaced (0.5%).
    for (let i = 0; i < 100; i++) {
      const t = (501 + i / 1000).toFixed(6);
      lines.push(sw(t, 'swapper/0', 0, 'tick', 300 + i, 'R'), sw(t, 'tick', 300 + i, 'swapper/0', 0));
    }
    const { records, diagnostics } = collect(lines);
    const plan = planReplay(records, diagnostics, { source: 'perf.txt' });
    expect(plan.facts.droppedNoCpu).toBe(1);
    expect(plan.facts.switches).toBe(205);
    expect(plan.facts.switchesPerCpu).toEqual({ 0: 202, 1: 3 });
    expect(renderTraceFacts(plan.facts)).toMatch(/dropped: 1 switch whose cpu neither the trace .* tells/);
  });

  it('a chain that meets a different swapper/N than it was placed on (lost events) is not rewritten', () => {
    const { records } = collect([
      sw('1.000001', 'swapper/0', 0, 'a', 10, 'R'),
      sw('1.000002', 'a', 10, 'swapper/1', 0), // contradicts cpu 0: the record keeps swapper/1's cpu
      sw('1.000003', 'b', 11, 'c', 12),
      sw('1.000004', 'c', 12, 'swapper/1', 0),
    ]);
    expect(byLine(records).map((r) => r[2])).toEqual([0, 1, 1, 1]);
  });
});
