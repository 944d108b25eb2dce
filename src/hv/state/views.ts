/**
 * @module hv/state/views: the pcpu and vcpu objects of a flat state — named accessors over their
 * words of the state's buffer (hv/state/layout: struct pcpu, struct vcpu, their times), plus
 * the register files as views of the same buffer and the lists not yet in it. They implement
 * HvPcpu and Vcpu exactly, so designs, schedulers, the core and the checker read and write
 * `pc.phase` or `v.processor` as before; a boolean is a 0/1 word. The field order of each
 * accessor block is the layout's (PI, PF, VI, VF); hv/state's test checks the two agree.
 */
import type { CFrame, PendingIpi, RegStore } from '../../machine/index.ts';
import type { HvPcpu, Vcpu, VcpuStack } from '../model.ts';

export class FlatPcpu implements HvPcpu {
  /** This pcpu's struct pcpu words and struct pcpu_times doubles in the state's buffer. */
  readonly i: Int32Array;
  readonly f: Float64Array;
  constructor(
    readonly id: number,
    i: Int32Array,
    f: Float64Array,
    public regs: RegStore,
    public frame: RegStore,
    public frameValid: Uint8Array,
    public loaded: Int32Array,
    public ipis: PendingIpi[],
    public cframes: CFrame[],
    public deferredAcks: number[],
    public ctlQueue: number[],
    public ctlPaused: number[],
  ) {
    this.i = i;
    this.f = f;
  }
  get idle(): number {
    return this.id;
  }
  get current(): number {
    return this.i[0];
  }
  set current(x: number) {
    this.i[0] = x;
  }
  get phase(): number {
    return this.i[1];
  }
  set phase(x: number) {
    this.i[1] = x;
  }
  get prev(): number {
    return this.i[2];
  }
  set prev(x: number) {
    this.i[2] = x;
  }
  get next(): number {
    return this.i[3];
  }
  set next(x: number) {
    this.i[3] = x;
  }
  get waitPcpu(): number {
    return this.i[4];
  }
  set waitPcpu(x: number) {
    this.i[4] = x;
  }
  get softirq(): boolean {
    return this.i[5] !== 0;
  }
  set softirq(x: boolean) {
    this.i[5] = x ? 1 : 0;
  }
  get lockHeld(): boolean {
    return this.i[6] !== 0;
  }
  set lockHeld(x: boolean) {
    this.i[6] = x ? 1 : 0;
  }
  get notFinalised(): boolean {
    return this.i[7] !== 0;
  }
  set notFinalised(x: boolean) {
    this.i[7] = x ? 1 : 0;
  }
  get entryPath(): number {
    return this.i[8];
  }
  set entryPath(x: number) {
    this.i[8] = x;
  }
  get pendingNvFrom(): number {
    return this.i[9];
  }
  set pendingNvFrom(x: number) {
    this.i[9] = x;
  }
  get pendingNvTo(): number {
    return this.i[10];
  }
  set pendingNvTo(x: number) {
    this.i[10] = x;
  }
  get ctlOp(): number {
    return this.i[11];
  }
  set ctlOp(x: number) {
    this.i[11] = x;
  }
  get ctlTarget(): number {
    return this.i[12];
  }
  set ctlTarget(x: number) {
    this.i[12] = x;
  }
  get ctlArg(): number {
    return this.i[13];
  }
  set ctlArg(x: number) {
    this.i[13] = x;
  }
  get unitEnabled(): number {
    return this.i[14];
  }
  set unitEnabled(x: number) {
    this.i[14] = x;
  }
  get unitOwner(): number {
    return this.i[15];
  }
  set unitOwner(x: number) {
    this.i[15] = x;
  }
  get xrstorFrom(): number {
    return this.i[16];
  }
  set xrstorFrom(x: number) {
    this.i[16] = x;
  }
  get ptbase(): number {
    return this.i[17];
  }
  set ptbase(x: number) {
    this.i[17] = x;
  }
  get online(): boolean {
    return this.i[18] !== 0;
  }
  set online(x: boolean) {
    this.i[18] = x ? 1 : 0;
  }
  get clock(): number {
    return this.f[0];
  }
  set clock(x: number) {
    this.f[0] = x;
  }
  get ackAt(): number {
    return this.f[1];
  }
  set ackAt(x: number) {
    this.f[1] = x;
  }
  get lockAt(): number {
    return this.f[2];
  }
  set lockAt(x: number) {
    this.f[2] = x;
  }
  get timerAt(): number {
    return this.f[3];
  }
  set timerAt(x: number) {
    this.f[3] = x;
  }
  get nextTick(): number {
    return this.f[4];
  }
  set nextTick(x: number) {
    this.f[4] = x;
  }
  get sliceEnd(): number {
    return this.f[5];
  }
  set sliceEnd(x: number) {
    this.f[5] = x;
  }
  /** Every field by name (what JSON.stringify and the tests' field-by-field comparisons see). */
  toJSON(): object {
    return { id: this.id, clock: this.clock, regs: this.regs, frame: this.frame, frameValid: this.frameValid, ptbase: this.ptbase, ipis: this.ipis, online: this.online, current: this.current, loaded: this.loaded, idle: this.idle, phase: this.phase, prev: this.prev, next: this.next, waitPcpu: this.waitPcpu, ackAt: this.ackAt, softirq: this.softirq, lockHeld: this.lockHeld, lockAt: this.lockAt, notFinalised: this.notFinalised, entryPath: this.entryPath, timerAt: this.timerAt, nextTick: this.nextTick, sliceEnd: this.sliceEnd, cframes: this.cframes, deferredAcks: this.deferredAcks, pendingNvFrom: this.pendingNvFrom, pendingNvTo: this.pendingNvTo, ctlOp: this.ctlOp, ctlTarget: this.ctlTarget, ctlArg: this.ctlArg, ctlQueue: this.ctlQueue, ctlPaused: this.ctlPaused, unitEnabled: this.unitEnabled, unitOwner: this.unitOwner, xrstorFrom: this.xrstorFrom };
  }
}

