/**
 * Perfetto protobuf traces (issue 21 item 5; trace/perfetto.ts). The traces are built here with
 * @bufbuild/protobuf's BinaryWriter, field numbers as Perfetto's schema gives them (the module
 * comment of perfetto.ts cites the files): regular sched_switch / sched_waking / sched_wakeup_new
 * events, and compact_sched bundles with an intern table and delta-encoded timestamps. The same
 * schedule is also written as ftrace text, and both must give the same switches.
 *
 * No real Perfetto protobuf trace is in ../shared/data/traces (it holds systrace text, Fuchsia JSON
 * and trace-cmd files only), so none is tested here; one added there should get a test in
 * real-traces.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { perfettoDecompress, readTraceFile } from '../cli/read-trace-file.ts';
import { hasPerfettoExtension, isPerfettoTrace, parsePerfetto, PerfettoParser } from './perfetto.ts';
import type { SwitchRecord, TraceRecord, WakeupRecord } from './record.ts';
import { TraceFormatError } from './trace-format-error.ts';
import { parseTraceLines } from './trace-parser.ts';

const LEN = WireType.LengthDelimited;
const VARINT = WireType.Varint;

interface Sw {
  cpu: number;
  ns: number;
  prevComm: string;
  prevPid: number;
  /** Raw kernel task state: 0 running, 1 TASK_INTERRUPTIBLE. */
  prevState: number;
  nextComm: string;
  nextPid: number;
}
interface Wk {
  cpu: number;
  ns: number;
  comm: string;
  pid: number;
  target: number;
}
type Ev = ({ k: 'switch' } & Sw) | ({ k: 'waking' } & Wk);

/** A deterministic schedule on `cpus` cpus: each switch leaves the task the previous one on that cpu brought in; each task switched in is woken just before. */
function schedule(cpus: number, switches: number, seed = 7): Ev[] {
  let a = seed;
  const rand = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const tasks: [string, number][] = [
    ['RenderThread', 1201],
    ['surfaceflinger', 336],
    ['Binder:679_5', 679],
    ['kworker/0:1', 13696],
    ['adbd', 14582],
    ['ndroid.systemui', 474],
  ];
  const idle = (c: number): [string, number] => [`swapper/${c}`, 0];
  const running: [string, number][] = Array.from({ length: cpus }, (_, c) => idle(c));
  const out: Ev[] = [];
  let ns = 86_400_000_000_000; // a day of uptime, in boot-clock ns
  for (let n = 0; n < switches; n++) {
    const cpu = Math.floor(rand() * cpus);
    const prev = running[cpu];
    const free = tasks.filter((t) => !running.includes(t));
    const next = prev[1] !== 0 && rand() < 0.3 ? idle(cpu) : free[Math.floor(rand() * free.length)];
    ns += 10_000 + Math.floor(rand() * 3000) * 1000;
    if (next[1] !== 0) {
      out.push({ k: 'waking', cpu, ns, comm: next[0], pid: next[1], target: cpu });
      ns += 8000;
    }
    out.push({ k: 'switch', cpu, ns, prevComm: prev[0], prevPid: prev[1], prevState: prev[1] !== 0 && rand() < 0.5 ? 1 : 0, nextComm: next[0], nextPid: next[1] });
    running[cpu] = next;
  }
  return out;
}

/** The schedule as the kernel's ftrace text (FORMATS.md 1). */
function ftraceText(evs: Ev[], cpus: number): string {
  const lines = ['# tracer: nop', `# entries-in-buffer/entries-written: ${evs.length}/${evs.length}   #P:${cpus}`];
  const who = (comm: string, pid: number) => `${(pid === 0 ? '<idle>' : comm).padStart(16)}-${String(pid).padEnd(5)}`;
  const cur = new Map<number, [string, number]>();
  for (const e of evs) {
    const [c, p] = cur.get(e.cpu) ?? [`swapper/${e.cpu}`, 0];
    const pre = `${who(c, p)} [${String(e.cpu).padStart(3, '0')}] d..3 ${(e.ns / 1e9).toFixed(6)}:`;
    if (e.k === 'waking') lines.push(`${pre} sched_waking: comm=${e.comm} pid=${e.pid} prio=120 target_cpu=${String(e.target).padStart(3, '0')}`);
    else {
      lines.push(`${pre} sched_switch: prev_comm=${e.prevComm} prev_pid=${e.prevPid} prev_prio=120 prev_state=${e.prevState ? 'S' : 'R'} ==> next_comm=${e.nextComm} next_pid=${e.nextPid} next_prio=120`);
      cur.set(e.cpu, [e.nextComm, e.nextPid]);
    }
  }
  return lines.join('\n') + '\n';
}

