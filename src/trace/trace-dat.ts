/**
 * @module trace/trace-dat: trace-cmd's binary `trace.dat` (file versions 6 and 7), read directly.
 *
 * The layout is trace-cmd.dat.v6(5) and trace-cmd.dat.v7(5) (Documentation/trace-cmd/ in
 * trace-cmd; the reader there is lib/trace-cmd/trace-input.c):
 *
 * - initial format: `17 08 44 "tracing"`, the version as a NUL-terminated string, one byte of
 *   endianness (0 little, 1 big; every number after it is in that order), one byte of userspace
 *   long size, the u32 page size. v7 adds the compression header `name\0version\0` and the u64
 *   offset of the first options section.
 * - v6, in order: `header_page\0` + u64 size + text, `header_event\0` + u64 size + text, the ftrace
 *   formats (u32 count, each u64 size + text), the event formats (u32 systems, each: system name,
 *   u32 count, each u64 size + text), kallsyms (u32 size), printk formats (u32 size), saved
 *   cmdlines (u64 size), the u32 cpu count, then `options  \0` (options: u16 id, u32 size, data,
 *   until id 0) and `flyrecord\0` followed by u64 offset + u64 size per cpu (or `latency  \0`).
 * - v7: sections, each with a header (u16 id, u16 flags (1 = compressed), u32 description string
 *   id, u64 size) and, when compressed, u32 compressed size + u32 uncompressed size + data. The
 *   options section (id 0) holds the same options plus pointers to the other sections (16 header
 *   info, 17 ftrace formats, 18 event formats, 19 kallsyms, 20 printk, 21 cmdlines) and BUFFER
 *   options (id 3: u64 section offset, instance name, clock, u32 page size, u32 cpus, then per cpu
 *   u32 id, u64 offset, u64 size); DONE (id 0, 8 bytes) gives the offset of the next options
 *   section. A compressed flyrecord section stores each cpu's data as u32 chunk count, then per
 *   chunk u32 compressed size, u32 uncompressed size, data (trace-compress.c,
 *   tracecmd_load_chunks_info).
 *
 * The per-cpu data are the kernel's ring-buffer pages (include/linux/ring_buffer.h,
 * kernel/trace/ring_buffer.c; as libtraceevent's kbuffer-parse.c reads them): a page header
 * described by `header_page` (u64 timestamp, local_t commit whose low 27 bits are the bytes of
 * events and whose bits 31/30 flag missed events / a stored missed count after the data), then
 * events, each a u32 header of a 5-bit type_len and a 27-bit time_delta (type_len in the low bits
 * on little-endian, the high bits on big-endian): 29 padding (array[0] bytes follow; time_delta 0
 * means the rest of the page), 30 time extend (delta += array[0] << 27), 31 absolute time stamp
 * (array[0] << 27 | time_delta, top 5 bits kept from the current time), 1..28 data of type_len * 4
 * bytes, 0 data of array[0] - 4 bytes after array[0].
 *
 * Each cpu's pages are read in order and the cpus are merged by timestamp (ties to the lower cpu,
 * as `trace-cmd report` does), so records come out in the report's order, `line` numbering events
 * in that order. sched_switch / sched_wakeup / sched_wakeup_new / sched_waking are decoded with
 * the offsets of their `format` files; `prev_state` is printed with the kernel's own print fmt
 * (stateLetters), so it reads as the report's `S`, `R+`, `x`. `ts` is in seconds: the trace clock's
 * nanoseconds, through TSC2NSEC and plus OFFSET when the file has those options. The DATE option
 * (`trace-cmd record --date`) is ignored, as `trace-cmd report --nodate` does: it shifts times to
 * the epoch, where a double in seconds keeps only about a quarter of a microsecond. A counter clock (x86-tsc, counter)
 * without TSC2NSEC stays in counts (`header.tsUnit: 'tsc-cycles'`) unless `tscHz` is given.
 *
 * The file is read through a ByteSource (random access; src/cli gives one over a file descriptor)
 * a page batch at a time, and decompression is supplied by the caller (src/trace stays free of
 * node:*): a codec the caller cannot decompress (zstd on Node 20) is refused by name. Bad
 * structure outside the pages is a TraceFormatError naming the section and byte offset; an event
 * that does not fit its page is a malformed record (counted, the rest of that page skipped).
 */
import type { TraceRecord } from './record.ts';
import { switchRecord, wakeupRecord } from './sched-payload.ts';
import {
  checkHeaderEvent,
  type EventFormat,
  type FieldFormat,
  FormatTextError,
  type PageHeader,
  parseEventFormat,
  parseHeaderPage,
  stateLetters,
} from './trace-dat-format.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { TraceFormatError } from './trace-format-error.ts';

/** Random access to the file's bytes. `read` may return fewer bytes only at the end of the file. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over bytes in memory. */
export function bytesSource(b: Uint8Array): ByteSource {
  return { size: b.length, read: (o, n) => b.subarray(o, Math.min(o + n, b.length)) };
}

/**
 * Decompress `data` (one compressed block of a v7 file) with `codec` (the file's compression
 * name, e.g. `zlib`, `zstd`) into `size` bytes; undefined if this machine has no such codec.
 */
export type Decompressor = (codec: string, data: Uint8Array, size: number) => Uint8Array | undefined;

