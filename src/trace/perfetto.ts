/**
 * @module trace/perfetto: Perfetto's protobuf trace files (`.perfetto-trace`, `.pftrace`: what
 * Android's and ChromeOS's system tracing record), the ftrace bundles' sched events, streamed.
 *
 * The schema is Perfetto's, as published in google/perfetto at commit
 * ec5d16b14b743ba6063d720956d6d6af6610fd72 (2026-08-22); only the few messages needed are written
 * here, by field number, and decoded with @bufbuild/protobuf's BinaryReader (wire format, no
 * generated code):
 * - protos/perfetto/trace/trace.proto: `Trace { repeated TracePacket packet = 1; }`, nothing else.
 * - trace_packet.proto, TracePacket: `FtraceEventBundle ftrace_events = 1`, `bytes
 *   compressed_packets = 50` (zlib, RFC 1950, of a serialized Trace: tracing_service_impl_unittest.cc
 *   DecompressTraceZlib), `bytes zstd_compressed_packets = 133`. Everything else is skipped.
 * - ftrace/ftrace_event_bundle.proto, FtraceEventBundle: `uint32 cpu = 1`, `repeated FtraceEvent
 *   event = 2`, `bool lost_events = 3`, `CompactSched compact_sched = 4`. CompactSched, all
 *   packed repeated: switch_timestamp 1 (uint64), switch_prev_state 2 (int64), switch_next_pid 3,
 *   switch_next_prio 4 (int32), intern_table 5 (string), switch_next_comm_index 6 (uint32),
 *   waking_timestamp 7 (uint64), waking_pid 8, waking_target_cpu 9, waking_prio 10 (int32),
 *   waking_comm_index 11, waking_common_flags 12 (uint32).
 * - ftrace/ftrace_event.proto, FtraceEvent: `uint64 timestamp = 1` (ns, the ftrace clock: boot by
 *   default), `uint32 pid = 2`, and in its `event` oneof sched_switch 4, sched_wakeup 17,
 *   sched_waking 20, sched_wakeup_new 114; every other event is counted in otherEvents.
 * - ftrace/sched.proto: SchedSwitchFtraceEvent `prev_comm 1, prev_pid 2, prev_prio 3, prev_state 4
 *   (int64), next_comm 5, next_pid 6, next_prio 7`; SchedWakeup / SchedWaking / SchedWakeupNew
 *   FtraceEvent `comm 1, pid 2, prio 3, success 4, target_cpu 5`.
 *
 * compact_sched (traced_probes' compact_sched.cc, read back by trace_processor's
 * ftrace_tokenizer.cc TokenizeFtraceCompactSched): a bundle's switches and wakings as parallel
 * arrays, one entry per event; timestamps are delta-encoded within the bundle (the first is
 * absolute), comms are indices into the bundle's intern_table, and a switch records only its
 * next task and prev_state: its prev is the previous switch's next on that cpu (the bundle's cpu),
 * carried across bundles and across uncompacted sched_switch events. The first switch of each cpu
 * has no previous one, so its prev is unknown: trace_processor drops it (PushSchedSwitchCompact,
 * stat compact_sched_switch_skipped); here it is kept, with the idle task (pid 0, comm `?`) as prev
 * and prevState `?` — as the Fuchsia reader (chrome-json.ts) treats its untraced first outgoing
 * thread — so the replay starts that cpu idle and every switch is counted. Wakings carry no
 * `success`; they and sched_waking are wakeKind `waking`.
 *
 * Records: `ts` in seconds (ns / 1e9, as trace-dat.ts), `line` the 1-based ordinal of the ftrace
 * event in file order (compact events numbered in bundle order: switches, then wakings), cpu the
 * bundle's. prev_state is the kernel's raw task state, kept as its decimal number, as trace-cmd
 * -R prints it; prevRunstate() reads numbers (0 runnable, the preempt bit runnable, else a sleep).
 * A bundle with lost_events adds 1 to header.lostEvents (the count itself is not recorded: a lower
 * bound). Records come out bundle by bundle, not sorted across cpus (consumers sort).
 *
 * Streaming: push() takes chunks of any size; the framing (tag, length) of each TracePacket is read
 * here and the packet decoded as soon as its bytes are in, so memory is one packet (a packet cut
 * by a chunk is carried), never a decoded tree of the file. Bad structure — the file does not
 * start as a Trace, a tag or varint the wire format forbids, a known field with the wrong wire
 * type, a length past the end, a file that ends inside a packet — is a TraceFormatError naming the
 * packet and byte offset; an event that is well-formed protobuf but unusable (no timestamp, a comm
 * index past the intern table, compact arrays of unequal length) is a malformed record, counted.
 * src/trace stays free of node:*, so compressed packets are inflated by a caller-supplied
 * decompressor (src/cli/read-trace-file.ts gives node:zlib's); without one they are refused.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { SwitchRecord, TraceRecord } from './record.ts';
import { switchRecord, wakeupRecord } from './sched-payload.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';

/** Inflate `data` with `codec`; undefined if this machine has no such codec. */
export type PerfettoDecompressor = (codec: 'zlib' | 'zstd', data: Uint8Array) => Uint8Array | undefined;

