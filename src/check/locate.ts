/**
 * @module check/locate: where does a given value of register r live right now? Used to tell a
 * person where a guest's lost value was left: a pcpu's registers, an exception frame, a named C
 * frame on a pcpu's stack or on a vcpu's own stack, a saved switch context, a save area.
 */
import type { HvState } from '../hv/index.ts';
import type { CFrame } from '../machine/index.ts';

function inFrames(st: HvState, frames: CFrame[], r: number, token: number, where: string, out: string[]): void {
  const fns = st.cfg.arch.cframes.functions;
  for (const f of frames) {
    const i = fns[f.fn].regs.indexOf(r);
    if (i >= 0 && f.val[i] === token) out.push(`the C frame of ${fns[f.fn].name}() on ${where}`);
  }
}

export function locateValue(st: HvState, r: number, token: number): string[] {
  const out: string[] = [];
  for (const pc of st.pcpus) {
    if (pc.regs.val[r] === token) out.push(`the registers of pcpu ${pc.id}`);
    if (pc.frameValid[r] && pc.frame.val[r] === token) out.push(`the exception frame on pcpu ${pc.id}'s stack`);
    inFrames(st, pc.cframes, r, token, `pcpu ${pc.id}'s stack`, out);
  }
  for (const v of st.vcpus) {
    if (!v.isIdle && v.area.val[r] === token) out.push(`the save area of ${v.name}`);
    if (v.stack) {
      if (v.stack.frameValid[r] && v.stack.frame.val[r] === token) out.push(`the exception frame on ${v.name}'s stack`);
      inFrames(st, v.stack.cframes, r, token, `${v.name}'s stack`, out);
      if (v.stack.ctx.val[r] === token && st.cfg.arch.cframes.allocation.includes(r)) out.push(`${v.name}'s saved switch context`);
    }
  }
  return out;
}

export function ownerName(st: HvState, own: number): string {
  if (own === -1) return 'the hypervisor';
  if (own < 0) return 'no one (an empty slot)';
  return st.domains[own]?.name ?? `domain ${own}`;
}
