/**
 * @module trace/record: the records a trace parser yields, whatever the input format.
 *
 * A record keeps what a replay of lazy state switching needs (which task or vcpu left and
 * which entered each cpu, and when) and nothing format-specific beyond that. Optional
 * fields are always present on the object (possibly `undefined`), so every SwitchRecord
 * has one hidden class and hot loops over millions of them stay monomorphic.
 */

/** `trace-dat`: trace-cmd's binary trace.dat (src/trace/trace-dat.ts). `lttng`: babeltrace2/babeltrace text of an LTTng kernel trace (src/trace/lttng-line.ts). `perfetto`: Perfetto's protobuf trace (src/trace/perfetto.ts). */
export type TraceFormat = 'ftrace' | 'trace-cmd' | 'trace-cmd-raw' | 'perf' | 'xentrace' | 'trace-dat' | 'chrome-json' | 'lttng' | 'perfetto';

export const TRACE_FORMATS: readonly TraceFormat[] = ['ftrace', 'trace-cmd', 'trace-cmd-raw', 'perf', 'xentrace', 'trace-dat', 'chrome-json', 'lttng', 'perfetto'];

/** `cpu` of a record whose cpu the trace does not state and could not be inferred (perf without a cpu column). */
export const UNKNOWN_CPU = -1;

/** Xen's DOMID_IDLE: the idle domain, whose vcpu N is the idle vcpu of pcpu N. */
export const XEN_IDLE_DOMID = 0x7fff;

/**
 * One context switch on one cpu: `prev` stops running and `next` starts.
 * For xentrace, pid is the vcpu id, dom the domain id and comm `d<dom>v<vcpu>` (`d[IDLE]v<n>` for
 * the idle domain, as Xen's `%pv` prints it), so a task is identified by (dom, pid).
 */
export interface SwitchRecord {
  kind: 'switch';
  /** 1-based line number in the input (record ordinal for xentrace binary). */
  line: number;
  /** Seconds, as the trace clock states them (TSC cycles for xentrace without `tscHz`; see TraceHeader.tsUnit). */
  ts: number;
  /** Cpu the switch happened on; UNKNOWN_CPU if the trace does not say and it could not be inferred. */
  cpu: number;
  prevComm: string;
  prevPid: number;
  /**
   * Verbatim state of prev as the trace prints it: letters (`R`, `R+`, `S`, `D|K`, `I`), a raw
   * number (trace-cmd -R, kernel-version dependent bits), a Xen runstate (`runnable`, `blocked`,
   * `offline`), or `?` if the trace does not record it. Interpret it with prevRunstate().
   */
  prevState: string;
  nextComm: string;
  nextPid: number;
  /** Kernel priority (0-139, 120 = nice 0) when the payload carries it. */
  prevPrio?: number;
  nextPrio?: number;
  /** From the ftrace `(tgid)` column: prev is the logging task; next's is known once it has logged a line. */
  prevTgid?: number;
  nextTgid?: number;
  /** xentrace only: domain ids. */
  prevDom?: number;
  nextDom?: number;
}

export interface WakeupRecord {
  kind: 'wakeup';
  line: number;
  ts: number;
  /** Cpu that logged the wakeup (not necessarily where the task will run: see targetCpu). */
  cpu: number;
  comm: string;
  pid: number;
  targetCpu?: number;
  prio?: number;
  tgid?: number;
  dom?: number;
  /** `false` when the kernel logged a wakeup that found the task already running (`success=0`). */
  success?: boolean;
  /**
   * Absent for sched_wakeup (and a Xen runstate change to runnable). `new` is sched_wakeup_new
   * (first wakeup of a forked task). `waking` is sched_waking or Xen's TRC_SCHED_WAKE: the start of
   * the wake path, logged in addition to the wakeup itself, so count one kind, not both.
   */
  wakeKind?: 'new' | 'waking';
}

export type TraceRecord = SwitchRecord | WakeupRecord;

export interface MalformedLine {
  /** 1-based line number (record ordinal for xentrace binary). */
  line: number;
  /** The line (truncated to 200 characters), or a hex dump of the record bytes. */
  text: string;
  reason: string;
}

export interface TraceHeader {
  /** From `#P:<n>` (ftrace), `cpus=<n>` (trace-cmd) or `# nrcpus avail : <n>` (perf). */
  cpus?: number;
  /** perf script without a cpu column: records carry an inferred cpu or UNKNOWN_CPU; a replay should refuse or say so. */
  noCpuColumn?: boolean;
  /**
   * Events the tracer says it dropped: ftrace entries-written minus entries-in-buffer,
   * trace-cmd `[n EVENTS DROPPED]` and ftrace `[LOST n EVENTS]` markers, xentrace lost_records.
   */
  lostEvents?: number;
  /** `version = <n>` of trace-cmd report. */
  traceCmdVersion?: number;
  /** Unit of `ts`: seconds, except xentrace without a tscHz option, where it stays in TSC cycles. */
  tsUnit?: 'seconds' | 'tsc-cycles';
  /** xentrace: the tscHz option the parser converted with. */
  tscHz?: number;
  /**
   * xentrace in TSC cycles: the rate estimated from the records that carry Xen system time
   * (SWITCH_INFPREV runtimes, ns, each against the TSC of the stint it covers), when at least 3
   * do; `samples` is how many. A consumer divides `ts` by `hz` (planReplay does, and says so).
   */
  tscHzEstimate?: { hz: number; samples: number };
  /** chrome-json: where the switches were, `systemTraceEvents` (chrome-json.ts). */
  container?: 'systemTraceEvents';
  /** chrome-json: what `systemTraceEvents` held: a text format (systrace, Perfetto's export), or Fuchsia's events. */
  embeddedFormat?: TraceFormat | 'fuchsia';
  /** The file was gzip-compressed (read through node:zlib). */
  gzip?: boolean;
  /** chrome-json: process names the trace states (Fuchsia `ph: "p"`, `process_name` metadata), by pid. */
  processNames?: Map<number, string>;
}