export interface TraceDatOptions {
  onRecord?: (r: TraceRecord) => void;
  diagnostics?: TraceDiagnostics;
  /** Malformed records kept with their text (all are counted); default 20. */
  keepMalformed?: number;
  /** For compressed v7 files; without it a compressed file is refused. */
  decompress?: Decompressor;
  /** Counter frequency in Hz, for a trace recorded with a counter clock and no TSC2NSEC option. */
  tscHz?: number;
}

const MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]; // 17 08 44 "tracing"

/** Whether `head` (the first bytes of a file) is a trace-cmd trace.dat. */
export function isTraceDat(head: Uint8Array): boolean {
  if (head.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (head[i] !== MAGIC[i]) return false;
  return true;
}

// Option and section ids (trace-cmd.dat.v7(5), "OPTIONS SECTION"; trace-cmd-private.h).
const OPT_DONE = 0;
const OPT_BUFFER = 3;
const OPT_TRACECLOCK = 4;
const OPT_OFFSET = 7;
const OPT_CPUCOUNT = 8;
const OPT_TSC2NSEC = 14;
const OPT_HEADER_INFO = 16;
const OPT_FTRACE_EVENTS = 17;
const OPT_EVENT_FORMATS = 18;
const OPT_BUFFER_TEXT = 22;
const SEC_FL_COMPRESS = 1;

// Ring-buffer event types (include/linux/ring_buffer.h, enum ring_buffer_type).
const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;
const TYPE_TIME_STAMP = 31;
const TS_SHIFT = 2 ** 27;
/** kbuffer-parse.c: COMMIT_MASK, MISSING_EVENTS, MISSING_STORED. */
const COMMIT_MASK = (1 << 27) - 1;
const MISSING_EVENTS = 0x80000000;
const MISSING_STORED = 0x40000000;
const TS_MSB = 2 ** 59;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const PAGE_BATCH = 16;

function fail(message: string): never {
  throw new TraceFormatError(`trace.dat: ${message}`);
}

/** Sequential reads from a ByteSource (the file, or a decompressed section) with a read-ahead window. */
class Reader {
  pos: number;
  private win: Uint8Array = new Uint8Array(0);
  private winAt = 0;

  constructor(
    private readonly src: ByteSource,
    readonly le: boolean,
    /** Describes a position for messages: the file byte, or the byte of a decompressed section. */
    private readonly label: (pos: number) => string,
    pos = 0,
  ) {
    this.pos = pos;
  }

  at(pos = this.pos): string {
    return this.label(pos);
  }

  /** The next `n` bytes; throws naming `what` if the source ends first. */
  bytes(n: number, what: string): Uint8Array {
    const p = this.pos;
    if (n < 0 || p + n > this.src.size) {
      fail(`expected ${what} (${n} bytes) at ${this.at(p)}, but the ${this.src.size === p ? 'data ends there' : `data ends at byte ${this.src.size}`}`);
    }
    if (p < this.winAt || p + n > this.winAt + this.win.length) {
      this.win = this.src.read(p, Math.max(n, 1 << 16));
      this.winAt = p;
      if (this.win.length < n) fail(`expected ${what} (${n} bytes) at ${this.at(p)}, but only ${this.win.length} could be read`);
    }
    this.pos = p + n;
    return this.win.subarray(p - this.winAt, p - this.winAt + n);
  }

  private dv(n: number, what: string): DataView {
    const b = this.bytes(n, what);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  u8(what: string): number {
    return this.bytes(1, what)[0];
  }
  u16(what: string): number {
    return this.dv(2, what).getUint16(0, this.le);
  }
  u32(what: string): number {
    return this.dv(4, what).getUint32(0, this.le);
  }
  /** A u64 as a number; sizes and offsets beyond 2^53 are refused. */
  u64(what: string): number {
    const at = this.pos;
    const d = this.dv(8, what);
    const v = this.le ? d.getUint32(4, true) * 2 ** 32 + d.getUint32(0, true) : d.getUint32(0, false) * 2 ** 32 + d.getUint32(4, false);
    if (v > MAX_SAFE) fail(`${what} at ${this.at(at)} is ${v}, larger than any file`);
    return v;
  }
  /** A NUL-terminated string (at most `max` bytes before the NUL). */
  cstr(what: string, max = 4096): string {
    const start = this.pos;
    let s = '';
    for (;;) {
      if (this.pos >= this.src.size) fail(`expected ${what} (a NUL-terminated string) at ${this.at(start)}, but the data ends first`);
      const c = this.bytes(1, what)[0];
      if (c === 0) return s;
      if (s.length >= max) fail(`expected ${what} (a NUL-terminated string) at ${this.at(start)}, but found no NUL in ${max} bytes`);
      s += String.fromCharCode(c);
    }
  }
  text(n: number, what: string): string {
    return utf8.decode(this.bytes(n, what));
  }
  skip(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.src.size) fail(`${what} at ${this.at()} claims ${n} bytes, past the end of the data (byte ${this.src.size})`);
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8');

const fileLabel = (pos: number) => `byte ${pos}`;

interface CpuData {
  cpu: number;
  offset: number;
  size: number;
  compressed: boolean;
}

/** A BUFFER option: one trace instance's per-cpu data (v7), or just its name (v6). */
interface BufferInfo {
  name: string;
  cpus: CpuData[];
  latency: boolean;
  sectionOffset?: number;
}

interface Meta {
  version: number;
  le: boolean;
  pageSize: number;
  pageHeader: PageHeader;
  formats: Map<number, EventFormat>;
  commonType: FieldFormat | undefined;
  cpus: CpuData[];
  cpuCount: number;
  tsOffset: bigint;
  tsc2nsec: { mult: bigint; shift: bigint; offset: bigint } | undefined;
  clock: string | undefined;
  codec: string;
}

const SCHED_EVENTS = new Set(['sched_switch', 'sched_wakeup', 'sched_wakeup_new', 'sched_waking']);

/** strtoll(buf, NULL, 0) of an option's ASCII number. */
function optionNumber(b: Uint8Array, what: string, at: string): bigint {
  const s = utf8.decode(b).replace(/\0.*$/s, '').trim();
  const m = /^([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)/i.exec(s);
  if (!m) fail(`the ${what} option at ${at} is ${JSON.stringify(s)}, expected a number`);
  const mag = m[2].length > 1 && m[2][0] === '0' && !/^0x/i.test(m[2]) ? BigInt(`0o${m[2].slice(1)}`) : BigInt(m[2]);
  return m[1] === '-' ? -mag : mag;
}

class MetaReader {
  readonly m: Meta;

  constructor(
    private readonly src: ByteSource,
    private readonly decompress: Decompressor | undefined,
  ) {
    const r = new Reader(src, true, fileLabel);
    const magic = r.bytes(Math.min(MAGIC.length, src.size), 'the magic 17 08 44 "tracing"');
    if (!isTraceDat(magic)) fail('not a trace-cmd trace.dat: the file does not start with the magic bytes 17 08 44 "tracing"');
    const vtext = r.cstr('the file version', 16);
    const version = Number(vtext);
    if (version !== 6 && version !== 7) {
      fail(`file version ${JSON.stringify(vtext)} at byte 10; this reader knows versions 6 and 7 (trace-cmd convert --file-version 7 -i IN -o OUT writes one)`);
    }
    const endian = r.u8('the endianness byte');
    if (endian > 1) fail(`endianness byte at byte ${r.pos - 1} is ${endian}, expected 0 (little) or 1 (big)`);
    const le = endian === 0;
    const longSize = r.u8('the long size byte');
    if (longSize !== 4 && longSize !== 8) fail(`long size at byte ${r.pos - 1} is ${longSize}, expected 4 or 8`);
    const hr = new Reader(src, le, fileLabel, r.pos);
    const pageSize = hr.u32('the page size');
    if (pageSize < 64 || pageSize > 1 << 24) fail(`page size at byte ${hr.pos - 4} is ${pageSize}, expected a page size such as 4096`);
    this.m = {
      version,
      le,
      pageSize,
      pageHeader: { timestampOffset: 0, commitOffset: 8, commitSize: 8, dataOffset: 16 },
      formats: new Map(),
      commonType: undefined,
      cpus: [],
      cpuCount: 0,
      tsOffset: 0n,
      tsc2nsec: undefined,
      clock: undefined,
      codec: 'none',
    };
    if (version === 6) this.readV6(hr);
    else this.readV7(hr);
  }

  private sectionError(section: string, e: unknown, at: string): never {
    if (e instanceof FormatTextError) fail(`${section} at ${at}: ${e.message}`);
    throw e;
  }

  /** header_page + header_event, as in the v6 header and the v7 HEADER INFO section. */
  private readHeaderInfo(r: Reader): void {
    const at = r.at();
    const tag = r.cstr('"header_page"', 16);
    if (tag !== 'header_page') fail(`expected "header_page" at ${at}, found ${JSON.stringify(tag)}`);
    const psize = r.u64('the header_page size');
    const pat = r.at();
    const page = r.text(psize, 'the header_page text');
    try {
      this.m.pageHeader = parseHeaderPage(page);
    } catch (e) {
      this.sectionError('header_page', e, pat);
    }
    const eat = r.at();
    const etag = r.cstr('"header_event"', 16);
    if (etag !== 'header_event') fail(`expected "header_event" at ${eat}, found ${JSON.stringify(etag)}`);
    const esize = r.u64('the header_event size');
    const evat = r.at();
    try {
      checkHeaderEvent(r.text(esize, 'the header_event text'));
    } catch (e) {
      this.sectionError('header_event', e, evat);
    }
  }

  private skipFtraceFormats(r: Reader): void {
    const n = r.u32('the count of ftrace event formats');
    for (let i = 0; i < n; i++) r.skip(r.u64(`the size of ftrace format ${i + 1} of ${n}`), `ftrace format ${i + 1} of ${n}`);
  }

  private readEventFormats(r: Reader): void {
    const systems = r.u32('the count of event systems');
    for (let s = 0; s < systems; s++) {
      const name = r.cstr(`the name of event system ${s + 1} of ${systems}`, 256);
      const count = r.u32(`the count of events of system "${name}"`);
      for (let i = 0; i < count; i++) {
        const size = r.u64(`the size of format ${i + 1} of ${count} of system "${name}"`);
        if (name !== 'sched') {
          r.skip(size, `format ${i + 1} of system "${name}"`);
          continue;
        }
        const f = parseEventFormat(r.text(size, `format ${i + 1} of system "sched"`));
        if (!SCHED_EVENTS.has(f.name) || f.id < 0) continue;
        this.m.formats.set(f.id, f);
        this.m.commonType ??= f.fields.get('common_type');
      }
    }
  }

  private option(id: number, data: Uint8Array, at: string, buffers: BufferInfo[], sectioned: boolean): void {
    const m = this.m;
    const r = new Reader(bytesSource(data), m.le, (p) => `byte ${p} of the option at ${at}`);
    switch (id) {
      case OPT_OFFSET:
        m.tsOffset += optionNumber(data, 'OFFSET', at);
        break;
      case OPT_TSC2NSEC: {
        const mult = r.u32('the TSC2NSEC multiplier');
        const shift = r.u32('the TSC2NSEC shift');
        const offset = r.u64('the TSC2NSEC offset');
        m.tsc2nsec = { mult: BigInt(mult), shift: BigInt(shift), offset: BigInt(offset) };
        break;
      }
      case OPT_TRACECLOCK: {
        const s = utf8.decode(data);
        m.clock = /\[([^\]]+)\]/.exec(s)?.[1] ?? (s.replace(/\0.*$/s, '').trim() || undefined);
        break;
      }
      case OPT_CPUCOUNT:
        m.cpuCount = r.u32('the CPUCOUNT value');
        break;
      case OPT_BUFFER:
      case OPT_BUFFER_TEXT: {
        if (!sectioned) {
          // v6: an instance buffer (trace-cmd record -B); only the top instance is read.
          r.u64('the BUFFER offset');
          buffers.push({ name: r.cstr('the BUFFER instance name'), cpus: [], latency: false });
          break;
        }
        const offset = r.u64('the BUFFER section offset');
        const name = r.cstr('the BUFFER instance name');
        const clock = r.cstr('the BUFFER clock');
        if (id === OPT_BUFFER_TEXT) {
          buffers.push({ name, cpus: [], latency: true });
          break;
        }
        r.u32('the BUFFER page size');
        const n = r.u32('the BUFFER cpu count');
        const cpus: CpuData[] = [];
        for (let i = 0; i < n; i++) {
          const cpu = r.u32(`the id of cpu ${i + 1} of ${n}`);
          const off = r.u64(`the data offset of cpu ${cpu}`);
          const size = r.u64(`the data size of cpu ${cpu}`);
          cpus.push({ cpu, offset: off, size, compressed: false });
        }
        if (name === '' && clock) m.clock = clock;
        buffers.push({ name, cpus, latency: false, sectionOffset: offset });
        break;
      }
      case OPT_HEADER_INFO:
      case OPT_FTRACE_EVENTS:
      case OPT_EVENT_FORMATS:
        this.sectionOffsets.set(id, r.u64('the section offset'));
        break;
      default:
        break;
    }
  }

  private readonly sectionOffsets = new Map<number, number>();

  private readV6(r: Reader): void {
    this.readHeaderInfo(r);
    this.skipFtraceFormats(r);
    this.readEventFormats(r);
    r.skip(r.u32('the kallsyms size'), 'the kallsyms section');
    r.skip(r.u32('the printk formats size'), 'the printk formats section');
    r.skip(r.u64('the saved cmdlines size'), 'the saved cmdlines section');
    const cpus = r.u32('the cpu count');
    this.m.cpuCount = cpus;
    let at = r.at();
    let tag = utf8.decode(r.bytes(10, '"options  ", "flyrecord" or "latency  "'));
    const buffers: BufferInfo[] = [];
    if (tag.startsWith('options')) {
      for (;;) {
        const oat = r.at();
        const id = r.u16('an option id');
        if (id === OPT_DONE) break;
        const size = r.u32(`the size of option ${id}`);
        this.option(id, r.bytes(size, `the data of option ${id}`), oat, buffers, false);
      }
      if (this.m.cpuCount === 0) this.m.cpuCount = cpus;
      at = r.at();
      tag = utf8.decode(r.bytes(10, '"flyrecord" or "latency  "'));
    }
    if (tag.startsWith('latency')) {
      fail(`the file holds a latency trace (text from a latency tracer, at ${at}), not per-cpu event data; record with trace-cmd record -e sched_switch -e sched_wakeup`);
    }
    if (!tag.startsWith('flyrecord')) fail(`expected "flyrecord" or "latency" at ${at}, found ${JSON.stringify(tag.replace(/\0/g, '\\0'))}`);
    for (let cpu = 0; cpu < cpus; cpu++) {
      const offset = r.u64(`the data offset of cpu ${cpu}`);
      const size = r.u64(`the data size of cpu ${cpu}`);
      this.m.cpus.push({ cpu, offset, size, compressed: false });
    }
  }

  /** A v7 section at `offset`: its header checked, its contents (decompressed if flagged). */
  private section(offset: number, wantId: number, what: string): Reader {
    const m = this.m;
    const r = new Reader(this.src, m.le, fileLabel, offset);
    const id = r.u16(`the id of the ${what} section`);
    const flags = r.u16(`the flags of the ${what} section`);
    r.u32(`the description of the ${what} section`);
    const size = r.u64(`the size of the ${what} section`);
    if (id !== wantId) fail(`the ${what} section at byte ${offset} has id ${id}, expected ${wantId}`);
    if (!(flags & SEC_FL_COMPRESS)) return new Reader(this.src, m.le, fileLabel, r.pos);
    const zat = r.pos;
    const zsize = r.u32(`the compressed size of the ${what} section`);
    const usize = r.u32(`the uncompressed size of the ${what} section`);
    const data = this.inflate(r.bytes(zsize, `the compressed ${what} section (${size} bytes)`), usize, `the ${what} section at byte ${zat}`);
    return new Reader(bytesSource(data), m.le, (p) => `byte ${p} of the decompressed ${what} section (file byte ${offset})`);
  }

  inflate(data: Uint8Array, size: number, what: string): Uint8Array {
    const codec = this.m.codec;
    if (codec === 'none') fail(`${what} is flagged compressed, but the file header names no compression ("none")`);
    if (!this.decompress) fail(`${what} is compressed with ${codec}, and no decompressor was given`);
    let out: Uint8Array | undefined;
    try {
      out = this.decompress(codec, data, size);
    } catch (e) {
      fail(`${what} could not be decompressed with ${codec}: ${(e as Error).message}`);
    }
    if (out === undefined) {
      fail(
        `${what} is compressed with ${codec}, which this machine cannot decompress (Node's zlib has zlib, and zstd only from Node 22.15); convert the file first: trace-cmd convert --file-version 7 --compression none -i IN -o OUT`,
      );
    }
    if (out.length !== size) fail(`${what} decompressed to ${out.length} bytes, but its header says ${size}`);
    return out;
  }

  private readV7(r: Reader): void {
    const m = this.m;
    const codec = r.cstr('the compression name', 64);
    const cver = r.cstr('the compression version', 64);
    m.codec = codec;
    void cver;
    let next = r.u64('the offset of the first options section');
    const buffers: BufferInfo[] = [];
    const seen = new Set<number>();
    while (next !== 0) {
      if (seen.has(next)) fail(`the options sections loop back to byte ${next}`);
      seen.add(next);
      const o = this.section(next, OPT_DONE, 'options');
      let following: number | undefined;
      while (following === undefined) {
        const oat = o.at();
        const id = o.u16('an option id');
        const size = o.u32(`the size of option ${id}`);
        const data = o.bytes(size, `the data of option ${id}`);
        if (id === OPT_DONE) {
          if (size < 8) fail(`the DONE option at ${oat} has ${size} bytes, expected 8 (the next options offset)`);
          following = new Reader(bytesSource(data), m.le, () => oat).u64('the next options offset');
        } else this.option(id, data, oat, buffers, true);
      }
      next = following;
    }
    const hi = this.sectionOffsets.get(OPT_HEADER_INFO);
    if (hi === undefined) fail('the options name no HEADER_INFO section (option 16), so the ring-buffer page layout is unknown');
    this.readHeaderInfo(this.section(hi, OPT_HEADER_INFO, 'header info'));
    const ef = this.sectionOffsets.get(OPT_EVENT_FORMATS);
    if (ef === undefined) fail('the options name no EVENT_FORMATS section (option 18), so sched_switch cannot be decoded');
    this.readEventFormats(this.section(ef, OPT_EVENT_FORMATS, 'event formats'));
    const fly = buffers.filter((b) => !b.latency);
    const buf = fly.find((b) => b.name === '') ?? fly[0];
    if (!buf) {
      if (buffers.length) fail('the file holds only a latency trace (BUFFER_TEXT), not per-cpu event data; record with trace-cmd record -e sched_switch -e sched_wakeup');
      fail('the options name no BUFFER (option 3): the file has no per-cpu event data');
    }
    // The flyrecord section's header says whether the per-cpu data are compressed (in chunks).
    const sr = new Reader(this.src, m.le, fileLabel, buf.sectionOffset ?? 0);
    sr.u16('the id of the flyrecord section');
    const flags = sr.u16('the flags of the flyrecord section');
    const compressed = (flags & SEC_FL_COMPRESS) !== 0;
    for (const c of buf.cpus) c.compressed = compressed;
    m.cpus = buf.cpus;
    if (m.cpuCount === 0) m.cpuCount = buf.cpus.length ? Math.max(...buf.cpus.map((c) => c.cpu)) + 1 : 0;
  }
}

/** Pages of one cpu, in order: from the file directly, or from decompressed chunks. */
class PageSource {
  private pos = 0;
  private chunk: Uint8Array | undefined;
  private chunkPos = 0;
  private chunksLeft = -1;
  private zr: Reader | undefined;
  private batch: Uint8Array | undefined;
  private batchPos = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly meta: MetaReader,
    private readonly cpu: CpuData,
  ) {}

  /** The next page (pageSize bytes, or less at the end), or undefined. */
  next(): Uint8Array | undefined {
    const ps = this.meta.m.pageSize;
    if (!this.cpu.compressed) {
      if (this.pos >= this.cpu.size) return undefined;
      if (!this.batch || this.batchPos >= this.batch.length) {
        const n = Math.min(this.cpu.size - this.pos, ps * PAGE_BATCH);
        this.batch = this.src.read(this.cpu.offset + this.pos, n);
        this.batchPos = 0;
        if (this.batch.length < n) fail(`cpu ${this.cpu.cpu}'s data (byte ${this.cpu.offset}, ${this.cpu.size} bytes) runs past the end of the file (${this.src.size} bytes): the file is truncated`);
      }
      const page = this.batch.subarray(this.batchPos, this.batchPos + ps);
      this.batchPos += page.length;
      this.pos += page.length;
      return page;
    }
    for (;;) {
      if (this.chunk && this.chunkPos < this.chunk.length) {
        const page = this.chunk.subarray(this.chunkPos, this.chunkPos + ps);
        this.chunkPos += page.length;
        return page;
      }
      if (this.chunksLeft < 0) {
        this.zr = new Reader(this.src, this.meta.m.le, fileLabel, this.cpu.offset);
        this.chunksLeft = this.cpu.size === 0 ? 0 : this.zr.u32(`the chunk count of cpu ${this.cpu.cpu}'s compressed data`);
      }
      if (this.chunksLeft === 0) return undefined;
      this.chunksLeft--;
      const zr = this.zr as Reader;
      const at = zr.pos;
      const zsize = zr.u32(`the compressed size of a chunk of cpu ${this.cpu.cpu}`);
      const usize = zr.u32(`the uncompressed size of a chunk of cpu ${this.cpu.cpu}`);
      this.chunk = this.meta.inflate(zr.bytes(zsize, `a compressed chunk of cpu ${this.cpu.cpu}`), usize, `the chunk of cpu ${this.cpu.cpu} at byte ${at}`);
      this.chunkPos = 0;
    }
  }
}

function hex(b: Uint8Array, max = 40): string {
  let s = '';
  for (let i = 0; i < b.length && i < max; i++) s += (i ? ' ' : '') + b[i].toString(16).padStart(2, '0');
  return s;
}

/** One cpu's events, in order: the cursor stands on a data event (data at `ev`, `evLen` bytes, time `ts`). */
class CpuStream {
  /** The trace clock's time of the current event, in its own units (ns for the usual clocks). */
  ts = 0;
  page: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  ev = 0;
  evLen = 0;
  private pos = 0;
  private end = 0;
  private pageNo = -1;
  lost = 0;

  constructor(
    readonly cpu: number,
    private readonly pages: PageSource,
    private readonly m: Meta,
    private readonly d: TraceDiagnostics,
  ) {}

  private bad(at: number, reason: string): void {
    this.d.addMalformed(this.d.lines + 1, hex(this.page.subarray(at, at + 16)), `cpu ${this.cpu} page ${this.pageNo} byte ${at}: ${reason}; rest of the page skipped`);
    this.pos = this.end;
  }

  private loadPage(): boolean {
    const ph = this.m.pageHeader;
    const le = this.m.le;
    for (;;) {
      const page = this.pages.next();
      if (!page) return false;
      this.pageNo++;
      this.page = page;
      this.dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
      if (page.length < ph.dataOffset) {
        this.pos = this.end = 0;
        this.d.addMalformed(this.d.lines + 1, hex(page), `cpu ${this.cpu} page ${this.pageNo}: ${page.length} bytes, shorter than the page header (${ph.dataOffset})`);
        continue;
      }
      const dv = this.dv;
      const t = ph.timestampOffset;
      this.ts = le ? dv.getUint32(t + 4, true) * 2 ** 32 + dv.getUint32(t, true) : dv.getUint32(t, false) * 2 ** 32 + dv.getUint32(t + 4, false);
      // local_t commit: the low 32 bits hold the size and the missed-events flags.
      const c = ph.commitOffset + (ph.commitSize === 8 && !le ? 4 : 0);
      const commit = dv.getUint32(c, le);
      const size = commit & COMMIT_MASK;
      this.pos = ph.dataOffset;
      this.end = ph.dataOffset + size;
      if (this.end > page.length) {
        this.d.addMalformed(this.d.lines + 1, hex(page.subarray(0, 16)), `cpu ${this.cpu} page ${this.pageNo}: commit says ${size} bytes of events, more than the ${page.length - ph.dataOffset} the page holds; page skipped`);
        this.end = this.pos;
        continue;
      }
      if (commit & MISSING_EVENTS) {
        // The count is stored after the events when MISSING_STORED is set; otherwise at least one was lost.
        let n = 1;
        if (commit & MISSING_STORED && this.end + ph.commitSize <= page.length) {
          n = ph.commitSize === 8 ? (le ? dv.getUint32(this.end + 4, true) * 2 ** 32 + dv.getUint32(this.end, true) : dv.getUint32(this.end, false) * 2 ** 32 + dv.getUint32(this.end + 4, false)) : dv.getUint32(this.end, le);
        }
        this.lost += n;
      }
      return true;
    }
  }

  /** Move to the next data event; false at the end of this cpu's data. */
  advance(): boolean {
    const le = this.m.le;
    for (;;) {
      if (this.pos + 4 > this.end) {
        if (!this.loadPage()) return false;
        continue;
      }
      const dv = this.dv;
      const at = this.pos;
      const w = dv.getUint32(at, le);
      const typeLen = le ? w & 31 : w >>> 27;
      const delta = le ? w >>> 5 : w & COMMIT_MASK;
      if (typeLen === TYPE_PADDING) {
        if (delta === 0) {
          this.pos = this.end; // the rest of the page is padding
          continue;
        }
        if (at + 8 > this.end) {
          this.bad(at, 'padding event without its length word');
          continue;
        }
        this.ts += delta;
        this.pos = at + 4 + dv.getUint32(at + 4, le);
        continue;
      }
      if (typeLen === TYPE_TIME_EXTEND || typeLen === TYPE_TIME_STAMP) {
        if (at + 8 > this.end) {
          this.bad(at, `${typeLen === TYPE_TIME_EXTEND ? 'time extend' : 'time stamp'} event cut off by the end of the page`);
          continue;
        }
        const v = dv.getUint32(at + 4, le) * TS_SHIFT + delta;
        if (typeLen === TYPE_TIME_EXTEND) this.ts += v;
        else this.ts = v + (this.ts >= TS_MSB ? Math.floor(this.ts / TS_MSB) * TS_MSB : 0);
        this.pos = at + 8;
        continue;
      }
      let data: number;
      let len: number;
      if (typeLen === 0) {
        if (at + 8 > this.end) {
          this.bad(at, 'event with type_len 0 cut off before its length word');
          continue;
        }
        const a = dv.getUint32(at + 4, le);
        if (a < 4) {
          this.bad(at, `event with type_len 0 has length word ${a}, less than 4`);
          continue;
        }
        len = ((a - 4 + 3) & ~3) >>> 0;
        data = at + 8;
      } else {
        len = typeLen * 4;
        data = at + 4;
      }
      if (data + len > this.end) {
        this.bad(at, `event of ${len} bytes runs past the page's ${this.end - this.m.pageHeader.dataOffset} committed bytes`);
        continue;
      }
      this.ts += delta;
      this.ev = data;
      this.evLen = len;
      this.pos = data + len;
      return true;
    }
  }
}

interface Field {
  offset: number;
  size: number;
  signed: boolean;
}

function readInt(dv: DataView, off: number, f: Field, le: boolean): number {
  const p = off + f.offset;
  switch (f.size) {
    case 1:
      return f.signed ? dv.getInt8(p) : dv.getUint8(p);
    case 2:
      return f.signed ? dv.getInt16(p, le) : dv.getUint16(p, le);
    case 4:
      return f.signed ? dv.getInt32(p, le) : dv.getUint32(p, le);
    default: {
      const lo = dv.getUint32(le ? p : p + 4, le);
      const hi = le ? dv.getInt32(p + 4, le) : dv.getInt32(p, le);
      return (f.signed ? hi : hi >>> 0) * 2 ** 32 + lo;
    }
  }
}

function readComm(page: Uint8Array, off: number, f: Field): string {
  const start = off + f.offset;
  const end = start + f.size;
  let s = '';
  for (let i = start; i < end; i++) {
    const c = page[i];
    if (c === 0) return s;
    if (c >= 0x80) {
      let j = i;
      while (j < end && page[j] !== 0) j++;
      return utf8.decode(page.subarray(start, j));
    }
    s += String.fromCharCode(c);
  }
  return s;
}

type Decoder =
  | { kind: 'switch'; need: number; prevComm: Field; prevPid: Field; prevPrio?: Field; prevState: Field; nextComm: Field; nextPid: Field; nextPrio?: Field; letters?: (s: number) => string }
  | { kind: 'wakeup'; need: number; comm: Field; pid: Field; prio?: Field; targetCpu?: Field; success?: Field; wakeKind: 'new' | 'waking' | undefined };

function decoderOf(f: EventFormat): Decoder {
  const get = (name: string, required: boolean): Field | undefined => {
    const x = f.fields.get(name);
    if (!x && required) {
      const want = f.name === 'sched_switch' ? 'prev_comm, prev_pid, prev_state, next_comm, next_pid' : 'comm, pid';
      fail(`the ${f.name} format (event formats, ID ${f.id}) has no field ${name}; expected ${want}`);
    }
    return x;
  };
  const need = (...xs: (Field | undefined)[]) => Math.max(0, ...xs.map((x) => (x ? x.offset + x.size : 0)));
  if (f.name === 'sched_switch') {
    const prevComm = get('prev_comm', true) as Field;
    const prevPid = get('prev_pid', true) as Field;
    const prevState = get('prev_state', true) as Field;
    const nextComm = get('next_comm', true) as Field;
    const nextPid = get('next_pid', true) as Field;
    const prevPrio = get('prev_prio', false);
    const nextPrio = get('next_prio', false);
    return {
      kind: 'switch',
      need: need(prevComm, prevPid, prevState, nextComm, nextPid, prevPrio, nextPrio),
      prevComm,
      prevPid,
      prevPrio,
      prevState,
      nextComm,
      nextPid,
      nextPrio,
      letters: stateLetters(f.printFmt),
    };
  }
  const comm = get('comm', true) as Field;
  const pid = get('pid', true) as Field;
  const prio = get('prio', false);
  const targetCpu = get('target_cpu', false);
  const success = get('success', false);
  const wakeKind = f.name === 'sched_wakeup_new' ? 'new' : f.name === 'sched_waking' ? 'waking' : undefined;
  return { kind: 'wakeup', need: need(comm, pid, prio, targetCpu, success), comm, pid, prio, targetCpu, success, wakeKind };
}

/** A binary min-heap of cpu streams by (ts, cpu). */
function less(a: CpuStream, b: CpuStream): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.cpu < b.cpu);
}

