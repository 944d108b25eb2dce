/**
 * @module machine/regstore: a place that holds register values — a pcpu's register file, an
 * exception frame, a C frame's save slots, a vcpu's save area. Values are 32-bit tokens (each
 * guest write makes a fresh one); every slot also carries the id of the domain that owns the
 * value, or HV_OWNER for the hypervisor, so a lost or leaked value can be named.
 */

/** Owner id of hypervisor values (idle vcpus, C code scratch). Guest domains are 0..n-1. */
export const HV_OWNER = -1;
/** Owner id of a slot that holds nothing meaningful (a cleared frame slot). */
export const NO_OWNER = -2;

export interface RegStore {
  val: Uint32Array;
  own: Int16Array;
}

export function newRegStore(nregs: number, owner = NO_OWNER): RegStore {
  const s = { val: new Uint32Array(nregs), own: new Int16Array(nregs) };
  s.own.fill(owner);
  return s;
}

export function cloneRegStore(s: RegStore): RegStore {
  return { val: s.val.slice(), own: s.own.slice() };
}

/** Copy the listed registers from one place to another. */
export function copyRegs(src: RegStore, dst: RegStore, regs: ArrayLike<number>): void {
  for (let i = 0; i < regs.length; i++) {
    const r = regs[i];
    dst.val[r] = src.val[r];
    dst.own[r] = src.own[r];
  }
}

/** Copy a contiguous register range [start, end). */
export function copyRange(src: RegStore, dst: RegStore, start: number, end: number): void {
  dst.val.set(src.val.subarray(start, end), start);
  dst.own.set(src.own.subarray(start, end), start);
}

/** Overwrite the listed registers with a hypervisor-owned token (C code using them as scratch). */
export function clobber(dst: RegStore, regs: ArrayLike<number>, token: number): void {
  for (let i = 0; i < regs.length; i++) {
    const r = regs[i];
    dst.val[r] = token;
    dst.own[r] = HV_OWNER;
  }
}
