/**
 * @module explore/sleep: sleep sets (Godefroid 1996) over one class of transitions — the guest
 * steps that stay on their pcpu — with the state-caching rule that makes sleep sets sound in a
 * search with a visited set.
 *
 * Independence. A "local" guest step on pcpu p is a guest choice whose op is run-on, a null
 * hypercall, the guest's own timer, a device interrupt (or a yield, when the scheduler has no
 * yield hook). It writes p's registers, exception frame and C frames, p's phase and softirq
 * flag, and its current vcpu v's shadow and write cursor; when it returns to the guest the
 * checker reads exactly those. Two such steps on different pcpus p and q commute (up to the
 * token numbering, which the canonical state abstracts), neither disables the other, and each
 * one's checker verdict is the same in both orders — provided their vcpus differ and neither is
 * current, prev or next on another pcpu (a broken design can run one vcpu on two pcpus: then the
 * steps share a shadow and are not independent). That condition is tested in every state.
 * No other pair is declared independent.
 *
 * Sleep sets then skip a transition t in a state reached by u when t was explored before u in
 * the parent and t, u are independent there: t·u and u·t reach the same state with the same
 * verdicts. With a visited set this alone would be unsound (a state reached first with t asleep,
 * later without, would never explore t), so each visited state stores the sleep set it was
 * expanded with and, when reached again with a smaller one, explores the difference and keeps
 * the intersection. States that are their own image under a non-trivial symmetry sleep nothing.
 * The stored sleep set is the value of the state's slot in the explorer's visited table
 * (explore/fingerprints.ts), so sleep sets cost no memory of their own.
 */
import type { HvState } from '../hv/index.ts';
import { PHASE } from '../hv/index.ts';
import type { Choice, Renaming } from '../sim/index.ts';
import { FingerprintTable } from './fingerprints.ts';

const LOCAL_OPS_BASE = (1 << 0) | (1 << 1) | (1 << 4) | (1 << 5);
const YIELD = 2;

export interface Redo {
  /** Local transitions (bits) to explore; every other transition was explored already. */
  only: number;
  sleep: number;
}

/** Whether a search uses sleep sets: with reductions, under no preemption bound (a re-queued state's counts would need them per count) and on at most 3 pcpus (8 bits a pcpu in a 32-bit set). */
export function sleepSetsOn(reduction: boolean, preemptions: number, pcpus: number): boolean {
  return reduction && !Number.isFinite(preemptions) && pcpus <= 3;
}

export class SleepSets {
  slept = 0;
  private readonly ops: number;
  /** `stored`: the visited table whose slots' values hold the sleep sets (store, revisit take a slot of it). */
  constructor(readonly on: boolean, schedHasYield: boolean, private readonly stored: FingerprintTable = new FingerprintTable(16)) {
    this.ops = LOCAL_OPS_BASE | (schedHasYield ? 0 : 1 << YIELD);
  }

  /** The bit of a local guest choice (0 when the choice is not one). */
  bit(c: Choice): number {
    if (!this.on || c.k !== 'guest' || !((this.ops >>> c.op) & 1)) return 0;
    return 1 << (c.p * 8 + c.op);
  }

  /** Pcpus whose local guest steps are independent of every other pcpu's: in guest code, its vcpu nowhere else. */
  okMask(st: HvState): number {
    if (!this.on) return 0;
    let m = 0;
    const ps = st.pcpus;
    for (const pc of ps) {
      if (pc.phase !== PHASE.GUEST) continue;
      const v = pc.current;
      let alone = true;
      for (const q of ps) if (q !== pc && (q.current === v || q.prev === v || q.next === v)) alone = false;
      if (alone) m |= 1 << pc.id;
    }
    return m;
  }

  asleep(sleep: number, c: Choice): boolean {
    return (sleep & this.bit(c)) !== 0;
  }

  /** Sleep set of the state reached by c: what was asleep or explored before c here, and is independent of c. */
  childSleep(ok: number, sleep: number, explored: number, c: Choice): number {
    const b = this.bit(c);
    if (!b || c.k !== 'guest' || !((ok >>> c.p) & 1)) return 0;
    let z = (sleep | explored) & ~(0xff << (c.p * 8));
    // Keep only steps of pcpus whose steps are independent here.
    for (let q = 0; q * 8 < 31; q++) if (!((ok >>> q) & 1)) z &= ~(0xff << (q * 8));
    return z;
  }

  private rename(mask: number, m: Int32Array): number {
    let out = 0;
    for (let p = 0; p < m.length && p * 8 < 31; p++) {
      const byte = (mask >>> (p * 8)) & 0xff;
      if (byte) out |= byte << (m[p] * 8);
    }
    return out;
  }

  /** First visit: remember the sleep set (in the canonical frame) the state is expanded with. Returns the sleep set to use. */
  store(slot: number, sleep: number, ren: Renaming, ties: number): number {
    if (!this.on) return 0;
    const z = ties > 1 ? 0 : sleep;
    this.stored.setValue(slot, this.rename(z, ren.p));
    return z;
  }

  /** A visited state reached again with `sleep`: what must still be explored from it (null: nothing). */
  revisit(slot: number, sleep: number, ren: Renaming, ties: number): Redo | null {
    if (!this.on) return null;
    const zs = this.stored.value(slot);
    if (!zs) return null;
    const z = ties > 1 ? 0 : this.rename(sleep, ren.p);
    const missing = zs & ~z;
    if (!missing) return null;
    this.stored.setValue(slot, zs & z);
    return { only: this.rename(missing, ren.pInv), sleep: this.rename(zs & z, ren.pInv) };
  }
}
