/**
 * @module web/session: the view's model of one run — the choices (drawn by the seeded driver,
 * or pasted as a replay string), the context switches found in them, the checker's violations
 * and the step at which each was found, and the state after any step. A "switch" runs from
 * schedule()'s pick (the `sched` tracer event) to the end of the tail on that pcpu; its
 * "moments" are the states after each of that pcpu's steps in between. Going back rebuilds the
 * state from the start and applies fewer choices: the model is deterministic.
 * Imports only the public API (src/index.ts); no DOM here, so it is testable in Node.
 */
import {
  applyChoice,
  buildState,
  Checker,
  choiceToString,
  drive,
  ENTRY_PATHS,
  getArch,
  getDesign,
  getScheduler,
  parseChoice,
  parseDomains,
  PHASE,
  type Arch,
  type Choice,
  type HvState,
  type HvTracer,
  type SwitchDesign,
  type Violation,
  CONTRACT_NAMES,
  designFor,
  isContractName,
  type ContractName,
} from '../index.ts';

export interface Scenario {
  arch: string;
  design: string;
  sched: string;
  pcpus: number;
  /** --domains SPEC. */
  domains: string;
  /** Simulated milliseconds. */
  ms: number;
  seed: number;
  /** The scheduler interface (hv/contract); absent: today's. */
  contract?: ContractName;
}

/** The scenario of `npm start` (src/cli/run.ts defaults) on 50 ms, so the page stays quick. */
export const DEFAULT_SCENARIO: Scenario = { arch: 'x86-64', design: 'xen-x86-lazy', sched: 'credit', pcpus: 4, domains: 'cpu*2,fp*2,io*2', ms: 50, seed: 1 };

/** The seed's case: volatile-only entry on ppc64 (README "The seed's question"). */
export const SEED_CASE: Scenario = { ...DEFAULT_SCENARIO, arch: 'ppc64', design: 'ppc-naive-volatile' };

/** The post's own design under the interface it was written against (README "The contract through history"). */
export const SEED_CONTRACT_CASE: Scenario = { ...DEFAULT_SCENARIO, arch: 'ppc64', design: 'ppc-asm-exit-switch', contract: '2005-08' };

/** Budget of steps in the browser (a 1 s default run is about 65k). */
export const MAX_STEPS = 250_000;
/** Violations kept in full by the view's checker (all are counted). */
const KEEP = 20_000;

export type MomentKind = 'pick' | 'prep' | 'flush-ack' | 'switch' | 'tail' | 'other';

export interface Moment {
  /** The state shown is the one after choices[0..at]. */
  at: number;
  kind: MomentKind;
  /** A few words for a button. */
  short: string;
}

export interface FoundViolation {
  /** Index of the choice whose step raised it. */
  at: number;
  v: Violation;
}

export interface SwitchInfo {
  index: number;
  pcpu: number;
  prev: number;
  next: number;
  /** Choice index of schedule()'s pick, and of the tail (or the last choice, if the run ended first). */
  start: number;
  end: number;
  complete: boolean;
  moments: Moment[];
  /** The moment shown first: the state switch done, just before contextSaved(prev) judges it. */
  focus: number;
  /** The design moved nothing (null: the run ended before the state switch). */
  lazy: boolean | null;
  /** The exception that entered the hypervisor before this schedule() (null: from the idle loop). */
  entry: string | null;
  /** Flush IPI sent to this pcpu to pull next's state back first (-1: none). */
  flushFrom: number;
  /** Violations the checker found on this pcpu during this switch. */
  violations: FoundViolation[];
}

export interface Session {
  scenario: Scenario;
  arch: Arch;
  design: SwitchDesign;
  choices: Choice[];
  switches: SwitchInfo[];
  violations: FoundViolation[];
  /** All violations counted (more than kept only past KEEP). */
  totalViolations: number;
  /** Where the choices came from. */
  source: 'driver' | 'replay';
}

export class ReplayError extends Error {}

interface Fresh {
  st: HvState;
  checker: Checker;
}

