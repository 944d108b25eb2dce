/**
 * @module explore/model: what the explorer explores — a small configuration (design, arch,
 * scheduler, pcpus, domains, mutations, whether control operations are offered), its initial
 * state, and the explorer's transition: the simulator's own applyChoice (src/sim/step.ts, the
 * same step `run` takes), with a fresh Checker attached, followed by the explorer's model of
 * time (normaliseTime).
 *
 * Two bounds on the model make its state space finite, both documented in README.md:
 * - Time. The random driver gives every event a time; the explorer lets every enabled event
 *   happen in every order instead, so times carry no information and are reset to 0 after
 *   every step. A pcpu's timer, when armed, fires as the end of its slice (it always raises
 *   SCHEDULE_SOFTIRQ): the explorer's timer choice means "the slice ends now".
 * - Reschedule IPIs pending twice on one pcpu are merged (normaliseTime), as hardware does.
 * - Guest behaviour. Each guest choice writes every register its profile uses (a fresh value
 *   each), then ends in one of the guest ops (nothing, hypercall, yield, block with the I/O
 *   completion on any pcpu, the guest's own timer, a device interrupt, and — from the first
 *   domain, the toolstack — every control operation on every other guest vcpu).
 */
import type { Arch } from '../arch/index.ts';
import { getArch } from '../arch/index.ts';
import { Checker, type Violation } from '../check/index.ts';
import { InputError, invariant } from '../base/index.ts';
import { IPI_RESCHED } from '../machine/index.ts';
import { NONE, cloneFlat, copyFlatInto, designFor, getDesign, getScheduler, isContractName, CONTRACT_NAMES, type ContractName, type HvState, type Mutations, type Scheduler, type SwitchDesign, type HvTracer } from '../hv/index.ts';
import { MUTANTS } from '../mutants/index.ts';
import { credit } from '../hv/sched/credit/index.ts';
import { parseDomains, type DomainSpec } from '../scenario/index.ts';
import { applyChoice, buildState, enabled, type Choice, type EnabledOptions } from '../sim/index.ts';

/** One explorable configuration, by name (everything a replay string's header records). */
export interface ExploreSpec {
  /** A built-in design name, or a mutant name from src/mutants/catalogue.ts. */
  design: string;
  arch: string;
  sched: string;
  pcpus: number;
  /** --domains syntax. */
  domains: string;
  /** Offer control operations (pause + getvcpucontext, setvcpucontext, set_affinity) from domain 1. */
  control: boolean;
  /** Guest ops offered (names of GUEST_OP_NAMES but 'domctl'); default GUEST_OPS_DEFAULT. */
  ops?: string[];
  /** Control operations offered with `control` (getvcpucontext, setvcpucontext, set_affinity, hotplug, domain_pause, domain_destroy); default the first three. */
  ctl?: string[];
  /** The scheduler-interface generation (hv/contract); default today's, 2006-01-07. */
  contract?: ContractName;
  /**
   * A user's design file (`--design-file`): its absolute path; `design` is then the name the
   * file's design gives itself. resolveSpec takes the loaded design from its caller (the CLI
   * loads files; this layer does no I/O).
   */
  designFile?: string;
  /** The first 16 hex digits of the design file's SHA-256 when the spec was made (a replay string's check that the file is the same). */
  designSha256?: string;
  /**
   * The first 16 hex digits of one SHA-256 over the user's own files the design file imports
   * (cli/design-imports), when it imports any: a replay refuses a design whose helpers changed.
   */
  importsSha256?: string;
  /** A user's architecture file (`--arch FILE`): its absolute path; `arch` is then the name the file gives. */
  archFile?: string;
  /** The first 16 hex digits of the architecture file's SHA-256. */
  archSha256?: string;
}

/** The objects a spec's user files name (designFile, archFile), loaded by the CLI. */
export interface UserFiles {
  design?: SwitchDesign;
  arch?: Arch;
}

/** The guest ops offered by default: a null hypercall, a yield, a block. (Run-on, the guest's own timer and device interrupts can be added with ops=.) */
export const GUEST_OPS_DEFAULT = ['hypercall', 'yield', 'block'];
const OP_NAMES = ['run', 'hypercall', 'yield', 'block', 'guest-timer', 'device-irq'];