export interface PerfettoOptions {
  onRecord?: (r: TraceRecord) => void;
  diagnostics?: TraceDiagnostics;
  /** Malformed records kept with their text (all are counted); default 20. */
  keepMalformed?: number;
  /** For TracePacket.compressed_packets (zlib) and zstd_compressed_packets. */
  decompress?: PerfettoDecompressor;
}

// Field numbers (see the module comment for the files they come from).
const TRACE_PACKET = 1;
const PACKET_FTRACE_EVENTS = 1;
const PACKET_COMPRESSED = 50;
const PACKET_ZSTD_COMPRESSED = 133;
const BUNDLE_CPU = 1;
const BUNDLE_EVENT = 2;
const BUNDLE_LOST_EVENTS = 3;
const BUNDLE_COMPACT_SCHED = 4;
const EVENT_TIMESTAMP = 1;
const EVENT_SCHED_SWITCH = 4;
const EVENT_SCHED_WAKEUP = 17;
const EVENT_SCHED_WAKING = 20;
const EVENT_SCHED_WAKEUP_NEW = 114;
const CS_SWITCH_TIMESTAMP = 1;
const CS_SWITCH_PREV_STATE = 2;
const CS_SWITCH_NEXT_PID = 3;
const CS_SWITCH_NEXT_PRIO = 4;
const CS_INTERN_TABLE = 5;
const CS_SWITCH_NEXT_COMM_INDEX = 6;
const CS_WAKING_TIMESTAMP = 7;
const CS_WAKING_PID = 8;
const CS_WAKING_TARGET_CPU = 9;
const CS_WAKING_PRIO = 10;
const CS_WAKING_COMM_INDEX = 11;

/** The largest TracePacket accepted (a corrupt length would otherwise buffer the whole file). */
export const MAX_PACKET = 256 * 1024 * 1024;

/** The file names Perfetto's tools write (`perfetto -o trace.perfetto-trace`, the UI's `.pftrace`), gzipped or not. */
export function hasPerfettoExtension(path: string): boolean {
  return /\.(perfetto-trace|pftrace)(\.gz)?$/i.test(path);
}

/**
 * Whether `head` (the first bytes of a file, decompressed) starts as a Perfetto Trace: 0x0a (field 1,
 * length-delimited), a length, then a TracePacket whose fields parse — all of it when the packet
 * fits in `head`, and then it must end exactly at its length; else at least one field — and
 * `head` has a control byte text does not (below 0x09, or 0x0e to 0x1f).
 */
