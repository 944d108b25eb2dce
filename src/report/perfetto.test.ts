/**
 * The timeline exports: Chrome trace-event JSON that a strict validator accepts (and the
 * validator itself rejects what the viewers would choke on), and ftrace text that the project's
 * own parser reads back as the same schedule.
 */
import { describe, expect, it } from 'vitest';
import { getArch } from '../arch/index.ts';
import { getDesign, getScheduler } from '../hv/index.ts';
import { parseDomains } from '../scenario/index.ts';
import { runOne, planReplay, replayPlan, type RunResult } from '../sim/index.ts';
import { TraceDiagnostics, parseTraceLines, type SwitchRecord } from '../trace/index.ts';
import { TimelineRecorder, type Timeline } from './timeline.ts';
import { buildPerfetto, PID_BLOCK, type TraceEvent } from './perfetto.ts';
import { renderFtraceText } from './ftrace-text.ts';
import { validateTraceEvents } from './trace-event-check.ts';

function recorded(design: string, arch = 'x86-64', seconds = 0.02): { r: RunResult; tl: Timeline } {
  const tracer = new TimelineRecorder();
  let tl: Timeline | undefined;
  const r = runOne({
    arch: getArch(arch),
    design: getDesign(design),
    sched: getScheduler('credit'),
    pcpus: 3,
    domains: parseDomains('io*3,fp*2'),
    seconds,
    seed: 4,
    tracer,
    onDone: (st) => (tl = tracer.finish(st)),
  });
  return { r, tl: tl! };
}

describe('trace-event validator', () => {
  const ok: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'pcpu 0' } },
    { name: 'a', ph: 'X', pid: 1, tid: 1, ts: 0, dur: 10 },
    { name: 'b', ph: 'X', pid: 1, tid: 1, ts: 2, dur: 3 },
    { name: 'c', ph: 'X', pid: 1, tid: 1, ts: 10, dur: 0 },
    { name: 'ipi', ph: 's', pid: 1, tid: 1, ts: 1, id: 7, cat: 'ipi' },
    { name: 'ipi', ph: 'f', bp: 'e', pid: 2, tid: 1, ts: 2, id: 7, cat: 'ipi' },
    { name: 'x', ph: 'i', s: 't', pid: 1, tid: 2, ts: 4 },
  ];
  it('accepts well-formed events', () => {
    expect(validateTraceEvents({ traceEvents: ok, displayTimeUnit: 'ns' })).toEqual([]);
  });
  it.each([
    ['a partial overlap on one track', { name: 'd', ph: 'X', pid: 1, tid: 1, ts: 8, dur: 5 }, /overlaps/],
    ['a slice without dur', { name: 'd', ph: 'X', pid: 1, tid: 1, ts: 8 }, /dur/],
    ['a flow start without an end', { name: 'ipi', ph: 's', pid: 1, tid: 1, ts: 1, id: 8, cat: 'ipi' }, /flow ipi\/8/],
    ['a second start for a flow id', { name: 'ipi', ph: 's', pid: 1, tid: 1, ts: 1, id: 7, cat: 'ipi' }, /flow ipi\/7/],
    ['a string timestamp', { name: 'd', ph: 'i', pid: 1, tid: 1, ts: '5' }, /ts/],
    ['an unknown phase', { name: 'd', ph: 'Q', pid: 1, tid: 1, ts: 5 }, /phase/],
    ['metadata without its args', { name: 'thread_name', ph: 'M', pid: 1, tid: 1 }, /args\.name/],
  ])('rejects %s', (_, bad, msg) => {
    const errs = validateTraceEvents({ traceEvents: [...ok, bad] });
    expect(errs.join('\n')).toMatch(msg);
  });
  it('rejects a document without traceEvents', () => {
    expect(validateTraceEvents([])).not.toEqual([]);
  });
});

