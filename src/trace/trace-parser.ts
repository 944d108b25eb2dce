/**
 * @module trace/trace-parser: the streaming driver for text traces, one line at a time.
 *
 * Lifecycle: construct with a format (or 'auto'), push() every line in order, then end().
 * Records go to `onRecord` as soon as they are known; diagnostics (format, header, malformed
 * lines, counts) accumulate in `diagnostics`. Memory is constant in the input length: in 'auto'
 * mode at most the detection window is buffered (DETECT_WINDOW meaningful lines, plus comments up
 * to MAX_BUFFERED lines), then replayed once the format is known. The small maps kept beyond that
 * are keyed by pid (TGIDs, perf's running-task-per-cpu), so they grow with tasks, not with lines.
 *
 * Line classes: a record; a well-formed line of another event (counted, skipped); a line with an
 * event's form whose timestamp or sched payload cannot be read, or that mentions a sched event or
 * has an event prefix but no complete prefix (malformed, with its 1-based line number); anything
 * else, such as continuation lines of multi-line prints (counted as unrecognised). If the first
 * DETECT_WINDOW meaningful lines hold no line of the expected form, the input is not a trace and
 * push() throws TraceFormatError rather than yield nothing.
 */
import { DETECT_WINDOW, FormatDetector } from './detect-format.ts';
import { type LineParse, newLinePrefix, parseFtraceHeader, parseFtraceLine } from './ftrace-line.ts';
import { parsePerfLine } from './perf-line.ts';
import { type TraceFormat, type TraceRecord, UNKNOWN_CPU } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';
import { XenSchedAssembler } from './xen-sched.ts';
import { newXenTextEvent, parseXentraceTextLine } from './xentrace-text.ts';
import { skipSpaces } from './text-scan.ts';
import { newLttngClock, parseLttngLine } from './lttng-line.ts';

export interface TraceParserOptions {
  /** Called with each record, in input order (xentrace: per-pcpu order, see xen-sched). */
  onRecord?: (r: TraceRecord) => void;
  /** xentrace text: TSC frequency in Hz; without it `ts` is in cycles. */
  tscHz?: number;
  /** Collect into this object instead of a new one (e.g. to read it while a generator runs). */
  diagnostics?: TraceDiagnostics;
  /** Malformed lines kept with their text (all are counted); default 20. */
  keepMalformed?: number;
  /** Meaningful lines inspected before deciding the input is not a trace; default DETECT_WINDOW (50). */
  detectWindow?: number;
}

/** Lines (comments included) buffered at most while auto-detecting. */
const MAX_BUFFERED = 10_000;

const FORMAT_LIST = 'ftrace, trace-cmd, perf, xentrace or LTTng (babeltrace2 text)';

