/**
 * @module sim/replay: a real schedule, replayed. Parsed trace records (src/trace) say which task
 * ran on which cpu and when; here every task becomes a vcpu, tasks are grouped into domains, and
 * the state built by buildState() is driven through applyChoice() so that the trace, not a
 * scheduler policy, dictates every switch. The `scripted` policy carries the trace's decisions
 * out through the same schedule()/contextSwitch() steps as any run, every design sees the same
 * schedule, and the checker judges each one.
 *
 * Two halves:
 * - planReplay(records, diagnostics, options): design-independent. Task → vcpu and domain
 *   mapping, profiles, the sorted switches as flat arrays, and the facts about the trace itself
 *   (switches per cpu, span, malformed lines, what in the trace does not add up).
 * - replayPlan(plan, { arch, design }): one design on one architecture, returning the
 *   RunResult of `run` (summarise()) plus what the replay itself observed.
 *
 * How one trace switch (cpu c, prev → next, time t) is carried out (Xen schedule() as in
 * hv/core.ts; nothing here bypasses it):
 *  1. every pcpu's pending hypervisor steps run first (`run` while canRun, `ipi` when one is
 *     pending), so no earlier switch is half done;
 *  2. if next is still current on another pcpu q (the trace lost that switch-out), q is made to
 *     switch to its idle vcpu first; counted as an inconsistency, never a crash;
 *  3. c enters the hypervisor at t: from guest code by a guest segment up to t that ends in
 *     SCHEDOP_block when prev_state says the task slept, else SCHEDOP_yield (preempted, still
 *     runnable); from the idle loop by SCHEDULE_SOFTIRQ (see raiseSoftirqOnIdle);
 *  4. next is placed on c (`processor = c`, a migration if it was elsewhere) and, if blocked,
 *     woken by an interrupt on c at t (vcpu_wake(); the scripted policy tickles c if it idles);
 *  5. c's steps run until the switch is complete, serving the flush IPIs it sends (lazy designs'
 *     dirty-pcpu pull, 1088bc0f6d / 89e23317ba) on their target pcpus.
 * Simulated time is trace time: cycle 0 is the first record, seconds become cycles at the
 * architecture's clockHz. A pcpu whose hypervisor work outran the trace (lag) runs its next guest
 * segment with length 0; the largest lag is reported.
 *
 * Before the first record every cpu's first prev (the task already running when tracing began)
 * is switched in, then the metrics are reset: the metrics count exactly the trace's switches.
 *
 * Left out on purpose: the hypervisor timer (scheduler tick, slice end) is never taken, as the
 * trace's switches are the only schedule() calls that matter here; a task's run between two of
 * its switches is one guest segment (writing its profile's registers once); the trace's own
 * wakeup records are counted, not replayed — a task is woken on the cpu and at the time it is
 * switched in, which is when its state is needed.
 */
import type { Arch } from '../arch/index.ts';
import { InputError, UnsupportedError, invariant } from '../base/index.ts';
import { Checker } from '../check/index.ts';
import { PROFILES, profileIndex } from '../guest/index.ts';
import { GUEST_OP, NONE, PHASE, RUNSTATE, designFor, newMetrics, queueIpi, type ContractName, type HvState, type HvTracer, type Mutations, type SwitchDesign, type Vcpu, type Domain } from '../hv/index.ts';
import { scripted, setWanted } from '../hv/sched/scripted/index.ts';
import { IPI_FLUSH } from '../machine/index.ts';
import type { DomainSpec } from '../scenario/index.ts';
import {
  UNKNOWN_CPU,
  XEN_IDLE_DOMID,
  prevRunstate,
  type MalformedLine,
  type SwitchRecord,
  type TraceDiagnostics,
  type TraceFormat,
  type TraceRecord,
} from '../trace/index.ts';
import { buildState } from './build.ts';
import { applyChoice, canRun } from './step.ts';
import { summarise, type RunResult } from './run.ts';

// ---------------------------------------------------------------------------------------------
// Options: grouping into domains, profiles per task.

/** How tasks are grouped into domains (`--group`). */
export const GROUP_RULES = ['tgid', 'process', 'pid', 'xen'] as const;
export type GroupRuleName = (typeof GROUP_RULES)[number];

/**
 * A mapping file's content (`--group FILE`, YAML or JSON): domain name → patterns. A pattern is a
 * pid (a number or a string of digits), a comm glob (`*` any run, `?` one character; the whole
 * comm must match), or a regular expression written `/.../`. The first domain with a matching
 * pattern wins; tasks no pattern matches go to a domain named `other`.
 */
export interface DomainMapping {
  domains: Record<string, (string | number)[]>;
}