function fresh(sc: Scenario, tracer: HvTracer | null): Fresh {
  const checker = new Checker({ keep: KEEP });
  const st = buildState({
    arch: getArch(sc.arch),
    design: designFor(getDesign(sc.design), sc.contract),
    contract: sc.contract,
    sched: getScheduler(sc.sched),
    pcpus: sc.pcpus,
    domains: parseDomains(sc.domains),
    seconds: sc.ms / 1000,
    observer: checker,
    tracer,
  });
  return { st, checker };
}

/** Check a scenario's fields; throws an Error naming the field. */
export function checkScenario(sc: Scenario): void {
  getArch(sc.arch);
  const d = getDesign(sc.design);
  const ok = d.supports(getArch(sc.arch));
  if (ok !== true) throw new Error(`${sc.design} does not support ${sc.arch}: ${ok}`);
  getScheduler(sc.sched);
  if (sc.contract !== undefined && !isContractName(sc.contract)) throw new Error(`contract: expected one of ${CONTRACT_NAMES.join(', ')}`);
  parseDomains(sc.domains);
  if (!Number.isInteger(sc.pcpus) || sc.pcpus < 1 || sc.pcpus > 31) throw new Error('pcpus: expected a whole number 1..31');
  if (!(sc.ms > 0 && sc.ms <= 5000)) throw new Error('time: expected 0 < ms ≤ 5000');
  if (!Number.isInteger(sc.seed) || sc.seed < 0 || sc.seed > 2 ** 32 - 1) throw new Error('seed: expected a whole number 0..4294967295');
}

/** The choices the seeded driver makes for this scenario (what `lazyswitch run` does). */
export function recordChoices(sc: Scenario): Choice[] {
  checkScenario(sc);
  const choices: Choice[] = [];
  const { st } = fresh(sc, null);
  drive(st, { seed: sc.seed, record: choices, maxSteps: MAX_STEPS });
  return choices;
}

/** A replay string (choice tokens separated by white space) as choices. */
export function parseReplay(text: string): Choice[] {
  const toks = text.trim().split(/\s+/).filter(Boolean);
  if (!toks.length) throw new ReplayError('the replay string is empty');
  if (toks.length > MAX_STEPS) throw new ReplayError(`the replay string has ${toks.length} choices; at most ${MAX_STEPS}`);
  return toks.map((t, i) => {
    // choiceToString writes a guest segment's "no interrupt pcpu" as irq -1 (NONE), which
    // parseChoice's pattern (\d+) does not accept yet: read that one form here so the strings
    // this page (and the driver) produce load back.
    const g = /^g(\d+):(\d+):(\d+):(\d+):-1$/.exec(t);
    if (g) return { k: 'guest', p: Number(g[1]), len: Number(g[2]), op: Number(g[3]), arg: Number(g[4]), irq: -1 } satisfies Choice;
    try {
      return parseChoice(t, `choice ${i + 1}`);
    } catch (e) {
      throw new ReplayError((e as Error).message.replace(/^replay: /, ''));
    }
  });
}

export function replayString(choices: readonly Choice[], upTo = choices.length): string {
  return choices.slice(0, upTo).map(choiceToString).join(' ');
}

const PHASE_MOMENT: Record<number, { kind: MomentKind; short: string }> = {
  [PHASE.SWITCH_PREP]: { kind: 'prep', short: 'dirty check' },
  [PHASE.SYNC_WAIT]: { kind: 'flush-ack', short: 'flush acknowledged' },
  [PHASE.SWITCH]: { kind: 'switch', short: 'state switch' },
  [PHASE.SAVED]: { kind: 'tail', short: 'contextSaved + tail' },
};

/** A choice that the state does not allow is a replay error, not a crash (applyChoice asserts). */
function checkApplicable(st: HvState, c: Choice, i: number): void {
  const bad = (why: string) => new ReplayError(`choice ${i + 1} "${choiceToString(c)}": ${why}`);
  if (c.k === 'wake') {
    if (c.v < 0 || c.v >= st.vcpus.length) throw bad(`there is no vcpu ${c.v} (${st.vcpus.length} vcpus)`);
  } else if (c.p < 0 || c.p >= st.pcpus.length) throw bad(`there is no pcpu ${c.p} (${st.pcpus.length} pcpus)`);
  if (c.k === 'guest' && (c.irq < -1 || c.irq >= st.pcpus.length)) throw bad(`interrupt pcpu ${c.irq} does not exist`);
}

