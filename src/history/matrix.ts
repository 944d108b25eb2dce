/**
 * @module history/matrix: the contract through history (issue 10) — every switch design that runs
 * on an architecture, under each generation of Xen's scheduler interface (hv/contract), judged
 * twice: by the seeded random driver on a busy machine (with control operations), and by the
 * explorer on a small configuration within a state budget. A cell is correct when neither finds a
 * violation; otherwise it carries the first violation in a sentence, and the replay string when
 * the explorer found it (a shortest counterexample, which `lazyswitch replay` reproduces).
 *
 * Pure computation over the model: no I/O, no clock (the explorer's time budget is not used; its
 * state budget is, so the result is deterministic).
 */
import type { Arch } from '../arch/index.ts';
import { CONTRACTS, CONTRACT_NAMES, DESIGNS, designFor, servesContract, writtenFor, type ContractName, type Scheduler, type SwitchDesign } from '../hv/index.ts';
import type { DomainSpec } from '../scenario/index.ts';
import { runOne } from '../sim/index.ts';
import { explore, resolveSpec, type ExploreSpec } from '../explore/index.ts';

export interface MatrixVerdict {
  correct: boolean;
  /** The first violation, "invN: sentence"; null when correct. */
  violation: string | null;
  /** The invariant it broke (null when correct). */
  invariant: string | null;
  /** Who found it: the explorer (shortest counterexample) or the random driver. */
  foundBy: 'explorer' | 'random' | null;
  /** `lazyswitch replay` string of the explorer's counterexample; null when the explorer found none. */
  replay: string | null;
  /** Whether the design is written for this contract (else the cell is a what-if). */
  writtenFor: boolean;
  /** The design's own form that ran under this contract, when it has one (xen-x86-lazy-2005). */
  form: string | null;
  /** The random run: switches taken and violations counted (it stops at the first). */
  random: { switches: number; violations: number };
  /** The explorer: distinct states, and whether it explored every reachable one. */
  explored: { states: number; complete: boolean };
}

export interface MatrixRow {
  design: string;
  summary: string;
  broken: boolean;
  contracts: readonly ContractName[];
  verdicts: Record<ContractName, MatrixVerdict>;
}

export interface MatrixDocument {
  arch: string;
  contracts: { name: ContractName; commit: string; summary: string }[];
  scenario: {
    random: { pcpus: number; domains: DomainSpec[]; sched: string; seconds: number; seed: number; controlHz: number };
    explorer: typeof EXPLORER_CELL & { design: string; arch: string; budget: number };
  };
  designs: MatrixRow[];
}

export interface MatrixOptions {
  arch: Arch;
  sched: Scheduler;
  pcpus: number;
  domains: DomainSpec[];
  seconds: number;
  seed: number;
  /** Control operations per second in the random runs. */
  controlHz: number;
  /** Explorer state budget per cell. */
  budget: number;
  /** Called after each cell with the fraction done. */
  onProgress?: (fraction: number, label: string) => void;
}

/**
 * The explorer's configuration for one cell: 2 pcpus, one domain of two vcpus, rr (which takes
 * work from a peer when it idles, where the contract allows), guest hypercalls and blocks, no
 * control operations — small enough that a budget of a few thousand states reaches the
 * counterexamples the contracts are about.
 */
const EXPLORER_CELL = { sched: 'rr', pcpus: 2, domains: 'int*2', control: false, ops: ['hypercall', 'block'] };

export function cellSpec(design: string, arch: string, contract: ContractName): ExploreSpec {
  return { ...EXPLORER_CELL, design, arch, contract };
}

/** The designs the matrix lists for an architecture: every built-in one that runs there. */
export function matrixDesigns(arch: Arch): SwitchDesign[] {
  return DESIGNS.filter((d) => d.supports(arch) === true);
}

export function verdict(o: MatrixOptions, design: SwitchDesign, contract: ContractName): MatrixVerdict {
  const form = designFor(design, contract);
  const r = runOne({ arch: o.arch, design, sched: o.sched, pcpus: o.pcpus, domains: o.domains, seconds: o.seconds, seed: o.seed, controlHz: o.controlHz, contract, stopAtFirstViolation: true });
  const spec = cellSpec(design.name, o.arch.name, contract);
  const e = explore(resolveSpec(spec), { maxStates: o.budget, stopAtFirst: true });
  const ev = e.violations[0];
  const rv = r.violations[0];
  const base = {
    writtenFor: servesContract(design, contract),
    form: form !== design ? form.name : null,
    random: { switches: r.metrics.switches, violations: r.violationCount },
    explored: { states: e.states, complete: e.complete },
  };
  if (ev) return { ...base, correct: false, violation: `${ev.invariant}: ${ev.message}`, invariant: ev.invariant, foundBy: 'explorer', replay: ev.replay };
  if (rv) return { ...base, correct: false, violation: `${rv.invariant}: ${rv.message}`, invariant: rv.invariant, foundBy: 'random', replay: null };
  return { ...base, correct: true, violation: null, invariant: null, foundBy: null, replay: null };
}

export function contractMatrix(o: MatrixOptions): MatrixDocument {
  const designs = matrixDesigns(o.arch);
  const n = designs.length * CONTRACT_NAMES.length;
  let done = 0;
  const rows = designs.map((d) => {
    const verdicts = {} as Record<ContractName, MatrixVerdict>;
    for (const c of CONTRACT_NAMES) {
      verdicts[c] = verdict(o, d, c);
      o.onProgress?.(++done / n, `${d.name} under ${c}`);
    }
    return { design: d.name, summary: d.summary, broken: Boolean(d.broken), contracts: writtenFor(d), verdicts };
  });
  return {
    arch: o.arch.name,
    contracts: CONTRACT_NAMES.map((c) => ({ name: c, commit: CONTRACTS[c].commit, summary: CONTRACTS[c].summary })),
    scenario: {
      random: { pcpus: o.pcpus, domains: o.domains, sched: o.sched.name, seconds: o.seconds, seed: o.seed, controlHz: o.controlHz },
      explorer: { ...EXPLORER_CELL, design: '(each design)', arch: o.arch.name, budget: o.budget },
    },
    designs: rows,
  };
}