// --- Writers, field numbers from Perfetto's protos (perfetto.ts cites them). ---

function msg(build: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter();
  build(w);
  return w.finish();
}

/** FtraceEvent with a sched_switch (4), sched_waking (20) or sched_wakeup_new (114). */
function ftraceEvent(e: Ev, wakeField = 20): Uint8Array {
  return msg((w) => {
    w.tag(1, VARINT).uint64(BigInt(e.ns));
    w.tag(2, VARINT).uint32(e.k === 'switch' ? e.prevPid : 0);
    if (e.k === 'switch') {
      const sw = msg((s) => {
        s.tag(1, LEN).string(e.prevComm).tag(2, VARINT).int32(e.prevPid).tag(3, VARINT).int32(120).tag(4, VARINT).int64(e.prevState);
        s.tag(5, LEN).string(e.nextComm).tag(6, VARINT).int32(e.nextPid).tag(7, VARINT).int32(120);
      });
      w.tag(4, LEN).bytes(sw);
    } else {
      const wk = msg((s) => s.tag(1, LEN).string(e.comm).tag(2, VARINT).int32(e.pid).tag(3, VARINT).int32(120).tag(4, VARINT).int32(1).tag(5, VARINT).int32(e.target));
      w.tag(wakeField, LEN).bytes(wk);
    }
  });
}

/** FtraceEventBundle.CompactSched (4) of a cpu's events: interned comms, delta timestamps, packed arrays. */
function compactSched(evs: Ev[]): Uint8Array {
  const intern: string[] = [];
  const idx = (s: string) => {
    let i = intern.indexOf(s);
    if (i < 0) i = intern.push(s) - 1;
    return i;
  };
  const sw = evs.filter((e): e is { k: 'switch' } & Sw => e.k === 'switch');
  const wk = evs.filter((e): e is { k: 'waking' } & Wk => e.k === 'waking');
  const deltas = (xs: { ns: number }[]) => xs.map((x, i) => BigInt(x.ns - (i ? xs[i - 1].ns : 0)));
  const swComm = sw.map((e) => idx(e.nextComm));
  const wkComm = wk.map((e) => idx(e.comm));
  return msg((w) => {
    const packed = (field: number, xs: (number | bigint)[], put: (w: BinaryWriter, x: number | bigint) => void) => {
      w.tag(field, LEN).fork();
      for (const x of xs) put(w, x);
      w.join();
    };
    for (const s of intern) w.tag(5, LEN).string(s);
    packed(1, deltas(sw), (w, x) => w.uint64(x));
    packed(2, sw.map((e) => e.prevState), (w, x) => w.int64(x));
    packed(3, sw.map((e) => e.nextPid), (w, x) => w.int32(Number(x)));
    packed(4, sw.map(() => 120), (w, x) => w.int32(Number(x)));
    packed(6, swComm, (w, x) => w.uint32(Number(x)));
    packed(7, deltas(wk), (w, x) => w.uint64(x));
    packed(8, wk.map((e) => e.pid), (w, x) => w.int32(Number(x)));
    packed(9, wk.map((e) => e.target), (w, x) => w.int32(Number(x)));
    packed(10, wk.map(() => 120), (w, x) => w.int32(Number(x)));
    packed(11, wkComm, (w, x) => w.uint32(Number(x)));
    packed(12, wk.map(() => 1), (w, x) => w.uint32(Number(x)));
  });
}

