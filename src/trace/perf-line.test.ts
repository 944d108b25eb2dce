import { describe, expect, it } from 'vitest';
import { newLinePrefix } from './ftrace-line.ts';
import { parsePerfLine } from './perf-line.ts';

describe('perf script lines (FORMATS.md 3)', () => {
  it('old perf without a cpu column (verbatim)', () => {
    const p = newLinePrefix();
    const r = parsePerfLine(
      'swapper     0 73951.311595: sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=perf next_pid=3609 next_prio=120',
      9,
      p,
    );
    expect(r).toMatchObject({
      kind: 'switch',
      line: 9,
      cpu: -1,
      ts: 73951.311595,
      prevComm: 'swapper/1',
      prevPid: 0,
      prevState: 'R',
      nextComm: 'perf',
      nextPid: 3609,
    });
    expect(p).toMatchObject({ pid: 0, cpu: -1 });
  });

  it('modern layout with a cpu column, pid/tid, a period and 9 decimals', () => {
    const p = newLinePrefix();
    expect(
      parsePerfLine(
        '            perf  3609/3611 [001] 73951.311595123:          1 sched:sched_switch: prev_comm=perf prev_pid=3611 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120',
        1,
        p,
      ),
    ).toMatchObject({ cpu: 1, ts: 73951.311595123, prevPid: 3611, nextPid: 0 });
    expect(p).toMatchObject({ pid: 3611, cpu: 1 });
  });

  it('comms with spaces, and the compact plugin payload', () => {
    expect(
      parsePerfLine('Web Content  4242 [002] 10.5: sched:sched_switch: Web Content:4242 [120] R+ ==> swapper/2:0 [120]', 1),
    ).toMatchObject({ cpu: 2, prevComm: 'Web Content', prevPid: 4242, prevState: 'R+', nextComm: 'swapper/2', nextPid: 0 });
  });

  it('wakeups, other events, callchains and blank lines', () => {
    expect(parsePerfLine('perf  3609 73951.311650: sched:sched_wakeup: comm=kworker/1:2 pid=212 prio=120 success=1 target_cpu=001', 1)).toMatchObject({
      kind: 'wakeup',
      comm: 'kworker/1:2',
      pid: 212,
      targetCpu: 1,
    });
    expect(parsePerfLine('perf  3609 [000] 73951.311650: sched:sched_process_exec: filename=/bin/sleep pid=3610 old_pid=3610', 1)).toBe('other');
    expect(parsePerfLine('\tffffffff81724db0 __schedule ([kernel.kallsyms])', 1)).toBe('none');
    expect(parsePerfLine('', 1)).toBe('none');
  });

  it('does not take ftrace lines for perf lines', () => {
    expect(
      parsePerfLine(
        '          atrace-14662 [000] 50260.647576: sched_switch: prev_comm=atrace prev_pid=14662 prev_prio=120 prev_state=S ==> next_comm=kworker/0:0 next_pid=13696 next_prio=120',
        1,
      ),
    ).toBe('none');
  });

  it('reports an unreadable payload', () => {
    expect(parsePerfLine('perf  3609 [000] 1.5: sched:sched_switch: prev_comm=perf prev_pid=', 1)).toHaveProperty('reason');
  });
});
