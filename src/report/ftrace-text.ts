/**
 * @module report/ftrace-text: a run's state switches as kernel ftrace text (the `trace` file of
 * tracefs with the nop tracer), one `sched_switch` line per switch, so ui.perfetto.dev (and
 * trace-cmd, and this project's own src/trace parser) draw the pcpus as CPU tracks with the vcpus
 * as tasks. The line layout is the kernel's (kernel/trace/trace_output.c, 4-char irq flags):
 *
 *   <comm>-<pid> [<cpu>] d..3 <secs>.<usecs>: sched_switch: prev_comm=<c> prev_pid=<n> prev_prio=120 prev_state=<S|R> ==> next_comm=<c> next_pid=<n> next_prio=120
 *
 * The logging task is prev. Idle vcpus are the kernel's idle task (`swapper/N`, pid 0); every
 * other vcpu is a task whose comm is its name (whitespace becomes `_`, as a comm cannot hold it)
 * and whose pid is its vcpu id, unless the caller supplies the original comm and pid (a replay
 * writes the trace's own tasks back). prev_state is `R` when prev is still runnable, `S` when it
 * blocked, `X` when offline. Pure: returns the text.
 */
import { RUNSTATE } from '../hv/index.ts';
import type { Timeline } from './timeline.ts';

export interface FtraceTextOptions {
  /** Added to every timestamp (a replay passes the trace's first timestamp, so times match the original). */
  offsetSeconds?: number;
  /** Per vcpu id: the task to print instead of the vcpu name and id. */
  tasks?: readonly ({ comm: string; pid: number } | undefined)[];
}

function stateLetter(rs: number): string {
  if (rs === RUNSTATE.BLOCKED) return 'S';
  if (rs === RUNSTATE.OFFLINE) return 'X';
  return 'R';
}

export function renderFtraceText(tl: Timeline, o: FtraceTextOptions = {}): string {
  const offset = o.offsetSeconds ?? 0;
  const task = (v: number, p: number): { comm: string; pid: number } => {
    const vc = tl.vcpus[v];
    if (!vc || vc.idle) return { comm: `swapper/${p}`, pid: 0 };
    const t = o.tasks?.[v];
    return { comm: (t?.comm ?? vc.name).replace(/\s/g, '_'), pid: t?.pid ?? v };
  };
  const switches = tl.events.filter((e) => e.kind === 'switch');
  // Per-cpu buffers merged in time order, as the `trace` file shows them.
  const order = switches.map((_, i) => i).sort((i, j) => switches[i].t - switches[j].t || i - j);
  const lines: string[] = [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: ${switches.length}/${switches.length}   #P:${tl.pcpus}`,
    '#',
    '#                              _-----=> irqs-off',
    '#                             / _----=> need-resched',
    '#                            | / _---=> hardirq/softirq',
    '#                            || / _--=> preempt-depth',
    '#                            ||| /     delay',
    '#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION',
    '#              | |       |   ||||       |         |',
  ];
  for (const i of order) {
    const e = switches[i];
    const prev = task(e.a, e.p);
    const next = task(e.b, e.p);
    // Whole microseconds, as the kernel prints them; computed from integer µs so no float noise.
    const usec = Math.round((e.t + offset) * 1e6);
    const ts = `${Math.floor(usec / 1e6)}.${String(usec % 1e6).padStart(6, '0')}`;
    const head = `${prev.comm}-${prev.pid}`.padStart(22);
    lines.push(
      `${head} [${String(e.p).padStart(3, '0')}] d..3 ${ts.padStart(13)}: sched_switch: prev_comm=${prev.comm} prev_pid=${prev.pid} prev_prio=120 prev_state=${stateLetter(e.prevRunstate)} ==> next_comm=${next.comm} next_pid=${next.pid} next_prio=120`,
    );
  }
  return lines.join('\n') + '\n';
}
