import { describe, expect, it } from 'vitest';
import { newLinePrefix, parseFtraceHeader, parseFtraceLine, parseTimestamp } from './ftrace-line.ts';
import type { SwitchRecord, WakeupRecord } from './record.ts';

function switchOf(line: string): SwitchRecord {
  const r = parseFtraceLine(line, 42);
  expect(r).toHaveProperty('kind', 'switch');
  return r as SwitchRecord;
}

function wakeupOf(line: string): WakeupRecord {
  const r = parseFtraceLine(line, 42);
  expect(r).toHaveProperty('kind', 'wakeup');
  return r as WakeupRecord;
}

// Every line below is verbatim from shared/data/traces/FORMATS.md.
describe('ftrace line prefix variants (FORMATS.md 1)', () => {
  it('old Android: no flags column', () => {
    expect(
      switchOf(
        '          atrace-14662 [000] 50260.647576: sched_switch: prev_comm=atrace prev_pid=14662 prev_prio=120 prev_state=S ==> next_comm=kworker/0:0 next_pid=13696 next_prio=120',
      ),
    ).toMatchObject({
      line: 42,
      cpu: 0,
      ts: 50260.647576,
      prevComm: 'atrace',
      prevPid: 14662,
      prevState: 'S',
      nextComm: 'kworker/0:0',
      nextPid: 13696,
    });
    expect(wakeupOf('     kworker/0:0-13696 [000] 50260.647590: sched_wakeup: comm=mmcqd/0 pid=95 prio=120 success=1 target_cpu=000')).toMatchObject({
      cpu: 0,
      ts: 50260.64759,
      comm: 'mmcqd/0',
      pid: 95,
      targetCpu: 0,
    });
  });

  it('4-char flags, <...> comm, R+', () => {
    expect(
      switchOf(
        '           <...>-10144 [007] d..3  7480.992816: sched_switch: prev_comm=sh prev_pid=10144 prev_prio=120 prev_state=R+ ==> next_comm=kworker/7:0 next_pid=9996 next_prio=120',
      ),
    ).toMatchObject({ cpu: 7, ts: 7480.992816, prevComm: 'sh', prevPid: 10144, prevState: 'R+', nextPid: 9996 });
  });

  it('TGID column: (-----), (23071) and (  611)', () => {
    const prefix = newLinePrefix();
    const idle = parseFtraceLine(
      '          <idle>-0     (-----) [001] d..3 214168.479898: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=ksoftirqd/1 next_pid=12 next_prio=120',
      1,
      prefix,
    );
    expect(idle).toMatchObject({ cpu: 1, prevComm: 'swapper/1', prevPid: 0, prevState: 'R', nextComm: 'ksoftirqd/1', nextPid: 12 });
    expect(prefix).toMatchObject({ pid: 0, tgid: -1, cpu: 1 });

    const yt = parseFtraceLine(
      'com.google.android.youtube-23071 (23071) [002] d..5 214168.479892: sched_wakeup: comm=Binder:549_4 pid=2029 prio=120 success=1 target_cpu=000',
      2,
      prefix,
    );
    expect(yt).toMatchObject({ kind: 'wakeup', cpu: 2, comm: 'Binder:549_4', pid: 2029, targetCpu: 0 });
    expect(prefix).toMatchObject({ pid: 23071, tgid: 23071, cpu: 2 });

    const ui = parseFtraceLine(
      'com.android.systemui-611   (  611) [001] d..3 514769.086139: sched_switch: prev_comm=ndroid.systemui prev_pid=611 prev_prio=120 prev_state=S ==> next_comm=Binder_5 next_pid=679 next_prio=120',
      3,
      prefix,
    );
    expect(ui).toMatchObject({ prevComm: 'ndroid.systemui', prevPid: 611, nextComm: 'Binder_5', nextPid: 679 });
    expect(prefix).toMatchObject({ pid: 611, tgid: 611, cpu: 1 });

    expect(
      wakeupOf(
        'com.android.systemui-611   (  611) [001] d..5 514769.086090: sched_wakeup: comm=Binder_5 pid=679 prio=120 success=1 target_cpu=001 state=W',
      ),
    ).toMatchObject({ comm: 'Binder_5', pid: 679, targetCpu: 1 });
  });

  it('single-CPU atrace: 4-char flags, no TGID, no leading padding', () => {
    expect(
      switchOf(
        'atrace-14446 [000] ...2  1212.465062: sched_switch: prev_comm=atrace prev_pid=14446 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      ),
    ).toMatchObject({ cpu: 0, ts: 1212.465062, prevPid: 14446, nextComm: 'swapper/0', nextPid: 0 });
  });

  it('6.x: 5-char flags and the I state', () => {
    expect(
      switchOf(
        '               sh-70      [000] d..2.  3912.083993: sched_switch: prev_comm=sh prev_pid=70 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      ),
    ).toMatchObject({ cpu: 0, ts: 3912.083993, prevComm: 'sh', prevPid: 70, prevState: 'S' });
    expect(
      switchOf(
        '      rcu_preempt-16      [000] d..2.  3912.084196: sched_switch: prev_comm=rcu_preempt prev_pid=16 prev_prio=120 prev_state=I ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      ),
    ).toMatchObject({ prevComm: 'rcu_preempt', prevPid: 16, prevState: 'I' });
  });

  it('reads sched_wakeup_new and sched_waking as marked wakeups', () => {
    expect(wakeupOf('  bash-100 [001] d..3 5.000001: sched_wakeup_new: comm=bash pid=101 prio=120 target_cpu=002')).toMatchObject({
      pid: 101,
      targetCpu: 2,
      wakeKind: 'new',
    });
    expect(wakeupOf('  bash-100 [001] d..3 5.000002: sched_waking: comm=bash pid=101 prio=120 target_cpu=002')).toMatchObject({ wakeKind: 'waking' });
  });

  it('skips other events, including a 2012 systrace marker, as "other"', () => {
    expect(parseFtraceLine(' ndroid.systemui-474   [000] 50260.930395: 0: B|474|performTraversals', 1)).toBe('other');
    expect(
      parseFtraceLine(
        '            sshd-2928  [005]  2084.200966: sched_migrate_task:   comm=kworker/u12:4 pid=310 prio=120 orig_cpu=0 dest_cpu=5',
        1,
      ),
    ).toBe('other');
  });
});

describe('trace-cmd report lines (FORMATS.md 2)', () => {
  it('default output: compact plugin form, padded event name', () => {
    expect(
      switchOf('       trace-cmd-6973  [002] 259445.106979: sched_switch:         trace-cmd:6973 [120] x ==> swapper/2:0 [120]'),
    ).toMatchObject({ cpu: 2, ts: 259445.106979, prevComm: 'trace-cmd', prevPid: 6973, prevState: 'x', nextComm: 'swapper/2', nextPid: 0 });
    expect(switchOf('          <idle>-0     [002] 162534.216056: sched_switch:         swapper/2:0 [120] R ==> sh:6243 [120]')).toMatchObject({
      prevPid: 0,
      prevState: 'R',
      nextComm: 'sh',
      nextPid: 6243,
    });
    expect(
      switchOf('     kworker/2:1-2923  [002]  2084.021765: sched_switch:         kworker/2:1:2923 [120] D ==> swapper/2:0 [120]'),
    ).toMatchObject({ prevComm: 'kworker/2:1', prevPid: 2923, prevState: 'D', nextPid: 0 });
  });

  it('raw output (-R): numeric state, no ==>', () => {
    expect(
      switchOf(
        '           <...>-1701  [001]    76.211513: sched_switch:          prev_comm=trace-cmd prev_pid=1701 prev_prio=120 prev_state=64 next_comm=swapper/1 next_pid=0 next_prio=120',
      ),
    ).toMatchObject({ cpu: 1, ts: 76.211513, prevComm: 'trace-cmd', prevPid: 1701, prevState: '64', nextComm: 'swapper/1', nextPid: 0 });
    expect(wakeupOf('          <idle>-0     [002]    76.211513: sched_wakeup:          comm=sh pid=1642 prio=120 success=1 target_cpu=2')).toMatchObject({
      cpu: 2,
      comm: 'sh',
      pid: 1642,
      targetCpu: 2,
    });
    expect(
      switchOf(
        '              sh-1642  [002]    76.211701: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120',
      ),
    ).toMatchObject({ prevState: '4096', nextComm: 'kworker/u12:1', nextPid: 46 });
  });

  it('a print event whose text mentions another event is "other"', () => {
    expect(
      parseFtraceLine(
        '         shutils-1703  [001]    76.538557: print:                0xffff00000819ff24s: cpu_frequency_devlib:        state=950000 cpu_id=0',
        1,
      ),
    ).toBe('other');
  });
});

describe('prefix edge cases', () => {
  it("splits the comm at the last '-' before the pid, even if it holds '[', '-' and digits", () => {
    const p = newLinePrefix();
    const r = parseFtraceLine(
      '  foo [1]-bar-9 12-31 [003] 10.000001: sched_switch: prev_comm=foo [1]-bar-9 12 prev_pid=31 prev_prio=120 prev_state=S ==> next_comm=x next_pid=2 next_prio=120',
      1,
      p,
    );
    expect(r).toMatchObject({ cpu: 3, prevComm: 'foo [1]-bar-9 12', prevPid: 31 });
    expect(p.pid).toBe(31);
  });

  it('accepts 2-digit cpu columns of 2.6.2x kernels and integer counter clocks', () => {
    expect(switchOf('  a-1 [01] 123456: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120')).toMatchObject(
      { cpu: 1, ts: 123456 },
    );
  });

  it('returns "none" for lines without an event prefix', () => {
    for (const l of ['', '# tracer: nop', 'cpus=6', 'version = 6', 'CPU 3 is empty', 'hello [world]', '[001] 1.0: sched_switch: x']) {
      expect(parseFtraceLine(l, 1)).toBe('none');
    }
  });

  it.each([
    ['          <idle>-0     [002]    76.2115', /timestamp/],
    ['          <idle>-0     [002]', /timestamp/],
    ['          <idle>-0     [002] 76.2x: sched_switch: prev_comm=a', /timestamp/],
    ['          <idle>-0     [002] 76.2: ', /event/],
    ['          <idle>-0     [002] 76.2: sched_switch: prev_comm=swapper/2 prev_pid=0 prev_prio=120 prev_st', /prev_state|next_comm/],
    ['          <idle>-0     [002] 76.2: sched_wakeup: comm=sh pi', /pid/],
  ])('reports a damaged event line as a problem: %j', (l, reason) => {
    const r = parseFtraceLine(l, 1);
    expect(typeof r).toBe('object');
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

describe('parseTimestamp', () => {
  it('gives the same double as Number()', () => {
    for (const t of ['76.211513', '50260.647576', '0.000001', '214168.479898', '1124607508.748464', '3912.083993123', '7', '0.5']) {
      expect(parseTimestamp(t, 0, t.length)).toBe(Number(t));
    }
  });
  it('rejects non-numbers', () => {
    for (const t of ['', '.', '1.', '.5', '1.2.3', '1e5', '-1.0']) expect(parseTimestamp(t, 0, t.length)).toBeNaN();
  });
});

describe('parseFtraceHeader', () => {
  it('reads #P, lost entries and trace-cmd headers', () => {
    expect(parseFtraceHeader('# entries-in-buffer/entries-written: 109218/109300   #P:4')).toEqual({ family: 'ftrace', cpus: 4, lost: 82 });
    expect(parseFtraceHeader('# tracer: nop')).toEqual({ family: 'ftrace' });
    expect(parseFtraceHeader('cpus=6')).toEqual({ family: 'trace-cmd', cpus: 6 });
    expect(parseFtraceHeader('version = 6')).toEqual({ family: 'trace-cmd', traceCmdVersion: 6 });
    expect(parseFtraceHeader('CPU:2 [LOST 12 EVENTS]')).toEqual({ lost: 12 });
    expect(parseFtraceHeader('CPU:7 [204600 EVENTS DROPPED]')).toEqual({ lost: 204600 });
    expect(parseFtraceHeader('CPU:7 [EVENTS DROPPED]')).toEqual({ lost: 0 });
    expect(parseFtraceHeader('CPU 0 is empty')).toEqual({});
    expect(parseFtraceHeader('#           TASK-PID    CPU#    TIMESTAMP  FUNCTION')).toBeUndefined();
  });
});