/** Run the choices once with the checker and a tracer: find every switch, its moments, its violations. */
export function analyse(sc: Scenario, choices: Choice[], source: Session['source']): Session {
  checkScenario(sc);
  const switches: SwitchInfo[] = [];
  const open = new Map<number, SwitchInfo>();
  let cur = -1;
  const tracer: HvTracer = {
    event(st, kind, p, a, b, lazy) {
      if (kind === 'sched') {
        const pc = st.pcpus[p];
        const s: SwitchInfo = {
          index: switches.length,
          pcpu: p,
          prev: a,
          next: b,
          start: cur,
          end: cur,
          complete: false,
          moments: [{ at: cur, kind: 'pick', short: 'schedule() pick' }],
          focus: 0,
          lazy: null,
          entry: pc.entryPath >= 0 ? ENTRY_PATHS[pc.entryPath] : null,
          flushFrom: -1,
          violations: [],
        };
        switches.push(s);
        open.set(p, s);
      } else if (kind === 'switch') {
        const s = open.get(p);
        if (s) s.lazy = lazy === true;
      } else if (kind === 'ipi-send' && b === 1) {
        const s = open.get(p);
        if (s && s.flushFrom < 0) s.flushFrom = a;
      }
    },
  };
  const { st, checker } = fresh(sc, tracer);
  const violations: FoundViolation[] = [];
  let seen = 0;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i];
    checkApplicable(st, c, i);
    const p = c.k === 'wake' ? -1 : c.p;
    const phaseBefore = p >= 0 ? st.pcpus[p].phase : -1;
    cur = i;
    try {
      applyChoice(st, c);
    } catch (e) {
      throw new ReplayError(`choice ${i + 1} "${choiceToString(c)}" is not possible here: ${(e as Error).message}`);
    }
    while (seen < checker.violations.length) violations.push({ at: i, v: checker.violations[seen++] });
    const s = p >= 0 ? open.get(p) : undefined;
    if (s && c.k === 'run' && s.start !== i) {
      const m = PHASE_MOMENT[phaseBefore] ?? { kind: 'other' as const, short: 'step' };
      s.moments.push({ at: i, kind: m.kind, short: m.short });
      s.end = i;
      if (phaseBefore === PHASE.SAVED) {
        s.complete = true;
        open.delete(p);
      }
    } else if (s) s.end = Math.max(s.end, i);
  }
  for (const s of switches) {
    const k = s.moments.findIndex((m) => m.kind === 'switch');
    s.focus = k >= 0 ? k : s.moments.length - 1;
  }
  // Violations belong to the switch in progress on their pcpu when they were found.
  let k = 0;
  const byPcpu = new Map<number, SwitchInfo[]>();
  for (const s of switches) (byPcpu.get(s.pcpu) ?? byPcpu.set(s.pcpu, []).get(s.pcpu)!).push(s);
  for (const fv of violations) {
    const list = byPcpu.get(fv.v.pcpu);
    if (!list) continue;
    // Binary search would do; the lists are short enough for a linear scan from a hint.
    for (k = 0; k < list.length; k++) {
      const s = list[k];
      if (s.start > fv.at) break;
      if (fv.at <= s.end) {
        s.violations.push(fv);
        break;
      }
    }
  }
  return { scenario: sc, arch: getArch(sc.arch), design: getDesign(sc.design), choices, switches, violations, totalViolations: checker.total, source };
}

/** The state after choices[0..at], replayed from the start (or continued forward from the last one). */
export class Cursor {
  private cur: (Fresh & { applied: number }) | null = null;
  constructor(readonly session: Session) {}

  after(at: number): Fresh {
    const want = at + 1;
    if (!this.cur || this.cur.applied > want) this.cur = { ...fresh(this.session.scenario, null), applied: 0 };
    const c = this.cur;
    while (c.applied < want && c.applied < this.session.choices.length) applyChoice(c.st, this.session.choices[c.applied++]);
    return c;
  }
}
