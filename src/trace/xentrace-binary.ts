/**
 * @module trace/xentrace-binary: the binary file `xentrace` writes, fed in arbitrary chunks.
 *
 * The file is a sequence of `struct t_rec` (xen/include/public/trace.h), in host byte order:
 *   u32 event:28 | extra_u32:3 | cycles_included:1, [u32 tsc_lo, u32 tsc_hi], u32 data[extra_u32]
 * so a record is 4 to 40 bytes. xentrace copies each pcpu's buffer as one window preceded by a
 * TRC_TRACE_CPU_CHANGE record (data: cpu, window bytes), which is how a record's pcpu is known.
 * Chunks may split a record anywhere; the tail is carried (at most 39 bytes) into the next push.
 * A record cut off by the end of input is a malformed line, not a crash: traces are often
 * copied while xentrace is still writing.
 */
import type { TraceRecord } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';
import { TRC_TRACE_CPU_CHANGE, XenSchedAssembler } from './xen-sched.ts';

export interface XentraceOptions {
  /** TSC frequency in Hz, to turn cycles into seconds; without it `ts` is in cycles (header.tsUnit says so). */
  tscHz?: number;
  onRecord?: (r: TraceRecord) => void;
  diagnostics?: TraceDiagnostics;
  /** Malformed records kept with their text (all are counted); default 20. */
  keepMalformed?: number;
}

const EVENT_MASK = 0x0fffffff;

function headerCode(b: Uint8Array, le: boolean): number {
  const w = le ? b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24) : (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
  return w >>> 0;
}

/** Whether `head` (the first bytes of a file) starts with xentrace's TRC_TRACE_CPU_CHANGE record, in either byte order. */
export function isXentraceBinary(head: Uint8Array): boolean {
  return xentraceByteOrder(head) !== undefined;
}

function xentraceByteOrder(head: Uint8Array): boolean | undefined {
  if (head.length < 4) return undefined;
  for (const le of [true, false]) {
    const h = headerCode(head, le);
    if ((h & EVENT_MASK) === TRC_TRACE_CPU_CHANGE && ((h >>> 28) & 7) >= 1) return le;
  }
  return undefined;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && i < 40; i++) s += (i ? ' ' : '') + b[i].toString(16).padStart(2, '0');
  return s;
}

export class XentraceParser {
  readonly diagnostics: TraceDiagnostics;
  private readonly asm: XenSchedAssembler;
  private carry: Uint8Array = new Uint8Array(0);
  private littleEndian: boolean | undefined;
  private cpu = -1;
  private readonly lastTsc: number[] = [];
  private readonly words = new Uint32Array(7);
  /** Byte offset of the next record in the whole input, for error messages. */
  private offset = 0;
  private ended = false;