/** TracePacket { timestamp 8, trusted_packet_sequence_id 10, ftrace_events 1: FtraceEventBundle { cpu 1, event 2*, compact_sched 4 } }. */
function bundlePacket(cpu: number, evs: Ev[], compact: boolean, lost = false): Uint8Array {
  const bundle = msg((w) => {
    w.tag(1, VARINT).uint32(cpu);
    if (lost) w.tag(3, VARINT).bool(true);
    if (compact) w.tag(4, LEN).bytes(compactSched(evs));
    else for (const e of evs) w.tag(2, LEN).bytes(ftraceEvent(e));
  });
  return msg((w) => w.tag(8, VARINT).uint64(BigInt(evs[0]?.ns ?? 0)).tag(10, VARINT).uint32(1).tag(1, LEN).bytes(bundle));
}

/** Trace { repeated TracePacket packet = 1 }. */
function trace(packets: Uint8Array[]): Uint8Array {
  return msg((w) => {
    for (const p of packets) w.tag(1, LEN).bytes(p);
  });
}

/** A first packet as perfetto writes one (a trace_uuid-like field 89 message, skipped), then per cpu bundles of `per` events. */
function perfettoOf(evs: Ev[], cpus: number, opts: { compact?: boolean | ((cpu: number) => boolean); per?: number } = {}): Uint8Array {
  const packets = [msg((w) => w.tag(89, LEN).bytes(msg((u) => u.tag(1, VARINT).int64(42))))];
  const per = opts.per ?? 25;
  for (let c = 0; c < cpus; c++) {
    const mine = evs.filter((e) => e.cpu === c);
    const compact = typeof opts.compact === 'function' ? opts.compact(c) : opts.compact === true;
    for (let i = 0; i < mine.length; i += per) packets.push(bundlePacket(c, mine.slice(i, i + per), compact));
  }
  return trace(packets);
}

function records(bytes: Uint8Array): { recs: TraceRecord[]; diag: ReturnType<typeof parsePerfetto> } {
  const recs: TraceRecord[] = [];
  const diag = parsePerfetto(bytes, { onRecord: (r) => recs.push(r), decompress: perfettoDecompress });
  return { recs, diag };
}

const switchesOf = (rs: TraceRecord[]) => rs.filter((r): r is SwitchRecord => r.kind === 'switch').sort((a, b) => a.ts - b.ts || a.cpu - b.cpu);
const wakeupsOf = (rs: TraceRecord[]) => rs.filter((r): r is WakeupRecord => r.kind === 'wakeup').sort((a, b) => a.ts - b.ts);
const perCpu = (rs: SwitchRecord[]) => rs.reduce<Record<number, number>>((m, r) => ((m[r.cpu] = (m[r.cpu] ?? 0) + 1), m), {});

