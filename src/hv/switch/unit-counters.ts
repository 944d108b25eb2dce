/**
 * @module hv/switch/unit-counters: small per-vcpu counters for the unit designs that keep one —
 * Linux powerpc's `thread.load_fp` / `thread.load_vec` (power-giveup-loadfp) and the adaptive
 * design's run of stints that used a unit (adaptive).
 *
 * Where they live: the model has no per-vcpu field set aside for a design's own counters, so
 * they are packed into `vcpu.unitDirty` above its class bits. That word is the designs' to
 * clear (hv/model); the core only ORs class bits into it on a guest write (doGuest), never reads
 * or clears the rest. It is a plain number, so cloneState copies it, and canonicalWords hashes
 * the whole word, so determinism, step purity and the explorer all see the counters.
 *
 * Rules for a design that uses them: clear class bits only with clearDirty(), never by assigning
 * the whole word; decline an architecture whose classes reach COUNTER_BASE (countersFit()).
 * A dedicated per-vcpu field in hv/model would be cleaner; this keeps the core untouched.
 */
import type { Arch } from '../../arch/index.ts';
import type { HvState } from '../model.ts';

/** First bit of the counter space: class bits stay below it. Bits COUNTER_BASE..30 are free (23 bits). */
export const COUNTER_BASE = 8;

/** A counter: `bits` wide, `at` bits above COUNTER_BASE. */
export interface CounterField {
  readonly at: number;
  readonly bits: number;
}

/** True when the architecture's class bits stay below the counter space, or why not. */
export function countersFit(arch: Arch): true | string {
  return arch.classes.length <= COUNTER_BASE ? true : `keeps per-vcpu counters above the class bits of vcpu.unitDirty: needs at most ${COUNTER_BASE} register classes, ${arch.name} has ${arch.classes.length}`;
}

function shiftOf(f: CounterField): number {
  if (f.at < 0 || f.bits < 1 || COUNTER_BASE + f.at + f.bits > 31) throw new Error(`unit counter field {at: ${f.at}, bits: ${f.bits}} does not fit in bits ${COUNTER_BASE}..30 of vcpu.unitDirty`);
  return COUNTER_BASE + f.at;
}

/** Read counter f of vcpu v. */
export function getCounter(st: HvState, v: number, f: CounterField): number {
  return (st.vcpus[v].unitDirty >>> shiftOf(f)) & ((1 << f.bits) - 1);
}

/** Set counter f of vcpu v to x, truncated to its width (a u8 field wraps 256 to 0, as C's u8 does). */
export function setCounter(st: HvState, v: number, f: CounterField, x: number): void {
  const s = shiftOf(f);
  const m = ((1 << f.bits) - 1) << s;
  const vc = st.vcpus[v];
  vc.unitDirty = (vc.unitDirty & ~m) | ((x << s) & m);
}

/** Clear the dirty bits of the classes in `mask` (a bitmask by class index), keeping the counters. */
export function clearDirty(st: HvState, v: number, mask: number): void {
  st.vcpus[v].unitDirty &= ~mask;
}
