/**
 * @module hv/switch/saved-values: the contract between a design's two answers to "what does
 * vcpu v get back when it resumes": savedValues (every register at once, what the checker
 * judges invariants 3 and 8 with) must equal savedValue (one register, what a report's
 * locator and a person ask) everywhere. The conformance suites call this on states of a run.
 */
import type { HvState } from '../model.ts';

/** The first disagreement in `st` (for every vcpu and register), as a sentence; null if none or if the design has no savedValues. */
export function savedValuesMismatch(st: HvState): string | null {
  const d = st.cfg.design;
  if (!d.savedValues) return null;
  if (!d.savedValue) return `${d.name} defines savedValues but not savedValue`;
  const a = st.cfg.arch;
  const out = new Uint32Array(a.nregs);
  for (const vc of st.vcpus) {
    d.savedValues(st, vc.id, out);
    for (let r = 0; r < a.nregs; r++) {
      const one = d.savedValue(st, vc.id, r);
      if (out[r] !== one) return `${vc.name} ${a.regNames[r]} after ${st.step} steps: savedValues gives ${out[r]}, savedValue ${one}`;
    }
  }
  return null;
}