export function isPerfettoTrace(head: Uint8Array): boolean {
  if (head.length < 2 || head[0] !== 0x0a) return false;
  let sub: BinaryReader;
  let whole: boolean;
  try {
    const r = new BinaryReader(head);
    r.tag();
    const len = r.uint32();
    const end = r.pos + len;
    whole = end <= head.length;
    sub = new BinaryReader(head.subarray(r.pos, whole ? end : head.length));
  } catch {
    return false;
  }
  // Text (which may start with a blank line: 0x0a) has no control bytes other than \t \n \v \f \r;
  // a packet has some (tags of fields 1 to 3, small lengths, zeros).
  let binary = false;
  for (let i = 1; i < head.length && !binary; i++) binary = head[i] < 0x09 || (head[i] > 0x0d && head[i] < 0x20);
  if (!binary) return false;
  let fields = 0;
  while (sub.pos < sub.len) {
    try {
      const wt = sub.tag()[1];
      if (wt === WireType.StartGroup || wt === WireType.EndGroup) return false;
      sub.skip(wt);
    } catch (e) {
      // A field cut off by the end of `head` (not of the packet) proves nothing either way.
      return !whole && e instanceof RangeError && fields > 0;
    }
    fields++;
  }
  return fields > 0;
}

function notPerfetto(buf: Uint8Array): TraceFormatError {
  let what = `byte 0x${buf[0].toString(16).padStart(2, '0')}`;
  try {
    const [f, wt] = new BinaryReader(buf).tag();
    what = `field ${f} (${wireName(wt)})`;
  } catch {
    // An illegal tag: the byte says it.
  }
  return new TraceFormatError(
    `not a Perfetto protobuf trace: the file starts with ${what}, not field 1 (length-delimited, a TracePacket: byte 0x0a); expected a .perfetto-trace / .pftrace as perfetto or Android's system tracing writes it`,
  );
}

function wireName(wt: WireType): string {
  return ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit'][wt] ?? String(wt);
}

/** What the previous switch on a cpu switched to: the prev of that cpu's next compact switch. */
interface Running {
  pid: number;
  comm: string;
  prio: number | undefined;
}

/** A compact switch waiting for its prev (filled in bundle time order, see bundle()). */
const PREV_UNSET = -2;

export class PerfettoParser {
  readonly diagnostics: TraceDiagnostics;
  private readonly onRecord: ((r: TraceRecord) => void) | undefined;
  private readonly decompress: PerfettoDecompressor | undefined;
  private carry: Uint8Array = new Uint8Array(0);
  /** Byte offset of carry[0] (the next packet's tag) in the whole input. */
  private offset = 0;
  private packets = 0;
  private events = 0;
  private ended = false;
  private readonly running = new Map<number, Running>();
  /** Where the current packet is, for error messages. */
  private where = '';

