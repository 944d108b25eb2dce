/**
 * @module mutants/run-mutants: run every mutant against the random driver within a fixed budget
 * (simulated seconds, and at most a number of steps) and report the first violation, the steps
 * it took to find, and the mutation score (caught / all).
 */
import { getArch, type Arch } from '../arch/index.ts';
import { runOne } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';
import { MUTANTS, type Mutant } from './catalogue.ts';

export interface MutantResult {
  name: string;
  description: string;
  history: string;
  arch: string;
  design: string;
  caught: boolean;
  /** Steps until the first violation (or the budget spent). */
  steps: number;
  violation: { invariant: string; message: string; step: number; time: number } | null;
}

export interface MutantsDocument {
  budget: { seconds: number; maxSteps: number; seed: number };
  mutants: MutantResult[];
  score: number;
}

/** Run one mutant; `arch` is m.arch's (a user's architecture file, loaded by the CLI, is passed in). */
export function runMutant(m: Mutant, seconds: number, maxSteps: number, seed: number, arch: Arch = getArch(m.arch)): MutantResult {
  const r = runOne({
    arch,
    design: m.design,
    sched: m.sched,
    pcpus: m.pcpus,
    domains: parseDomains(m.domains),
    seconds,
    seed,
    controlHz: m.controlHz,
    mutations: m.mutations,
    contract: m.contract,
    maxSteps,
    stopAtFirstViolation: true,
  });
  const v = r.violations[0];
  return {
    name: m.name,
    description: m.description,
    history: m.history,
    arch: m.arch,
    design: m.design.name,
    caught: r.violationCount > 0,
    steps: v ? v.step : r.metrics.steps,
    violation: v ? { invariant: v.invariant, message: v.message, step: v.step, time: v.time } : null,
  };
}

export function runMutants(o: { seconds?: number; maxSteps?: number; seed?: number; only?: string[]; onEach?: (i: number, n: number) => void } = {}): MutantsDocument {
  const seconds = o.seconds ?? 2;
  const maxSteps = o.maxSteps ?? 2_000_000;
  const seed = o.seed ?? 1;
  const list = o.only?.length ? MUTANTS.filter((m) => o.only!.includes(m.name)) : MUTANTS;
  const mutants = list.map((m, i) => {
    o.onEach?.(i, list.length);
    return runMutant(m, seconds, maxSteps, seed);
  });
  const caught = mutants.filter((m) => m.caught).length;
  return { budget: { seconds, maxSteps, seed }, mutants, score: Number((caught / Math.max(1, mutants.length)).toFixed(4)) };
}
