/**
 * @module sim/choice: every nondeterministic decision as a value. A run is the initial state
 * plus a sequence of choices; the random driver draws them, the explorer enumerates them, a
 * replay string lists them. Text form (one token per choice): `r2` run pcpu 2's next
 * hypervisor step; `g1:LEN:OP:ARG:IRQ` guest code on pcpu 1 (IRQ: for a block, the pcpu that will take the
 * I/O completion interrupt); `t0` timer on pcpu 0; `w5` wake
 * vcpu 5; `i3` deliver pcpu 3's oldest IPI.
 */
import { InputError } from '../base/index.ts';

export type Choice =
  | { k: 'run'; p: number }
  | { k: 'guest'; p: number; len: number; op: number; arg: number; irq: number }
  | { k: 'timer'; p: number }
  | { k: 'wake'; v: number }
  | { k: 'ipi'; p: number };

export function choiceToString(c: Choice): string {
  switch (c.k) {
    case 'run':
      return `r${c.p}`;
    case 'guest':
      return `g${c.p}:${Math.round(c.len)}:${c.op}:${Math.round(c.arg)}:${c.irq}`;
    case 'timer':
      return `t${c.p}`;
    case 'wake':
      return `w${c.v}`;
    case 'ipi':
      return `i${c.p}`;
  }
}

export function parseChoice(tok: string, where: string): Choice {
  const m = /^([rtwig])(\d+)(?::(\d+):(\d+):(\d+):(-?\d+))?$/.exec(tok);
  if (!m || (m[1] === 'g') !== (m[3] !== undefined)) {
    throw new InputError('replay', [{ where, message: `"${tok}" is not a choice (r<pcpu>, g<pcpu>:<len>:<op>:<arg>:<irq>, t<pcpu>, w<vcpu>, i<pcpu>)` }]);
  }
  const n = Number(m[2]);
  switch (m[1]) {
    case 'r':
      return { k: 'run', p: n };
    case 't':
      return { k: 'timer', p: n };
    case 'w':
      return { k: 'wake', v: n };
    case 'i':
      return { k: 'ipi', p: n };
    default:
      return { k: 'guest', p: n, len: Number(m[3]), op: Number(m[4]), arg: Number(m[5]), irq: Number(m[6]) };
  }
}

// Packed choices (the explorer's path: one number a state instead of an object). Mixed radix,
// low to high: kind 3 bits (KINDS order), p (or v for a wake) 8 bits, and for a guest choice op
// 4 bits, len 8 bits, arg 12 bits, irq 16 bits — 51 bits, an exact integer in a double. Fields
// are non-negative integers within those widths for every choice `enabled` (sim/step.ts) offers:
// len 1, op 0..6, arg 0/1 or a vcpu id, irq a pcpu or op | (pcpu or domain) << 4.
const KINDS = ['run', 'guest', 'timer', 'wake', 'ipi'] as const;

function fits(x: number, limit: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < limit && !Object.is(x, -0);
}

/** The packed form of c, a non-negative integer below 2⁵¹; -1 when a field does not fit (the caller keeps such a choice whole). */
export function packChoice(c: Choice): number {
  const id = c.k === 'wake' ? c.v : c.p;
  if (!fits(id, 256)) return -1;
  const low = KINDS.indexOf(c.k) + 8 * id;
  if (c.k !== 'guest') return low;
  if (!fits(c.op, 16) || !fits(c.len, 256) || !fits(c.arg, 4096) || !fits(c.irq, 65536)) return -1;
  return low + 2048 * (c.op + 16 * (c.len + 256 * (c.arg + 4096 * c.irq)));
}

/** The choice packChoice packed into n (n ≥ 0): equal, field by field and in key order, to the one packed. */
export function unpackChoice(n: number): Choice {
  const k = n % 8;
  const id = Math.floor(n / 8) % 256;
  switch (k) {
    case 0:
      return { k: 'run', p: id };
    case 2:
      return { k: 'timer', p: id };
    case 3:
      return { k: 'wake', v: id };
    case 4:
      return { k: 'ipi', p: id };
  }
  if (k !== 1 || !(n >= 0)) throw new Error(`unpackChoice: ${n} is not a packed choice`);
  let r = Math.floor(n / 2048);
  const op = r % 16;
  r = Math.floor(r / 16);
  const len = r % 256;
  r = Math.floor(r / 256);
  const arg = r % 4096;
  const irq = Math.floor(r / 4096);
  return { k: 'guest', p: id, len, op, arg, irq };
}