export type GroupRule = GroupRuleName | DomainMapping;

/** `--profile COMM=PROFILE`: tasks whose comm matches the glob get the profile (first match wins). */
export interface ProfileOverride {
  pattern: string;
  profile: string;
}

/**
 * The default profile of a task, by its comm (checked in this order; anything else is `int`).
 * Why: the profile decides which register classes the task's vcpu writes, and so what a lazy or
 * eager switch must move. Kernel threads never touch FP/SIMD (the kernel avoids it outside
 * kernel_fpu_begin); GPU-facing and rendering threads (Android's RenderThread and hwui,
 * SurfaceFlinger, Mali driver threads, GL threads) run SIMD code; audio and media codec threads
 * run floating-point DSP code.
 */
export const DEFAULT_PROFILE_RULES: readonly { profile: string; pattern: RegExp }[] = [
  { profile: 'int', pattern: /^(kworker|ksoftirqd|irq\/|rcu|migration|watchdog|kthreadd|kswapd|khugepaged|jbd2|mmcqd|swapper)/i },
  { profile: 'vector', pattern: /render|surfacefl|mali|hwui|gpu|^gl|gl$|[^a-z]gl[^a-z]/i },
  { profile: 'fp', pattern: /audio|media|codec/i },
];

export function defaultProfile(comm: string): string {
  for (const r of DEFAULT_PROFILE_RULES) if (r.pattern.test(comm)) return r.profile;
  return 'int';
}