function quote(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

export class TraceParser {
  readonly diagnostics: TraceDiagnostics;
  private fmt: TraceFormat | null;
  private readonly window: number;
  private readonly onRecord: ((r: TraceRecord) => void) | undefined;
  private readonly tscHz: number | undefined;
  private lineNo = 0;
  private ended = false;

  // Auto-detection.
  private detector: FormatDetector | undefined;
  private buffered: string[] = [];

  // Not-a-trace check for an explicit format.
  private meaningful = 0;
  private recognised = 0;
  private first: { line: number; text: string } | undefined;

  private readonly prefix = newLinePrefix();
  /** pid -> tgid, learned from the `(tgid)` column of lines each task logged. */
  private readonly tgidOf = new Map<number, number>();
  private sawTgid = false;
  /** perf without a cpu column: pid -> the stint chain it is running in (deleted when switched out). */
  private readonly runningIn = new Map<number, StintChain>();
  /** Chains whose cpu is still unknown and that hold records. */
  private readonly unresolved = new Set<StintChain>();
  private xen: XenSchedAssembler | undefined;
  private readonly xev = newXenTextEvent();
  private readonly lttngClock = newLttngClock();

  constructor(format: TraceFormat | 'auto' = 'auto', opts: TraceParserOptions = {}) {
    this.diagnostics = opts.diagnostics ?? new TraceDiagnostics(opts.keepMalformed ?? 20);
    this.window = opts.detectWindow ?? DETECT_WINDOW;
    this.onRecord = opts.onRecord;
    this.tscHz = opts.tscHz;
    this.fmt = null;
    if (format === 'auto') this.detector = new FormatDetector();
    else this.setFormat(format);
  }

  /** The format, or null while auto-detection is still reading the first lines. */
  get format(): TraceFormat | null {
    return this.fmt;
  }

  private setFormat(f: TraceFormat): void {
    this.fmt = f;
    this.diagnostics.format = f;
    if (f === 'xentrace') {
      const d = this.diagnostics;
      d.header.tsUnit = this.tscHz ? 'seconds' : 'tsc-cycles';
      if (this.tscHz) d.header.tscHz = this.tscHz;
      this.xen = new XenSchedAssembler((r) => this.emit(r), this.tscHz);
    } else {
      this.diagnostics.header.tsUnit = 'seconds';
    }
  }

  /** One line of input, without its newline (a trailing '\r' is dropped). */
  push(line: string): void {
    if (this.ended) throw new Error('TraceParser.push after end()');
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    this.lineNo++;
    this.diagnostics.lines++;
    const det = this.detector;
    if (det === undefined) {
      this.parseLine(line, this.lineNo);
      return;
    }
    this.buffered.push(line);
    let f = det.feed(line);
    if (!f && (det.meaningful >= this.window || this.buffered.length >= MAX_BUFFERED)) {
      f = det.settle() ?? undefined;
      if (!f) throw this.notATrace(det.first);
    }
    if (f) this.decide(f);
  }

  private decide(f: TraceFormat): void {
    this.setFormat(f);
    this.detector = undefined;
    const lines = this.buffered;
    this.buffered = [];
    for (let i = 0; i < lines.length; i++) this.parseLine(lines[i], i + 1);
  }

  private notATrace(first: { line: number; text: string } | undefined): TraceFormatError {
    const where = first ? ` (line ${first.line}: '${quote(first.text)}')` : '';
    if (this.detector) {
      const what = first
        ? `no line of ${FORMAT_LIST} form in the first ${this.window} lines`
        : 'the input has no lines other than blanks and comments';
      return new TraceFormatError(`not a scheduling trace: ${what}${where}`, first?.line);
    }
    const span = this.meaningful < this.window ? `any of its ${this.meaningful} lines` : `the first ${this.window} lines`;
    return new TraceFormatError(`not a scheduling trace in ${this.fmt} form: no ${this.fmt} event line in ${span}${where}`, first?.line);
  }

  /** Flush held records and finish. Throws TraceFormatError if no line had a trace's form. */
  end(): TraceDiagnostics {
    if (this.ended) return this.diagnostics;
    if (this.detector) {
      const f = this.detector.settle();
      if (!f) throw this.notATrace(this.detector.first);
      this.decide(f);
    }
    this.ended = true;
    if (this.meaningful > 0 && this.recognised === 0) throw this.notATrace(this.first);
    this.flushUnplaced();
    const xen = this.xen;
    if (xen) {
      xen.flush();
      const h = this.diagnostics.header;
      if (xen.lost > 0) h.lostEvents = (h.lostEvents ?? 0) + xen.lost;
      if (h.tsUnit === 'tsc-cycles') {
        const est = xen.tscHzEstimate();
        if (est) h.tscHzEstimate = est;
      }
    }
    return this.diagnostics;
  }

  private emit(r: TraceRecord): void {
    const d = this.diagnostics;
    d.records++;
    if (r.cpu === UNKNOWN_CPU) d.unknownCpuRecords++;
    this.onRecord?.(r);
  }

  private parseLine(s: string, n: number): void {
    const t = skipSpaces(s, 0);
    if (t >= s.length) return;
    if (s.charCodeAt(t) === 35 /* # */) {
      this.comment(s);
      return;
    }
    this.meaningful++;
    this.first ??= { line: n, text: s };
    const f = this.fmt;
    if (f === 'xentrace') this.xentraceLine(s, n);
    else if (f === 'lttng') this.lttngLine(s, n);
    else {
      const r: LineParse = f === 'perf' ? parsePerfLine(s, n, this.prefix) : parseFtraceLine(s, n, this.prefix);
      if (typeof r === 'string') {
        if (r === 'other') {
          this.recognised++;
          this.diagnostics.otherEvents++;
          if (this.prefix.tgid >= 0) this.tgidOf.set(this.prefix.pid, this.prefix.tgid);
        } else this.noEventForm(s, n);
      } else if ('kind' in r) {
        this.recognised++;
        if (f === 'perf') {
          if (this.perfCpu(r)) this.emit(r);
        } else {
          // trace-cmd report prints an integer timestamp in nanoseconds (3.x, default options:
          // `[002]259445106948920:`); glued to the cpu column it can only be trace-cmd's.
          const it = this.prefix.intTs;
          if (it === 2 || (it === 1 && f !== 'ftrace')) r.ts /= 1e9;
          this.ftraceTgid(r);
          this.emit(r);
        }
      } else {
        this.recognised++;
        this.diagnostics.addMalformed(n, s, r.reason);
      }
    }
    if (this.meaningful === this.window && this.recognised === 0) throw this.notATrace(this.first);
  }

  private comment(s: string): void {
    const h = this.diagnostics.header;
    if (this.fmt === 'perf') {
      const m = /^#\s*nrcpus (?:avail|online)\s*:\s*(\d+)/.exec(s);
      if (m && (h.cpus === undefined || s.includes('avail'))) h.cpus = Number(m[1]);
      return;
    }
    const facts = parseFtraceHeader(s);
    if (facts) this.applyHeader(facts);
  }

  private applyHeader(facts: NonNullable<ReturnType<typeof parseFtraceHeader>>): void {
    const h = this.diagnostics.header;
    if (facts.cpus !== undefined) h.cpus = facts.cpus;
    if (facts.traceCmdVersion !== undefined) h.traceCmdVersion = facts.traceCmdVersion;
    if (facts.lost !== undefined) h.lostEvents = (h.lostEvents ?? 0) + facts.lost;
  }

  /** A meaningful line without an event form: a header, a callchain, garbage or a damaged event line. */
  private noEventForm(s: string, n: number): void {
    const f = this.fmt;
    if (f !== 'perf' && f !== 'xentrace' && f !== 'lttng') {
      const facts = parseFtraceHeader(s);
      if (facts) {
        this.recognised++;
        this.applyHeader(facts);
        return;
      }
    }
    if (f === 'perf' && s.charCodeAt(0) === 9) return; // `-g` callchain line.
    if (this.looksLikeEvent(s)) {
      this.diagnostics.addMalformed(n, s, `no complete ${f} event prefix (truncated or garbled line)`);
    } else {
      this.diagnostics.unrecognised++;
    }
  }

  private looksLikeEvent(s: string): boolean {
    if (s.includes('sched_switch') || s.includes('sched_wakeup') || s.includes('sched_waking')) return true;
    if (this.fmt === 'xentrace') return /^CPU\d/.test(s);
    if (this.fmt === 'perf') return false;
    // `<comm>-<pid> [` or `<comm>-<pid> (`: the start of an ftrace prefix.
    return /-\d+ +[[(]/.test(s);
  }

  /** babeltrace2 / babeltrace text of an LTTng kernel trace (lttng-line.ts). */
  private lttngLine(s: string, n: number): void {
    const r = parseLttngLine(s, n, this.lttngClock);
    if (r === 'none') return this.noEventForm(s, n);
    this.recognised++;
    if (r === 'other') this.diagnostics.otherEvents++;
    else if ('kind' in r) this.emit(r);
    else this.diagnostics.addMalformed(n, s, r.reason);
  }

  /** Records reach emit() through the assembler, possibly a few lines later (see xen-sched). */
  private xentraceLine(s: string, n: number): void {
    const ev = this.xev;
    const r = parseXentraceTextLine(s, ev);
    if (r === 'none') return this.noEventForm(s, n);
    this.recognised++;
    if (r !== 'event') this.diagnostics.addMalformed(n, s, r.reason);
    else if (this.xen!.event(n, ev.cpu, ev.tsc, ev.code, ev.words, ev.n) === 'other') this.diagnostics.otherEvents++;
  }

  private ftraceTgid(r: TraceRecord): void {
    const p = this.prefix;
    if (p.tgid >= 0) {
      this.sawTgid = true;
      this.tgidOf.set(p.pid, p.tgid);
    }
    if (!this.sawTgid) return;
    if (r.kind === 'switch') {
      // The logging task of a sched_switch is prev.
      if (p.tgid >= 0 && p.pid === r.prevPid) r.prevTgid = p.tgid;
      r.nextTgid = this.tgidOf.get(r.nextPid);
    } else {
      r.tgid = this.tgidOf.get(r.pid);
    }
  }

  /**
   * perf without a cpu column. A task runs on one cpu from its switch-in to its switch-out (it
   * cannot migrate while running), and the next task starts there: so the switches of one cpu
   * form a chain — X's switch-in, X's switch-out (= Y's switch-in), Y's switch-out, … — with one
   * cpu. The idle task names its cpu (`swapper/3`), which places a whole chain, forward (the
   * switches after it) and backward (those before it, held until then: records come out of
   * input order, which consumers sort anyway). Wakeups take the chain of the task that logged
   * them. Records of a chain never placed (no idle switch with a numbered comm in it: tasks that
   * never switch to or from `swapper/N`, or the trace's end) come out at end() with UNKNOWN_CPU.
   * Returns whether `r` can be emitted now.
   */
  private perfCpu(r: TraceRecord): boolean {
    if (this.prefix.cpu >= 0) return true;
    this.diagnostics.header.noCpuColumn = true;
    if (r.kind === 'wakeup') {
      const chain = this.prefix.pid > 0 ? this.runningIn.get(this.prefix.pid) : undefined;
      r.cpu = chain ? chain.cpu : UNKNOWN_CPU;
      return chain === undefined || this.hold(chain, r);
    }
    const known = idleCpu(r.prevPid, r.prevComm) ?? idleCpu(r.nextPid, r.nextComm);
    let chain = r.prevPid !== 0 ? this.runningIn.get(r.prevPid) : undefined;
    if (r.prevPid !== 0) this.runningIn.delete(r.prevPid);
    // A chain that disagrees with the idle comm (lost events) is left as it is; a new one starts.
    if (chain === undefined || (known !== undefined && chain.cpu !== UNKNOWN_CPU && chain.cpu !== known)) chain = { cpu: known ?? UNKNOWN_CPU, held: [] };
    else if (known !== undefined && chain.cpu === UNKNOWN_CPU) this.place(chain, known);
    if (r.nextPid !== 0) this.runningIn.set(r.nextPid, chain);
    r.cpu = known ?? chain.cpu;
    return r.cpu !== UNKNOWN_CPU || this.hold(chain, r);
  }

  /** Keep `r` with its chain until the chain's cpu is known; false (held) unless already placed. */
  private hold(chain: StintChain, r: TraceRecord): boolean {
    if (chain.cpu !== UNKNOWN_CPU) return true;
    chain.held.push(r);
    this.unresolved.add(chain);
    return false;
  }

  private place(chain: StintChain, cpu: number): void {
    chain.cpu = cpu;
    this.unresolved.delete(chain);
    const held = chain.held;
    chain.held = [];
    for (let i = 0; i < held.length; i++) {
      held[i].cpu = cpu;
      this.emit(held[i]);
    }
  }

  /** end(): records of chains never placed, with UNKNOWN_CPU, in input order. */
  private flushUnplaced(): void {
    const rest: TraceRecord[] = [];
    for (const c of this.unresolved) rest.push(...c.held);
    this.unresolved.clear();
    rest.sort((a, b) => a.line - b.line);
    for (const r of rest) this.emit(r);
  }
}

/** perf without a cpu column: consecutive stints on one cpu, linked by the switches between them (TraceParser.perfCpu). */
interface StintChain {
  /** UNKNOWN_CPU until an idle comm places it. */
  cpu: number;
  /** Records waiting for the cpu. */
  held: TraceRecord[];
}

function idleCpu(pid: number, comm: string): number | undefined {
  if (pid !== 0 || !comm.startsWith('swapper/')) return undefined;
  const c = Number(comm.slice(8));
  return Number.isInteger(c) && c >= 0 ? c : undefined;
}

/** Records of a text trace given line by line. Diagnostics go to `opts.diagnostics` and are the return value. */
export function* parseTraceLines(
  lines: Iterable<string>,
  opts: TraceParserOptions & { format?: TraceFormat | 'auto' } = {},
): Generator<TraceRecord, TraceDiagnostics> {
  const queue: TraceRecord[] = [];
  const parser = new TraceParser(opts.format ?? 'auto', { ...opts, onRecord: (r) => queue.push(r) });
  for (const line of lines) {
    parser.push(line);
    if (queue.length) {
      // An index loop: `yield*` over an array allocates an iterator per line.
      for (let i = 0; i < queue.length; i++) yield queue[i];
      queue.length = 0;
    }
  }
  const d = parser.end();
  yield* queue;
  return d;
}

/** parseTraceLines over an async line source (a file stream, a socket). */
export async function* parseTraceLinesAsync(
  lines: AsyncIterable<string> | Iterable<string>,
  opts: TraceParserOptions & { format?: TraceFormat | 'auto' } = {},
): AsyncGenerator<TraceRecord, TraceDiagnostics> {
  const queue: TraceRecord[] = [];
  const parser = new TraceParser(opts.format ?? 'auto', { ...opts, onRecord: (r) => queue.push(r) });
  for await (const line of lines) {
    parser.push(line);
    if (queue.length) {
      for (let i = 0; i < queue.length; i++) yield queue[i];
      queue.length = 0;
    }
  }
  const d = parser.end();
  yield* queue;
  return d;
}
