/**
 * @module hv/switch/unit-support: what every lazily switchable unit design (issue 6) does the
 * same way — it runs where the architecture has a unit, and it switches everything *but* the
 * units eagerly: the registers the hypervisor uses (every entry path saves them all) and every
 * other class that is not a unit (x86 segment bases, ppc64 SPRs, …). Only the units differ.
 */
import type { Arch } from '../../arch/index.ts';
import { unitMask, type HvState } from '../model.ts';
import { loadClass, loadHv, saveClass, saveHv } from '../ops.ts';

/** supports(): true where the architecture has an FP/vector class the hypervisor leaves alone. */
export function supportsUnits(arch: Arch): true | string {
  return unitMask(arch) ? true : `${arch.name} has no FP/vector class the hypervisor leaves alone`;
}

/** Save v's eagerly switched part from pcpu p: the hypervisor's registers and every class that is neither used by it nor a unit. */
export function saveNonUnits(st: HvState, p: number, v: number): void {
  saveHv(st, p, v);
  const units = unitMask(st.cfg.arch);
  for (const c of st.cfg.arch.classes) if (!c.hvUses && !(units & (1 << c.index))) saveClass(st, p, v, c.index);
}

/** Load v's eagerly switched part onto pcpu p (the caller has told the observer it loads v). */
export function loadNonUnits(st: HvState, p: number, v: number): void {
  loadHv(st, p, v);
  const units = unitMask(st.cfg.arch);
  for (const c of st.cfg.arch.classes) if (!c.hvUses && !(units & (1 << c.index))) loadClass(st, p, v, c.index);
}