/**
 * What `lazyswitch explore` explores by default, and completes (about 68,000 canonical states,
 * 20–30 s here): 2 pcpus, one domain of two vcpus (plus idle) that pause and read each other
 * (getvcpucontext: vcpu_pause, vcpu_sleep_sync, sync_vcpu_execstate), guest ops hypercall, yield
 * and block. It used to be int*2,io*1 with three control operations: over a million states, never
 * completed, so it proved nothing (issue 22 §5); `--domains int*2,io*1 --ctl
 * getvcpucontext,setvcpucontext,set_affinity` is that one.
 */
export const DEFAULT_SPEC: ExploreSpec = { design: 'xen-x86-lazy', arch: 'x86-64', sched: 'rr', pcpus: 2, domains: 'int*2', control: true, ctl: ['getvcpucontext'] };

/**
 * The configuration the tests and the benchmark explore to completion: 2 pcpus, one domain of
 * two vcpus (plus idle), no control operations, guest ops hypercall and block — about 40,000
 * canonical states.
 */
export const SMALL_SPEC: ExploreSpec = { design: 'xen-x86-lazy', arch: 'x86-64', sched: 'rr', pcpus: 2, domains: 'int*2', control: false, ops: ['hypercall', 'block'] };

/**
 * The 3-pcpu configuration with cpu hotplug (issue 15's target): 3 pcpus, one domain of two
 * vcpus (plus idle) whose first vcpu pauses and reads the other (getvcpucontext), moves it
 * (set_affinity: migration) and takes pcpus down and up (cpu_down/cpu_up), guest ops
 * hypercall and block. No pcpu symmetry with 3 pcpus; it does not complete here (the README
 * gives how far it gets); the benchmark measures memory on its first 10^6 states.
 */
export const HOTPLUG3_SPEC: ExploreSpec = { design: 'xen-x86-lazy', arch: 'x86-64', sched: 'rr', pcpus: 3, domains: 'int*2', control: true, ctl: ['getvcpucontext', 'set_affinity', 'hotplug'], ops: ['hypercall', 'block'] };

/** A spec resolved into the objects the simulator needs. */
export interface ExploreSetup {
  spec: ExploreSpec;
  arch: Arch;
  design: SwitchDesign;
  sched: Scheduler;
  domains: DomainSpec[];
  mutations?: Mutations;
  /** The mutant, when spec.design names one. */
  mutant?: string;
  menu: EnabledOptions;
}

/** The scheduler a mutant needs: its own when it is not the stock credit policy (steal-running-vcpu), else none. */
function mutantSched(name: string): Scheduler | null {
  const m = MUTANTS.find((x) => x.name === name);
  return m && m.sched !== credit ? m.sched : null;
}

export function resolveSpec(spec: ExploreSpec, files: UserFiles = {}): ExploreSetup {
  if (spec.designFile !== undefined && !files.design) throw new InputError('--design-file', [{ where: '--design-file', message: `the design file "${spec.designFile}" is not loaded` }]);
  if (spec.archFile !== undefined && !files.arch) throw new InputError('--arch', [{ where: '--arch', message: `the architecture file "${spec.archFile}" is not loaded` }]);
  const m = spec.designFile === undefined ? MUTANTS.find((x) => x.name === spec.design) : undefined;
  let design: SwitchDesign;
  try {
    design = spec.designFile !== undefined ? files.design! : m ? m.design : getDesign(spec.design);
  } catch {
    throw new InputError('--design', [{ where: '--design', message: `unknown design or mutant "${spec.design}"; expected a built-in design or one of the mutants: ${MUTANTS.map((x) => x.name).join(', ')}` }]);
  }
  if (spec.contract !== undefined && !isContractName(spec.contract)) throw new InputError('--contract', [{ where: '--contract', message: `unknown contract "${spec.contract}"; expected one of ${CONTRACT_NAMES.join(', ')}` }]);
  // A design with its own form under the selected contract runs that form (xen-x86-lazy-2005).
  if (!m) design = designFor(design, spec.contract);
  const own = m ? mutantSched(m.name) : null;
  const sched = own && spec.sched === own.name ? own : getScheduler(spec.sched);
  const arch = spec.archFile !== undefined ? files.arch! : getArch(spec.arch);
  const ok = design.supports(arch);
  if (ok !== true) throw new InputError('--arch', [{ where: '--arch', message: `${spec.design} does not support ${arch.name}: ${ok}` }]);
  if (!Number.isInteger(spec.pcpus) || spec.pcpus < 1 || spec.pcpus > 8) throw new InputError('--pcpus', [{ where: '--pcpus', message: `${spec.pcpus} is out of range (expected 1..8)` }]);
  return {
    spec,
    arch,
    design,
    sched,
    domains: parseDomains(spec.domains),
    mutations: m?.mutations,
    mutant: m?.name,
    menu: { control: spec.control, blockIrq: 'all', timers: 'guest', guestOps: opsOf(spec), controlOps: ctlOf(spec) },
  };
}