/** A comm glob (`*`, `?`) or `/regex/` as a RegExp over the whole comm. */
export function commPattern(p: string): RegExp {
  if (p.length > 2 && p.startsWith('/') && p.endsWith('/')) return new RegExp(p.slice(1, -1));
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * The `process` rule: a comm without its instance suffixes, so the threads and per-cpu instances
 * of one program share a domain. A `/` followed by anything with a digit starts a kernel
 * thread's instance part (kworker/u12:1, mmcqd/0, irq/409-inv_irq → kworker, mmcqd, irq); then
 * trailing digits go, with a `_`, `:` or `-` before them (Binder_5, Binder:549_4, Thread-12,
 * jbd2/sda2-8 → Binder, Binder, Thread, jbd). A comm that would become empty stays as it is.
 */
export function processName(comm: string): string {
  let s = comm;
  const slash = s.indexOf('/');
  if (slash > 0 && /\d/.test(s.slice(slash + 1))) s = s.slice(0, slash);
  for (;;) {
    const t = s.replace(/[_:-]?\d+$/, '');
    if (t === s || t.length === 0) break;
    s = t;
  }
  return s;
}

export interface PlanOptions {
  /** Default: `xen` for xentrace, else `tgid` when the trace records TGIDs, else `process`. */
  group?: GroupRule;
  profiles?: ProfileOverride[];
  /** Names the input in error messages (the CLI passes the file name); default "trace". */
  source?: string;
}

// ---------------------------------------------------------------------------------------------
// The plan: everything about the trace that does not depend on the design.

export interface ReplayTask {
  /** The vcpu that stands for it. */
  vcpu: number;
  comm: string;
  /** pid (xentrace: the Xen vcpu id). */
  pid: number;
  tgid?: number;
  /** xentrace: the Xen domain id. */
  dom?: number;
  domain: number;
  profile: string;
  /** Cpu of its first switch record: its initial `processor`. */
  firstCpu: number;
  /** The name its vcpu gets: `comm-pid`, or `d<dom>v<vcpu>` for Xen. */
  name: string;
}

export interface ReplayDomain {
  name: string;
  profile: string;
  /** Vcpu ids, in order. */
  vcpus: number[];
}

/** What in the trace does not add up (lost events, merged buffers): handled, counted, never fatal. */
export interface TraceInconsistencies {
  /** A switch's prev is not the task the trace last switched in on that cpu. */
  prevMismatch: number;
  /** A task switched in on one cpu while the trace still has it running on another. */
  nextRunningElsewhere: number;
  /** A task switched in on a cpu where it already runs (nothing to do). */
  alreadyRunning: number;
}

export interface TraceFacts {
  format: TraceFormat;
  cpus: number;
  tasks: number;
  switchesPerCpu: Record<string, number>;
  spanSeconds: number;
  malformedLines: number;
  // Additions beyond the contract:
  /** The first few malformed lines: line number, text, reason. */
  malformedExamples: MalformedLine[];
  switches: number;
  wakeups: number;
  domains: number;
  group: string;
  /** Events the tracer says it dropped (absent when it does not say). */
  lostEvents?: number;
  /** Switches whose next is the idle task. */
  switchesToIdle: number;
  /** X → idle → X on one cpu, X running nowhere else in between: exactly where a lazy switch to idle and back moves nothing. */
  idleRoundTrips: number;
  inconsistencies: TraceInconsistencies;
  /** Timestamp of the first record, in the trace's clock: simulated time 0. */
  startSeconds: number;
  /** xentrace: the TSC rate its cycles were converted with — `--tsc-hz`, or estimated from the trace (`samples` records). */
  tsc?: { hz: number; estimated: boolean; samples?: number };
  /** perf without a cpu column: switches dropped because their cpu could not be inferred (at most 1%; absent when none). */
  droppedNoCpu?: number;
}

export interface ReplayPlan {
  pcpus: number;
  tasks: ReplayTask[];
  domains: ReplayDomain[];
  /** Per pcpu: the vcpu running when the trace starts (its first switch's prev), or the idle vcpu. */
  initial: Int32Array;
  /** The switches, sorted by (ts, line), as flat arrays. */
  cpu: Int32Array;
  /** Seconds since the first record. */
  time: Float64Array;
  prev: Int32Array;
  next: Int32Array;
  /** 1 when prev_state says prev slept (blocked) or exited. */
  prevSlept: Uint8Array;
  facts: TraceFacts;
}

const MAX_PCPUS = 1024;
/** Switches without a cpu a replay drops at most, as a share of all switches (perf without a cpu column). */
const MAX_UNPLACED_SHARE = 0.01;

function taskKey(xen: boolean, pid: number, dom: number | undefined): number {
  return xen ? (dom ?? 0) * 65536 + pid : pid;
}

function isIdleTask(xen: boolean, pid: number, dom: number | undefined): boolean {
  return xen ? dom === XEN_IDLE_DOMID : pid === 0;
}

interface TaskInfo {
  key: number;
  comm: string;
  pid: number;
  dom?: number;
  tgid?: number;
  firstCpu: number;
  /** Index in first-appearance order. */
  order: number;
}

/**
 * Map a parsed trace to vcpus and domains. `records` in any order (they are sorted here by
 * (ts, line): merged per-cpu buffers are not in time order). Throws InputError when the trace
 * cannot be replayed faithfully (cpus unknown, xentrace times in TSC cycles, no switch at all).
 */
export function planReplay(records: readonly TraceRecord[], diag: TraceDiagnostics, o: PlanOptions = {}): ReplayPlan {
  const format = diag.format ?? 'ftrace';
  const xen = format === 'xentrace';
  const source = o.source ?? 'trace';
  // Seconds per unit of `ts`: 1, or 1/rate for xentrace in TSC cycles with an estimated rate.
  let tsScale = 1;
  let tsc: TraceFacts['tsc'];
  if (diag.header.tsUnit === 'tsc-cycles') {
    const est = diag.header.tscHzEstimate;
    if (!est) {
      throw new InputError(source, [
        {
          where: '--tsc-hz',
          message:
            'the xentrace timestamps are TSC cycles and the trace carries no rate, nor records to estimate it from (switch_infprev runtimes after their vcpu\'s switch-in); give the TSC rate in Hz (e.g. --tsc-hz 2.4e9)',
        },
      ]);
    }
    tsScale = 1 / est.hz;
    tsc = { hz: est.hz, estimated: true, samples: est.samples };
  } else if (diag.header.tscHz !== undefined) tsc = { hz: diag.header.tscHz, estimated: false };
  const switches: SwitchRecord[] = [];
  let wakeups = 0;
  let tmin = Infinity;
  let tmax = -Infinity;
  let unknownCpu = 0;
  let firstUnknown = 0;
  let maxCpu = -1;
  for (const r of records) {
    if (r.ts < tmin) tmin = r.ts;
    if (r.ts > tmax) tmax = r.ts;
    if (r.kind === 'wakeup') {
      wakeups++;
      continue;
    }
    if (r.cpu === UNKNOWN_CPU) {
      if (!unknownCpu++) firstUnknown = r.line;
      continue;
    }
    if (r.cpu > maxCpu) maxCpu = r.cpu;
    switches.push(r);
  }
  // perf without a cpu column: the switches no chain of stints places (TraceParser.perfCpu) are
  // dropped, as the replay's repairs absorb a few (prevMismatch); more than 1% is refused.
  if (unknownCpu > MAX_UNPLACED_SHARE * (switches.length + unknownCpu)) {
    throw new InputError(source, [
      {
        where: `line ${firstUnknown}`,
        message: `${unknownCpu} sched_switch records have no cpu (perf script without a cpu column, and the cpu could not be inferred from an idle task's swapper/N before or after them): ${unknownCpu} of ${switches.length + unknownCpu} switches, more than ${MAX_UNPLACED_SHARE * 100}% to drop; record the cpu (perf script -F comm,tid,cpu,time,event,trace) to replay`,
      },
    ]);
  }
  if (!switches.length) throw new InputError(source, [{ where: 'trace', message: `no sched_switch record to replay (${diag.records} records, ${diag.malformedCount} malformed lines)` }]);
  switches.sort((a, b) => a.ts - b.ts || a.line - b.line);
  const pcpus = Math.max(diag.header.cpus ?? 0, maxCpu + 1);
  if (pcpus > MAX_PCPUS) throw new InputError(source, [{ where: 'trace', message: `${pcpus} cpus; at most ${MAX_PCPUS} can be replayed` }]);

  // Tasks, in order of first appearance; what each record says about them.
  const tasks = new Map<number, TaskInfo>();
  const tgidOf = new Map<number, number>();
  const see = (pid: number, dom: number | undefined, comm: string, cpu: number, tgid: number | undefined): void => {
    if (isIdleTask(xen, pid, dom)) return;
    const key = taskKey(xen, pid, dom);
    let t = tasks.get(key);
    if (!t) {
      t = { key, comm, pid, dom, firstCpu: cpu, order: tasks.size };
      tasks.set(key, t);
    }
    if (tgid !== undefined && t.tgid === undefined) t.tgid = tgid;
  };
  for (const r of records) {
    if (r.kind === 'wakeup' && r.tgid !== undefined) tgidOf.set(r.pid, r.tgid);
  }
  for (const s of switches) {
    see(s.prevPid, s.prevDom, s.prevComm, s.cpu, s.prevTgid);
    see(s.nextPid, s.nextDom, s.nextComm, s.cpu, s.nextTgid);
  }
  let sawTgid = false;
  for (const t of tasks.values()) {
    if (t.tgid === undefined && !xen) t.tgid = tgidOf.get(t.pid);
    if (t.tgid !== undefined) sawTgid = true;
  }

  // Domains by the rule.
  const rule: GroupRule = o.group ?? (xen ? 'xen' : sawTgid ? 'tgid' : 'process');
  if (rule === 'xen' && !xen) throw new InputError('--group', [{ where: '--group', message: `"xen" groups by Xen domain id, which only a xentrace trace has (this one is ${format})` }]);
  const commOfPid = new Map<number, string>();
  for (const t of tasks.values()) if (!commOfPid.has(t.pid)) commOfPid.set(t.pid, t.comm);
  // Names the trace gives processes themselves (Fuchsia's ph "p", Chrome's process_name), for
  // processes whose pid is no thread's (a Zircon process koid).
  const processNames = diag.header.processNames;
  const matchers = typeof rule === 'object' ? compileMapping(rule) : null;
  const groupOf = (t: TaskInfo): string => {
    if (matchers) {
      for (const m of matchers) if (m.pids.has(t.pid) || m.comms.some((re) => re.test(t.comm))) return m.name;
      return 'other';
    }
    switch (rule) {
      case 'xen':
        return `d${t.dom}`;
      case 'pid':
        return `${t.comm}-${t.pid}`;
      case 'tgid':
        if (t.tgid !== undefined) return `${commOfPid.get(t.tgid) ?? processNames?.get(t.tgid) ?? 'tgid'}:${t.tgid}`;
        return processName(t.comm);
      default:
        return processName(t.comm);
    }
  };
  const overrides = (o.profiles ?? []).map((p) => {
    if (profileIndex(p.profile) < 0) {
      throw new InputError('--profile', [{ where: '--profile', message: `unknown guest profile "${p.profile}" in "${p.pattern}=${p.profile}"; expected one of ${PROFILES.map((x) => x.name).join(', ')}` }]);
    }
    return { re: commPattern(p.pattern), profile: p.profile };
  });
  const profileOf = (comm: string): string => overrides.find((x) => x.re.test(comm))?.profile ?? defaultProfile(comm);

  const byGroup = new Map<string, TaskInfo[]>();
  for (const t of tasks.values()) {
    const g = groupOf(t);
    const list = byGroup.get(g);
    if (list) list.push(t);
    else byGroup.set(g, [t]);
  }
  const domains: ReplayDomain[] = [];
  const out: ReplayTask[] = [];
  const vcpuOfKey = new Map<number, number>();
  let next = pcpus; // idle vcpus are 0..pcpus-1 (buildState), guests follow domain by domain
  for (const [name, list] of byGroup) {
    const d: ReplayDomain = { name, profile: profileOf(list[0].comm), vcpus: [] };
    for (const t of list) {
      const v = next++;
      vcpuOfKey.set(t.key, v);
      d.vcpus.push(v);
      out.push({
        vcpu: v,
        comm: t.comm,
        pid: t.pid,
        tgid: t.tgid,
        dom: t.dom,
        domain: domains.length,
        profile: profileOf(t.comm),
        firstCpu: t.firstCpu,
        name: xen ? `d${t.dom}v${t.pid}` : `${t.comm}-${t.pid}`,
      });
    }
    domains.push(d);
  }

  // The switches as flat arrays, and a design-independent run of "who runs where" that finds
  // the initial placements and the inconsistencies (the replay meets exactly the same ones).
  const n = switches.length;
  const cpu = new Int32Array(n);
  const time = new Float64Array(n);
  const prev = new Int32Array(n);
  const nextV = new Int32Array(n);
  const prevSlept = new Uint8Array(n);
  const perCpu = new Map<number, number>();
  const vcpuOf = (pid: number, dom: number | undefined, c: number) => (isIdleTask(xen, pid, dom) ? c : vcpuOfKey.get(taskKey(xen, pid, dom))!);
  for (let i = 0; i < n; i++) {
    const s = switches[i];
    cpu[i] = s.cpu;
    time[i] = (s.ts - tmin) * tsScale;
    prev[i] = vcpuOf(s.prevPid, s.prevDom, s.cpu);
    nextV[i] = vcpuOf(s.nextPid, s.nextDom, s.cpu);
    const rs = prevRunstate(s.prevState);
    prevSlept[i] = rs === 'blocked' || rs === 'offline' ? 1 : 0;
    perCpu.set(s.cpu, (perCpu.get(s.cpu) ?? 0) + 1);
  }
  const initial = new Int32Array(pcpus);
  for (let p = 0; p < pcpus; p++) initial[p] = p;
  const seen = new Uint8Array(next);
  const started = new Uint8Array(pcpus);
  for (let i = 0; i < n; i++) {
    const c = cpu[i];
    // A cpu's first prev ran before tracing began, unless the task showed up earlier elsewhere.
    if (!started[c] && prev[i] >= pcpus && !seen[prev[i]]) initial[c] = prev[i];
    started[c] = 1;
    seen[prev[i]] = 1;
    seen[nextV[i]] = 1;
  }
  const facts: TraceFacts = {
    format,
    cpus: pcpus,
    tasks: tasks.size,
    switchesPerCpu: Object.fromEntries([...perCpu.entries()].sort((a, b) => a[0] - b[0]).map(([c, k]) => [String(c), k])),
    spanSeconds: Number(((tmax - tmin) * tsScale).toFixed(9)),
    malformedLines: diag.malformedCount,
    malformedExamples: diag.malformed.slice(),
    switches: n,
    wakeups,
    domains: domains.length,
    group: typeof rule === 'object' ? 'file' : rule,
    ...(diag.header.lostEvents !== undefined ? { lostEvents: diag.header.lostEvents } : {}),
    switchesToIdle: 0,
    idleRoundTrips: 0,
    inconsistencies: { prevMismatch: 0, nextRunningElsewhere: 0, alreadyRunning: 0 },
    startSeconds: tmin * tsScale,
    ...(tsc ? { tsc } : {}),
    ...(unknownCpu ? { droppedNoCpu: unknownCpu } : {}),
  };
  const plan: ReplayPlan = { pcpus, tasks: out, domains, initial, cpu, time, prev, next: nextV, prevSlept, facts };
  // X → idle → X on one cpu, X having run nowhere else meanwhile: its state is still loaded
  // there, so a lazy design moves nothing either way (xen-x86-lazy's two lazy cases).
  const lastOn = new Int32Array(pcpus).fill(-1);
  const ranOn = new Int32Array(next).fill(NONE);
  for (let p = 0; p < pcpus; p++) if (initial[p] >= pcpus) ranOn[initial[p]] = p;
  walk(plan, facts.inconsistencies, (i, c) => {
    const j = lastOn[c];
    const x = nextV[i];
    if (x < pcpus) facts.switchesToIdle++;
    if (j >= 0 && x >= pcpus && nextV[j] === c && prev[j] === x && prev[i] === c && ranOn[x] === c) facts.idleRoundTrips++;
    lastOn[c] = i;
    if (x >= pcpus) ranOn[x] = c;
  });
  return plan;
}

/**
 * Who-runs-where as the trace tells it, with the same repairs the replay makes (replayPlan
 * meets exactly these inconsistencies): `visit` is called for every switch carried out.
 */
function walk(plan: ReplayPlan, inc: TraceInconsistencies, visit: (i: number, c: number) => void): void {
  const P = plan.pcpus;
  const runningOn = new Int32Array(plan.tasks.length + P).fill(NONE);
  const current = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    current[p] = plan.initial[p];
    if (plan.initial[p] >= P) runningOn[plan.initial[p]] = p;
  }
  for (let i = 0; i < plan.cpu.length; i++) {
    const c = plan.cpu[i];
    const nv = plan.next[i];
    if (current[c] === nv) {
      inc.alreadyRunning++;
      continue;
    }
    if (current[c] !== plan.prev[i]) inc.prevMismatch++;
    if (nv >= P && runningOn[nv] !== NONE) {
      inc.nextRunningElsewhere++;
      current[runningOn[nv]] = runningOn[nv];
    }
    if (current[c] >= P) runningOn[current[c]] = NONE;
    current[c] = nv;
    if (nv >= P) runningOn[nv] = c;
    visit(i, c);
  }
}

