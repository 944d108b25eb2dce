/**
 * @module trace/lttng-line: one line of babeltrace2's (or babeltrace 1's) default text output of an
 * LTTng kernel trace (`babeltrace2 ~/lttng-traces/SESSION > trace.txt`).
 *
 * The layout, as babeltrace's `sink.text.pretty` prints it and as shared/data/traces/FORMATS.md §4
 * quotes it from a real trace (`lttng_many_threads_8cpu_sched.txt`):
 *
 *   [17:46:22.794569892] (+0.000002220) wilbrod sched_switch: { cpu_id = 5 }, { prev_comm = "swapper/5",
 *     prev_tid = 0, prev_prio = 20, prev_state = 0, next_comm = "lttng-consumerd", next_tid = 4297, next_prio = 20 }
 *   [17:46:22.794567672] (+0.000001868) wilbrod sched_wakeup: { cpu_id = 2 }, { comm = "lttng-consumerd",
 *     tid = 4297, prio = 20, target_cpu = 5 }
 *
 * Variants: `--clock-seconds` prints `[1234.123456789]`; `--no-delta` drops `(+…)`; babeltrace 1
 * prints `(+?.?????????)` for the first event; the hostname is absent without `--names`' default
 * or for traces without one; event names may carry a provider prefix (`lttng_kernel:sched_switch`,
 * `sched:sched_switch` of perf's CTF); older lttng-modules name the fields prev_pid/next_pid/pid
 * instead of prev_tid/next_tid/tid (both are read). The cpu is `cpu_id` of the stream packet
 * context (the first `{ … }`); a line without one gets perf-CTF's `perf_cpu` if present.
 *
 * prev_state is lttng-modules' raw `long` (instrumentation/events/sched.h,
 * `__trace_sched_switch_state`): the task's `state`, with a preempted task reported as
 * `TASK_RUNNING | TASK_STATE_MAX` (3.x) or `TASK_REPORT_MAX` (>= 4.14), a lone high bit. It is
 * mapped to the letters the ftrace readers produce where the meaning is the same on every kernel:
 * 0 → `R`, a lone bit >= 256 → `R+` (preempted), 1 → `S`, 2 → `D`; other numbers (whose bits,
 * `dead` among them, moved between kernels) stay verbatim and prevRunstate() reads them as a sleep.
 *
 * Timestamps: `HH:MM:SS.nnnnnnnnn` is wall-clock time of day; it becomes seconds since the first
 * midnight, a day (86400 s) added each time the clock goes backwards by more than 12 hours (a trace
 * past midnight). `[secs.nnnnnnnnn]` is taken as seconds.
 */
import type { TraceRecord } from './record.ts';
import { type LineProblem, switchRecord, wakeupRecord } from './sched-payload.ts';

/** Per-trace state: the midnight wrap. */
export interface LttngClock {
  /** Seconds added for days passed (a multiple of 86400). */
  dayOffset: number;
  /** The last time-of-day timestamp read, in seconds since its midnight; -1 before the first. */
  lastTod: number;
}

export function newLttngClock(): LttngClock {
  return { dayOffset: 0, lastTod: -1 };
}

export type LttngParse = TraceRecord | 'other' | 'none' | LineProblem;

const HALF_DAY = 43_200;

/** Whether the line has babeltrace's event form: `[<time>] ... <name>: {`. */
export function isLttngLine(s: string): boolean {
  return parseLttngLine(s, 0, newLttngClock()) !== 'none';
}

function parseTs(t: string, clock: LttngClock | undefined): number | undefined {
  let m = /^(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (m) {
    const tod = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    if (clock) {
      if (clock.lastTod >= 0 && tod < clock.lastTod - HALF_DAY) clock.dayOffset += 86_400;
      clock.lastTod = tod;
      return tod + clock.dayOffset;
    }
    return tod;
  }
  m = /^\d+(?:\.\d+)?$/.exec(t);
  return m ? Number(t) : undefined;
}

// `[time] (+delta)? host? name: { ctx }, { fields }` — the delta and hostname are optional.
const EVENT = /^\[([^\]]+)\] (?:\(\+[^)]*\) )?(?:(\S+) )?([A-Za-z_][\w:.]*): (\{.*)$/;

/** `key = value` pairs of one `{ … }` group; string values unquoted (babeltrace escapes `"` and `\`). */
function fields(group: string, out: Map<string, string>): void {
  const re = /([A-Za-z_]\w*) = ("(?:[^"\\]|\\.)*"|[^,}]+?)\s*(?:,|\}|$)/g;
  for (let m = re.exec(group); m; m = re.exec(group)) {
    let v = m[2];
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    out.set(m[1], v);
  }
}

function int(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** LTTng's raw prev_state as a letter where its meaning is the same on every kernel (see the module comment). */
export function lttngPrevState(v: string): string {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) return v;
  if (n === 0) return 'R';
  if (n >= 256 && (n & (n - 1)) === 0) return 'R+';
  if (n === 1) return 'S';
  if (n === 2) return 'D';
  return v;
}

/**
 * One line: a record, 'other' (another event, well-formed), 'none' (not an event line), or a
 * problem (a sched event whose cpu, timestamp or fields cannot be read).
 */
export function parseLttngLine(s: string, line: number, clock: LttngClock | undefined): LttngParse {
  if (s.charCodeAt(0) !== 91 /* [ */) return 'none';
  const m = EVENT.exec(s);
  if (!m) return 'none';
  let name = m[3];
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(colon + 1);
  const isSwitch = name === 'sched_switch';
  const wake = name === 'sched_wakeup' ? 1 : name === 'sched_waking' ? 2 : name === 'sched_wakeup_new' ? 3 : 0;
  const ts = parseTs(m[1], isSwitch || wake ? clock : undefined);
  if (ts === undefined) {
    // `[..]` that is not a timestamp: not babeltrace's form.
    return 'none';
  }
  if (!isSwitch && !wake) {
    // Keep the midnight wrap right across other events too.
    if (clock) parseTs(m[1], clock);
    return 'other';
  }
  const f = new Map<string, string>();
  fields(m[4], f);
  const cpu = int(f.get('cpu_id')) ?? int(f.get('perf_cpu'));
  if (cpu === undefined || cpu < 0) return { reason: `${name} without cpu_id in its stream context` };
  if (isSwitch) {
    const prevPid = int(f.get('prev_tid') ?? f.get('prev_pid'));
    const nextPid = int(f.get('next_tid') ?? f.get('next_pid'));
    const prevComm = f.get('prev_comm');
    const nextComm = f.get('next_comm');
    const state = f.get('prev_state');
    if (prevPid === undefined || nextPid === undefined || prevComm === undefined || nextComm === undefined) {
      return { reason: 'sched_switch without prev_comm, prev_tid, next_comm or next_tid' };
    }
    return switchRecord(line, ts, cpu, prevComm, prevPid, state === undefined ? '?' : lttngPrevState(state), nextComm, nextPid, int(f.get('prev_prio')), int(f.get('next_prio')));
  }
  const pid = int(f.get('tid') ?? f.get('pid'));
  const comm = f.get('comm');
  if (pid === undefined || comm === undefined) return { reason: `${name} without comm or tid` };
  const success = f.get('success');
  return wakeupRecord(line, ts, cpu, comm, pid, int(f.get('target_cpu')), int(f.get('prio')), success === undefined ? undefined : success !== '0', wake === 2 ? 'waking' : wake === 3 ? 'new' : undefined);
}
