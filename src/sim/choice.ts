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
