/**
 * @module report/perfetto: a run's timeline as Chrome trace-event JSON ("JSON Object Format",
 * the Trace Event Format document by Google), which ui.perfetto.dev and chrome://tracing open.
 * Pure: returns the object; the CLI writes it.
 *
 * Layout, per run (one design on one architecture) and pcpu: one process named "pcpu N" (with
 * the run's label when a file holds several runs: each run gets its own block of pids, so runs
 * sit one under the other and can be compared), holding two threads:
 * - tid 1 "vcpu": complete (`X`) slices naming the vcpu that is `current` (idle included), from
 *   one state switch to the next, so the track is covered end to end and never overlaps itself;
 *   IPIs are flows (`s` at the sender when sendIpi() ran, `f` with bp "e" where the receiver
 *   took it), bound to these slices.
 * - tid 2 "hypervisor": `X` slices from schedule()'s pick to the end of the state switch (what a
 *   switch costs, flush IPI waits included), instants (`i`) for each switch ("switch" or
 *   "lazy switch") and each sync of lazily held state, and the checker's violations.
 * Times are microseconds (`ts`, `dur`), rounded to the nanosecond.
 */
import type { Violation } from '../check/index.ts';
import type { Timeline } from './timeline.ts';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 's' | 'f' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

export interface TraceEventDocument {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
}

export interface PerfettoRun {
  /** e.g. "xen-x86-lazy on x86-64"; empty for a file with one run. */
  label: string;
  timeline: Timeline;
  violations: Violation[];
}

const TID_VCPU = 1;
const TID_HV = 2;
/** pids of run r: PID_BLOCK * (r + 1) + pcpu (replays allow up to 1024 pcpus). */
export const PID_BLOCK = 10_000;

const IPI_NAMES: Record<number, string> = { 1: 'flush IPI', 2: 'resched IPI', 3: 'stop_machine IPI' };

/** Integer nanoseconds of a time in seconds: rounding once keeps ts + dur exact. */
const ns = (t: number) => Math.round(t * 1e9);
const us = (n: number) => n / 1000;

export function buildPerfetto(runs: PerfettoRun[]): TraceEventDocument {
  const out: TraceEvent[] = [];
  let flowId = 1;
  runs.forEach((run, r) => {
    const tl = run.timeline;
    const pidOf = (p: number) => PID_BLOCK * (r + 1) + p;
    const vname = (v: number) => (v >= 0 && v < tl.vcpus.length ? (tl.vcpus[v].idle ? 'idle' : tl.vcpus[v].name) : `vcpu ${v}`);
    for (let p = 0; p < tl.pcpus; p++) {
      const pid = pidOf(p);
      out.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: run.label ? `pcpu ${p} (${run.label})` : `pcpu ${p}` } });
      out.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
      out.push({ name: 'thread_name', ph: 'M', pid, tid: TID_VCPU, args: { name: 'vcpu' } });
      out.push({ name: 'thread_name', ph: 'M', pid, tid: TID_HV, args: { name: 'hypervisor' } });
    }
    // Per pcpu: the vcpu slice open since `runFrom` (from time 0, whoever ran when recording
    // began), the switch slice open since `schedAt`.
    const running = tl.initial.slice();
    const runFrom = new Array<number>(tl.pcpus).fill(0);
    const schedAt = new Array<number>(tl.pcpus).fill(-1);
    const closeRun = (p: number, endNs: number) => {
      const v = running[p];
      const vc = tl.vcpus[v];
      out.push({
        name: vname(v),
        ph: 'X',
        pid: pidOf(p),
        tid: TID_VCPU,
        ts: us(runFrom[p]),
        dur: us(endNs - runFrom[p]),
        cat: vc?.idle ? 'idle' : 'guest',
        args: { vcpu: vc?.name ?? v, domain: vc?.domain ?? null },
      });
    };
    // IPIs in flight per receiver, FIFO as the model takes them (HvPcpu.ipis.shift()).
    const inFlight: { id: number; from: number; t: number; kind: number }[][] = Array.from({ length: tl.pcpus }, () => []);
    for (const e of tl.events) {
      const t = ns(e.t);
      const pid = pidOf(e.p);
      switch (e.kind) {
        case 'sched':
          schedAt[e.p] = t;
          break;
        case 'switch': {
          closeRun(e.p, t);
          running[e.p] = e.b;
          runFrom[e.p] = t;
          const name = e.lazy ? 'lazy switch' : 'switch';
          if (schedAt[e.p] >= 0) {
            out.push({ name: `${name} ${vname(e.a)} → ${vname(e.b)}`, ph: 'X', pid, tid: TID_HV, ts: us(schedAt[e.p]), dur: us(t - schedAt[e.p]), cat: 'switch' });
            schedAt[e.p] = -1;
          }
          out.push({ name, ph: 'i', s: 't', pid, tid: TID_HV, ts: us(t), cat: 'switch', args: { prev: vname(e.a), next: vname(e.b), lazy: e.lazy } });
          break;
        }
        case 'sync':
          out.push({ name: 'sync', ph: 'i', s: 't', pid, tid: TID_HV, ts: us(t), cat: 'sync', args: { vcpu: vname(e.a) } });
          break;
        case 'ipi-send':
          if (e.a >= 0 && e.a < tl.pcpus) inFlight[e.a].push({ id: flowId++, from: e.p, t, kind: e.b });
          break;
        case 'ipi-take': {
          const f = inFlight[e.p].shift();
          if (!f) break;
          const name = IPI_NAMES[f.kind] ?? `IPI ${f.kind}`;
          out.push({ name, ph: 's', pid: pidOf(f.from), tid: TID_VCPU, ts: us(f.t), id: f.id, cat: 'ipi' });
          out.push({ name, ph: 'f', bp: 'e', pid, tid: TID_VCPU, ts: us(Math.max(t, f.t)), id: f.id, cat: 'ipi' });
          break;
        }
        default:
          break;
      }
    }
    const end = ns(tl.endSeconds);
    for (let p = 0; p < tl.pcpus; p++) closeRun(p, Math.max(end, runFrom[p]));
    for (const v of run.violations) {
      if (v.pcpu < 0 || v.pcpu >= tl.pcpus) continue;
      out.push({
        name: `violation ${v.invariant}`,
        ph: 'i',
        s: 'p',
        pid: pidOf(v.pcpu),
        tid: TID_HV,
        ts: us(ns(v.time)),
        cat: 'violation',
        args: { vcpu: v.vcpu, register: v.register, step: v.step, message: v.message },
      });
    }
  });
  return { traceEvents: out, displayTimeUnit: 'ns' };
}