describe('Perfetto protobuf: FtraceEvent sched_switch / sched_waking', () => {
  const evs = schedule(2, 120);
  const bytes = perfettoOf(evs, 2);

  it('gives every switch and waking as written: cpu, time (ns to s), pids, comms, prios, raw prev_state', () => {
    const { recs, diag } = records(bytes);
    expect(diag.format).toBe('perfetto');
    expect(diag.header.tsUnit).toBe('seconds');
    const want = evs.filter((e) => e.k === 'switch');
    const got = switchesOf(recs);
    expect(got.length).toBe(want.length);
    got.forEach((r, i) => {
      const e = want[i] as Sw;
      expect(r).toMatchObject({ cpu: e.cpu, prevComm: e.prevComm, prevPid: e.prevPid, prevState: String(e.prevState), nextComm: e.nextComm, nextPid: e.nextPid, prevPrio: 120, nextPrio: 120 });
      expect(r.ts).toBe(e.ns / 1e9);
    });
    const wk = wakeupsOf(recs);
    expect(wk.length).toBe(evs.length - want.length);
    expect(wk[0]).toMatchObject({ wakeKind: 'waking', success: true, prio: 120 });
    expect(diag.records).toBe(recs.length);
    expect(diag.malformedCount).toBe(0);
  });

  it('sched_wakeup (17) and sched_wakeup_new (114) are wakeups of their kind; other events are counted, not records', () => {
    const e: Ev = { k: 'waking', cpu: 0, ns: 5e9, comm: 'sh', pid: 70, target: 1 };
    const other = msg((w) => w.tag(1, VARINT).uint64(5e9 + 1).tag(3, LEN).bytes(msg((p) => p.tag(2, LEN).string('hello')))); // print
    const bundle = msg((w) => w.tag(1, VARINT).uint32(1).tag(2, LEN).bytes(ftraceEvent(e, 17)).tag(2, LEN).bytes(ftraceEvent(e, 114)).tag(2, LEN).bytes(other).tag(2, LEN).bytes(ftraceEvent({ ...e, k: 'switch', prevComm: 'a', prevPid: 1, prevState: 0, nextComm: 'b', nextPid: 2 } as Ev)));
    const { recs, diag } = records(trace([msg((w) => w.tag(1, LEN).bytes(bundle))]));
    expect(recs.map((r) => (r.kind === 'wakeup' ? r.wakeKind ?? 'wakeup' : 'switch'))).toEqual(['wakeup', 'new', 'switch']);
    expect(recs[0]).toMatchObject({ cpu: 1, comm: 'sh', pid: 70, targetCpu: 1, ts: 5 });
    expect(diag.otherEvents).toBe(1);
  });

  it('streams: the trace pushed in chunks of 1 to 13 bytes gives the same records', () => {
    const whole = records(bytes).recs;
    const got: TraceRecord[] = [];
    const p = new PerfettoParser({ onRecord: (r) => got.push(r) });
    let step = 1;
    for (let i = 0; i < bytes.length; i += step, step = (step % 13) + 1) p.push(bytes.subarray(i, i + step));
    p.end();
    expect(got).toEqual(whole);
  });

  it('is detected by content and by name; text, JSON and a text file starting with a blank line are not', () => {
    expect(isPerfettoTrace(bytes)).toBe(true);
    expect(isPerfettoTrace(bytes.subarray(0, 40))).toBe(true);
    const enc = (s: string) => new TextEncoder().encode(s);
    for (const s of ['# tracer: nop\n', '\n# tracer: nop\n', '\n{"traceEvents":[]}', '\n\n          <idle>-0     [000] d..3  1.000100: sched_switch: prev_comm=swapper/0', '{"a":1}']) {
      expect(isPerfettoTrace(enc(s)), s).toBe(false);
    }
    expect(hasPerfettoExtension('a/b.perfetto-trace')).toBe(true);
    expect(hasPerfettoExtension('b.pftrace.gz')).toBe(true);
    expect(hasPerfettoExtension('b.json')).toBe(false);
  });
});

