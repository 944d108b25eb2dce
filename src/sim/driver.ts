/**
 * @module sim/driver: the seeded random driver. It keeps a local clock per pcpu and acts like a
 * discrete-event simulator — the pcpu with the earliest next event acts — except that pcpus
 * whose next events fall within a small window of each other are picked in random order, so
 * runs explore interleavings of near-simultaneous steps. Guest behaviour (run length, hypercalls,
 * yields, blocks, guest timer interrupts) is drawn from each vcpu's profile with a PRNG stream
 * of that vcpu's own, so every design sees the same sequence of guest behaviour for one seed and
 * the comparison is fair; the interleaving draws use another stream. Every draw goes into the
 * Choice it produces, so a run is exactly reproducible from the seed or the choices.
 */
import { Rng } from '../base/index.ts';
import { GUEST_OP, NONE, PHASE, RUNSTATE, irqsOff, type HvState } from '../hv/index.ts';
import { applyChoice, canRun } from './step.ts';
import type { Choice } from './choice.ts';

export interface DriveOptions {
  seed: number;
  /**
   * Control operations (getvcpucontext, setvcpucontext, set_affinity) per second issued by the
   * first domain's vcpus — the toolstack's domain. Default 0.
   */
  controlHz?: number;
  /** Pcpus whose next events lie within this many seconds of the earliest are interleaved randomly. */
  windowSeconds?: number;
  /** Stop after this many steps (a budget), in addition to the simulated end time. */
  maxSteps?: number;
  /** Called every ~65k steps with the fraction of simulated time done. */
  onProgress?: (fraction: number) => void;
  /** Record every choice taken (for replay strings). */
  record?: Choice[];
  /** Stop as soon as this returns true (e.g. the first violation). */
  stop?: () => boolean;
}

/**
 * Per pcpu, the earliest I/O completion due there (time and vcpu; Infinity / NONE if none): one
 * pass over the vcpus for all pcpus, made at most once a step and only when a pcpu needs it
 * (one that idles or spins, or the one that acts). Ties go to the lower vcpu id.
 */
function scanWakes(st: HvState, at: Float64Array, who: Int32Array): void {
  for (let p = 0; p < at.length; p++) {
    at[p] = Infinity;
    who[p] = NONE;
  }
  for (const v of st.vcpus) {
    if (v.runstate !== RUNSTATE.BLOCKED) continue;
    const p = v.wakePcpu;
    if (p >= 0 && v.wakeAt < at[p]) {
      at[p] = v.wakeAt;
      who[p] = v.id;
    }
  }
}

/** When pcpu p next has something to do (Infinity: nothing until another pcpu acts); `wake(p)`: its earliest I/O completion. */
function nextTime(st: HvState, p: number, wake: (p: number) => number): number {
  const pc = st.pcpus[p];
  if (pc.phase === PHASE.GUEST || canRun(pc, st)) return pc.clock;
  if (irqsOff(st, pc)) return Infinity;
  // A pcpu in the idle loop, or spinning in the hypervisor (flush or pause wait), takes its interrupts.
  const t = Math.min(pc.ipis.length ? pc.ipis[0].at : Infinity, pc.timerAt, wake(p));
  return t === Infinity ? t : Math.max(t, pc.clock);
}

/** Run the state forward until the simulated end time (or a budget); returns the steps taken. */
export function drive(st: HvState, o: DriveOptions): number {
  const rng = new Rng(o.seed);
  const vrng = st.vcpus.map((v) => new Rng((o.seed * 0x9e3779b1 + (v.id + 1) * 0x85ebca6b) >>> 0));
  const work: (GuestWork | null)[] = st.vcpus.map(() => null);
  const hz = st.cfg.arch.spec.clockHz;
  const window = (o.windowSeconds ?? 2e-6) * hz;
  const end = st.cfg.endCycles;
  const maxSteps = o.maxSteps ?? Infinity;
  const P = st.pcpus.length;
  const times = new Float64Array(P);
  const cand = new Int32Array(P);
  const wakeAt = new Float64Array(P);
  const wakeWho = new Int32Array(P);
  let scanned = false;
  const wake = (p: number): number => {
    if (!scanned) {
      scanWakes(st, wakeAt, wakeWho);
      scanned = true;
    }
    return wakeAt[p];
  };
  let steps = 0;
  while (steps < maxSteps) {
    let tmin = Infinity;
    scanned = false;
    for (let p = 0; p < P; p++) {
      times[p] = nextTime(st, p, wake);
      if (times[p] < tmin) tmin = times[p];
    }
    if (tmin === Infinity) {
      // Nothing can ever happen again. Fine if every pcpu idles with nothing to wake it; a pcpu
      // spinning for an acknowledgement that cannot come is a deadlock: tell the observer.
      const stuck = st.pcpus.filter((pc) => pc.phase === PHASE.SYNC_WAIT || pc.phase === PHASE.CTL_SYNC || pc.phase === PHASE.CTL_WAIT);
      if (stuck.length) st.cfg.observer?.onDeadlock?.(st, stuck.map((pc) => pc.id));
      break;
    }
    if (tmin >= end) break;
    let n = 0;
    for (let p = 0; p < P; p++) if (times[p] <= tmin + window && times[p] < end) cand[n++] = p;
    const p = cand[n === 1 ? 0 : rng.int(n)];
    const c = chooseFor(st, p, times[p], wake, wakeWho, work, vrng, end, o.controlHz ?? 0);
    o.record?.push(c);
    applyChoice(st, c);
    steps++;
    if (o.onProgress && (steps & 0xffff) === 0) o.onProgress(Math.min(1, tmin / end));
    if (o.stop?.()) break;
  }
  return steps;
}