function compileMapping(m: DomainMapping): { name: string; pids: Set<number>; comms: RegExp[] }[] {
  return Object.entries(m.domains).map(([name, pats]) => {
    const pids = new Set<number>();
    const comms: RegExp[] = [];
    for (const p of pats) {
      if (typeof p === 'number') pids.add(p);
      else if (/^\d+$/.test(p)) pids.add(Number(p));
      else comms.push(commPattern(p));
    }
    return { name, pids, comms };
  });
}

// ---------------------------------------------------------------------------------------------
// One replay: one design on one architecture.

export interface ReplayOptions {
  arch: Arch;
  design: SwitchDesign;
  /** Attach the checker (default true). */
  checker?: boolean;
  tracer?: HvTracer | null;
  /** Called every 4096 switches with the fraction done. */
  onProgress?: (fraction: number) => void;
  /** Called with the final state (tests, exports). */
  onDone?: (st: HvState) => void;
  /** The checker's liveness bound in simulated seconds (default 5, Xen's watchdog). */
  watchdogSeconds?: number;
  /** Deliberate bugs (the mutation suite); absent in every real replay. */
  mutations?: Mutations;
  /** The scheduler-interface generation (hv/contract; default today's); a design with its own form for it runs that form, as in `run`. */
  contract?: ContractName;
}

