/**
 * @module sim/build: the composition root of one run. It turns a scenario plus one design into
 * the initial HvState: pcpus, one idle vcpu per pcpu (vcpu ids 0..P-1), guest vcpus placed
 * round robin over the pcpus, their save areas filled with initial values of their own domain,
 * and the scheduler's state.
 */
import type { Arch } from '../arch/index.ts';
import { ENTRY_PATHS } from '../arch/index.ts';
import { UnsupportedError } from '../base/index.ts';
import { newPcpu, newRegStore } from '../machine/index.ts';
import { PROFILES, profileIndex, profileRegs } from '../guest/index.ts';
import { NONE, PHASE, RUNSTATE, newMetrics, type HvConfig, type HvPcpu, type HvState, type Vcpu, type Domain, type HvObserver, type HvTracer, type Mutations } from '../hv/index.ts';
import { callChain, CONTRACTS, DEFAULT_CONTRACT, type ContractName, type SwitchDesign, type Scheduler } from '../hv/index.ts';
import type { DomainSpec } from '../scenario/index.ts';

export interface BuildOptions {
  arch: Arch;
  design: SwitchDesign;
  sched: Scheduler;
  pcpus: number;
  domains: DomainSpec[];
  seconds: number;
  observer?: HvObserver | null;
  tracer?: HvTracer | null;
  mutations?: Mutations;
  /** The scheduler-interface generation (hv/contract); default today's, 2006-01-07. */
  contract?: ContractName;
}

const TICK_MS = 10;

export function buildState(o: BuildOptions): HvState {
  const ok = o.design.supports(o.arch);
  if (ok !== true) throw new UnsupportedError(o.design.name, `does not support ${o.arch.name}: ${ok}`);
  const arch = o.arch;
  const entrySaves = ENTRY_PATHS.map((p) => o.design.entrySaves(arch, p));
  const cfg: HvConfig = {
    arch,
    design: o.design,
    sched: o.sched,
    contract: CONTRACTS[o.contract ?? DEFAULT_CONTRACT],
    profiles: PROFILES,
    entrySaves,
    entryWords: entrySaves.map((s) => arch.words(s)),
    entryClobbers: entrySaves.map((s) => Int32Array.from(new Set([...s, ...arch.hvCallerSaved])).sort()),
    profileRegs: PROFILES.map((p) => profileRegs(arch, p)),
    endCycles: o.seconds * arch.spec.clockHz,
    tickCycles: (arch.spec.clockHz * TICK_MS) / 1000,
    observer: o.observer ?? null,
    tracer: o.tracer ?? null,
    mutations: o.mutations,
  };
  const nclasses = arch.classes.length;
  const allAff = o.pcpus >= 31 ? -1 >>> 0 : (1 << o.pcpus) - 1;
  const vcpus: Vcpu[] = [];
  for (let p = 0; p < o.pcpus; p++) vcpus.push(newVcpu(arch, p, NONE, `idle${p}`, true, 0, p, allAff));
  const domains: Domain[] = [];
  let token = 1;
  let place = 0;
  o.domains.forEach((d, di) => {
    const ids: number[] = [];
    const prof = profileIndex(d.profile);
    for (let k = 0; k < d.vcpus; k++) {
      const v = newVcpu(arch, vcpus.length, di, `d${di + 1}v${k}`, false, prof, place++ % o.pcpus, allAff);
      // Initial register values belong to the guest: the first thing it reads must be its own.
      for (let r = 0; r < arch.nregs; r++) {
        v.area.val[r] = token;
        v.area.own[r] = di;
        v.shadow[r] = token++;
      }
      ids.push(v.id);
      vcpus.push(v);
    }
    domains.push({ id: di, name: `d${di + 1}`, weight: d.weight, cap: d.cap, profile: d.profile, vcpus: ids });
  });
  const pcpus: HvPcpu[] = [];
  for (let p = 0; p < o.pcpus; p++) {
    pcpus.push({
      ...newPcpu(p, arch.nregs),
      current: p,
      loaded: new Int32Array(nclasses).fill(p),
      idle: p,
      phase: PHASE.SOFTIRQ, // every pcpu starts in its idle loop with a schedule pending
      prev: NONE,
      next: NONE,
      waitPcpu: NONE,
      ackAt: NONE,
      softirq: true,
      lockHeld: false,
      lockAt: 0,
      notFinalised: false,
      entryPath: NONE,
      timerAt: Infinity,
      nextTick: 0,
      sliceEnd: Infinity,
      cframes: [],
      deferredAcks: [],
      pendingNvFrom: NONE,
      pendingNvTo: NONE,
      ctlOp: NONE,
      ctlTarget: NONE,
      ctlArg: 0,
      ctlQueue: [],
      ctlPaused: [],
      unitEnabled: ~0,
      unitOwner: NONE,
      xrstorFrom: NONE,
    });
  }
  for (let p = 0; p < o.pcpus; p++) vcpus[p].isRunning = true;
  if (o.design.stack === 'per-vcpu') {
    // A guest vcpu that never ran "returns" into continue_new_vcpu → reset_stack_and_jump to
    // the exit path, which restores its whole frame: the frame starts out holding everything.
    for (const v of vcpus) {
      if (v.isIdle) continue;
      const frame = newRegStore(arch.nregs);
      const frameValid = new Uint8Array(arch.nregs);
      for (const r of arch.hvRegs) {
        frame.val[r] = v.area.val[r];
        frame.own[r] = v.area.own[r];
        frameValid[r] = 1;
      }
      v.stack = { frame, frameValid, cframes: [], ctx: newRegStore(arch.nregs) };
    }
  }
  const st: HvState = { cfg, pcpus, vcpus, domains, schedData: null, step: 0, nextToken: token, metrics: newMetrics() };
  st.schedData = o.sched.init(st);
  // Every pcpu boots into its idle loop.
  for (let p = 0; p < o.pcpus; p++) callChain(st, p, arch.cframes.idle);
  st.metrics = newMetrics();
  return st;
}

function newVcpu(arch: Arch, id: number, domain: number, name: string, isIdle: boolean, profile: number, processor: number, affinity: number): Vcpu {
  return {
    id,
    domain,
    name,
    isIdle,
    runstate: isIdle ? RUNSTATE.RUNNING : RUNSTATE.RUNNABLE,
    isRunning: false,
    processor,
    dirtyPcpu: NONE,
    pauseCount: 0,
    migrating: false,
    area: newRegStore(arch.nregs),
    shadow: new Uint32Array(arch.nregs),
    wakeAt: Infinity,
    wakePcpu: processor,
    profile,
    writeCursor: 0,
    affinity,
    guestCycles: 0,
    stack: null,
    unitDirty: 0,
    unitUsed: 0,
    unitLastCpu: NONE,
    unitCounters: 0,
    xstateBv: 0,
  };
}