/** A guest's next piece of work: it runs `remaining` more cycles of guest code, then does `op`. */
interface GuestWork {
  remaining: number;
  op: number;
  arg: number;
  irq: number;
}

/**
 * Draw a vcpu's next piece of guest work from its profile. The work is fixed when drawn: an
 * interrupt that cuts it short leaves the rest for the next time the vcpu runs, so each vcpu
 * executes the same program under every design and only the hypervisor's overhead moves it.
 */
function drawWork(st: HvState, v: number, rng: Rng, controlHz: number): GuestWork {
  const vc = st.vcpus[v];
  const prof = st.cfg.profiles[vc.profile];
  const hz = st.cfg.arch.spec.clockHz;
  const remaining = Math.max(1, Math.round(rng.exp((prof.segmentUs * hz) / 1e6)));
  if (controlHz > 0 && vc.domain === 0) {
    // The toolstack: its share of the machine-wide control rate, per segment of its own.
    const perVcpu = controlHz / st.domains[0].vcpus.length;
    if (rng.float() < (perVcpu * prof.segmentUs) / 1e6) {
      const targets = st.vcpus.filter((x) => !x.isIdle && x.id !== v);
      const target = targets[rng.int(targets.length)]?.id ?? v;
      // getvcpucontext, setvcpucontext and set_affinity alike; now and then a cpu_down/cpu_up
      // toggle, a domain_pause, or a domain_destroy (its slot reborn as a fresh domain).
      const u = rng.float();
      const op = u < 0.06 ? 3 : u < 0.1 ? 4 : u < 0.12 ? 5 : rng.int(3);
      const arg = op === 2 || op === 3 ? rng.int(st.pcpus.length) : op >= 4 ? rng.int(st.domains.length) : 0;
      return { remaining, op: GUEST_OP.CONTROL, arg: target, irq: op | (arg << 4) };
    }
  }
  const u = rng.float();
  let op: number = GUEST_OP.NONE;
  let arg = 0;
  let irq = NONE;
  if (u < prof.pBlock) {
    op = GUEST_OP.BLOCK;
    arg = Math.max(1, Math.round(rng.exp((prof.blockUs * hz) / 1e6)));
    // The I/O completion arrives as an event-channel interrupt on some pcpu (the backend's or the
    // device's), which calls vcpu_wake() there: half the time the vcpu's own pcpu, else any.
    irq = rng.float() < 0.5 ? NONE : rng.int(st.pcpus.length);
  } else if (u < prof.pBlock + prof.pYield) op = GUEST_OP.YIELD;
  else if (u < prof.pBlock + prof.pYield + prof.pHypercall) op = GUEST_OP.HYPERCALL;
  else if (rng.float() < (prof.decHz * prof.segmentUs) / 1e6) op = GUEST_OP.TIMER;
  else if (rng.float() < (prof.extHz * prof.segmentUs) / 1e6) op = GUEST_OP.EXTERNAL;
  return { remaining, op, arg, irq };
}

/** Pcpu p's step at time t; `wake(p)` / `wakeWho[p]`: its earliest I/O completion (scanWakes). */
function chooseFor(st: HvState, p: number, t: number, wake: (p: number) => number, wakeWho: Int32Array, work: (GuestWork | null)[], vrng: Rng[], end: number, controlHz: number): Choice {
  const pc = st.pcpus[p];
  if (!irqsOff(st, pc)) {
    if (pc.ipis.length && pc.ipis[0].at <= t) return { k: 'ipi', p };
    if (pc.timerAt <= t) return { k: 'timer', p };
    if (wake(p) <= t && wakeWho[p] !== NONE) return { k: 'wake', v: wakeWho[p] };
  }
  if (canRun(pc, st)) return { k: 'run', p };
  // Guest code runs until its next event of its own, or until the pcpu's next interrupt.
  const v = pc.current;
  const job = (work[v] ??= drawWork(st, v, vrng[v], controlHz));
  const limit = Math.min(pc.timerAt, wake(p), pc.ipis.length ? pc.ipis[0].at : Infinity, end) - pc.clock;
  if (job.remaining > limit) {
    // Run up to (just past) the next interrupt; it is then due and taken next.
    const len = Math.max(1, Math.ceil(limit));
    job.remaining -= len;
    return { k: 'guest', p, len, op: GUEST_OP.NONE, arg: 0, irq: p };
  }
  work[v] = null;
  const irq = job.op === GUEST_OP.BLOCK && job.irq === NONE ? st.vcpus[v].processor : job.irq;
  return { k: 'guest', p, len: job.remaining, op: job.op, arg: job.arg, irq };
}
