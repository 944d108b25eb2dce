/**
 * @module sim/run: one run of one design on one architecture — build, attach the checker, drive,
 * and summarise. This is where the model and the oracle are wired together; neither imports
 * the other.
 */
import { Checker, type Violation } from '../check/index.ts';
import { designFor, type Metrics, type HvState } from '../hv/index.ts';
import { buildState, type BuildOptions } from './build.ts';
import { drive } from './driver.ts';
import type { Choice } from './choice.ts';

/**
 * The `metrics` object of the JSON contract: every counter of the model's Metrics (switches,
 * lazySwitches, wordsSaved, wordsRestored, bytesMoved, ipis, addressSpaceSwitches, cycles — the
 * contract's names, kept stable — and the breakdowns beside them), plus what a run derives.
 */
export type ResultMetrics = Metrics & {
  /**
   * The guest instructions of the LazyFP window: exposureCycles × the architecture's guest IPC
   * (cost.guestIpc) — the instructions a transient-execution attack has to work with — in total
   * and per domain pair. Derived here, not counted while running.
   */
  exposureInstructions: number;
  exposureInstructionsByPair: Record<string, number>;
  overheadPct: number;
  steps: number;
  simulatedSeconds: number;
};

export interface RunResult {
  design: string;
  arch: string;
  /** The scheduler-interface generation it ran under (hv/contract). */
  contract: string;
  /** The design's own form for that contract, when it ran one (e.g. xen-x86-lazy-2005). */
  form?: string;
  violations: Violation[];
  violationCount: number;
  violationsByInvariant: Record<string, number>;
  metrics: ResultMetrics;
}

export interface RunOptions extends Omit<BuildOptions, 'observer'> {
  seed: number;
  checker?: boolean;
  maxSteps?: number;
  onProgress?: (fraction: number) => void;
  record?: Choice[];
  stopAtFirstViolation?: boolean;
  /** Control operations per second (getvcpucontext, setvcpucontext, set_affinity, hotplug); default 0. */
  controlHz?: number;
  /** Called with the final state before it is summarised. */
  onDone?: (st: HvState) => void;
  /** The checker's liveness bound in simulated seconds (default 5, Xen's watchdog). */
  watchdogSeconds?: number;
}

export function summarise(st: HvState, steps: number, checker: Checker | null): RunResult {
  const m = st.metrics;
  const sec = st.cfg.endCycles / st.cfg.arch.spec.clockHz;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const ipc = st.cfg.arch.spec.cost.guestIpc.ipc;
  return {
    design: st.cfg.design.name,
    arch: st.cfg.arch.name,
    contract: st.cfg.contract.name,
    violations: checker ? checker.violations : [],
    violationCount: checker ? checker.total : 0,
    violationsByInvariant: checker ? { ...checker.counts } : {},
    metrics: {
      ...structuredClone(m),
      cycles: Math.round(m.cycles),
      lockHoldCycles: Math.round(m.lockHoldCycles),
      tlbRefillCycles: Math.round(m.tlbRefillCycles),
      exposureInstructions: Math.round(m.exposureCycles * ipc),
      exposureInstructionsByPair: Object.fromEntries(Object.entries(m.exposureByPair).map(([k, v]) => [k, Math.round(v * ipc)])),
      cyclesBy: Object.fromEntries(Object.entries(m.cyclesBy).map(([k, v]) => [k, Math.round(v)])) as Metrics['cyclesBy'],
      overheadPct: Number(((100 * m.cycles) / (st.cfg.endCycles * st.pcpus.length)).toFixed(4)),
      steps,
      simulatedSeconds: round(sec),
    },
  };
}

export function runOne(o: RunOptions): RunResult {
  const checker = o.checker === false ? null : new Checker({ watchdogSeconds: o.watchdogSeconds });
  const design = designFor(o.design, o.contract);
  const st = buildState({ ...o, design, observer: checker });
  const steps = drive(st, {
    seed: o.seed,
    controlHz: o.controlHz,
    maxSteps: o.maxSteps,
    onProgress: o.onProgress,
    record: o.record,
    stop: o.stopAtFirstViolation && checker ? () => checker.total > 0 : undefined,
  });
  o.onDone?.(st);
  const r = summarise(st, steps, checker);
  if (design !== o.design) return { ...r, design: o.design.name, form: design.name };
  return r;
}
