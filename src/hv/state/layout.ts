/**
 * @module hv/state/layout: the flat state (issue 15 §1). Every state of a run, a replay or an
 * exploration keeps its scalars and its register files in ONE ArrayBuffer, laid out once per
 * configuration as below; the pcpu and vcpu objects (hv/state/views) are named accessors over
 * it. Copying a state is one `set` of that buffer plus the few variable-length lists that are
 * not in it yet (marked "list" below). Offsets are in 8-byte-aligned bytes.
 *
 *   struct state {                                  // P pcpus, V vcpus (0..P-1 idle), N regs, C classes
 *     double pcpuF64[P][PCPU_F64_WORDS];            // struct pcpu_times, below
 *     double vcpuF64[V][VCPU_F64_WORDS];            // struct vcpu_times
 *     int32  pcpuI32[P][PCPU_I32_WORDS];            // struct pcpu
 *     int32  vcpuI32[V][VCPU_I32_WORDS];            // struct vcpu
 *     struct { uint32 regs_val[N]; int16 regs_own[N];           // the register file (machine/regstore)
 *              uint32 frame_val[N]; int16 frame_own[N];         // cpu_user_regs on the per-pcpu stack
 *              uint8 frame_valid[N]; int32 loaded[C]; } pcpu_files[P];
 *     struct { uint32 area_val[N]; int16 area_own[N];           // struct vcpu's arch context
 *              uint32 shadow[N];                                // what the guest must read back
 *              // per-vcpu-stack designs, guest vcpus only (Xen ARM, ia64):
 *              uint32 stack_frame_val[N]; int16 stack_frame_own[N]; uint8 stack_frame_valid[N];
 *              uint32 stack_ctx_val[N]; int16 stack_ctx_own[N]; } vcpu_files[V];
 *   };
 *
 *   struct pcpu {               // who writes it
 *     int32 current;            // core doSwitch: set_current(next), under IRQs off
 *     int32 phase;              // core: where the pcpu stands between two steps (hv/model PHASE)
 *     int32 prev, next;         // core doSchedule: schedule()'s pick, for the switch
 *     int32 waitPcpu;           // core / control: whose flush acknowledgement this pcpu spins for
 *     int32 softirq;            // core, IPIs, timers: SCHEDULE_SOFTIRQ pending (0/1)
 *     int32 lockHeld;           // core, 2005 contracts only: schedule lock held across the switch (0/1)
 *     int32 notFinalised;       // designs, 2005-08 only: context_not_finalised (0/1)
 *     int32 entryPath;          // core enterFromGuest: the exception that entered the hypervisor
 *     int32 pendingNvFrom, pendingNvTo;  // designs (ppc-asm-exit-switch): the exit path's save/load
 *     int32 ctlOp, ctlTarget, ctlArg;    // hv/control: the domctl this pcpu carries out
 *     int32 unitEnabled;        // designs, core: lazily switchable units usable by the guest (bit per class)
 *     int32 unitOwner;          // linux-x86-deferred: fpu_fpregs_owner_ctx
 *     int32 xrstorFrom;         // hv/ops: XRSTOR_INFO, whose area the last full XRSTOR read
 *     int32 ptbase;             // core, designs: whose page tables are loaded (HV_OWNER: idle's)
 *     int32 online;             // hv/control cpu_down/cpu_up (0/1)
 *   };
 *   struct pcpu_times { double clock, ackAt, lockAt, timerAt, nextTick, sliceEnd; };  // core, IPIs, timers
 *   // list (JS arrays, on the pcpu object): ipis, cframes, deferredAcks, ctlQueue, ctlPaused
 *
 *   struct vcpu {               // who writes it
 *     int32 runstate;           // core: RUNSTATE (running, runnable, blocked, offline)
 *     int32 isRunning;          // core: set when picked under the schedule lock, cleared by context_saved (0/1)
 *     int32 processor;          // schedulers, control: whose runqueue; only while !isRunning
 *     int32 dirtyPcpu;          // designs: the pcpu holding its uncommitted state (v->dirty_cpu)
 *     int32 pauseCount;         // hv/control: vcpu_pause nesting
 *     int32 migrating;          // core, control: _VPF_migrating (0/1)
 *     int32 wakePcpu;           // core doGuest: where its I/O completion interrupts
 *     int32 writeCursor;        // core doGuest: the guest workload's next register
 *     int32 unitDirty, unitUsed;// core (set on a unit write), designs (clear): per unit class
 *     int32 unitLastCpu;        // unit designs: Linux fpu->last_cpu
 *     int32 unitCounters;       // unit designs: packed small counters (hv/switch/unit-counters)
 *     int32 xstateBv;           // hv/ops: XSTATE_BV of its save area's XSAVE header
 *   };
 *   struct vcpu_times { double wakeAt, guestCycles, affinity; };  // affinity: a bitmask kept as a double (it may be 2^32-1)
 *
 * Not in the buffer: the configuration (shared by reference), domains (never written during a
 * run), the scheduler's data, metrics, and the state's step and token counters (HvState fields).
 */
