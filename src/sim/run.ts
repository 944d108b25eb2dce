/**
 * @module sim/run: one run of one design on one architecture — build, attach the checker, drive,
 * and summarise. This is where the model and the oracle are wired together; neither imports
 * the other.
 */
import type { Arch } from '../arch/index.ts';
import { Checker, type Violation } from '../check/index.ts';
import type { Metrics, Mutations, Scheduler, SwitchDesign, HvState, HvTracer } from '../hv/index.ts';
import type { DomainSpec } from '../scenario/index.ts';
import { buildState } from './build.ts';
import { drive } from './driver.ts';
import type { Choice } from './choice.ts';

/** The `metrics` object of the JSON contract (keep these names stable), plus additions. */
export interface ResultMetrics {
  switches: number;
  lazySwitches: number;
  wordsSaved: number;
  wordsRestored: number;
  bytesMoved: number;
  ipis: number;
  addressSpaceSwitches: number;
  cycles: number;
  overheadPct: number;
  // Additions beyond the contract:
  cyclesBy: Metrics['cyclesBy'];
  entries: Metrics['entries'];
  entryWords: Metrics['entryWords'];
  remoteSyncs: number;
  localSyncs: number;
  controlOps: number;
  migrations: number;
  guestSegments: number;
  resumes: number;
  steps: number;
  simulatedSeconds: number;
}

export interface RunResult {
  design: string;
  arch: string;
  violations: Violation[];
  violationCount: number;
  violationsByInvariant: Record<string, number>;
  metrics: ResultMetrics;
}

export interface RunOptions {
  arch: Arch;
  design: SwitchDesign;
  sched: Scheduler;
  pcpus: number;
  domains: DomainSpec[];
  seconds: number;
  seed: number;
  checker?: boolean;
  maxSteps?: number;
  onProgress?: (fraction: number) => void;
  record?: Choice[];
  stopAtFirstViolation?: boolean;
  /** Control operations per second (getvcpucontext, setvcpucontext, set_affinity); default 0. */
  controlHz?: number;
  /** Deliberate bugs (the mutation suite only). */
  mutations?: Mutations;
  /** Timeline sink (report/timeline.ts for --perfetto/--ftrace). */
  tracer?: HvTracer | null;
  /** Called with the final state before it is summarised. */
  onDone?: (st: HvState) => void;
}

export function summarise(st: HvState, steps: number, checker: Checker | null): RunResult {
  const m = st.metrics;
  const sec = st.cfg.endCycles / st.cfg.arch.spec.clockHz;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    design: st.cfg.design.name,
    arch: st.cfg.arch.name,
    violations: checker ? checker.violations : [],
    violationCount: checker ? checker.total : 0,
    violationsByInvariant: checker ? { ...checker.counts } : {},
    metrics: {
      switches: m.switches,
      lazySwitches: m.lazySwitches,
      wordsSaved: m.wordsSaved,
      wordsRestored: m.wordsRestored,
      bytesMoved: m.bytesMoved,
      ipis: m.ipis,
      addressSpaceSwitches: m.addressSpaceSwitches,
      cycles: Math.round(m.cycles),
      overheadPct: Number(((100 * m.cycles) / (st.cfg.endCycles * st.pcpus.length)).toFixed(4)),
      cyclesBy: Object.fromEntries(Object.entries(m.cyclesBy).map(([k, v]) => [k, Math.round(v)])) as Metrics['cyclesBy'],
      entries: { ...m.entries },
      entryWords: { ...m.entryWords },
      remoteSyncs: m.remoteSyncs,
      localSyncs: m.localSyncs,
      controlOps: m.controlOps,
      migrations: m.migrations,
      guestSegments: m.guestSegments,
      resumes: m.resumes,
      steps,
      simulatedSeconds: round(sec),
    },
  };
}

export function runOne(o: RunOptions): RunResult {
  const checker = o.checker === false ? null : new Checker();
  const st = buildState({ arch: o.arch, design: o.design, sched: o.sched, pcpus: o.pcpus, domains: o.domains, seconds: o.seconds, observer: checker, tracer: o.tracer, mutations: o.mutations });
  const steps = drive(st, {
    seed: o.seed,
    controlHz: o.controlHz,
    maxSteps: o.maxSteps,
    onProgress: o.onProgress,
    record: o.record,
    stop: o.stopAtFirstViolation && checker ? () => checker.total > 0 : undefined,
  });
  o.onDone?.(st);
  return summarise(st, steps, checker);
}
