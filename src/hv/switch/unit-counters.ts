/**
 * @module hv/switch/unit-counters: small per-vcpu counters for the unit designs that keep one —
 * Linux powerpc's `thread.load_fp` / `thread.load_vec` (power-giveup-loadfp) and the adaptive
 * design's run of stints that used a unit (adaptive).
 *
 * Where they live: `vcpu.unitCounters` (hv/model), a word set aside for the unit designs and never
 * read by the core. A counter is a bit field of it, starting at bit 0. The word is a plain number,
 * so cloneState copies it, and canonicalWords hashes it, so determinism, step purity and the
 * explorer all see the counters.
 *
 * Class dirty bits stay in `vcpu.unitDirty`; clearDirty() clears some of them.
 */
import type { HvState } from '../model.ts';

/** Usable bits of vcpu.unitCounters: 0..30 (bit 31 would make the number negative). */
const COUNTER_BITS = 31;

/** A counter: `bits` wide, starting at bit `at` of vcpu.unitCounters. */
export interface CounterField {
  readonly at: number;
  readonly bits: number;
}

function shiftOf(f: CounterField): number {
  if (f.at < 0 || f.bits < 1 || f.at + f.bits > COUNTER_BITS) throw new Error(`unit counter field {at: ${f.at}, bits: ${f.bits}} does not fit in bits 0..${COUNTER_BITS - 1} of vcpu.unitCounters`);
  return f.at;
}

/** Read counter f of vcpu v. */
export function getCounter(st: HvState, v: number, f: CounterField): number {
  return (st.vcpus[v].unitCounters >>> shiftOf(f)) & ((1 << f.bits) - 1);
}

/** Set counter f of vcpu v to x, truncated to its width (a u8 field wraps 256 to 0, as C's u8 does). */
export function setCounter(st: HvState, v: number, f: CounterField, x: number): void {
  const s = shiftOf(f);
  const m = ((1 << f.bits) - 1) << s;
  const vc = st.vcpus[v];
  vc.unitCounters = (vc.unitCounters & ~m) | ((x << s) & m);
}

/** Clear the dirty bits of the classes in `mask` (a bitmask by class index) of vcpu v. */
export function clearDirty(st: HvState, v: number, mask: number): void {
  st.vcpus[v].unitDirty &= ~mask;
}