import { invariant } from '../../base/index.ts';

/** Word index of each int32 field of struct pcpu. */
export const PI = {
  current: 0,
  phase: 1,
  prev: 2,
  next: 3,
  waitPcpu: 4,
  softirq: 5,
  lockHeld: 6,
  notFinalised: 7,
  entryPath: 8,
  pendingNvFrom: 9,
  pendingNvTo: 10,
  ctlOp: 11,
  ctlTarget: 12,
  ctlArg: 13,
  unitEnabled: 14,
  unitOwner: 15,
  xrstorFrom: 16,
  ptbase: 17,
  online: 18,
} as const;
export const PCPU_I32_WORDS = 19;

/** Word index of each double of struct pcpu_times. */
export const PF = { clock: 0, ackAt: 1, lockAt: 2, timerAt: 3, nextTick: 4, sliceEnd: 5 } as const;
export const PCPU_F64_WORDS = 6;

/** Word index of each int32 field of struct vcpu. */
export const VI = {
  runstate: 0,
  isRunning: 1,
  processor: 2,
  dirtyPcpu: 3,
  pauseCount: 4,
  migrating: 5,
  wakePcpu: 6,
  writeCursor: 7,
  unitDirty: 8,
  unitUsed: 9,
  unitLastCpu: 10,
  unitCounters: 11,
  xstateBv: 12,
} as const;
export const VCPU_I32_WORDS = 13;

/** Word index of each double of struct vcpu_times. */
export const VF = { wakeAt: 0, guestCycles: 1, affinity: 2 } as const;
export const VCPU_F64_WORDS = 3;

export type Typed = Uint32Array | Int16Array | Uint8Array | Int32Array;
export type TypedKind = new (b: ArrayBufferLike, o: number, n: number) => Typed;

/**
 * The register files' *home slots*: pcpu p's arrays at pcpuSlot(p) + k for k in order regs
 * val, own, frame val, own, frameValid, loaded; vcpu v's at vcpuSlot(P, v) + k for area val,
 * own, shadow, then its stack's frame val, own, frameValid, ctx val, own (offset -1: no stack).
 */
export const PCPU_SLOTS = 6;
export const VCPU_SLOTS = 8;
export const pcpuSlot = (p: number) => PCPU_SLOTS * p;
export const vcpuSlot = (P: number, v: number) => PCPU_SLOTS * P + VCPU_SLOTS * v;

export interface StateLayout {
  readonly pcpus: number;
  readonly vcpus: number;
  readonly nregs: number;
  readonly nclasses: number;
  /** Total bytes of one state's buffer. */
  readonly bytes: number;
  /** Byte offsets of the four scalar regions. */
  readonly pcpuF64: number;
  readonly vcpuF64: number;
  readonly pcpuI32: number;
  readonly vcpuI32: number;
  /** Per home slot: byte offset (-1: empty), element count, element type. */
  readonly offset: Int32Array;
  readonly length: Int32Array;
  readonly kind: readonly TypedKind[];
}