describe('Perfetto protobuf: compact_sched', () => {
  const evs = schedule(3, 200, 11);

  it('decodes interned comms, delta timestamps and the carried prev; the first switch per cpu has an unknown prev, taken as idle', () => {
    const { recs, diag } = records(perfettoOf(evs, 3, { compact: true, per: 9 }));
    expect(diag.malformedCount).toBe(0);
    const want = evs.filter((e): e is { k: 'switch' } & Sw => e.k === 'switch');
    const got = switchesOf(recs);
    expect(perCpu(got)).toEqual(perCpu(want as unknown as SwitchRecord[]));
    const firstOf = new Set<number>();
    got.forEach((r, i) => {
      const e = want[i];
      expect(r).toMatchObject({ cpu: e.cpu, nextComm: e.nextComm, nextPid: e.nextPid, nextPrio: 120, prevPid: e.prevPid, prevState: String(e.prevState) });
      expect(r.ts).toBe(e.ns / 1e9);
      if (!firstOf.has(r.cpu)) {
        firstOf.add(r.cpu);
        expect(r.prevComm).toBe('?'); // not recorded: compact_sched has no prev fields
        expect(r.prevPrio).toBeUndefined();
      } else {
        expect(r.prevComm).toBe(e.prevComm);
        expect(r.prevPrio).toBe(120);
      }
    });
    const wk = wakeupsOf(recs);
    const wantWk = evs.filter((e): e is { k: 'waking' } & Wk => e.k === 'waking');
    expect(wk.map((r) => [r.cpu, r.ts, r.comm, r.pid, r.targetCpu, r.prio, r.wakeKind, r.success])).toEqual(
      wantWk.map((e) => [e.cpu, e.ns / 1e9, e.comm, e.pid, e.target, 120, 'waking', undefined]),
    );
  });

  it('carries prev across compact and regular bundles of one cpu', () => {
    const e = (ns: number, prevPid: number, prevComm: string, nextPid: number, nextComm: string): Ev => ({ k: 'switch', cpu: 0, ns, prevComm, prevPid, prevState: 1, nextComm, nextPid });
    const regular = bundlePacket(0, [e(1000, 0, 'swapper/0', 5, 'five')], false);
    const compact = bundlePacket(0, [e(2000, 5, 'five', 6, 'six'), e(3000, 6, 'six', 0, 'swapper/0')], true, true);
    const { recs, diag } = records(trace([regular, compact]));
    expect(recs.map((r) => r.kind === 'switch' && [r.prevPid, r.prevComm, r.nextPid])).toEqual([
      [0, 'swapper/0', 5],
      [5, 'five', 6],
      [6, 'six', 0],
    ]);
    expect(diag.header.lostEvents).toBe(1); // the compact bundle's lost_events
  });

  it('a comm index past the intern table, or switch arrays of unequal length, are malformed records, counted', () => {
    const cs = msg((w) => {
      w.tag(5, LEN).string('only');
      w.tag(1, LEN).fork().uint64(10n).uint64(5n).uint64(5n).join();
      w.tag(2, LEN).fork().int64(0).int64(1).int64(0).join();
      w.tag(3, LEN).fork().int32(1).int32(2).int32(3).join();
      w.tag(4, LEN).fork().int32(120).int32(120).join();
      w.tag(6, LEN).fork().uint32(0).uint32(7).join();
    });
    const { recs, diag } = records(trace([msg((w) => w.tag(1, LEN).bytes(msg((b) => b.tag(1, VARINT).uint32(0).tag(4, LEN).bytes(cs))))]));
    expect(recs.length).toBe(1);
    expect(recs[0]).toMatchObject({ nextComm: 'only', nextPid: 1, ts: 10e-9 });
    expect(diag.malformedCount).toBe(2);
    expect(diag.malformed.map((m) => m.reason).join('\n')).toMatch(/names comm 7 of an intern_table of 1[\s\S]*misses fields/);
  });
});

