/**
 * @module web/locate: where a vcpu's current value of a register lives, as data the view can
 * colour and label — the same places, in the same words, as the checker's messages
 * (src/check/locate.ts): a pcpu's registers, the exception frame on a pcpu's stack, a named C
 * frame on a pcpu's stack or on a vcpu's own stack, a saved switch context, a save area.
 * Imports only the public API (src/index.ts).
 */
import type { HvState } from '../index.ts';

export type PlaceKind = 'reg' | 'frame' | 'cframe' | 'area' | 'vframe' | 'vcframe' | 'ctx';

export interface Place {
  kind: PlaceKind;
  /** The pcpu whose registers or stack hold it (-1: a vcpu's own memory). */
  pcpu: number;
  /** The vcpu whose save area or stack holds it (-1: a pcpu's). */
  vcpu: number;
  /** C frames: the function's name. */
  fn: string | null;
  /** As the checker words it ("the C frame of schedule() on pcpu 3's stack", without "the"). */
  label: string;
  /** A few characters for a chip. */
  short: string;
}

/** Every place that holds `token` for register r right now (check/locate.ts, as data). */
export function placesOf(st: HvState, r: number, token: number): Place[] {
  const out: Place[] = [];
  const fns = st.cfg.arch.cframes.functions;
  for (const pc of st.pcpus) {
    const p = pc.id;
    if (pc.regs.val[r] === token) out.push({ kind: 'reg', pcpu: p, vcpu: -1, fn: null, label: `registers of pcpu ${p}`, short: `pcpu ${p} register` });
    if (pc.frameValid[r] && pc.frame.val[r] === token) out.push({ kind: 'frame', pcpu: p, vcpu: -1, fn: null, label: `exception frame on pcpu ${p}'s stack`, short: `pcpu ${p} exc. frame` });
    for (const f of pc.cframes) {
      const i = fns[f.fn].regs.indexOf(r);
      if (i >= 0 && f.val[i] === token) out.push({ kind: 'cframe', pcpu: p, vcpu: -1, fn: fns[f.fn].name, label: `C frame of ${fns[f.fn].name}() on pcpu ${p}'s stack`, short: `C frame ${fns[f.fn].name}() · pcpu ${p}` });
    }
  }
  for (const v of st.vcpus) {
    if (!v.isIdle && v.area.val[r] === token) out.push({ kind: 'area', pcpu: -1, vcpu: v.id, fn: null, label: `save area of ${v.name}`, short: `save area of ${v.name}` });
    if (v.stack) {
      if (v.stack.frameValid[r] && v.stack.frame.val[r] === token) out.push({ kind: 'vframe', pcpu: -1, vcpu: v.id, fn: null, label: `exception frame on ${v.name}'s stack`, short: `${v.name}'s stack: exc. frame` });
      for (const f of v.stack.cframes) {
        const i = fns[f.fn].regs.indexOf(r);
        if (i >= 0 && f.val[i] === token) out.push({ kind: 'vcframe', pcpu: -1, vcpu: v.id, fn: fns[f.fn].name, label: `C frame of ${fns[f.fn].name}() on ${v.name}'s stack`, short: `${v.name}'s stack: ${fns[f.fn].name}()` });
      }
      if (v.stack.ctx.val[r] === token && st.cfg.arch.cframes.allocation.includes(r)) out.push({ kind: 'ctx', pcpu: -1, vcpu: v.id, fn: null, label: `${v.name}'s saved switch context`, short: `${v.name}'s switch context` });
    }
  }
  return out;
}

/**
 * Whether vcpu v's value of r is where the design resumes it from (its save area, or what
 * SwitchDesign.savedValue says), or held lazily on pcpu p where a sync can commit it — the
 * checker's test at contextSaved (invariant 3), shown as a hint; the checker is the judge.
 */
export function commitState(st: HvState, p: number, v: number, r: number): 'committed' | 'held' | 'not-committed' {
  const vc = st.vcpus[v];
  const want = vc.shadow[r];
  const saved = st.cfg.design.savedValue;
  if ((saved ? saved(st, v, r) : vc.area.val[r]) === want) return 'committed';
  const pc = st.pcpus[p];
  const a = st.cfg.arch;
  const live = pc.frameValid[r] ? pc.frame.val[r] : pc.regs.val[r];
  if (pc.loaded[a.regClass[r]] === v && vc.dirtyPcpu === p && live === want) return 'held';
  return 'not-committed';
}

/** Register indices as compact ranges of names: r14–r23, r27, cr2–cr4. */
export function rangeList(names: readonly string[], idx: number[]): string {
  const sorted = [...idx].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1 && samePrefix(names[sorted[j + 1]], names[sorted[i]])) j++;
    parts.push(j > i ? `${names[sorted[i]]}–${names[sorted[j]]}` : names[sorted[i]]);
    i = j + 1;
  }
  return parts.join(', ');
}

function samePrefix(a: string, b: string): boolean {
  const pa = /^[a-z]+/i.exec(a)?.[0] ?? a;
  const pb = /^[a-z]+/i.exec(b)?.[0] ?? b;
  return pa === pb && /\d$/.test(a) && /\d$/.test(b);
}
