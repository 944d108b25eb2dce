import { describe, expect, it } from 'vitest';
import { parseSwitchPayload, parseWakeupPayload } from './sched-payload.ts';

const sw = (p: string) => parseSwitchPayload(p, 0, 7, 3, 1.5);
const wk = (p: string) => parseWakeupPayload(p, 0, 7, 3, 1.5, undefined);

describe('sched_switch payload', () => {
  it('reads the kernel key=value form with ==>', () => {
    expect(sw('prev_comm=sh prev_pid=10144 prev_prio=120 prev_state=R+ ==> next_comm=kworker/7:0 next_pid=9996 next_prio=120')).toMatchObject({
      kind: 'switch',
      line: 7,
      cpu: 3,
      ts: 1.5,
      prevComm: 'sh',
      prevPid: 10144,
      prevPrio: 120,
      prevState: 'R+',
      nextComm: 'kworker/7:0',
      nextPid: 9996,
      nextPrio: 120,
    });
  });

  it('reads trace-cmd -R: no ==> and a numeric state', () => {
    expect(sw('prev_comm=trace-cmd prev_pid=1701 prev_prio=120 prev_state=64 next_comm=swapper/1 next_pid=0 next_prio=120')).toMatchObject({
      prevComm: 'trace-cmd',
      prevPid: 1701,
      prevState: '64',
      nextComm: 'swapper/1',
      nextPid: 0,
    });
  });

  it('keeps combined and 6.x states verbatim', () => {
    expect(sw('prev_comm=a prev_pid=1 prev_prio=120 prev_state=S|K ==> next_comm=b next_pid=2 next_prio=120')).toMatchObject({ prevState: 'S|K' });
    expect(sw('prev_comm=rcu_preempt prev_pid=16 prev_prio=120 prev_state=I ==> next_comm=swapper/0 next_pid=0 next_prio=120')).toMatchObject({
      prevState: 'I',
    });
  });

  it('tolerates vendor fields after next_prio', () => {
    expect(sw('prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120 expeller_type=0')).toMatchObject({
      prevPid: 1,
      nextPid: 2,
      nextPrio: 120,
    });
  });

  it('reads comms with spaces, dashes, colons and slashes', () => {
    expect(
      sw('prev_comm=Web Content prev_pid=4242 prev_prio=120 prev_state=R ==> next_comm=irq/210-host_sp: x next_pid=77 next_prio=49'),
    ).toMatchObject({ prevComm: 'Web Content', nextComm: 'irq/210-host_sp: x', nextPid: 77, nextPrio: 49 });
  });

  it('reads fields in an unusual order through the general key scan', () => {
    expect(sw('prev_comm=a prev_state=D prev_pid=5 prev_prio=120 ==> next_pid=6 next_comm=b next_prio=100')).toMatchObject({
      prevComm: 'a',
      prevPid: 5,
      prevState: 'D',
      nextComm: 'b',
      nextPid: 6,
      nextPrio: 100,
    });
  });

  it("reads trace-cmd's compact plugin form, pid after the last ':'", () => {
    expect(sw('trace-cmd:6973 [120] x ==> swapper/2:0 [120]')).toMatchObject({
      prevComm: 'trace-cmd',
      prevPid: 6973,
      prevPrio: 120,
      prevState: 'x',
      nextComm: 'swapper/2',
      nextPid: 0,
      nextPrio: 120,
    });
    expect(sw('kworker/2:1:2923 [120] D ==> swapper/2:0 [120]')).toMatchObject({ prevComm: 'kworker/2:1', prevPid: 2923, prevState: 'D' });
  });

  it("reads 2.6.30's `task` form, which has no state", () => {
    expect(sw('task sh:70 [120] ==> swapper:0 [140]')).toMatchObject({
      prevComm: 'sh',
      prevPid: 70,
      prevState: '?',
      nextComm: 'swapper',
      nextPid: 0,
      nextPrio: 140,
    });
  });

  it.each([
    ['prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_prio=120', /next_pid/],
    ['prev_comm=a prev_pid=x1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2', /prev_pid/],
    ['prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=', /next_pid/],
    ['prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_pid=2', /next_comm/],
    ['prev_comm=a prev_pid=1 prev_prio=120', /next_comm/],
    ['hello world', /neither/],
    ['a:1 [120] S ==> b [120]', /next has no comm:pid/],
    ['a:x [120] S ==> b:2 [120]', /prev pid/],
  ])('reports %j as a problem', (p, reason) => {
    const r = sw(p);
    expect(r).not.toHaveProperty('kind');
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

describe('sched_wakeup payload', () => {
  it('reads the kernel form with success and a zero-padded target_cpu', () => {
    expect(wk('comm=mmcqd/0 pid=95 prio=120 success=1 target_cpu=000')).toMatchObject({
      kind: 'wakeup',
      cpu: 3,
      comm: 'mmcqd/0',
      pid: 95,
      prio: 120,
      success: true,
      targetCpu: 0,
    });
  });

  it("reads the Android `state=W` suffix and recent kernels' missing success", () => {
    expect(wk('comm=Binder_5 pid=679 prio=120 success=1 target_cpu=001 state=W')).toMatchObject({ comm: 'Binder_5', pid: 679, targetCpu: 1 });
    const r = wk('comm=Binder:549_4 pid=2029 prio=120 target_cpu=7');
    expect(r).toMatchObject({ comm: 'Binder:549_4', pid: 2029, targetCpu: 7 });
    expect((r as { success?: boolean }).success).toBeUndefined();
  });

  it('marks success=0 wakeups', () => {
    expect(wk('comm=a pid=1 prio=120 success=0 target_cpu=2')).toMatchObject({ success: false });
  });

  it("reads trace-cmd's compact plugin form", () => {
    expect(wk('kworker/u12:1:46 [120] success=1 CPU:002')).toMatchObject({ comm: 'kworker/u12:1', pid: 46, prio: 120, success: true, targetCpu: 2 });
  });

  it('passes the wakeup kind through', () => {
    expect(parseWakeupPayload('comm=a pid=1 prio=120 target_cpu=2', 0, 1, 0, 0, 'waking')).toMatchObject({ wakeKind: 'waking' });
  });

  it.each([['pid=1 prio=120'], ['comm=a prio=120 target_cpu=1'], ['comm=a pid=z prio=1']])('reports %j as a problem', (p) => {
    expect(wk(p)).toHaveProperty('reason');
  });
});
