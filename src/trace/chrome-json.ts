/**
 * @module trace/chrome-json: Chrome trace-event JSON ("Trace Event Format", Google's document;
 * catapult's trace_event_importer and fuchsia_importer read the same keys), streamed.
 *
 * What carries context switches (FORMATS.md 6):
 * - `systemTraceEvents` as a string: ftrace/systrace text, one JSON string. Android and ChromeOS
 *   systrace JSON write it so, and so does Perfetto's JSON export (`traceconv json`,
 *   trace_processor's export_json.cc: ftrace events go out as systrace text in
 *   `"systemTraceEvents"`). The string is decoded as it streams and its lines go to a TraceParser
 *   (any text format it detects), line numbers counted within the string.
 * - `systemTraceEvents` as `{ "type": "fuchsia", "events": [...] }`: Fuchsia's ktrace export
 *   (ChromiumExporter in Fuchsia's trace2json): `ph: "p"` names a process, `ph: "t"` a thread,
 *   `ph: "k"` is a context switch `{ ts (µs), cpu, out: { pid, tid, state }, in: { pid, tid } }`.
 *   Threads are Zircon koids (tid), in processes (pid: the record's tgid); kernel threads have
 *   pid 0, and the idle thread of cpu N is the one named `idle N` — it becomes pid 0, the idle
 *   task. tid 0 (the first switch of each cpu, whose outgoing thread was not traced) is idle too.
 *   `out.state` is a zx_thread_state (0 new, as Fuchsia's ktrace importer maps the kernel's READY
 *   to it, and 1 running: still runnable; 2 suspended; 3 blocked; 4 dying; 5 dead) and becomes
 *   the letter prevRunstate() reads: R, R, T, S, x, X.
 * - `traceEvents` (or a top-level array, the "JSON Array Format", whose closing `]` may be
 *   missing): user-space events; `M` thread_name / process_name metadata names threads. None is
 *   a context switch, so a file with only these is refused with a sentence saying where
 *   switches are recorded.
 *
 * Streaming: a small scanner keeps the nesting of the top two levels and hands each element of
 * the event arrays to JSON.parse on its own, so memory is one event, not the file. Events are
 * numbered from 1 in file order (`line` of records and malformed events).
 */
import { type SwitchRecord, type TraceRecord } from './record.ts';
import { switchRecord } from './sched-payload.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';
import { TraceParser } from './trace-parser.ts';

export interface ChromeJsonOptions {
  onRecord?: (r: TraceRecord) => void;
  diagnostics?: TraceDiagnostics;
  keepMalformed?: number;
}

/** What a container of the top levels is, by where it opens. */
const enum Role {
  Root,
  /** traceEvents, or the top-level array. */
  Events,
  /** systemTraceEvents as an object. */
  System,
  /** systemTraceEvents.events. */
  FuchsiaEvents,
  Skip,
}

interface Frame {
  obj: boolean;
  role: Role;
  /** Objects: the next string is a key. */
  expectKey: boolean;
  /** Objects: the key whose value comes next. */
  key: string | null;
}

/** zx_thread_state → the letters prevRunstate() reads (see the module comment). */
const ZX_STATE = ['R', 'R', 'T', 'S', 'x', 'X'];

/** Whether the first non-blank bytes of a file look like JSON: `{`, or `[` then `{`, `]` or the end. */
export function looksLikeJson(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 BOM
  const ws = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
  while (i < head.length && ws(head[i])) i++;
  if (head[i] === 0x7b /* { */) return true;
  if (head[i] !== 0x5b /* [ */) return false;
  i++;
  while (i < head.length && ws(head[i])) i++;
  return i >= head.length || head[i] === 0x7b || head[i] === 0x5d;
}

export class ChromeJsonParser {
  readonly diagnostics: TraceDiagnostics;
  private readonly onRecord: ((r: TraceRecord) => void) | undefined;
  private readonly frames: Frame[] = [];
  private started = false;
  private ended = false;

  // Strings outside captured events.
  private inString = false;
  private esc = false;
  /** 0: skip; 1: a key to read; 2: the systrace text. */
  private stringRole: 0 | 1 | 2 = 0;
  private keyText = '';
  /** \uXXXX inside the systrace string: hex digits still to read (0: none), and the value so far. */
  private uLeft = 0;
  private uValue = 0;
  private lineText = '';

  // An event being captured for JSON.parse.
  private capDepth = 0;
  private capInString = false;
  private capEsc = false;
  private capText = '';
  private capRole: Role = Role.Skip;

