/**
 * Issue 21 item 2: trace-cmd 3.x `report` with default options prints the timestamp as integer
 * nanoseconds glued to the cpu column (`[002]259445106948920: sched_switch:`, libtraceevent's raw
 * `%llu` when it does not know the clock is in µs). It used to be read as seconds: counts right,
 * times 10^9 too large (span 9,303,144,420 s, max lag 19.8 µs instead of 477 µs).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeTraces, tracePath } from '../../test/shared-data.ts';
import { getArch } from '../arch/index.ts';
import { getDesign } from '../hv/index.ts';
import { planReplay, replayPlan } from '../sim/index.ts';
import type { SwitchRecord, TraceRecord } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { parseTraceLines } from './trace-parser.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/traces/${name}`, import.meta.url), 'utf8').split('\n');

function collect(lines: Iterable<string>) {
  const diagnostics = new TraceDiagnostics();
  const records = [...parseTraceLines(lines, { diagnostics })];
  return { records, diagnostics };
}

describe('trace-cmd 3.x report: integer nanosecond timestamps', () => {
  it('reads `[001]259445106979220:` as 259445.106979220 s', () => {
    const { records, diagnostics } = collect(fixture('trace-cmd-3-report-ns.txt'));
    expect(diagnostics).toMatchObject({ format: 'trace-cmd', malformedCount: 0, otherEvents: 1 });
    expect(records.map((r) => [r.kind, r.cpu, r.ts])).toEqual([
      ['switch', 1, 259445106979220 / 1e9],
      ['wakeup', 0, 259445107191160 / 1e9],
      ['switch', 0, 259445107191900 / 1e9],
      ['switch', 0, 259445108005400 / 1e9],
      ['switch', 1, 259446107191160 / 1e9],
      ['switch', 1, 259446107691160 / 1e9],
    ]);
    expect(records[0].ts).toBeCloseTo(259445.10697922, 9);
    const plan = planReplay(records, diagnostics);
    expect(plan.facts.spanSeconds).toBeCloseTo(1.000712, 6);
  });

  it('a glued integer timestamp means trace-cmd even with the kernel payload and no cpus= header', () => {
    const line = '          <idle>-0     [002]259445106948920: sched_switch: prev_comm=swapper/2 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=42 next_prio=120';
    const { records, diagnostics } = collect([line]);
    expect(diagnostics.format).toBe('trace-cmd');
    expect(records[0].ts).toBe(259445106948920 / 1e9);
  });

  it('trace-cmd -R with integer timestamps after a space is nanoseconds too; ftrace seconds are untouched', () => {
    const raw = collect([
      'version = 6',
      'cpus=1',
      '           <...>-1701  [000] 76211513000: sched_switch:          prev_comm=a prev_pid=1701 prev_prio=120 prev_state=1 next_comm=swapper/0 next_pid=0 next_prio=120',
    ]);
    expect(raw.diagnostics.format).toBe('trace-cmd-raw');
    expect(raw.records[0].ts).toBe(76.211513);
    const ft = collect(['          sh-70 [000] d..2.  3912.083993: sched_switch: prev_comm=sh prev_pid=70 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120']);
    expect(ft.diagnostics.format).toBe('ftrace');
    expect(ft.records[0].ts).toBe(3912.083993);
  });
});

describeTraces('juno_rtapp_6cpu.report.txt (trace-cmd 3.1.6 report, ../shared)', ['juno_rtapp_6cpu.report.txt'], () => {
  it('spans ~9.3 s and replays with a max lag of ~477 µs (eager on x86-64), not 19.8 µs', () => {
    const text = readFileSync(tracePath('juno_rtapp_6cpu.report.txt'), 'utf8');
    const { records, diagnostics } = collect(text.split('\n'));
    expect(diagnostics.format).toBe('trace-cmd');
    expect(diagnostics.malformedCount).toBe(0);
    const switches = records.filter((r: TraceRecord): r is SwitchRecord => r.kind === 'switch');
    expect(switches.length).toBe(text.split('\n').filter((l) => l.includes(' sched_switch: ')).length);
    expect(switches.length).toBe(1552);
    const plan = planReplay(records, diagnostics);
    expect(plan.facts.spanSeconds).toBeGreaterThan(9.2);
    expect(plan.facts.spanSeconds).toBeLessThan(9.4);
    const r = replayPlan(plan, { arch: getArch('x86-64'), design: getDesign('eager') });
    expect(r.violationCount).toBe(0);
    expect(r.replay.maxLagUs).toBeGreaterThan(470);
    expect(r.replay.maxLagUs).toBeLessThan(485);
  });
});