class Heap {
  readonly a: CpuStream[] = [];
  push(s: CpuStream): void {
    const a = this.a;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  /** Restore the order after the top's key grew. */
  siftTop(): void {
    const a = this.a;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && less(a[l], a[m])) m = l;
      if (r < a.length && less(a[r], a[m])) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
  pop(): void {
    const a = this.a;
    const last = a.pop() as CpuStream;
    if (a.length) {
      a[0] = last;
      this.siftTop();
    }
  }
}

/**
 * Read a whole trace.dat: records go to `onRecord` in time order; returns the diagnostics
 * (format `trace-dat`, header cpus / traceCmdVersion / lostEvents / tsUnit).
 */
export function readTraceDat(src: ByteSource, opts: TraceDatOptions = {}): TraceDiagnostics {
  const d = opts.diagnostics ?? new TraceDiagnostics(opts.keepMalformed ?? 20);
  const meta = new MetaReader(src, opts.decompress);
  const m = meta.m;
  d.format = 'trace-dat';
  d.header.traceCmdVersion = m.version;
  d.header.cpus = m.cpuCount;
  const counter = m.tsc2nsec === undefined && (m.clock === 'x86-tsc' || m.clock === 'counter');
  d.header.tsUnit = counter && !opts.tscHz ? 'tsc-cycles' : 'seconds';
  const decoders = new Map<number, Decoder>();
  for (const [id, f] of m.formats) decoders.set(id, decoderOf(f));
  const ct: Field = m.commonType ?? { offset: 0, size: 2, signed: false };
  const le = m.le;

  const tsc = m.tsc2nsec;
  const offset = m.tsOffset;
  const plainOffset = Number(offset);
  const divisor = counter ? (opts.tscHz ?? 1) : 1e9;
  const seconds = (t: number): number => {
    if (tsc) {
      // trace-input.c timestamp_calc: mul_u64_u32_shr(ts, mult, shift), then the OFFSET option.
      return Number(((BigInt(Math.round(t)) * tsc.mult) >> tsc.shift) + offset) / 1e9;
    }
    return (t + plainOffset) / divisor;
  };

  const heap = new Heap();
  const streams: CpuStream[] = [];
  for (const c of m.cpus) {
    if (c.size === 0) continue;
    if (c.offset + (c.compressed ? 4 : c.size) > src.size) {
      fail(`cpu ${c.cpu}'s data (byte ${c.offset}, ${c.size} bytes) runs past the end of the file (${src.size} bytes): the file is truncated`);
    }
    const s = new CpuStream(c.cpu, new PageSource(src, meta, c), m, d);
    streams.push(s);
    if (s.advance()) heap.push(s);
  }
  const onRecord = opts.onRecord;
  while (heap.a.length) {
    const s = heap.a[0];
    const line = ++d.lines;
    const dv = s.dv;
    const ev = s.ev;
    const id = s.evLen >= ct.offset + ct.size ? readInt(dv, ev, ct, le) : -1;
    const dec = decoders.get(id);
    if (!dec) d.otherEvents++;
    else if (s.evLen < dec.need) {
      d.addMalformed(line, hex(s.page.subarray(ev, ev + s.evLen)), `cpu ${s.cpu}: ${dec.kind === 'switch' ? 'sched_switch' : 'wakeup'} event of ${s.evLen} bytes, its format needs ${dec.need}`);
    } else {
      const ts = seconds(s.ts);
      let r: TraceRecord;
      if (dec.kind === 'switch') {
        const state = readInt(dv, ev, dec.prevState, le);
        r = switchRecord(
          line,
          ts,
          s.cpu,
          readComm(s.page, ev, dec.prevComm),
          readInt(dv, ev, dec.prevPid, le),
          dec.letters ? dec.letters(state) : String(state),
          readComm(s.page, ev, dec.nextComm),
          readInt(dv, ev, dec.nextPid, le),
          dec.prevPrio ? readInt(dv, ev, dec.prevPrio, le) : undefined,
          dec.nextPrio ? readInt(dv, ev, dec.nextPrio, le) : undefined,
        );
      } else {
        r = wakeupRecord(
          line,
          ts,
          s.cpu,
          readComm(s.page, ev, dec.comm),
          readInt(dv, ev, dec.pid, le),
          dec.targetCpu ? readInt(dv, ev, dec.targetCpu, le) : undefined,
          dec.prio ? readInt(dv, ev, dec.prio, le) : undefined,
          dec.success ? readInt(dv, ev, dec.success, le) !== 0 : undefined,
          dec.wakeKind,
        );
      }
      d.records++;
      onRecord?.(r);
    }
    if (s.advance()) heap.siftTop();
    else heap.pop();
  }
  let lost = 0;
  for (const s of streams) lost += s.lost;
  if (lost > 0) d.header.lostEvents = (d.header.lostEvents ?? 0) + lost;
  return d;
}

/** Generator form (the records are collected first: a trace.dat is read by random access). */
export function* parseTraceDat(src: ByteSource, opts: Omit<TraceDatOptions, 'onRecord'> = {}): Generator<TraceRecord, TraceDiagnostics> {
  const out: TraceRecord[] = [];
  const d = readTraceDat(src, { ...opts, onRecord: (r) => out.push(r) });
  for (let i = 0; i < out.length; i++) yield out[i];
  return d;
}