  constructor(opts: PerfettoOptions = {}) {
    this.diagnostics = opts.diagnostics ?? new TraceDiagnostics(opts.keepMalformed ?? 20);
    this.diagnostics.format = 'perfetto';
    this.diagnostics.header.tsUnit = 'seconds';
    this.onRecord = opts.onRecord;
    this.decompress = opts.decompress;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('PerfettoParser.push after end()');
    let buf = chunk;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry, 0);
      buf.set(chunk, this.carry.length);
    }
    const used = this.frames(buf, this.offset, false);
    this.offset += used;
    this.carry = used < buf.length ? buf.slice(used) : new Uint8Array(0);
  }

  /** Finish; throws TraceFormatError if the input ends inside a packet or holds no sched event. */
  end(): TraceDiagnostics {
    if (this.ended) return this.diagnostics;
    this.ended = true;
    const d = this.diagnostics;
    if (this.offset === 0 && this.carry.length === 0) throw new TraceFormatError('not a scheduling trace: the input is empty');
    if (this.carry.length > 0) this.frames(this.carry, this.offset, true);
    if (d.records === 0) {
      throw new TraceFormatError(
        `no context switch in this Perfetto trace: its ${this.packets} packets hold ${this.events} ftrace events and none is sched_switch or a wakeup; record with the linux.ftrace data source and ftrace_events "sched/sched_switch" and "sched/sched_waking"`,
      );
    }
    return d;
  }

  /**
   * Decode the complete TracePackets of a serialized Trace in `buf` (at `base` in the input);
   * returns the bytes used. With `final`, a packet cut off by the end of `buf` is an error.
   */
  private frames(buf: Uint8Array, base: number, final: boolean, inside = ''): number {
    const r = new BinaryReader(buf);
    let start = 0;
    while (start < buf.length) {
      r.pos = start;
      const first = base + start === 0 && !inside;
      /** Run a read of the framing; false when it needs bytes that have not come yet. */
      const read = (f: () => void): boolean => {
        try {
          f();
          return true;
        } catch (e) {
          if (e instanceof RangeError && !final) return false;
          if (first) throw notPerfetto(buf);
          throw this.fail(base + start, inside, e instanceof RangeError ? 'the input ends inside the tag or length of a TracePacket (truncated file)' : (e as Error).message);
        }
      };
      let field = 0;
      let wt = WireType.Varint as WireType;
      if (!read(() => ([field, wt] = r.tag()))) return start;
      if (field !== TRACE_PACKET || wt !== WireType.LengthDelimited) {
        if (first) throw notPerfetto(buf);
        if (field === TRACE_PACKET) throw this.fail(base + start, inside, `field 1 (packet) has wire type ${wireName(wt)}, expected length-delimited`);
        // Trace has no other field; skip what is there, as protobuf readers do with unknown fields.
        if (!read(() => r.skip(wt, field))) return start;
        start = r.pos;
        continue;
      }
      let len = 0;
      if (!read(() => (len = r.uint32()))) return start;
      if (len > MAX_PACKET) throw this.fail(base + start, inside, `a TracePacket of ${len} bytes declared (more than ${MAX_PACKET}): not a trace, or a corrupt length`);
      const body = r.pos;
      if (body + len > buf.length) {
        if (!final) return start;
        throw this.fail(base + start, inside, `the input ends inside TracePacket ${this.packets + 1}: it declares ${len} bytes and ${buf.length - body} are left (truncated file)`);
      }
      this.packets++;
      this.where = `TracePacket ${this.packets} at byte ${base + start}${inside}`;
      this.packet(buf.subarray(body, body + len));
      start = body + len;
    }
    return start;
  }

  private fail(at: number, inside: string, why: string): TraceFormatError {
    return new TraceFormatError(`perfetto: at byte ${at}${inside}: ${why}`);
  }

  private bad(why: string): TraceFormatError {
    return new TraceFormatError(`perfetto: ${this.where}: ${why}`);
  }

  /** Run `f` on a reader, turning the library's decode errors (bad varint, premature EOF, illegal tag) into TraceFormatError. */
  private decode(what: string, bytes: Uint8Array, f: (r: BinaryReader) => void): void {
    const r = new BinaryReader(bytes);
    try {
      f(r);
    } catch (e) {
      if (e instanceof TraceFormatError) throw e;
      const why = e instanceof RangeError ? 'a field runs past the end of its message' : (e as Error).message;
      throw this.bad(`${what}: ${why} (at byte ${r.pos} of its ${bytes.length})`);
    }
  }

  private expect(r: BinaryReader, what: string, field: number, wt: WireType, want: WireType): void {
    if (wt !== want) throw this.bad(`${what} field ${field} has wire type ${wireName(wt)}, expected ${wireName(want)} (not Perfetto's schema)`);
  }

  private packet(bytes: Uint8Array): void {
    const bundles: Uint8Array[] = [];
    const nested: { codec: 'zlib' | 'zstd'; data: Uint8Array }[] = [];
    this.decode('TracePacket', bytes, (r) => {
      while (r.pos < r.len) {
        const [f, wt] = r.tag();
        if (f === PACKET_FTRACE_EVENTS || f === PACKET_COMPRESSED || f === PACKET_ZSTD_COMPRESSED) {
          this.expect(r, 'TracePacket', f, wt, WireType.LengthDelimited);
          const b = r.bytes();
          if (f === PACKET_FTRACE_EVENTS) bundles.push(b);
          else nested.push({ codec: f === PACKET_COMPRESSED ? 'zlib' : 'zstd', data: b });
        } else r.skip(wt, f);
      }
    });
    for (const b of bundles) this.bundle(b);
    const where = this.where;
    for (const { codec, data } of nested) {
      const field = codec === 'zlib' ? 'compressed_packets' : 'zstd_compressed_packets';
      let out: Uint8Array | undefined;
      try {
        out = this.decompress?.(codec, data);
      } catch (e) {
        throw this.bad(`${field} (${codec}) does not decompress: ${(e as Error).message}`);
      }
      if (out === undefined) {
        throw this.bad(`${field}: the trace is ${codec}-compressed and this Node cannot decompress ${codec}${codec === 'zstd' ? ' (node:zlib has zstd from Node 22.15 / 23.8)' : ''}; convert it with \`traceconv decompress_packets IN OUT\``);
      }
      this.frames(out, 0, true, ` of the ${field} in ${where}`);
    }
  }

  private bundle(bytes: Uint8Array): void {
    let cpu = -1;
    const events: Uint8Array[] = [];
    let compact: Uint8Array | undefined;
    this.decode('FtraceEventBundle', bytes, (r) => {
      while (r.pos < r.len) {
        const [f, wt] = r.tag();
        if (f === BUNDLE_CPU) {
          this.expect(r, 'FtraceEventBundle', f, wt, WireType.Varint);
          cpu = r.uint32();
        } else if (f === BUNDLE_EVENT) {
          this.expect(r, 'FtraceEventBundle', f, wt, WireType.LengthDelimited);
          events.push(r.bytes());
        } else if (f === BUNDLE_LOST_EVENTS) {
          this.expect(r, 'FtraceEventBundle', f, wt, WireType.Varint);
          if (r.bool()) {
            const h = this.diagnostics.header;
            h.lostEvents = (h.lostEvents ?? 0) + 1;
          }
        } else if (f === BUNDLE_COMPACT_SCHED) {
          this.expect(r, 'FtraceEventBundle', f, wt, WireType.LengthDelimited);
          compact = r.bytes();
        } else r.skip(wt, f);
      }
    });
    if (cpu < 0) {
      if (events.length || compact) this.diagnostics.addMalformed(this.events + 1, this.where, 'an FtraceEventBundle without its cpu field: its events are skipped');
      return;
    }
    const out: TraceRecord[] = [];
    const switches: SwitchRecord[] = [];
    for (const e of events) this.event(e, cpu, out, switches);
    const regular = switches.length;
    if (compact) this.compactSched(compact, cpu, out, switches);
    // Prevs of compact switches come from the switch before on this cpu, in time order.
    if (regular > 0 && switches.length > regular) switches.sort((a, b) => a.ts - b.ts || a.line - b.line);
    for (const s of switches) {
      if (s.prevPid === PREV_UNSET) {
        const p = this.running.get(cpu);
        s.prevPid = p ? p.pid : 0;
        s.prevComm = p ? p.comm : '?';
        s.prevPrio = p?.prio;
      }
      this.running.set(cpu, { pid: s.nextPid, comm: s.nextComm, prio: s.nextPrio });
    }
    const d = this.diagnostics;
    for (const rec of out) {
      d.records++;
      this.onRecord?.(rec);
    }
  }

  /** One FtraceEvent: a sched event goes to `out` (switches also to `switches`); others are counted. */
  private event(bytes: Uint8Array, cpu: number, out: TraceRecord[], switches: SwitchRecord[]): void {
    const line = ++this.events;
    this.diagnostics.lines++;
    let ts: bigint | string | undefined;
    let kind = 0;
    let payload: Uint8Array | undefined;
    this.decode('FtraceEvent', bytes, (r) => {
      while (r.pos < r.len) {
        const [f, wt] = r.tag();
        if (f === EVENT_TIMESTAMP) {
          this.expect(r, 'FtraceEvent', f, wt, WireType.Varint);
          ts = r.uint64();
        } else if (f === EVENT_SCHED_SWITCH || f === EVENT_SCHED_WAKEUP || f === EVENT_SCHED_WAKING || f === EVENT_SCHED_WAKEUP_NEW) {
          this.expect(r, 'FtraceEvent', f, wt, WireType.LengthDelimited);
          kind = f;
          payload = r.bytes();
        } else r.skip(wt, f);
      }
    });
    if (kind === 0 || payload === undefined) {
      this.diagnostics.otherEvents++;
      return;
    }
    if (ts === undefined) {
      this.diagnostics.addMalformed(line, this.where, 'a sched event without a timestamp (FtraceEvent field 1)');
      return;
    }
    const sec = Number(ts) / 1e9;
    const p = payload;
    if (kind === EVENT_SCHED_SWITCH) {
      let prevComm = '';
      let prevPid = 0;
      let prevPrio: number | undefined;
      let prevState = '?';
      let nextComm = '';
      let nextPid = 0;
      let nextPrio: number | undefined;
      this.decode('SchedSwitchFtraceEvent', p, (r) => {
        while (r.pos < r.len) {
          const [f, wt] = r.tag();
          if (f === 1 || f === 5) this.expect(r, 'SchedSwitchFtraceEvent', f, wt, WireType.LengthDelimited);
          else if (f >= 2 && f <= 7) this.expect(r, 'SchedSwitchFtraceEvent', f, wt, WireType.Varint);
          switch (f) {
            case 1: prevComm = r.string(); break;
            case 2: prevPid = r.int32(); break;
            case 3: prevPrio = r.int32(); break;
            case 4: prevState = String(r.int64()); break;
            case 5: nextComm = r.string(); break;
            case 6: nextPid = r.int32(); break;
            case 7: nextPrio = r.int32(); break;
            default: r.skip(wt, f);
          }
        }
      });
      const s = switchRecord(line, sec, cpu, prevComm, prevPid, prevState, nextComm, nextPid, prevPrio, nextPrio);
      out.push(s);
      switches.push(s);
      return;
    }
    let comm = '';
    let pid = 0;
    let prio: number | undefined;
    let success: boolean | undefined;
    let target: number | undefined;
    this.decode('SchedWakeupFtraceEvent', p, (r) => {
      while (r.pos < r.len) {
        const [f, wt] = r.tag();
        if (f === 1) this.expect(r, 'SchedWakeupFtraceEvent', f, wt, WireType.LengthDelimited);
        else if (f >= 2 && f <= 5) this.expect(r, 'SchedWakeupFtraceEvent', f, wt, WireType.Varint);
        switch (f) {
          case 1: comm = r.string(); break;
          case 2: pid = r.int32(); break;
          case 3: prio = r.int32(); break;
          case 4: success = r.int32() !== 0; break;
          case 5: target = r.int32(); break;
          default: r.skip(wt, f);
        }
      }
    });
    const wk = kind === EVENT_SCHED_WAKING ? 'waking' : kind === EVENT_SCHED_WAKEUP_NEW ? 'new' : undefined;
    out.push(wakeupRecord(line, sec, cpu, comm, pid, target, prio, success, wk));
  }

  private compactSched(bytes: Uint8Array, cpu: number, out: TraceRecord[], switches: SwitchRecord[]): void {
    const intern: string[] = [];
    const sTs: bigint[] = [];
    const sState: bigint[] = [];
    const sPid: number[] = [];
    const sPrio: number[] = [];
    const sComm: number[] = [];
    const wTs: bigint[] = [];
    const wPid: number[] = [];
    const wCpu: number[] = [];
    const wPrio: number[] = [];
    const wComm: number[] = [];
    this.decode('CompactSched', bytes, (r) => {
      while (r.pos < r.len) {
        const [f, wt] = r.tag();
        if (f === CS_INTERN_TABLE) {
          this.expect(r, 'CompactSched', f, wt, WireType.LengthDelimited);
          intern.push(r.string());
          continue;
        }
        const to = compactArray(f, sTs, sState, sPid, sPrio, sComm, wTs, wPid, wCpu, wPrio, wComm);
        if (to === undefined) {
          r.skip(wt, f);
          continue;
        }
        if (wt !== WireType.LengthDelimited && wt !== WireType.Varint) this.expect(r, 'CompactSched', f, wt, WireType.LengthDelimited);
        // Packed (as Perfetto writes them) or not: protobuf readers accept both.
        const end = wt === WireType.LengthDelimited ? r.uint32() + r.pos : -1;
        if (end > r.len) throw new RangeError('premature EOF');
        const one = () => {
          if (to.big) (to.a as bigint[]).push(BigInt(to.signed ? r.int64() : r.uint64()));
          else (to.a as number[]).push(to.signed ? r.int32() : r.uint32());
        };
        if (end < 0) one();
        else {
          while (r.pos < end) one();
          if (r.pos !== end) throw new RangeError('premature EOF');
        }
      }
    });
    const d = this.diagnostics;
    const ns = Math.min(sTs.length, sState.length, sPid.length, sPrio.length, sComm.length);
    const nsMax = Math.max(sTs.length, sState.length, sPid.length, sPrio.length, sComm.length);
    let acc = 0n;
    for (let i = 0; i < nsMax; i++) {
      const line = ++this.events;
      d.lines++;
      if (i >= ns) {
        d.addMalformed(line, this.where, `compact_sched: switch ${i + 1} of ${nsMax} misses fields (the switch arrays have ${sTs.length} timestamps, ${sState.length} prev_states, ${sPid.length} next_pids, ${sPrio.length} next_prios, ${sComm.length} comm indices)`);
        continue;
      }
      acc += sTs[i];
      const comm = intern[sComm[i]];
      if (comm === undefined) {
        d.addMalformed(line, this.where, `compact_sched: switch ${i + 1} names comm ${sComm[i]} of an intern_table of ${intern.length}`);
        continue;
      }
      const s = switchRecord(line, Number(acc) / 1e9, cpu, '?', PREV_UNSET, String(sState[i]), comm, sPid[i], undefined, sPrio[i]);
      out.push(s);
      switches.push(s);
    }
    const nw = Math.min(wTs.length, wPid.length, wCpu.length, wPrio.length, wComm.length);
    const nwMax = Math.max(wTs.length, wPid.length, wCpu.length, wPrio.length, wComm.length);
    acc = 0n;
    for (let i = 0; i < nwMax; i++) {
      const line = ++this.events;
      d.lines++;
      if (i >= nw) {
        d.addMalformed(line, this.where, `compact_sched: waking ${i + 1} of ${nwMax} misses fields (the waking arrays have ${wTs.length} timestamps, ${wPid.length} pids, ${wCpu.length} target cpus, ${wPrio.length} prios, ${wComm.length} comm indices)`);
        continue;
      }
      acc += wTs[i];
      const comm = intern[wComm[i]];
      if (comm === undefined) {
        d.addMalformed(line, this.where, `compact_sched: waking ${i + 1} names comm ${wComm[i]} of an intern_table of ${intern.length}`);
        continue;
      }
      out.push(wakeupRecord(line, Number(acc) / 1e9, cpu, comm, wPid[i], wCpu[i], wPrio[i], undefined, 'waking'));
    }
  }
}

