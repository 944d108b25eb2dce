/**
 * @module machine/cframe: a C frame on a hypervisor stack. Its prologue saved the callee-saved
 * registers the function uses (arch.cframes.functions[fn].regs) into these slots; its epilogue
 * restores them. Between the two, those registers hold the hypervisor's values — and the slots
 * may hold a guest's, which is the whole of the seed's problem.
 */
export interface CFrame {
  /** Index into arch.cframes.functions. */
  readonly fn: number;
  /** Plain arrays, not typed ones: frames come and go on every exception, and small plain arrays are far cheaper to allocate. */
  val: number[];
  own: number[];
}

export function cloneCFrame(f: CFrame): CFrame {
  return { fn: f.fn, val: f.val.slice(), own: f.own.slice() };
}
