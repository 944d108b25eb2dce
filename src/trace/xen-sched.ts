/**
 * @module trace/xen-sched: Xen scheduler trace events to switch and wakeup records.
 *
 * Shared by the xentrace binary reader and the decoded-text reader, which both reduce a record
 * to (pcpu, tsc, event code, data words). Codes are from xen/include/public/trace.h:
 * TRC_SCHED_SWITCH carries prev dom, prev vcpu, next dom, next vcpu but no reason, so prev's state
 * comes from the RUNSTATE_CHANGE running->X that schedule() logs for prev on the same pcpu, just
 * before or just after the switch depending on the Xen version. A switch is therefore held per
 * pcpu until that runstate change (or the pcpu's next switch, or the end) arrives: one pending
 * record per pcpu, so memory stays constant. Records come out per-pcpu ordered, not globally
 * ordered; xentrace writes per-pcpu chunks anyway, so consumers sort by (ts, line).
 */
import { type TraceRecord, XEN_IDLE_DOMID } from './record.ts';
import { switchRecord, wakeupRecord } from './sched-payload.ts';

export const TRC_LOST_RECORDS = 0x0001f001;
export const TRC_TRACE_WRAP_BUFFER = 0x0001f002;
export const TRC_TRACE_CPU_CHANGE = 0x0001f003;
/** TRC_SCHED_MIN + 1; bits 8-11 hold the old runstate and 4-7 the new one. */
export const TRC_SCHED_RUNSTATE_CHANGE = 0x00021001;
export const TRC_SCHED_CONTINUE_RUNNING = 0x00021002;
export const TRC_SCHED_WAKE = 0x00028004;
export const TRC_SCHED_BLOCK = 0x00028006;
export const TRC_SCHED_SWITCH = 0x0002800a;
export const TRC_SCHED_SWITCH_INFPREV = 0x0002800e;
export const TRC_SCHED_SWITCH_INFNEXT = 0x0002800f;
export const TRC_SCHED_SWITCH_INFCONT = 0x00028011;

/** Xen's RUNSTATE_* values, indexed by number. */
const RUNSTATES = ['running', 'runnable', 'blocked', 'offline'] as const;
const RUNSTATE_RUNNING = 0;
const RUNSTATE_RUNNABLE = 1;

/** Xen's `%pv` spelling: `d0v2`, `d[IDLE]v3`. */
export function xenVcpuName(dom: number, vcpu: number): string {
  return dom === XEN_IDLE_DOMID ? `d[IDLE]v${vcpu}` : `d${dom}v${vcpu}`;
}

/** A vcpu is one packed word (`vcpu:16, domain:16`, Xen 4.x runstate changes) or two (dom, vcpu). */
function domOf(data: ArrayLike<number>, n: number): number {
  return n === 1 ? data[0] >>> 16 : n >= 2 ? data[0] : -1;
}

function vcpuOf(data: ArrayLike<number>, n: number): number {
  return n === 1 ? data[0] & 0xffff : data[1];
}

interface Pending {
  rec: TraceRecord & { kind: 'switch' };
  prevDom: number;
  prevVcpu: number;
}

/** The running->X runstate change last seen for a vcpu on a pcpu, waiting for its switch. */
interface RecentStop {
  dom: number;
  vcpu: number;
  state: string;
}

export type XenEventResult = 'record' | 'other' | 'lost';

/** Runtimes shorter than this are not used for the TSC-rate estimate: the few hundred cycles between NOW() and the record would weigh too much. */
const MIN_RUNTIME_NS = 1e6;
/** Samples kept for the median (the first ones): constant memory. */
const MAX_RATE_SAMPLES = 4096;
/** Fewer samples than this and no estimate is made. */
const MIN_RATE_SAMPLES = 3;

export class XenSchedAssembler {
  private readonly pending: (Pending | undefined)[] = [];
  private readonly recentStop: (RecentStop | undefined)[] = [];
  /** Records dropped by the hypervisor (TRC_LOST_RECORDS), summed. */
  lost = 0;
  /** Per pcpu: TSC of the SWITCH_INFPREV of the schedule() in progress (it precedes the switch record). */
  private readonly infprevTsc: (number | undefined)[] = [];
  /** Per pcpu: the vcpu (dom * 65536 + vcpu) last switched in, and the TSC of that schedule(). */
  private readonly inKey: number[] = [];
  private readonly inTsc: number[] = [];
  /** TSC cycles per second, one sample per SWITCH_INFPREV whose runtime covers a stint seen from its start. */
  private readonly rateSamples: number[] = [];
  private rateSampleCount = 0;

  constructor(
    private readonly emit: (r: TraceRecord) => void,
    /** TSC frequency; without it `ts` stays in cycles. */
    private readonly tscHz: number | undefined,
  ) {}

