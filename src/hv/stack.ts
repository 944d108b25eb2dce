/**
 * @module hv/stack: calls and returns of the hypervisor's C functions on a pcpu's current stack.
 * callC runs a function's prologue (save the callee-saved registers it uses into its frame, then
 * use them: hypervisor values); returnC runs its epilogue (restore them). resetStack is Xen's
 * reset_stack_and_jump(): the frames are abandoned, not returned through.
 */
import { hvToken, HV_OWNER, type CFrame } from '../machine/index.ts';
import { charge } from './ops.ts';
import type { HvState } from './model.ts';

export function callC(st: HvState, p: number, fn: number): void {
  const pc = st.pcpus[p];
  const regs = st.cfg.arch.cframes.functions[fn].regs;
  const n = regs.length;
  const f: CFrame = { fn, val: new Array<number>(n), own: new Array<number>(n) };
  const tok = hvToken(p);
  for (let i = 0; i < n; i++) {
    const r = regs[i];
    f.val[i] = pc.regs.val[r];
    f.own[i] = pc.regs.own[r];
    pc.regs.val[r] = tok;
    pc.regs.own[r] = HV_OWNER;
  }
  pc.cframes.push(f);
  if (n) charge(st, p, 'cframes', n * st.cfg.arch.spec.cost.copyPerWord.cycles);
}

export function callChain(st: HvState, p: number, chain: Int32Array): void {
  for (let i = 0; i < chain.length; i++) callC(st, p, chain[i]);
}

export function returnC(st: HvState, p: number): void {
  const pc = st.pcpus[p];
  const f = pc.cframes.pop()!;
  const regs = st.cfg.arch.cframes.functions[f.fn].regs;
  for (let i = 0; i < regs.length; i++) {
    pc.regs.val[regs[i]] = f.val[i];
    pc.regs.own[regs[i]] = f.own[i];
  }
  if (regs.length) charge(st, p, 'cframes', regs.length * st.cfg.arch.spec.cost.copyPerWord.cycles);
}

/** Return through frames until `depth` remain. */
export function unwindTo(st: HvState, p: number, depth: number): void {
  while (st.pcpus[p].cframes.length > depth) returnC(st, p);
}

/** reset_stack_and_jump(): abandon every frame on the stack. */
export function resetStack(st: HvState, p: number): void {
  st.pcpus[p].cframes.length = 0;
}

/** Number of frames the idle loop keeps at the base of its stack. */
export function idleDepth(st: HvState): number {
  return st.cfg.arch.cframes.idle.length;
}