  constructor(opts: XentraceOptions = {}) {
    this.diagnostics = opts.diagnostics ?? new TraceDiagnostics(opts.keepMalformed ?? 20);
    this.diagnostics.format = 'xentrace';
    this.diagnostics.header.tsUnit = opts.tscHz ? 'seconds' : 'tsc-cycles';
    if (opts.tscHz) this.diagnostics.header.tscHz = opts.tscHz;
    const onRecord = opts.onRecord;
    const d = this.diagnostics;
    this.asm = new XenSchedAssembler((r) => {
      d.records++;
      onRecord?.(r);
    }, opts.tscHz);
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('XentraceParser.push after end()');
    let buf = chunk;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry, 0);
      buf.set(chunk, this.carry.length);
    }
    if (this.littleEndian === undefined) {
      if (buf.length < 4) {
        this.carry = buf.slice();
        return;
      }
      this.littleEndian = xentraceByteOrder(buf);
      if (this.littleEndian === undefined) {
        const found = headerCode(buf, true).toString(16).padStart(8, '0');
        throw new TraceFormatError(
          `not a xentrace binary: the first record must be TRC_TRACE_CPU_CHANGE (0x0001f003), found header 0x${found} (bytes ${hex(buf.subarray(0, 16))})`,
        );
      }
    }
    const used = this.records(buf);
    this.offset += used;
    this.carry = used < buf.length ? buf.slice(used) : new Uint8Array(0);
  }

  /** Parse whole records from `buf`; returns the bytes consumed. */
  private records(buf: Uint8Array): number {
    const le = this.littleEndian === true;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const d = this.diagnostics;
    const words = this.words;
    const len = buf.length;
    let off = 0;
    while (off + 4 <= len) {
      const h = dv.getUint32(off, le);
      const code = h & EVENT_MASK;
      const extra = (h >>> 28) & 7;
      const cycles = h >>> 31;
      const size = 4 + cycles * 8 + extra * 4;
      if (off + size > len) break;
      const ordinal = ++d.lines;
      let p = off + 4;
      let tsc: number;
      if (cycles) {
        // 2^53 cycles is 37 days at 2.8 GHz after boot, so a double holds a TSC exactly in practice.
        tsc = dv.getUint32(p + 4, le) * 4294967296 + dv.getUint32(p, le);
        p += 8;
        if (this.cpu >= 0) this.lastTsc[this.cpu] = tsc;
      } else {
        tsc = this.cpu >= 0 ? (this.lastTsc[this.cpu] ?? 0) : 0;
      }
      for (let i = 0; i < extra; i++, p += 4) words[i] = dv.getUint32(p, le);
      if (code === TRC_TRACE_CPU_CHANGE) {
        if (extra >= 1) this.cpu = words[0];
        else d.addMalformed(ordinal, hex(buf.subarray(off, off + size)), 'TRC_TRACE_CPU_CHANGE without a cpu word');
      } else if (code === 0) {
        d.addMalformed(ordinal, hex(buf.subarray(off, off + size)), `record at byte ${this.offset + off} has event code 0`);
      } else {
        const r = this.asm.event(ordinal, this.cpu, tsc, code, words, extra);
        if (r === 'other') d.otherEvents++;
      }
      off += size;
    }
    return off;
  }

  /** Flush held switches and report a truncated final record. Returns the diagnostics. */
  end(): TraceDiagnostics {
    if (this.ended) return this.diagnostics;
    this.ended = true;
    const d = this.diagnostics;
    if (this.littleEndian === undefined) {
      throw new TraceFormatError(
        this.carry.length === 0
          ? 'not a xentrace binary: the input is empty'
          : `not a xentrace binary: only ${this.carry.length} bytes, shorter than one record header`,
      );
    }
    if (this.carry.length > 0) {
      const c = this.carry;
      let what = 'truncated record header';
      if (c.length >= 4) {
        const h = new DataView(c.buffer, c.byteOffset, c.byteLength).getUint32(0, this.littleEndian);
        const size = 4 + (h >>> 31) * 8 + ((h >>> 28) & 7) * 4;
        what = `truncated record: ${c.length} of ${size} bytes of event 0x${(h & EVENT_MASK).toString(16).padStart(8, '0')}`;
      }
      d.addMalformed(d.lines + 1, hex(c), `${what} at byte ${this.offset} (input ends mid-record)`);
      this.carry = new Uint8Array(0);
    }
    this.asm.flush();
    if (this.asm.lost > 0) d.header.lostEvents = (d.header.lostEvents ?? 0) + this.asm.lost;
    if (d.header.tsUnit === 'tsc-cycles') {
      const est = this.asm.tscHzEstimate();
      if (est) d.header.tscHzEstimate = est;
    }
    return d;
  }
}

/** Generator form: records of a xentrace binary given as chunks. Returns the diagnostics. */
export function* parseXentrace(
  chunks: Iterable<Uint8Array>,
  opts: Omit<XentraceOptions, 'onRecord'> = {},
): Generator<TraceRecord, TraceDiagnostics> {
  const queue: TraceRecord[] = [];
  const parser = new XentraceParser({ ...opts, onRecord: (r) => queue.push(r) });
  for (const chunk of chunks) {
    parser.push(chunk);
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