  private ordinal = 0;
  private sawKeys = false;
  private chromeEvents = 0;
  private fuchsia = false;
  private systrace: { parser: TraceParser; diag: TraceDiagnostics } | undefined;
  private readonly procName = new Map<number, string>();
  private readonly threadName = new Map<number, string>();
  private readonly idleTid = new Set<number>();

  constructor(opts: ChromeJsonOptions = {}) {
    this.diagnostics = opts.diagnostics ?? new TraceDiagnostics(opts.keepMalformed ?? 20);
    this.diagnostics.format = 'chrome-json';
    this.diagnostics.header.tsUnit = 'seconds';
    this.onRecord = opts.onRecord;
  }

  push(text: string): void {
    if (this.ended) throw new Error('ChromeJsonParser.push after end()');
    let i = 0;
    const n = text.length;
    if (!this.started) {
      if (text.charCodeAt(0) === 0xfeff) i = 1;
      while (i < n && isWs(text.charCodeAt(i))) i++;
      if (i === n) return;
      const c = text.charCodeAt(i);
      if (c !== 123 && c !== 91) throw new TraceFormatError(`not JSON: the file starts with '${text.slice(i, i + 20)}', not '{' or '['`, 1);
      this.started = true;
      // The JSON Array Format: a bare array of trace events.
      if (c === 91) this.sawKeys = true;
    }
    while (i < n) {
      if (this.capDepth > 0) {
        i = this.capture(text, i);
        continue;
      }
      if (this.inString) {
        i = this.string(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      const top = this.frames[this.frames.length - 1];
      if (c === 34 /* " */) {
        this.inString = true;
        this.esc = false;
        if (top?.obj && top.expectKey) {
          this.stringRole = top.role === Role.Root || top.role === Role.System ? 1 : 0;
          this.keyText = '';
        } else if (top?.role === Role.Root && top.key === 'systemTraceEvents') {
          this.stringRole = 2;
          this.startSystrace();
        } else this.stringRole = 0;
        i++;
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        const role = this.roleOf(top, c === 123);
        if (c === 123 && (role === Role.Events || role === Role.FuchsiaEvents)) {
          // An element of an event array: captured whole, parsed alone.
          this.capRole = role;
          this.capDepth = 1;
          this.capInString = false;
          this.capText = '';
          const start = i;
          i = this.capture(text, i + 1, start);
          continue;
        }
        this.frames.push({ obj: c === 123, role, expectKey: c === 123, key: null });
        i++;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        this.frames.pop();
        const up = this.frames[this.frames.length - 1];
        if (up?.obj) up.key = null;
        i++;
      } else if (c === 58 /* : */) {
        if (top?.obj) top.expectKey = false;
        i++;
      } else if (c === 44 /* , */) {
        if (top?.obj) {
          top.expectKey = true;
          top.key = null;
        }
        i++;
      } else i++;
    }
  }

  /** The role of a container opening inside `parent` (undefined: the top level). */
  private roleOf(parent: Frame | undefined, obj: boolean): Role {
    if (!parent) return obj ? Role.Root : Role.Events;
    if (parent.role === Role.Events || parent.role === Role.FuchsiaEvents) return obj ? parent.role : Role.Skip;
    if (parent.role === Role.Root) {
      if (parent.key === 'traceEvents' && !obj) return Role.Events;
      if (parent.key === 'systemTraceEvents' && obj) return Role.System;
    }
    if (parent.role === Role.System && parent.key === 'events' && !obj) return Role.FuchsiaEvents;
    return Role.Skip;
  }

  /** Scan a captured event from `i` (inside it); `start` is where it began in this chunk. Returns where scanning stopped. */
  private capture(s: string, i: number, start = 0): number {
    const n = s.length;
    let depth = this.capDepth;
    let inStr = this.capInString;
    let esc = this.capEsc;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) inStr = false;
      } else if (c === 34) inStr = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth === 0) {
          const text = this.capText + s.slice(start, i + 1);
          this.capText = '';
          this.capDepth = 0;
          this.event(text);
          return i + 1;
        }
      }
    }
    this.capText += s.slice(start, n);
    this.capDepth = depth;
    this.capInString = inStr;
    this.capEsc = esc;
    return n;
  }

  /** Inside a string outside captured events: skip it, collect a key, or decode the systrace text. */
  private string(s: string, i: number): number {
    const n = s.length;
    const role = this.stringRole;
    let seg = i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (this.uLeft > 0) {
        // Only the systrace text decodes \uXXXX (escape() starts it); \u000a ends a line too.
        this.uValue = this.uValue * 16 + hexDigit(c);
        if (--this.uLeft === 0) {
          if (this.uValue === 10) {
            this.systraceLine(this.lineText);
            this.lineText = '';
          } else this.lineText += String.fromCharCode(this.uValue);
        }
        seg = i + 1;
        continue;
      }
      if (this.esc) {
        this.esc = false;
        if (role === 2) this.escape(c);
        else if (role === 1) this.keyText += String.fromCharCode(c);
        seg = i + 1;
        continue;
      }
      if (c === 92 /* \ */) {
        if (role === 2) this.lineText += s.slice(seg, i);
        else if (role === 1) this.keyText += s.slice(seg, i);
        this.esc = true;
        seg = i + 1;
        continue;
      }
      if (c === 34 /* " */) {
        if (role === 2) {
          this.lineText += s.slice(seg, i);
          this.endSystrace();
        } else if (role === 1) {
          this.keyText += s.slice(seg, i);
          const top = this.frames[this.frames.length - 1];
          top.key = this.keyText;
          if (top.role === Role.Root && (this.keyText === 'traceEvents' || this.keyText === 'systemTraceEvents')) this.sawKeys = true;
        }
        this.inString = false;
        return i + 1;
      }
    }
    if (role === 2) this.lineText += s.slice(seg, n);
    else if (role === 1) this.keyText += s.slice(seg, n);
    return n;
  }

  /** One escape of the systrace string (RFC 8259 §7); `\n` ends a line. */
  private escape(c: number): void {
    switch (c) {
      case 110 /* n */:
        this.systraceLine(this.lineText);
        this.lineText = '';
        return;
      case 116 /* t */:
        this.lineText += '\t';
        return;
      case 114 /* r */:
        this.lineText += '\r';
        return;
      case 98 /* b */:
        this.lineText += '\b';
        return;
      case 102 /* f */:
        this.lineText += '\f';
        return;
      case 117 /* u */:
        this.uLeft = 4;
        this.uValue = 0;
        return;
      default:
        this.lineText += String.fromCharCode(c); // \" \\ \/
    }
  }

  private startSystrace(): void {
    this.sawKeys = true;
    const diag = new TraceDiagnostics(this.diagnostics.keep);
    const parser = new TraceParser('auto', { diagnostics: diag, onRecord: (r) => this.emit(r) });
    this.systrace = { parser, diag };
    this.diagnostics.header.container = 'systemTraceEvents';
    this.lineText = '';
  }

  private systraceLine(line: string): void {
    // A decoded '\n' is a line end; a literal newline cannot occur in a JSON string.
    this.systrace!.parser.push(line);
  }

  private endSystrace(): void {
    const st = this.systrace!;
    if (this.lineText.length) st.parser.push(this.lineText);
    this.lineText = '';
    const inner = st.parser.end();
    const d = this.diagnostics;
    d.header = { ...d.header, ...inner.header, container: 'systemTraceEvents' };
    d.header.embeddedFormat = inner.format ?? undefined;
    d.lines += inner.lines;
    d.otherEvents += inner.otherEvents;
    d.unrecognised += inner.unrecognised;
    d.unknownCpuRecords += inner.unknownCpuRecords;
    for (const m of inner.malformed) d.addMalformed(m.line, m.text, `systemTraceEvents line ${m.line}: ${m.reason}`);
    d.malformedCount += inner.malformedCount - inner.malformed.length;
  }

  private emit(r: TraceRecord): void {
    this.diagnostics.records++;
    this.onRecord?.(r);
  }

  private event(text: string): void {
    const ord = ++this.ordinal;
    const d = this.diagnostics;
    d.lines++;
    let e: unknown;
    try {
      e = JSON.parse(text);
    } catch (err) {
      d.addMalformed(ord, text, `event ${ord} is not valid JSON: ${(err as Error).message}`);
      return;
    }
    if (typeof e !== 'object' || e === null) return;
    const ev = e as Record<string, unknown>;
    if (this.capRole === Role.Events) this.chromeEvent(ev);
    else this.fuchsiaEvent(ev, ord, text);
  }

  /** traceEvents: metadata names threads; nothing else is scheduling. */
  private chromeEvent(e: Record<string, unknown>): void {
    this.chromeEvents++;
    this.diagnostics.otherEvents++;
    if (e.ph !== 'M') return;
    const name = (e.args as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string') return;
    if (e.name === 'thread_name' && typeof e.tid === 'number' && !this.threadName.has(e.tid)) this.threadName.set(e.tid, name);
    else if (e.name === 'process_name' && typeof e.pid === 'number' && !this.procName.has(e.pid)) this.procName.set(e.pid, name);
  }

  private fuchsiaEvent(e: Record<string, unknown>, ord: number, text: string): void {
    this.fuchsia = true;
    const d = this.diagnostics;
    d.header.container = 'systemTraceEvents';
    d.header.embeddedFormat = 'fuchsia';
    if (e.ph === 'p') {
      if (typeof e.pid === 'number' && typeof e.name === 'string') this.procName.set(e.pid, e.name);
      d.otherEvents++;
      return;
    }
    if (e.ph === 't') {
      if (typeof e.tid === 'number' && typeof e.name === 'string') {
        this.threadName.set(e.tid, e.name);
        if (e.pid === 0 && /^idle \d+$/.test(e.name)) this.idleTid.add(e.tid);
        // Zircon's kernel threads (dpc-N, idle N, …) are in no process: pid 0.
        if (e.pid === 0 && !this.procName.has(0)) this.procName.set(0, 'kernel');
      }
      d.otherEvents++;
      return;
    }
    if (e.ph !== 'k') {
      d.otherEvents++;
      return;
    }
    const out = e.out as Record<string, unknown> | undefined;
    const inn = e.in as Record<string, unknown> | undefined;
    const bad = (what: string) => d.addMalformed(ord, text, `context switch (ph "k", event ${ord}): ${what}`);
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) return bad('no numeric "ts" (µs)');
    if (typeof e.cpu !== 'number' || !Number.isInteger(e.cpu) || e.cpu < 0) return bad('no "cpu" (a whole number >= 0)');
    if (typeof out !== 'object' || out === null || typeof out.tid !== 'number') return bad('no "out": { "tid": … }');
    if (typeof inn !== 'object' || inn === null || typeof inn.tid !== 'number') return bad('no "in": { "tid": … }');
    const state = typeof out.state === 'number' ? (ZX_STATE[out.state] ?? '?') : '?';
    const [pc, pp] = this.task(out.tid);
    const [nc, np] = this.task(inn.tid);
    const r: SwitchRecord = switchRecord(ord, e.ts / 1e6, e.cpu, pc, pp, state, nc, np, undefined, undefined);
    if (pp !== 0 && typeof out.pid === 'number') r.prevTgid = out.pid;
    if (np !== 0 && typeof inn.pid === 'number') r.nextTgid = inn.pid;
    this.emit(r);
  }

  /** comm and pid of a Zircon thread: the idle threads (and tid 0) are pid 0. */
  private task(tid: number): [string, number] {
    const name = this.threadName.get(tid);
    if (tid === 0 || this.idleTid.has(tid)) return [name ?? 'idle', 0];
    return [name ?? String(tid), tid];
  }

  end(): TraceDiagnostics {
    if (this.ended) return this.diagnostics;
    this.ended = true;
    const d = this.diagnostics;
    if (!this.started) throw new TraceFormatError('not a scheduling trace: the input is empty');
    if (this.systrace && this.inString) this.endSystrace();
    if (!this.sawKeys) {
      throw new TraceFormatError(
        'not a scheduling trace: a JSON document without "traceEvents" or "systemTraceEvents" (expected Chrome / Perfetto / Fuchsia trace-event JSON, or a text trace: ftrace, trace-cmd, perf or xentrace)',
        1,
      );
    }
    if (!this.systrace && !this.fuchsia && d.records === 0) {
      throw new TraceFormatError(
        `no context switch in this Chrome trace JSON: its ${this.chromeEvents} traceEvents are user-space events; the scheduler's switches are in "systemTraceEvents" (systrace/atrace or Perfetto with sched_switch, exported as JSON; Fuchsia's ktrace)`,
      );
    }
    if (this.procName.size) d.header.processNames = this.procName;
    if (this.capDepth > 0) d.addMalformed(this.ordinal + 1, this.capText.slice(0, 200), 'the input ends inside an event (truncated file)');
    return d;
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 0;
}

/** Generator form over text chunks. */
export function* parseChromeJson(chunks: Iterable<string>, opts: Omit<ChromeJsonOptions, 'onRecord'> = {}): Generator<TraceRecord, TraceDiagnostics> {
  const queue: TraceRecord[] = [];
  const parser = new ChromeJsonParser({ ...opts, onRecord: (r) => queue.push(r) });
  for (const c of chunks) {
    parser.push(c);
    for (let i = 0; i < queue.length; i++) yield queue[i];
    queue.length = 0;
  }
  const d = parser.end();
  yield* queue;
  return d;
}
