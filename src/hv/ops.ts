/**
 * @module hv/ops: the primitive state movements a switch design is built from, each charging
 * its cost (arch cost model) and counting words and bytes. Designs call only these, so every
 * design is measured the same way.
 */
import { copyRegs, clobber, hvToken, HV_OWNER } from '../machine/index.ts';
import type { HvState, Metrics } from './model.ts';

type CycleKind = keyof Metrics['cyclesBy'];

/** Charge `cycles` of hypervisor work to pcpu p: its clock advances and the metric grows. */
export function charge(st: HvState, p: number, kind: CycleKind, cycles: number): void {
  st.pcpus[p].clock += cycles;
  st.metrics.cycles += cycles;
  st.metrics.cyclesBy[kind] += cycles;
}

function countMove(st: HvState, regs: ArrayLike<number>, saved: boolean): void {
  const a = st.cfg.arch;
  let w = 0;
  let b = 0;
  for (let i = 0; i < regs.length; i++) {
    w += a.regWords[regs[i]];
    b += a.regBytes[regs[i]];
  }
  if (saved) st.metrics.wordsSaved += w;
  else st.metrics.wordsRestored += w;
  st.metrics.bytesMoved += b;
}

/** Save vcpu v's integer (hypervisor-used) registers: from the frame where entry saved them, else from the registers. */
export function saveHv(st: HvState, p: number, v: number): void {
  const pc = st.pcpus[p];
  const area = st.vcpus[v].area;
  const a = st.cfg.arch;
  const hv = a.hvRegs;
  for (let i = 0; i < hv.length; i++) {
    const r = hv[i];
    const src = pc.frameValid[r] ? pc.frame : pc.regs;
    area.val[r] = src.val[r];
    area.own[r] = src.own[r];
  }
  countMove(st, hv, true);
  for (const c of a.classes) if (c.hvUses) charge(st, p, 'save', c.saveCycles);
}

/** Save only what the exception frame holds (a design that trusts the frame to be complete). */
export function saveFrameOnly(st: HvState, p: number, v: number): void {
  const pc = st.pcpus[p];
  const area = st.vcpus[v].area;
  const saved: number[] = [];
  for (const r of st.cfg.arch.hvRegs) {
    if (!pc.frameValid[r]) continue;
    area.val[r] = pc.frame.val[r];
    area.own[r] = pc.frame.own[r];
    saved.push(r);
  }
  countMove(st, saved, true);
  charge(st, p, 'save', saved.length * st.cfg.arch.spec.cost.copyPerWord.cycles);
}

/** Load vcpu v's integer registers into the exception frame, so the exit path restores them all. */
export function loadHv(st: HvState, p: number, v: number): void {
  const pc = st.pcpus[p];
  const a = st.cfg.arch;
  copyRegs(st.vcpus[v].area, pc.frame, a.hvRegs);
  for (let i = 0; i < a.hvRegs.length; i++) pc.frameValid[a.hvRegs[i]] = 1;
  countMove(st, a.hvRegs, false);
  for (const c of a.classes) if (c.hvUses) charge(st, p, 'restore', c.restoreCycles);
}

/** Save one non-hypervisor class (FP, vector, segment state) from the registers. */
export function saveClass(st: HvState, p: number, v: number, ci: number): void {
  const c = st.cfg.arch.classes[ci];
  const area = st.vcpus[v].area;
  const regs = st.pcpus[p].regs;
  for (let r = c.start; r < c.end; r++) {
    area.val[r] = regs.val[r];
    area.own[r] = regs.own[r];
  }
  st.metrics.wordsSaved += c.words;
  st.metrics.bytesMoved += c.bytes;
  charge(st, p, 'save', c.saveCycles);
}

export function loadClass(st: HvState, p: number, v: number, ci: number): void {
  const c = st.cfg.arch.classes[ci];
  const area = st.vcpus[v].area;
  const regs = st.pcpus[p].regs;
  for (let r = c.start; r < c.end; r++) {
    regs.val[r] = area.val[r];
    regs.own[r] = area.own[r];
  }
  st.metrics.wordsRestored += c.words;
  st.metrics.bytesMoved += c.bytes;
  charge(st, p, 'restore', c.restoreCycles);
}

/** Save every register of v: integer state (frame or registers) and every other class. */
export function saveAll(st: HvState, p: number, v: number): void {
  saveHv(st, p, v);
  for (const c of st.cfg.arch.classes) if (!c.hvUses) saveClass(st, p, v, c.index);
}

/** Load every register of v, telling the observer first (invariant 6 is judged there). */
export function loadAll(st: HvState, p: number, v: number): void {
  st.cfg.observer?.onLoad(st, p, v);
  loadHv(st, p, v);
  for (const c of st.cfg.arch.classes) if (!c.hvUses) loadClass(st, p, v, c.index);
}

/** Mark every class of pcpu p as holding v's values. */
export function setLoadedAll(st: HvState, p: number, v: number): void {
  st.pcpus[p].loaded.fill(v);
}

/** True when any class of pcpu p holds a vcpu other than `v`. */
export function loadedIsOnly(st: HvState, p: number, v: number): boolean {
  const l = st.pcpus[p].loaded;
  for (let i = 0; i < l.length; i++) if (l[i] !== v) return false;
  return true;
}

/**
 * write_ptbase(): switch page tables to domain d (HV_OWNER: the idle page table). A write to a
 * guest's page tables also costs the TLB refill of its working set (reference §6.3).
 */
export function writePtbase(st: HvState, p: number, d: number): void {
  const pc = st.pcpus[p];
  const as = st.cfg.arch.spec.addressSpace;
  pc.ptbase = d;
  st.metrics.addressSpaceSwitches++;
  charge(st, p, 'addressSpace', as.switch.cycles + (d === HV_OWNER ? 0 : as.refillPerPage.cycles * as.workingSetPages));
}

/** Hypervisor C code uses the listed registers as scratch. */
export function hvClobber(st: HvState, p: number, regs: ArrayLike<number>): void {
  clobber(st.pcpus[p].regs, regs, hvToken(p));
}

/**
 * The default exit path: every valid frame slot back into the registers, then the frame is
 * empty (the next entry fills it again; a stale slot must never pass for a saved one).
 */
export function restoreFrame(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  const hv = st.cfg.arch.hvRegs;
  for (let i = 0; i < hv.length; i++) {
    const r = hv[i];
    if (pc.frameValid[r]) {
      pc.regs.val[r] = pc.frame.val[r];
      pc.regs.own[r] = pc.frame.own[r];
    }
  }
  pc.frameValid.fill(0);
}

/** Save the listed registers of v, from the exception frame or from the registers. */
export function saveList(st: HvState, p: number, v: number, regs: Int32Array, fromFrame: boolean): void {
  const pc = st.pcpus[p];
  copyRegs(fromFrame ? pc.frame : pc.regs, st.vcpus[v].area, regs);
  countMove(st, regs, true);
  charge(st, p, 'save', regs.length * st.cfg.arch.spec.cost.copyPerWord.cycles);
}

/** Load the listed registers of v, into the exception frame (marking them valid) or the registers. */
export function loadList(st: HvState, p: number, v: number, regs: Int32Array, toFrame: boolean): void {
  const pc = st.pcpus[p];
  copyRegs(st.vcpus[v].area, toFrame ? pc.frame : pc.regs, regs);
  if (toFrame) for (let i = 0; i < regs.length; i++) pc.frameValid[regs[i]] = 1;
  countMove(st, regs, false);
  charge(st, p, 'restore', regs.length * st.cfg.arch.spec.cost.copyPerWord.cycles);
}
