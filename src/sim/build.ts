/**
 * @module sim/build: the composition root of one run. It turns a scenario plus one design into
 * the initial HvState: pcpus, one idle vcpu per pcpu (vcpu ids 0..P-1), guest vcpus placed
 * round robin over the pcpus, their save areas filled with initial values of their own domain,
 * and the scheduler's state.
 */
import type { Arch } from '../arch/index.ts';
import { ENTRY_PATHS } from '../arch/index.ts';
import { UnsupportedError } from '../base/index.ts';
import { HV_OWNER, NO_OWNER, type RegStore } from '../machine/index.ts';
import { PROFILES, profileIndex, profileRegs } from '../guest/index.ts';
import { NONE, PHASE, RUNSTATE, newMetrics, type HvConfig, type HvPcpu, type HvState, type Vcpu, type Domain, type HvObserver, type HvTracer, type Mutations } from '../hv/index.ts';
import { FlatPcpu, FlatVcpu, newHomes, pcpuSlot, pcpuWords, stateLayout, vcpuSlot, vcpuWords } from '../hv/index.ts';
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
  // The flat state (hv/state/layout): one buffer for every scalar and register file.
  const P = o.pcpus;
  const V = P + o.domains.reduce((n, d) => n + d.vcpus, 0);
  const stacked = o.design.stack === 'per-vcpu';
  const layout = stateLayout(P, V, arch.nregs, nclasses, (v) => stacked && v >= P);
  const buf = new ArrayBuffer(layout.bytes);
  const home = newHomes(layout, buf);
  const store = (b: number, owner: number): RegStore => {
    const s = { val: home[b] as Uint32Array, own: home[b + 1] as Int16Array };
    s.own.fill(owner);
    return s;
  };
  const newVcpu = (id: number, domain: number, name: string, isIdle: boolean, profile: number, processor: number): FlatVcpu => {
    const b = vcpuSlot(P, id);
    const w = vcpuWords(layout, buf, id);
    const v = new FlatVcpu(id, domain, name, isIdle, profile, w.i, w.f, store(b, NO_OWNER), home[b + 2] as Uint32Array, null);
    v.runstate = isIdle ? RUNSTATE.RUNNING : RUNSTATE.RUNNABLE;
    v.isRunning = false;
    v.processor = processor;
    v.dirtyPcpu = NONE;
    v.pauseCount = 0;
    v.migrating = false;
    v.wakeAt = Infinity;
    v.wakePcpu = processor;
    v.writeCursor = 0;
    v.affinity = allAff;
    v.guestCycles = 0;
    v.unitDirty = 0;
    v.unitUsed = 0;
    v.unitLastCpu = NONE;
    v.unitCounters = 0;
    v.xstateBv = 0;
    return v;
  };
  const vcpus: Vcpu[] = [];
  for (let p = 0; p < P; p++) vcpus.push(newVcpu(p, NONE, `idle${p}`, true, 0, p));
  const domains: Domain[] = [];
  let token = 1;
  let place = 0;
  o.domains.forEach((d, di) => {
    const ids: number[] = [];
    const prof = profileIndex(d.profile);
    for (let k = 0; k < d.vcpus; k++) {
      const v = newVcpu(vcpus.length, di, `d${di + 1}v${k}`, false, prof, place++ % P);
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
  for (let p = 0; p < P; p++) {
    const b = pcpuSlot(p);
    const w = pcpuWords(layout, buf, p);
    const loaded = home[b + 5] as Int32Array;
    loaded.fill(p);
    const pc = new FlatPcpu(p, w.i, w.f, store(b, HV_OWNER), store(b + 2, NO_OWNER), home[b + 4] as Uint8Array, loaded, [], [], [], [], []);
    pc.clock = 0;
    pc.ptbase = HV_OWNER;
    pc.online = true;
    pc.current = p;
    pc.phase = PHASE.SOFTIRQ; // every pcpu starts in its idle loop with a schedule pending
    pc.prev = NONE;
    pc.next = NONE;
    pc.waitPcpu = NONE;
    pc.ackAt = NONE;
    pc.softirq = true;
    pc.lockHeld = false;
    pc.lockAt = 0;
    pc.notFinalised = false;
    pc.entryPath = NONE;
    pc.timerAt = Infinity;
    pc.nextTick = 0;
    pc.sliceEnd = Infinity;
    pc.pendingNvFrom = NONE;
    pc.pendingNvTo = NONE;
    pc.ctlOp = NONE;
    pc.ctlTarget = NONE;
    pc.ctlArg = 0;
    pc.unitEnabled = ~0;
    pc.unitOwner = NONE;
    pc.xrstorFrom = NONE;
    pcpus.push(pc);
  }
  for (let p = 0; p < P; p++) vcpus[p].isRunning = true;
  if (stacked) {
    // A guest vcpu that never ran "returns" into continue_new_vcpu → reset_stack_and_jump to
    // the exit path, which restores its whole frame: the frame starts out holding everything.
    for (const v of vcpus) {
      if (v.isIdle) continue;
      const b = vcpuSlot(P, v.id);
      const frame = store(b + 3, NO_OWNER);
      const frameValid = home[b + 5] as Uint8Array;
      for (const r of arch.hvRegs) {
        frame.val[r] = v.area.val[r];
        frame.own[r] = v.area.own[r];
        frameValid[r] = 1;
      }
      v.stack = { frame, frameValid, cframes: [], ctx: store(b + 6, NO_OWNER) };
    }
  }
  const st: HvState = { cfg, layout, buf, pcpus, vcpus, domains, schedData: null, step: 0, nextToken: token, metrics: newMetrics() };
  st.schedData = o.sched.init(st);
  // Every pcpu boots into its idle loop.
  for (let p = 0; p < o.pcpus; p++) callChain(st, p, arch.cframes.idle);
  st.metrics = newMetrics();
  return st;
}
