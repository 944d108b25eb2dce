/**
 * @module check/locate: where does a given value live right now? Used to tell a person where a
 * guest's lost value was left (a pcpu's registers, an exception frame, a save area).
 */
import type { HvState } from '../hv/index.ts';

export function locateValue(st: HvState, r: number, token: number): string[] {
  const out: string[] = [];
  for (const pc of st.pcpus) {
    if (pc.regs.val[r] === token) out.push(`the registers of pcpu ${pc.id}`);
    if (pc.frameValid[r] && pc.frame.val[r] === token) out.push(`the exception frame of pcpu ${pc.id}`);
  }
  for (const v of st.vcpus) if (!v.isIdle && v.area.val[r] === token) out.push(`the save area of ${v.name}`);
  return out;
}

export function ownerName(st: HvState, own: number): string {
  if (own === -1) return 'the hypervisor';
  if (own < 0) return 'no one (an empty slot)';
  return st.domains[own]?.name ?? `domain ${own}`;
}