  /**
   * One trace record. `data[0..n)` are its u32 words. Returns whether it produced (or will
   * produce) a record, so callers can count other events.
   */
  event(line: number, cpu: number, tsc: number, code: number, data: ArrayLike<number>, n: number): XenEventResult {
    const ts = this.tscHz ? tsc / this.tscHz : tsc;
    if (code === TRC_SCHED_SWITCH) {
      let pd: number, pv: number, nd: number, nv: number;
      if (n >= 4) {
        pd = data[0];
        pv = data[1];
        nd = data[2];
        nv = data[3];
      } else if (n >= 2) {
        // Packed `dom:vcpu` words, as xentrace_format prints them (dom in the high half).
        pd = data[0] >>> 16;
        pv = data[0] & 0xffff;
        nd = data[1] >>> 16;
        nv = data[1] & 0xffff;
      } else return 'other';
      this.flushCpu(cpu);
      this.inKey[cpu] = nd * 65536 + nv;
      this.inTsc[cpu] = this.infprevTsc[cpu] ?? tsc;
      this.infprevTsc[cpu] = undefined;
      const rec = switchRecord(line, ts, cpu, xenVcpuName(pd, pv), pv, '?', xenVcpuName(nd, nv), nv, undefined, undefined);
      rec.prevDom = pd;
      rec.nextDom = nd;
      const stop = this.recentStop[cpu];
      this.recentStop[cpu] = undefined;
      if (stop && stop.dom === pd && stop.vcpu === pv) {
        // Older Xen logs prev's runstate change before the switch.
        rec.prevState = stop.state;
        this.emit(rec);
      } else {
        this.pending[cpu] = { rec, prevDom: pd, prevVcpu: pv };
      }
      return 'record';
    }
    if ((code & 0xfffff00f) === TRC_SCHED_RUNSTATE_CHANGE) {
      const from = (code >>> 8) & 0xf;
      const to = (code >>> 4) & 0xf;
      const dom = domOf(data, n);
      if (dom < 0) return 'other';
      const vcpu = vcpuOf(data, n);
      if (from === RUNSTATE_RUNNING && to < RUNSTATES.length) {
        const state = RUNSTATES[to];
        const p = this.pending[cpu];
        if (p && p.prevDom === dom && p.prevVcpu === vcpu) {
          p.rec.prevState = state;
          this.pending[cpu] = undefined;
          this.emit(p.rec);
        } else {
          this.recentStop[cpu] = { dom, vcpu, state };
        }
        return 'other';
      }
      if (to === RUNSTATE_RUNNABLE && from > RUNSTATE_RUNNABLE) {
        // blocked/offline -> runnable is the wakeup proper (Linux's sched_wakeup with success=1).
        this.emit(this.wakeup(line, ts, cpu, dom, vcpu, undefined));
        return 'record';
      }
      return 'other';
    }
    if (code === TRC_SCHED_WAKE) {
      const dom = domOf(data, n);
      if (dom < 0) return 'other';
      const vcpu = vcpuOf(data, n);
      this.emit(this.wakeup(line, ts, cpu, dom, vcpu, 'waking'));
      return 'record';
    }
    if (code === TRC_SCHED_SWITCH_INFPREV) {
      this.infprev(cpu, tsc, data, n);
      return 'other';
    }
    if (code === TRC_LOST_RECORDS) {
      if (n >= 1) this.lost += data[0];
      return 'lost';
    }
    return 'other';
  }

  /**
   * TRC_SCHED_SWITCH_INFPREV (xen/common/schedule.c schedule(): prev's dom, vcpu and
   * `now - prev->runstate.state_entry_time`, in ns of Xen's system time; dom:vcpu packed in one
   * word since Xen 4.x). state_entry_time is the `now` of the schedule() that switched prev in, so
   * the TSC between the INFPREV records of the two schedule() calls over the same runtime gives
   * the rate.
   */
  private infprev(cpu: number, tsc: number, data: ArrayLike<number>, n: number): void {
    this.infprevTsc[cpu] = tsc;
    let key: number, runtime: number;
    if (n === 2) {
      key = (data[0] >>> 16) * 65536 + (data[0] & 0xffff);
      runtime = data[1];
    } else if (n >= 3) {
      key = data[0] * 65536 + data[1];
      runtime = data[2];
    } else return;
    if (this.inKey[cpu] !== key || runtime < MIN_RUNTIME_NS) return;
    const cycles = tsc - this.inTsc[cpu];
    if (!(cycles > 0)) return;
    this.rateSampleCount++;
    if (this.rateSamples.length < MAX_RATE_SAMPLES) this.rateSamples.push((cycles * 1e9) / runtime);
  }

  /**
   * The TSC rate estimated from SWITCH_INFPREV runtimes: the median sample, to the nearest kHz;
   * undefined with fewer than MIN_RATE_SAMPLES.
   */
  tscHzEstimate(): { hz: number; samples: number } | undefined {
    const s = this.rateSamples;
    if (s.length < MIN_RATE_SAMPLES) return undefined;
    const sorted = s.slice().sort((a, b) => a - b);
    const m = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    return { hz: Math.round(median / 1e3) * 1e3, samples: this.rateSampleCount };
  }

  private wakeup(line: number, ts: number, cpu: number, dom: number, vcpu: number, kind: 'waking' | undefined) {
    const w = wakeupRecord(line, ts, cpu, xenVcpuName(dom, vcpu), vcpu, undefined, undefined, undefined, kind);
    w.dom = dom;
    return w;
  }

  private flushCpu(cpu: number): void {
    const p = this.pending[cpu];
    if (p) {
      this.pending[cpu] = undefined;
      this.emit(p.rec);
    }
  }

  /** Emit every switch still waiting for its runstate change (prev state stays '?'). */
  flush(): void {
    for (let c = 0; c < this.pending.length; c++) this.flushCpu(c);
  }
}