export class FlatVcpu implements Vcpu {
  /** This vcpu's struct vcpu words and struct vcpu_times doubles in the state's buffer. */
  readonly i: Int32Array;
  readonly f: Float64Array;
  constructor(
    readonly id: number,
    readonly domain: number,
    readonly name: string,
    readonly isIdle: boolean,
    readonly profile: number,
    i: Int32Array,
    f: Float64Array,
    public area: RegStore,
    public shadow: Uint32Array,
    public stack: VcpuStack | null,
  ) {
    this.i = i;
    this.f = f;
  }
  get runstate(): number {
    return this.i[0];
  }
  set runstate(x: number) {
    this.i[0] = x;
  }
  get isRunning(): boolean {
    return this.i[1] !== 0;
  }
  set isRunning(x: boolean) {
    this.i[1] = x ? 1 : 0;
  }
  get processor(): number {
    return this.i[2];
  }
  set processor(x: number) {
    this.i[2] = x;
  }
  get dirtyPcpu(): number {
    return this.i[3];
  }
  set dirtyPcpu(x: number) {
    this.i[3] = x;
  }
  get pauseCount(): number {
    return this.i[4];
  }
  set pauseCount(x: number) {
    this.i[4] = x;
  }
  get migrating(): boolean {
    return this.i[5] !== 0;
  }
  set migrating(x: boolean) {
    this.i[5] = x ? 1 : 0;
  }
  get wakePcpu(): number {
    return this.i[6];
  }
  set wakePcpu(x: number) {
    this.i[6] = x;
  }
  get writeCursor(): number {
    return this.i[7];
  }
  set writeCursor(x: number) {
    this.i[7] = x;
  }
  get unitDirty(): number {
    return this.i[8];
  }
  set unitDirty(x: number) {
    this.i[8] = x;
  }
  get unitUsed(): number {
    return this.i[9];
  }
  set unitUsed(x: number) {
    this.i[9] = x;
  }
  get unitLastCpu(): number {
    return this.i[10];
  }
  set unitLastCpu(x: number) {
    this.i[10] = x;
  }
  get unitCounters(): number {
    return this.i[11];
  }
  set unitCounters(x: number) {
    this.i[11] = x;
  }
  get xstateBv(): number {
    return this.i[12];
  }
  set xstateBv(x: number) {
    this.i[12] = x;
  }
  get wakeAt(): number {
    return this.f[0];
  }
  set wakeAt(x: number) {
    this.f[0] = x;
  }
  get guestCycles(): number {
    return this.f[1];
  }
  set guestCycles(x: number) {
    this.f[1] = x;
  }
  get affinity(): number {
    return this.f[2];
  }
  set affinity(x: number) {
    this.f[2] = x;
  }
  /** Every field by name (what JSON.stringify and the tests' field-by-field comparisons see). */
  toJSON(): object {
    return { id: this.id, domain: this.domain, name: this.name, isIdle: this.isIdle, runstate: this.runstate, isRunning: this.isRunning, processor: this.processor, dirtyPcpu: this.dirtyPcpu, pauseCount: this.pauseCount, migrating: this.migrating, area: this.area, shadow: this.shadow, wakeAt: this.wakeAt, wakePcpu: this.wakePcpu, profile: this.profile, writeCursor: this.writeCursor, affinity: this.affinity, guestCycles: this.guestCycles, stack: this.stack, unitDirty: this.unitDirty, unitUsed: this.unitUsed, unitLastCpu: this.unitLastCpu, unitCounters: this.unitCounters, xstateBv: this.xstateBv };
  }
}

/** The accessor names of FlatPcpu and FlatVcpu in word order, for the layout test. */
export const PCPU_I32_NAMES = ['current', 'phase', 'prev', 'next', 'waitPcpu', 'softirq', 'lockHeld', 'notFinalised', 'entryPath', 'pendingNvFrom', 'pendingNvTo', 'ctlOp', 'ctlTarget', 'ctlArg', 'unitEnabled', 'unitOwner', 'xrstorFrom', 'ptbase', 'online'];
export const PCPU_F64_NAMES = ['clock', 'ackAt', 'lockAt', 'timerAt', 'nextTick', 'sliceEnd'];
export const VCPU_I32_NAMES = ['runstate', 'isRunning', 'processor', 'dirtyPcpu', 'pauseCount', 'migrating', 'wakePcpu', 'writeCursor', 'unitDirty', 'unitUsed', 'unitLastCpu', 'unitCounters', 'xstateBv'];
export const VCPU_F64_NAMES = ['wakeAt', 'guestCycles', 'affinity'];