const align8 = (x: number) => (x + 7) & ~7;

/**
 * The layout of a configuration: P pcpus, V vcpus (the first P idle), N registers, C register
 * classes; `stacked(v)` when vcpu v has its own hypervisor stack (per-vcpu-stack designs).
 */
export function stateLayout(P: number, V: number, N: number, C: number, stacked: (v: number) => boolean): StateLayout {
  invariant(V >= P, 'stateLayout: every pcpu has its idle vcpu');
  let at = 0;
  const region = (bytes: number) => {
    const o = at;
    at = align8(at + bytes);
    return o;
  };
  const pcpuF64 = region(P * PCPU_F64_WORDS * 8);
  const vcpuF64 = region(V * VCPU_F64_WORDS * 8);
  const pcpuI32 = region(P * PCPU_I32_WORDS * 4);
  const vcpuI32 = region(V * VCPU_I32_WORDS * 4);
  const n = vcpuSlot(P, V);
  const offset = new Int32Array(n).fill(-1);
  const length = new Int32Array(n);
  const kind: TypedKind[] = new Array(n).fill(Uint8Array);
  const put = (slot: number, K: TypedKind & { BYTES_PER_ELEMENT: number }, count: number) => {
    offset[slot] = region(count * K.BYTES_PER_ELEMENT);
    length[slot] = count;
    kind[slot] = K;
  };
  for (let p = 0; p < P; p++) {
    const b = pcpuSlot(p);
    put(b, Uint32Array, N);
    put(b + 1, Int16Array, N);
    put(b + 2, Uint32Array, N);
    put(b + 3, Int16Array, N);
    put(b + 4, Uint8Array, N);
    put(b + 5, Int32Array, C);
  }
  for (let v = 0; v < V; v++) {
    const b = vcpuSlot(P, v);
    put(b, Uint32Array, N);
    put(b + 1, Int16Array, N);
    put(b + 2, Uint32Array, N);
    if (!stacked(v)) continue;
    put(b + 3, Uint32Array, N);
    put(b + 4, Int16Array, N);
    put(b + 5, Uint8Array, N);
    put(b + 6, Uint32Array, N);
    put(b + 7, Int16Array, N);
  }
  return { pcpus: P, vcpus: V, nregs: N, nclasses: C, bytes: at, pcpuF64, vcpuF64, pcpuI32, vcpuI32, offset, length, kind };
}

/** The home view of slot i in `buf` (a new view object; null when the slot is empty). */
export function homeView(l: StateLayout, buf: ArrayBufferLike, i: number): Typed | null {
  return l.offset[i] < 0 ? null : new l.kind[i](buf, l.offset[i], l.length[i]);
}

/** Pcpu p's int32 words and doubles in `buf`. */
export function pcpuWords(l: StateLayout, buf: ArrayBufferLike, p: number): { i: Int32Array; f: Float64Array } {
  return { i: new Int32Array(buf, l.pcpuI32 + p * PCPU_I32_WORDS * 4, PCPU_I32_WORDS), f: new Float64Array(buf, l.pcpuF64 + p * PCPU_F64_WORDS * 8, PCPU_F64_WORDS) };
}

/** Vcpu v's int32 words and doubles in `buf`. */
export function vcpuWords(l: StateLayout, buf: ArrayBufferLike, v: number): { i: Int32Array; f: Float64Array } {
  return { i: new Int32Array(buf, l.vcpuI32 + v * VCPU_I32_WORDS * 4, VCPU_I32_WORDS), f: new Float64Array(buf, l.vcpuF64 + v * VCPU_F64_WORDS * 8, VCPU_F64_WORDS) };
}