export interface ReplayFacts {
  /** Switches of the trace carried out (all but `alreadyRunning` ones). */
  switchesReplayed: number;
  /** Times the driver moved a vcpu to the cpu the trace switched it in on. */
  migrations: number;
  /** Blocked vcpus woken because the trace switched them in. */
  wakes: number;
  inconsistencies: TraceInconsistencies;
  /** How far behind trace time the model's hypervisor work left a pcpu, at worst (µs). */
  maxLagUs: number;
  /** wordsSaved + wordsRestored. */
  wordsMoved: number;
  /**
   * Present when the replay could not go on: after `atSwitch` switches the pcpus listed were
   * left spinning for something no step would bring (a liveness violation says what).
   */
  stalled?: { atSwitch: number; pcpus: number[] };
}

/** Thrown out of the replay loop when pcpus are left waiting forever (settle). */
class ReplayStalled extends Error {
  constructor(readonly pcpus: number[]) {
    super(`the replay stalled: pcpus ${pcpus.join(', ')} wait forever`);
  }
}

export interface ReplayResult extends RunResult {
  replay: ReplayFacts;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Build the state for the plan: one DomainSpec per domain, then names, profiles and placement per task. */
export function buildReplayState(plan: ReplayPlan, o: ReplayOptions, checker: Checker | null): HvState {
  const specs: DomainSpec[] = plan.domains.map((d) => ({ profile: d.profile, vcpus: d.vcpus.length, weight: 256, cap: 0 }));
  const seconds = Math.max(plan.facts.spanSeconds, 1e-6);
  const design = designFor(o.design, o.contract);
  const st = buildState({ arch: o.arch, design, sched: scripted, pcpus: plan.pcpus, domains: specs, seconds, observer: checker, tracer: o.tracer ?? null, mutations: o.mutations, contract: o.contract });
  invariant(st.vcpus.length === plan.pcpus + plan.tasks.length, 'buildState makes one vcpu per DomainSpec vcpu after the idle vcpus');
  plan.domains.forEach((d, i) => {
    (st.domains[i] as Mutable<Domain>).name = d.name;
  });
  for (const t of plan.tasks) {
    const v = st.vcpus[t.vcpu] as Mutable<Vcpu>;
    invariant(v.domain === t.domain, `vcpu ${t.vcpu} belongs to domain ${t.domain}`);
    v.name = t.name;
    v.profile = profileIndex(t.profile);
    v.processor = t.firstCpu;
    v.wakePcpu = t.firstCpu;
  }
  return st;
}

export function replayPlan(plan: ReplayPlan, o: ReplayOptions): ReplayResult {
  const checker = o.checker === false ? null : new Checker({ watchdogSeconds: o.watchdogSeconds });
  const st = buildReplayState(plan, o, checker);
  const hz = o.arch.spec.clockHz;
  const P = plan.pcpus;
  const facts: ReplayFacts = { switchesReplayed: 0, migrations: 0, wakes: 0, inconsistencies: { prevMismatch: 0, nextRunningElsewhere: 0, alreadyRunning: 0 }, maxLagUs: 0, wordsMoved: 0 };
  let steps = 0;
  const apply = (c: Parameters<typeof applyChoice>[1]) => {
    applyChoice(st, c);
    steps++;
  };

  /** Guest code on p runs until time `t` (cycles), then does `op`. */
  const guestUntil = (p: number, t: number, op: number) => {
    const pc = st.pcpus[p];
    apply({ k: 'guest', p, len: Math.max(0, t - pc.clock), op, arg: op === GUEST_OP.BLOCK ? Infinity : 0, irq: p });
  };

  /** Take pcpu q's oldest IPI; guest code there runs until it arrives. */
  const takeIpi = (q: number) => {
    const pc = st.pcpus[q];
    if (pc.phase === PHASE.GUEST && pc.ipis[0].at > pc.clock) guestUntil(q, pc.ipis[0].at, GUEST_OP.NONE);
    apply({ k: 'ipi', p: q });
  };

  /** Run every pcpu's pending steps (IPIs first: IRQs are on at every step boundary) until all are in guest code or idle. */
  const settle = () => {
    for (let guard = 0; ; guard++) {
      let progress = false;
      for (let p = 0; p < P; p++) {
        const pc = st.pcpus[p];
        if (pc.ipis.length) {
          takeIpi(p);
          progress = true;
        } else if (canRun(pc)) {
          apply({ k: 'run', p });
          progress = true;
        }
      }
      if (!progress) break;
      invariant(guard < 100_000, 'the replay settles every pcpu within 100000 steps');
    }
    // A pcpu still in the hypervisor now waits for something no step will bring (an
    // acknowledgement that never comes): a liveness violation, and the replay cannot go on.
    const stuck: number[] = [];
    for (let p = 0; p < P; p++) if (st.pcpus[p].phase !== PHASE.GUEST && st.pcpus[p].phase !== PHASE.IDLE) stuck.push(p);
    if (stuck.length) {
      st.cfg.observer?.onDeadlock?.(st, stuck);
      throw new ReplayStalled(stuck);
    }
  };

  /**
   * The idle loop on p notices SCHEDULE_SOFTIRQ (Xen idle_loop(): do_softirq() when
   * softirq_pending). In the traced system whoever made next runnable raised it (a resched IPI
   * from the waker, a newidle balance); the trace does not say who, so it is raised here, at t.
   */
  const raiseSoftirqOnIdle = (p: number, t: number) => {
    const pc = st.pcpus[p];
    pc.clock = Math.max(pc.clock, t);
    pc.softirq = true;
    pc.phase = PHASE.SOFTIRQ;
    st.cfg.observer?.onTouch?.(st, p);
  };

  /**
   * Per vcpu: the clock of the pcpu that last switched it out, when that switch ended. Pcpu
   * clocks are only loosely synchronised (each runs ahead by its own hypervisor work), so a vcpu
   * the trace moves from a lagging pcpu to another cannot start there before it left the first:
   * the new pcpu's switch happens at max(trace time, freeAt) — schedule() could not have picked
   * it while it was still is_running.
   */
  const freeAt = new Float64Array(st.vcpus.length);

  /**
   * Under the contracts of 2005 (hv/contract: no deferred migration, no load balancing) a vcpu
   * changed pcpu only while paused: vcpu_pause() synced it — sync_lazy_execstate_cpu(), a flush IPI
   * to the pcpu still holding its state lazily — then it moved (02bf186308 dom0_ops.c
   * DOM0_PINCPUDOMAIN; control.ts). A trace's migration is carried out that way there, the flush
   * sent at the migration's trace time `t` on behalf of pcpu c; xen-x86-lazy-2005, with no pull of
   * its own, relies on it. Today's contract needs none: the switch pulls (1088bc0f6d).
   */
  const pauseSync = (v: number, c: number, t: number) => {
    const d = st.vcpus[v].dirtyPcpu;
    if (d === NONE || d === c) return;
    queueIpi(st, c, d, IPI_FLUSH, Math.max(t, st.pcpus[d].clock));
    st.metrics.ipis++;
    st.metrics.remoteSyncs++;
    settle();
  };

  /** Switch pcpu c to vcpu nv at time t0 (cycles, trace time); prev blocks when `block`. */
  const switchOn = (c: number, nv: number, t0: number, block: boolean) => {
    const pc = st.pcpus[c];
    const prev = pc.current;
    const t = nv === pc.idle ? t0 : Math.max(t0, freeAt[nv]);
    if (nv !== pc.idle && st.vcpus[nv].processor !== c && !st.cfg.contract.deferredMigration) pauseSync(nv, c, t);
    if (pc.phase === PHASE.GUEST) {
      guestUntil(c, t, block ? GUEST_OP.BLOCK : GUEST_OP.YIELD);
      if (pc.phase === PHASE.GUEST) {
        throw new UnsupportedError('replay-trace', `on ${o.arch.name} the hypercall exit path does not run softirqs, so a yield or block cannot reach schedule()`);
      }
    }
    setWanted(st, c, nv);
    if (nv !== pc.idle) {
      const v = st.vcpus[nv];
      if (v.processor !== c) {
        // vcpu_migrate() done by the replayed scheduler: the vcpu is not running (settled above).
        invariant(!v.isRunning, `${v.name} is moved to pcpu ${c} only while not running`);
        v.processor = c;
        st.metrics.migrations++;
        facts.migrations++;
      }
      if (v.runstate === RUNSTATE.BLOCKED) {
        // The trace switches it in, so it was woken: an interrupt on c at t wakes it (vcpu_wake()).
        v.wakeAt = t;
        v.wakePcpu = c;
        apply({ k: 'wake', v: nv });
        facts.wakes++;
      }
    }
    if (pc.phase === PHASE.IDLE) raiseSoftirqOnIdle(c, t);
    settle();
    invariant(pc.current === nv, `pcpu ${c} switched to ${st.vcpus[nv].name} as the trace says (it runs ${st.vcpus[pc.current].name})`);
    freeAt[prev] = pc.clock;
    const lag = (pc.clock - t0) / hz;
    if (lag * 1e6 > facts.maxLagUs) facts.maxLagUs = lag * 1e6;
  };

  /** The whole replay; a stall (settle) ends it early. */
  const replayAll = () => {
    // Before the trace: the tasks already running when it starts are switched in at time 0, with
    // the tracer detached (a timeline starts with them running) and the metrics reset after.
    const tracer = st.cfg.tracer;
    st.cfg.tracer = null;
    for (let p = 0; p < P; p++) {
      const v = plan.initial[p];
      if (v === p) continue;
      st.vcpus[v].processor = p;
      setWanted(st, p, v);
    }
    settle();
    st.metrics = newMetrics();
    st.cfg.tracer = tracer;

    const n = plan.cpu.length;
    for (let i = 0; i < n; i++) {
      const c = plan.cpu[i];
      const t = plan.time[i] * hz;
      const nv = plan.next[i];
      const pc = st.pcpus[c];
      settle();
      if (pc.current === nv) {
        facts.inconsistencies.alreadyRunning++;
        continue;
      }
      const prevMatches = pc.current === plan.prev[i];
      if (!prevMatches) facts.inconsistencies.prevMismatch++;
      if (nv >= P && st.vcpus[nv].isRunning) {
        // The trace lost this task's switch-out on another pcpu: switch it out there first.
        facts.inconsistencies.nextRunningElsewhere++;
        const q = st.pcpus.findIndex((x) => x.current === nv);
        invariant(q >= 0 && q !== c, `${st.vcpus[nv].name} is running on another pcpu`);
        switchOn(q, st.pcpus[q].idle, t, false);
      }
      switchOn(c, nv, t, prevMatches && plan.prevSlept[i] === 1);
      facts.switchesReplayed++;
      if (o.onProgress && (i & 4095) === 4095) o.onProgress(i / n);
    }
    settle();
  };
  try {
    replayAll();
  } catch (e) {
    if (!(e instanceof ReplayStalled)) throw e;
    facts.stalled = { atSwitch: facts.switchesReplayed, pcpus: e.pcpus };
  }
  o.onProgress?.(1);
  o.onDone?.(st);
  const r = summarise(st, steps, checker);
  facts.maxLagUs = Number(facts.maxLagUs.toFixed(3));
  facts.wordsMoved = r.metrics.wordsSaved + r.metrics.wordsRestored;
  // Named as asked, with the form that ran (as runOne does: xen-x86-lazy runs as xen-x86-lazy-2005 under 2005-08).
  if (st.cfg.design !== o.design) return { ...r, design: o.design.name, form: st.cfg.design.name, replay: facts };
  return { ...r, replay: facts };
}