const CTL_OPS = ['getvcpucontext', 'setvcpucontext', 'set_affinity', 'hotplug', 'domain_pause', 'domain_destroy'];

function ctlOf(spec: ExploreSpec): number[] {
  return (spec.ctl ?? CTL_OPS.slice(0, 3)).map((n) => {
    const i = CTL_OPS.indexOf(n);
    if (i < 0) throw new InputError('ctl', [{ where: 'ctl', message: `unknown control operation "${n}"; expected some of ${CTL_OPS.join(', ')}` }]);
    return i;
  });
}

function opsOf(spec: ExploreSpec): number[] {
  const names = spec.ops ?? GUEST_OPS_DEFAULT;
  return names.map((n) => {
    const i = OP_NAMES.indexOf(n);
    if (i < 0) throw new InputError('ops', [{ where: 'ops', message: `unknown guest op "${n}"; expected some of ${OP_NAMES.join(', ')}` }]);
    return i;
  });
}

/** The spec a mutant is explored with by default: the smallest configuration that exposes it (its catalogue entry), on its architecture, with its scheduler if it needs its own. */
export function mutantSpec(name: string): ExploreSpec {
  const m = MUTANTS.find((x) => x.name === name);
  if (!m) throw new InputError('--design', [{ where: '--design', message: `unknown mutant "${name}"` }]);
  const own = mutantSched(name);
  const e = m.explore;
  const { ctl: _defaultCtl, ...base } = DEFAULT_SPEC;
  return { ...base, design: name, arch: m.arch, sched: own ? own.name : DEFAULT_SPEC.sched, domains: e.domains, control: e.control, ops: e.ops, ...(e.ctl ? { ctl: e.ctl } : {}), ...(m.contract ? { contract: m.contract } : {}) };
}

/** Reset every time field (see the module comment): after this, no field that holds a time differs between states. */
export function normaliseTime(st: HvState): void {
  for (const pc of st.pcpus) {
    pc.clock = 0;
    pc.nextTick = 0;
    pc.sliceEnd = 0;
    pc.lockAt = 0;
    if (pc.timerAt !== Infinity) pc.timerAt = 0;
    if (pc.ackAt !== NONE) pc.ackAt = 0;
    for (const i of pc.ipis) i.at = 0;
    // A reschedule IPI sent while another is still pending here is merged into it, as the
    // local APIC merges a vector already pending in its IRR: the pending one will raise
    // SCHEDULE_SOFTIRQ and the schedule() it causes sees both wakeups. Without this, queues of
    // reschedule IPIs grow without bound and so does the state space. Flush IPIs are never
    // merged (each sender spins for its own acknowledgement; at most one per sender).
    if (pc.ipis.length > 1) {
      let seen = false;
      pc.ipis = pc.ipis.filter((i) => {
        if (i.kind !== IPI_RESCHED) return true;
        if (seen) return false;
        seen = true;
        return true;
      });
    }
  }
  for (const v of st.vcpus) {
    if (v.wakeAt !== Infinity) v.wakeAt = 0;
    v.guestCycles = 0;
  }
}