describe('Perfetto protobuf: compressed packets and malformed input', () => {
  const evs = schedule(2, 40, 3);
  const plain = perfettoOf(evs, 2, { compact: true });

  it('compressed_packets (50, zlib of a Trace) are inflated through the caller\'s decompressor', () => {
    const packed = trace([msg((w) => w.tag(50, LEN).bytes(deflateSync(plain)))]);
    expect(records(packed).recs).toEqual(records(plain).recs);
    expect(() => parsePerfetto(packed)).toThrow(/zlib-compressed and this Node cannot decompress zlib/);
  });

  const fails = (bytes: Uint8Array) => {
    try {
      parsePerfetto(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(TraceFormatError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it('a truncated file, a wrong wire type, an illegal tag and a non-Trace start are TraceFormatErrors saying where and what', () => {
    expect(fails(plain.subarray(0, plain.length - 3))).toMatch(/perfetto: at byte \d+: the input ends inside TracePacket \d+: it declares \d+ bytes and \d+ are left \(truncated file\)/);
    const badCpu = trace([msg((w) => w.tag(1, LEN).bytes(msg((b) => b.tag(1, LEN).string('0'))))]);
    expect(fails(badCpu)).toMatch(/TracePacket 1 at byte 0: FtraceEventBundle field 1 has wire type length-delimited, expected varint/);
    const badPacket = trace([msg((w) => w.tag(1, VARINT).uint32(3))]);
    expect(fails(badPacket)).toMatch(/TracePacket field 1 has wire type varint, expected length-delimited/);
    expect(fails(trace([new Uint8Array([0x07, 0x01])]))).toMatch(/TracePacket 1 .*illegal tag: field no 0 wire type 7/);
    expect(fails(new TextEncoder().encode('# tracer: nop\n'))).toMatch(/not a Perfetto protobuf trace: the file starts with field 4 \(start-group\)/);
    expect(fails(trace([msg((w) => w.tag(89, LEN).bytes(new Uint8Array(3)))]))).toMatch(/no context switch in this Perfetto trace: its 1 packets hold 0 ftrace events/);
    expect(fails(new Uint8Array(0))).toMatch(/the input is empty/);
  });
});

describe('Perfetto protobuf: the file readers and `replay-trace` end to end', () => {
  const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const BIN = join(REPO, 'bin/lazyswitch.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'lazyswitch-perfetto-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const evs = schedule(2, 300, 5);
  // cpu0 as regular events, cpu1 as compact_sched: both encodings in one trace.
  const bytes = perfettoOf(evs, 2, { compact: (c) => c === 1, per: 16 });
  const text = ftraceText(evs, 2);
  const file = (name: string, data: Uint8Array | string) => {
    const f = join(tmp, name);
    writeFileSync(f, data);
    return f;
  };

  it('readTraceFile reads a .pftrace, a gzipped .perfetto-trace and nameless ones (gzipped or not) by content, as the ftrace text of the same schedule', async () => {
    const read = async (f: string) => {
      const out: TraceRecord[] = [];
      const gen = readTraceFile(f);
      let r = await gen.next();
      for (; !r.done; r = await gen.next()) out.push(r.value);
      return { recs: out, diag: r.value };
    };
    const ft = [...parseTraceLines(text.split('\n'))];
    for (const f of [file('a.pftrace', bytes), file('b.perfetto-trace.gz', gzipSync(bytes)), file('c.bin', bytes), file('f.bin.gz', gzipSync(bytes))]) {
      const { recs, diag } = await read(f);
      expect(diag.format, f).toBe('perfetto');
      expect(diag.header.gzip, f).toBe(f.endsWith('.gz') ? true : undefined);
      const a = switchesOf(recs);
      const b = switchesOf(ft);
      expect(perCpu(a)).toEqual(perCpu(b));
      expect(a.map((r) => [r.cpu, r.ts, r.prevPid, r.nextPid, r.nextComm])).toEqual(b.map((r) => [r.cpu, r.ts, r.prevPid, r.nextPid, r.nextComm]));
      expect(wakeupsOf(recs).length).toBe(wakeupsOf(ft).length);
    }
  });

  it('replay-trace --json: 0 violations for the default designs, and the same switches per cpu as the ftrace text', () => {
    const p = cli('replay-trace', file('d.perfetto-trace', bytes), '--json');
    expect(p.code, p.err).toBe(0);
    const doc = JSON.parse(p.out);
    expect(doc.trace.format).toBe('perfetto');
    expect(doc.results.length).toBeGreaterThan(0);
    expect(doc.results.every((x: { expected: boolean; violations: unknown[] }) => x.expected === false && x.violations.length === 0)).toBe(true);
    const t = JSON.parse(cli('replay-trace', file('d.txt', text), '--json').out);
    expect(doc.trace.switchesPerCpu).toEqual(t.trace.switchesPerCpu);
    expect(doc.trace.switches).toBe(t.trace.switches);
    const gz = cli('replay-trace', file('e.gz', gzipSync(bytes)), '--format', 'perfetto', '--json');
    expect(gz.code, gz.err).toBe(0);
    expect(JSON.parse(gz.out).trace.switchesPerCpu).toEqual(t.trace.switchesPerCpu);
  });

  it('replay-trace on a truncated or mistyped protobuf, or --format perfetto on text: exit 2, one clear message, no stack trace', () => {
    const cases: [string, RegExp][] = [
      [file('t.pftrace', bytes.subarray(0, bytes.length - 5)), /the input ends inside TracePacket \d+.*\(truncated file\)/],
      [file('w.pftrace', trace([msg((w) => w.tag(1, LEN).bytes(msg((b) => b.tag(2, VARINT).uint32(1))))])), /FtraceEventBundle field 2 has wire type varint, expected length-delimited/],
    ];
    for (const [f, re] of cases) {
      const r = cli('replay-trace', f, '--json');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const txt = cli('replay-trace', file('x.txt', text), '--format', 'perfetto');
    expect(txt.code).toBe(2);
    expect(txt.err).toMatch(/not a Perfetto protobuf trace/);
  });
});