describe('Perfetto export', () => {
  it('of a run: valid, one process per pcpu, vcpu slices covering every track, switches, syncs and IPIs as flows', () => {
    const { r, tl } = recorded('xen-x86-lazy');
    const doc = buildPerfetto([{ label: '', timeline: tl, violations: r.violations }]);
    expect(validateTraceEvents(doc)).toEqual([]);
    expect(doc.displayTimeUnit).toBe('ns');
    const ev = doc.traceEvents;
    const names = ev.filter((e) => e.name === 'process_name').map((e) => (e.args as { name: string }).name);
    expect(names).toEqual(['pcpu 0', 'pcpu 1', 'pcpu 2']);
    const switches = ev.filter((e) => e.ph === 'i' && e.cat === 'switch');
    expect(switches.length).toBe(r.metrics.switches);
    expect(switches.filter((e) => e.name === 'lazy switch').length).toBe(r.metrics.lazySwitches);
    expect(ev.filter((e) => e.ph === 'i' && e.cat === 'sync').length).toBe(r.metrics.localSyncs);
    expect(ev.filter((e) => e.ph === 's').length).toBeGreaterThan(0);
    // Each pcpu's vcpu track runs from 0 to the end without a gap.
    for (let p = 0; p < 3; p++) {
      const slices = ev.filter((e) => e.ph === 'X' && e.pid === PID_BLOCK + p && e.tid === 1).sort((a, b) => a.ts! - b.ts!);
      expect(slices[0].ts).toBe(0);
      for (let i = 1; i < slices.length; i++) expect(slices[i].ts).toBeCloseTo(slices[i - 1].ts! + slices[i - 1].dur!, 3);
    }
  });

  it('of several runs: a block of pids per run, labelled; violations as instant events', () => {
    const a = recorded('eager', 'ppc64');
    const b = recorded('ppc-naive-volatile', 'ppc64');
    expect(b.r.violationCount).toBeGreaterThan(0);
    const doc = buildPerfetto([
      { label: 'eager on ppc64', timeline: a.tl, violations: a.r.violations },
      { label: 'ppc-naive-volatile on ppc64', timeline: b.tl, violations: b.r.violations },
    ]);
    expect(validateTraceEvents(doc)).toEqual([]);
    const names = doc.traceEvents.filter((e) => e.name === 'process_name').map((e) => [e.pid, (e.args as { name: string }).name]);
    expect(names).toContainEqual([PID_BLOCK, 'pcpu 0 (eager on ppc64)']);
    expect(names).toContainEqual([2 * PID_BLOCK + 2, 'pcpu 2 (ppc-naive-volatile on ppc64)']);
    const v = doc.traceEvents.filter((e) => e.cat === 'violation');
    expect(v.length).toBe(b.r.violations.length);
    expect(v.every((e) => e.ph === 'i' && e.pid >= 2 * PID_BLOCK)).toBe(true);
  });
});

describe('ftrace text export', () => {
  it('reads back through the ftrace parser as the same switches, cpu by cpu', () => {
    const { tl } = recorded('xen-x86-lazy');
    const text = renderFtraceText(tl);
    const diagnostics = new TraceDiagnostics();
    const records = [...parseTraceLines(text.split('\n'), { diagnostics })].filter((x): x is SwitchRecord => x.kind === 'switch');
    expect(diagnostics.format).toBe('ftrace');
    expect(diagnostics.header.cpus).toBe(3);
    expect(diagnostics.malformedCount).toBe(0);
    const want = tl.events.filter((e) => e.kind === 'switch');
    expect(records.length).toBe(want.length);
    for (let p = 0; p < 3; p++) expect(records.filter((x) => x.cpu === p).length).toBe(want.filter((e) => e.p === p).length);
    expect(records.every((x) => (x.prevPid === 0) === x.prevComm.startsWith('swapper/'))).toBe(true);
  });

  it('of a replay, replays again to the same schedule (no inconsistency, same switches)', () => {
    const lines = [
      '#P:2',
      '          a-10 [000] d..3 7.000100: sched_switch: prev_comm=a prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=b next_pid=11 next_prio=120',
      '          b-11 [000] d..3 7.000300: sched_switch: prev_comm=b prev_pid=11 prev_prio=120 prev_state=R ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      '   swapper/1-0 [001] d..3 7.000400: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=b next_pid=11 next_prio=120',
      '   swapper/0-0 [000] d..3 7.000900: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=10 next_prio=120',
    ];
    const diagnostics = new TraceDiagnostics();
    const plan = planReplay([...parseTraceLines(lines, { diagnostics })], diagnostics);
    const tracer = new TimelineRecorder();
    let tl: Timeline | undefined;
    replayPlan(plan, { arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), tracer, onDone: (st) => (tl = tracer.finish(st)) });
    const tasks = plan.tasks.reduce<{ comm: string; pid: number }[]>((acc, t) => ((acc[t.vcpu] = { comm: t.comm, pid: t.pid }), acc), []);
    const text = renderFtraceText(tl!, { offsetSeconds: plan.facts.startSeconds, tasks });
    expect(text).toContain('b-11 [000] d..3      7.000');
    const d2 = new TraceDiagnostics();
    const again = planReplay([...parseTraceLines(text.split('\n'), { diagnostics: d2 })], d2);
    expect(again.facts.switchesPerCpu).toEqual(plan.facts.switchesPerCpu);
    expect(again.facts.inconsistencies).toEqual({ prevMismatch: 0, nextRunningElsewhere: 0, alreadyRunning: 0 });
    expect(again.tasks.map((t) => `${t.comm}-${t.pid}`).sort()).toEqual(['a-10', 'b-11']);
  });
});
