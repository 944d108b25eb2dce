/**
 * @module report/timeline: a recording HvTracer. Attached through buildState({ tracer }), it
 * keeps every timeline event the hypervisor core emits (hv/model.ts HvEventKind: schedule()
 * picks, state switches, contextSaved, IPIs sent and taken, syncs, blocks and wakes) with its
 * time — the emitting pcpu's clock over the architecture's clockHz, so seconds of simulated (or,
 * for a replay, trace) time. The exporters (perfetto.ts, ftrace-text.ts) read the Timeline that
 * finish() returns. Pure: no node:*, no wall clock.
 */
import type { HvEventKind, HvState, HvTracer } from '../hv/index.ts';

export const EVENT_KINDS: readonly HvEventKind[] = ['sched', 'switch', 'saved', 'ipi-send', 'ipi-take', 'sync', 'block', 'wake'];

export interface TimelineEvent {
  /** Seconds: the pcpu's clock when the event happened. */
  t: number;
  kind: HvEventKind;
  p: number;
  a: number;
  b: number;
  /** switch: the design moved nothing (a lazy switch). */
  lazy: boolean;
  /** switch: prev's runstate at the switch (hv/model RUNSTATE), for ftrace's prev_state; else -1. */
  prevRunstate: number;
}

export interface TimelineVcpu {
  name: string;
  /** Domain name, or null for an idle vcpu. */
  domain: string | null;
  idle: boolean;
}

export interface Timeline {
  pcpus: number;
  /** Per pcpu: the vcpu `current` there when recording began (for a fresh run, its idle vcpu). */
  initial: number[];
  vcpus: TimelineVcpu[];
  /** In emission order; per pcpu the times never decrease (a pcpu's clock only moves forward). */
  events: TimelineEvent[];
  /** Seconds: the latest pcpu clock at finish (where open slices end). */
  endSeconds: number;
  /** Seconds the interconnect takes to carry an IPI (the arch's IPI cost). */
  ipiSeconds: number;
}

export class TimelineRecorder implements HvTracer {
  readonly events: TimelineEvent[] = [];
  private hz = 0;
  private initial: number[] | null = null;

  event(st: HvState, kind: HvEventKind, p: number, a: number, b: number, lazy?: boolean): void {
    if (this.hz === 0) {
      // No `current` changes without a 'switch' event, and every switch is preceded by its
      // 'sched' event, so at the first event every pcpu still runs what it ran when recording began.
      this.hz = st.cfg.arch.spec.clockHz;
      this.initial = st.pcpus.map((pc) => pc.current);
    }
    this.events.push({
      t: st.pcpus[p].clock / this.hz,
      kind,
      p,
      a,
      b,
      lazy: lazy === true,
      prevRunstate: kind === 'switch' && a >= 0 ? st.vcpus[a].runstate : -1,
    });
  }

  /** The timeline of a finished run: names as the final state has them, and the end time. */
  finish(st: HvState): Timeline {
    const hz = st.cfg.arch.spec.clockHz;
    let end = 0;
    for (const pc of st.pcpus) end = Math.max(end, pc.clock / hz);
    for (const e of this.events) end = Math.max(end, e.t);
    return {
      pcpus: st.pcpus.length,
      initial: this.initial ?? st.pcpus.map((pc) => pc.current),
      vcpus: st.vcpus.map((v) => ({ name: v.name, domain: v.isIdle ? null : (st.domains[v.domain]?.name ?? `domain ${v.domain}`), idle: v.isIdle })),
      events: this.events,
      endSeconds: end,
      ipiSeconds: st.cfg.arch.spec.cost.ipi.cycles / hz,
    };
  }
}