/** The array a CompactSched field fills, and how its elements are read; undefined for other fields. */
function compactArray(
  f: number,
  sTs: bigint[],
  sState: bigint[],
  sPid: number[],
  sPrio: number[],
  sComm: number[],
  wTs: bigint[],
  wPid: number[],
  wCpu: number[],
  wPrio: number[],
  wComm: number[],
): { a: bigint[] | number[]; big: boolean; signed: boolean } | undefined {
  switch (f) {
    case CS_SWITCH_TIMESTAMP: return { a: sTs, big: true, signed: false };
    case CS_SWITCH_PREV_STATE: return { a: sState, big: true, signed: true };
    case CS_SWITCH_NEXT_PID: return { a: sPid, big: false, signed: true };
    case CS_SWITCH_NEXT_PRIO: return { a: sPrio, big: false, signed: true };
    case CS_SWITCH_NEXT_COMM_INDEX: return { a: sComm, big: false, signed: false };
    case CS_WAKING_TIMESTAMP: return { a: wTs, big: true, signed: false };
    case CS_WAKING_PID: return { a: wPid, big: false, signed: true };
    case CS_WAKING_TARGET_CPU: return { a: wCpu, big: false, signed: true };
    case CS_WAKING_PRIO: return { a: wPrio, big: false, signed: true };
    case CS_WAKING_COMM_INDEX: return { a: wComm, big: false, signed: false };
    default: return undefined;
  }
}

/** Records of a whole Perfetto trace in memory; the diagnostics are returned. */
export function parsePerfetto(bytes: Uint8Array, opts: PerfettoOptions = {}): TraceDiagnostics {
  const p = new PerfettoParser(opts);
  p.push(bytes);
  return p.end();
}