/** The initial state: buildState as `run` does, guests writing every register they use per choice, times normalised. */
export function initialState(s: ExploreSetup, tracer: HvTracer | null = null): HvState {
  const st0 = buildState({ arch: s.arch, design: s.design, sched: s.sched, pcpus: s.spec.pcpus, domains: s.domains, seconds: 1, observer: null, tracer, mutations: s.mutations, contract: s.spec.contract });
  const cfg = { ...st0.cfg, profiles: st0.cfg.profiles.map((p, i) => ({ ...p, writesPerSegment: st0.cfg.profileRegs[i].length })) };
  const st: HvState = { ...st0, cfg };
  normaliseTime(st);
  return st;
}

/** Deep copy of plain scheduler data (arrays, objects, numbers, booleans). */
function clonePlain<T>(x: T): T {
  if (Array.isArray(x)) {
    const a = new Array(x.length);
    for (let i = 0; i < x.length; i++) a[i] = clonePlain(x[i]);
    return a as T;
  }
  if (x !== null && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(x)) o[k] = clonePlain((x as Record<string, unknown>)[k]);
    return o as T;
  }
  return x;
}

/**
 * cloneState (sim/step.ts) for the explorer: the same copy of the flat state, except that
 * metrics are shared (nothing in the model reads them to decide anything), scheduler data is
 * copied as plain data instead of through structuredClone, and C frames are shared (never
 * written after their prologue).
 */
export function cloneForExplore(st: HvState): HvState {
  const { buf, pcpus, vcpus } = cloneFlat(st, false);
  return {
    cfg: st.cfg,
    layout: st.layout,
    buf,
    pcpus,
    vcpus,
    domains: st.domains,
    schedData: clonePlain(st.schedData),
    step: st.step,
    nextToken: st.nextToken,
    metrics: st.metrics,
  };
}

/**
 * Make `dst` a copy of `src` (cloneForExplore's result, without allocating): `dst` must be a
 * state of the same configuration, and shares nothing mutable with `src` afterwards — except
 * what cloneForExplore shares too (metrics, domains, cfg; C frames, which are never written
 * after their prologue; pending IPI records, whose only field written after sending, `at`, is
 * always 0 in a normalised state). The explorer recycles states this way (a state found
 * already visited, a state already expanded): allocation and garbage collection were half its
 * time. Every scalar of every pcpu and vcpu is in the flat buffer (one `set`, copyFlatInto); a
 * test compares copyStateInto with cloneForExplore field by field.
 */
export function copyStateInto(dst: HvState, src: HvState): HvState {
  copyFlatInto(dst, src);
  dst.domains = src.domains;
  dst.schedData = clonePlain(src.schedData);
  dst.step = src.step;
  dst.nextToken = src.nextToken;
  dst.metrics = src.metrics;
  return dst;
}

/**
 * The checker for the transitions out of one state. Each transition is judged by a Checker
 * primed with the parent state (Checker.prime: it reports nothing), so that its step-to-step
 * invariant (inv2) compares the child with its own parent; the checker's only memory between
 * steps is the previous state's processors, running vcpus and waits. A checker whose count is
 * not zero (after a violating transition) is replaced by a fresh one.
 */
export class StepChecker {
  private checker = new Checker({ keep: 4 });
  /**
   * One explorer transition from `st` (left untouched): clone (into `into`, a state the caller
   * no longer needs, when given), apply the choice with the checker attached, normalise time.
   */
  step(st: HvState, c: Choice, into: HvState | null = null): { next: HvState; violations: Violation[] } {
    let ch = this.checker;
    if (ch.total) ch = this.checker = new Checker({ keep: 4 });
    ch.prime(st);
    const next = into ? copyStateInto(into, st) : cloneForExplore(st);
    st.cfg.observer = ch;
    applyChoice(next, c);
    st.cfg.observer = null;
    normaliseTime(next);
    return { next, violations: ch.total ? ch.violations.slice() : [] };
  }
}

const shared = new StepChecker();

/** One explorer transition (see StepChecker). */
export function exploreStep(st: HvState, c: Choice, into: HvState | null = null): { next: HvState; violations: Violation[] } {
  return shared.step(st, c, into);
}

/** The acting pcpu of a choice (a wake acts on the pcpu that takes the I/O interrupt). */
export function actor(st: HvState, c: Choice): number {
  return c.k === 'wake' ? st.vcpus[c.v].wakePcpu : c.p;
}

export function enabledFor(s: ExploreSetup, st: HvState): Choice[] {
  return enabled(st, s.menu);
}
